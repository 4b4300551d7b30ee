"""Schedule expressions — ``at()``, ``rate()``, ``cron()`` — and the instants they fire at.

Time-zone rules, as EventBridge Scheduler documents them: a ``cron()`` wall-clock time that does
not exist (spring forward) is skipped; one that happens twice (fall back) fires once, at the
first of the two instants. ``rate()`` counts fixed durations (a day is 24 hours, whatever the
zone). ``at()`` is a wall-clock time in the schedule's zone; one that falls into a spring-forward
gap is read with the offset in force before the gap (02:30 on a 02:00→03:00 night is 03:30).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .awscron import AwsCron, CronSyntaxError

UTC = dt.UTC
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class ExpressionError(ValueError):
    pass


class Expression(Protocol):
    @property
    def one_time(self) -> bool: ...

    def occurrences(self, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
        """Instants in (after, until], UTC, in order."""
        ...


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ExpressionError(f"unknown time zone {name!r}") from error


def to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    """The first instant a zone's wall clock reads ``local``; None when it never does (DST gap)."""
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        return None
    return instant


@dataclass(frozen=True)
class At:
    instant: dt.datetime
    one_time: bool = True

    def occurrences(self, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
        if after < self.instant <= until:
            yield self.instant


@dataclass(frozen=True)
class Rate:
    period: dt.timedelta
    anchor: dt.datetime  # the first occurrence
    one_time: bool = False

    def occurrences(self, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
        if until < self.anchor:
            return
        steps = 0 if after < self.anchor else (after - self.anchor) // self.period + 1
        current = self.anchor + steps * self.period
        while current <= until:
            yield current
            current += self.period


@dataclass(frozen=True)
class Cron:
    cron: AwsCron
    tz: ZoneInfo
    one_time: bool = False

    def occurrences(self, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
        first = after.astimezone(self.tz).date() - dt.timedelta(days=1)
        last = until.astimezone(self.tz).date() + dt.timedelta(days=1)
        for local in self.cron.local_times(first, last):
            instant = to_utc(local, self.tz)
            if instant is None or instant <= after:
                continue
            if instant > until:
                return
            yield instant


@dataclass(frozen=True)
class Window:
    """An expression limited to [start, end) — StartDate / EndDate."""

    inner: Expression
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    @property
    def one_time(self) -> bool:
        return self.inner.one_time

    def occurrences(self, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
        if self.start is not None:
            after = max(after, self.start - dt.timedelta(microseconds=1))
        if self.end is not None:
            until = min(until, self.end - dt.timedelta(microseconds=1))
        if until <= after:
            return
        yield from self.inner.occurrences(after, until)


def parse(
    text: str,
    *,
    timezone: str | None = None,
    anchor: dt.datetime,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> Expression:
    """A schedule expression. ``anchor``: when an unstarted rate() schedule begins (creation)."""
    text = text.strip()
    tz = zone(timezone)
    inner: Expression
    if match := _RATE.match(text):
        value, unit = int(match[1]), match[2].rstrip("s")
        if value <= 0:
            raise ExpressionError(f"{text}: the rate must be positive")
        first = start if start is not None else anchor
        inner = Rate(dt.timedelta(seconds=value * _UNIT_SECONDS[unit]), first.astimezone(UTC))
    elif match := _CRON.match(text):
        try:
            inner = Cron(AwsCron.parse(match[1]), tz)
        except CronSyntaxError as error:
            raise ExpressionError(f"{text}: {error}") from error
    elif match := _AT.match(text):
        local = dt.datetime.fromisoformat(match[1])
        instant = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
        inner = At(instant)
    else:
        raise ExpressionError(
            f"{text!r} is not a schedule expression: at(yyyy-mm-ddThh:mm:ss), "
            "rate(value minutes|hours|days) or cron(minutes hours day-of-month month "
            "day-of-week year)"
        )
    if start is None and end is None:
        return inner
    return Window(inner, start, end)
