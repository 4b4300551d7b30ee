"""Recipients as stored in the table, validated, and whether today is their day.

Item attributes: recipient_id (key), name, email, birthday (`YYYY-MM-DD`, or `MM-DD` / `--MM-DD`
when the year is unknown), time_zone (optional IANA name; default DEFAULT_TIME_ZONE).

"Today" is the recipient's own calendar date at the moment of the scheduled run, so a recipient
in Auckland and one in Honolulu are each greeted on their birthday where they live.
A 29 February birthday is celebrated on 28 February in years without a 29 February.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduled_message.config import EMAIL

_BIRTHDAY = re.compile(r"^(?:(\d{4})-|--)?(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Recipient:
    recipient_id: str
    name: str
    email: str
    month: int
    day: int
    birth_year: int | None
    time_zone: ZoneInfo
    last_sent_on: str | None = None


class InvalidRecipientError(ValueError):
    """The item cannot be greeted as stored; someone has to fix the data."""


def parse_recipient(item: Mapping[str, Any], default_zone: ZoneInfo) -> Recipient:
    recipient_id = _text(item, "recipient_id")
    name = _text(item, "name")
    email = _text(item, "email")
    if not EMAIL.match(email):
        raise InvalidRecipientError(f"email is not an address: {email!r}")
    month, day, year = parse_birthday(_text(item, "birthday"))
    zone_name = item.get("time_zone")
    zone = default_zone
    if zone_name:
        try:
            zone = ZoneInfo(str(zone_name))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InvalidRecipientError(f"time_zone is not an IANA zone: {zone_name!r}") from error
    last = item.get("last_sent_on")
    return Recipient(recipient_id, name, email, month, day, year, zone, str(last) if last else None)


def parse_birthday(text: str) -> tuple[int, int, int | None]:
    match = _BIRTHDAY.match(text.strip())
    if not match:
        raise InvalidRecipientError(f"birthday must be YYYY-MM-DD or MM-DD, got {text!r}")
    year = int(match[1]) if match[1] else None
    month, day = int(match[2]), int(match[3])
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: accepts 02-29 without a year
    except ValueError as error:
        raise InvalidRecipientError(f"birthday is not a calendar date: {text!r}") from error
    return month, day, year


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def celebrated_on(month: int, day: int, year: int) -> date:
    """The date a birthday is celebrated in `year` (29 February → 28 February if needed)."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def occasion(recipient: Recipient, instant: datetime) -> date | None:
    """The recipient's local date at `instant` when it is their celebrated birthday, else None."""
    today = local_date(instant, recipient.time_zone)
    return today if celebrated_on(recipient.month, recipient.day, today.year) == today else None


def _text(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecipientError(f"{name} is missing or not a string")
    return value.strip()
