"""The time of a scheduled run: an EventBridge rule event's `time`.

Read as a plain key, not through Powertools' EventBridgeEvent: importing any data class runs the
data_classes package's __init__, which imports every event class (≈ 40 modules) at cold start,
and only this one field is read.

EventBridge stamps each scheduled event with the instant it was due (UTC, `Z`), so a retry or a
late delivery still acts for that instant. A time that is not an ISO-8601 timestamp with an
offset is bad input: rejected with a reason, never retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


class BadEventTimeError(ValueError):
    """The event's time is not an ISO-8601 timestamp with a UTC offset."""


def scheduled_time(event: Any) -> datetime | None:
    """The event's `time` in UTC; None when there is none (a hand-made invocation)."""
    if not isinstance(event, Mapping):
        return None
    raw = event.get("time")
    return None if raw is None else parse_time(raw)


def parse_time(raw: object) -> datetime:
    if not isinstance(raw, str) or not raw.strip():
        raise BadEventTimeError(f"event time must be an ISO-8601 string, got {raw!r}")
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError as error:
        raise BadEventTimeError(f"event time is not ISO-8601: {raw!r}") from error
    if parsed.tzinfo is None:
        raise BadEventTimeError(f"event time must carry a UTC offset or Z, got {raw!r}")
    return parsed.astimezone(UTC)
