from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduled_message.recipients import (
    InvalidRecipientError,
    celebrated_on,
    occasion,
    parse_birthday,
    parse_recipient,
)

UTC_ZONE = ZoneInfo("UTC")


def person(birthday: str, zone: str | None = None) -> dict[str, str]:
    item = {"recipient_id": "r1", "name": "Ada Lovelace", "email": "ada@example.com"}
    item["birthday"] = birthday
    if zone:
        item["time_zone"] = zone
    return item


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("1990-03-15", (3, 15, 1990)),
        ("03-15", (3, 15, None)),
        ("--12-31", (12, 31, None)),
        ("02-29", (2, 29, None)),
        ("2000-02-29", (2, 29, 2000)),
    ],
)
def test_birthday_formats(text: str, parsed: tuple[int, int, int | None]) -> None:
    assert parse_birthday(text) == parsed


@pytest.mark.parametrize("text", ["1990-02-30", "2001-02-29", "15/03/1990", "13-01", "", "03-5"])
def test_impossible_birthdays_are_invalid(text: str) -> None:
    with pytest.raises(InvalidRecipientError, match="birthday"):
        parse_birthday(text)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (person("1990-03-15") | {"email": "not-an-address"}, "email is not an address"),
        (person("1990-03-15") | {"email": "a b@example.com"}, "email is not an address"),
        (person("1990-03-15", "Mars/Olympus"), "time_zone is not an IANA zone"),
        ({"recipient_id": "r1", "email": "a@example.com", "birthday": "03-15"}, "name is missing"),
        (person("yesterday"), "birthday must be"),
    ],
)
def test_bad_recipients_are_reported(item: dict[str, str], reason: str) -> None:
    with pytest.raises(InvalidRecipientError, match=reason):
        parse_recipient(item, UTC_ZONE)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2023, date(2023, 2, 28)), (2024, date(2024, 2, 29)), (2100, date(2100, 2, 28))],
)
def test_29_february_is_celebrated_on_28_february_in_common_years(
    year: int, expected: date
) -> None:
    assert celebrated_on(2, 29, year) == expected


def test_leap_day_birthday_is_due_exactly_once_each_year() -> None:
    recipient = parse_recipient(person("1996-02-29"), UTC_ZONE)
    for year in (2023, 2024, 2025, 2100):
        due = [
            day
            for day in (date(year, 2, 27), date(year, 2, 28), date(year, 3, 1))
            + ((date(year, 2, 29),) if year in (2024,) else ())
            if occasion(recipient, datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
        ]
        assert due == [date(year, 2, 29) if year == 2024 else date(year, 2, 28)], year


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        # The run is at 12:00 London on 14 January = 01:00 on 15 January in Auckland (UTC+13)
        # and 02:00 on 14 January in Honolulu (UTC-10).
        ("Pacific/Auckland", "01-15"),
        ("Pacific/Honolulu", "01-14"),
        ("Europe/London", "01-14"),
        (None, "01-14"),  # default zone London
    ],
)
def test_today_is_the_recipients_own_date(zone: str | None, due: str) -> None:
    run = datetime(2025, 1, 14, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    default = ZoneInfo("Europe/London")
    on_time = parse_recipient(person(due, zone), default)
    assert occasion(on_time, run) == date(2025, 1, int(due[-2:]))
    other_day = "01-15" if due == "01-14" else "01-14"
    assert occasion(parse_recipient(person(other_day, zone), default), run) is None


def test_daily_runs_greet_each_zone_once_across_a_dst_change() -> None:
    """Runs at 12:00 London every day around the March DST switch hit each local date once."""
    london = ZoneInfo("Europe/London")
    runs = [datetime(2025, 3, day, 12, tzinfo=london) for day in range(25, 35 - 4)]
    for zone in ("Pacific/Auckland", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Kiritimati"):
        for day in range(26, 30):
            recipient = parse_recipient(person(f"03-{day}", zone), london)
            hits = [run for run in runs if occasion(recipient, run)]
            assert len(hits) == 1, (zone, day, hits)
