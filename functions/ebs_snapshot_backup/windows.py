"""The backup window: the slice of time one scheduled run belongs to, and event times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WINDOW_FORMAT = "%Y-%m-%dT%H:%MZ"


def window_start(now: datetime, period: timedelta) -> datetime:
    """Start of the window holding `now`; windows are aligned on the Unix epoch (UTC)."""
    if period <= timedelta(0):
        raise ValueError("the window period must be positive")
    elapsed = now.astimezone(UTC) - EPOCH
    return EPOCH + (elapsed // period) * period


def window_key(now: datetime, period: timedelta) -> str:
    """Stable name of the window holding `now`. Every run in the same window (a retry, a manual
    re-run, a late schedule) gets the same key, so it finds the snapshot already taken."""
    return window_start(now, period).strftime(WINDOW_FORMAT)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
