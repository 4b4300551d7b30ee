"""Schedules: named sets of weekly periods in an IANA time zone, and whether "now" is inside one.

A period is `{"weekdays": ["mon", ...], "begin": "HH:MM", "end": "HH:MM"}` in local wall-clock
time. `weekdays` are the days the period BEGINS on. `end` may be "24:00" (end of that day). An
`end` earlier than `begin` crosses midnight: Fri 22:00-06:00 runs from Friday 22:00 to Saturday
06:00. `begin == end` is rejected (it would be ambiguous between "never" and "all day"; use
00:00-24:00 for a whole day).

Times are compared on the local wall clock of the schedule's zone (zoneinfo), so daylight-saving
changes need no edits: 08:00 Europe/Berlin is 07:00 UTC in winter and 06:00 UTC in summer. On the
spring-forward day, a period that begins inside the skipped hour starts at the first wall-clock
time after it (e.g. 03:00); on the fall-back day, the repeated hour counts for whatever period
contains that wall-clock time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
END_OF_DAY = "24:00"


class ScheduleError(ValueError):
    """A schedule that cannot be evaluated (bad period, unknown time zone)."""


@dataclass(frozen=True)
class Period:
    weekdays: frozenset[int]  # 0 = Monday, as datetime.weekday()
    begin: int  # minutes after local midnight
    end: int  # minutes after local midnight of the begin day, 1..1440; <= begin crosses midnight

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.begin

    def contains(self, local: datetime) -> bool:
        minute = local.hour * 60 + local.minute
        day = local.weekday()
        if not self.crosses_midnight:
            return day in self.weekdays and self.begin <= minute < self.end
        started_today = day in self.weekdays and minute >= self.begin
        started_yesterday = (day - 1) % 7 in self.weekdays and minute < self.end
        return started_today or started_yesterday


@dataclass(frozen=True)
class Schedule:
    name: str
    time_zone: ZoneInfo
    periods: tuple[Period, ...]

    def is_running(self, now: datetime) -> bool:
        """Whether instances on this schedule should be running at `now` (an aware datetime)."""
        local = now.astimezone(self.time_zone)
        return any(period.contains(local) for period in self.periods)

    def transition_between(self, earlier: datetime, now: datetime) -> bool:
        """Whether the desired state at `now` differs from the one at `earlier`."""
        return self.is_running(earlier) != self.is_running(now)


def _minutes(value: Any, field: str, allow_end_of_day: bool) -> int:
    if not isinstance(value, str) or not (
        _HHMM.match(value) or (allow_end_of_day and value == END_OF_DAY)
    ):
        allowed = "HH:MM (00:00-23:59" + (", or 24:00)" if allow_end_of_day else ")")
        raise ScheduleError(f"{field} must be {allowed}, got {value!r}")
    if value == END_OF_DAY:
        return 24 * 60
    parsed = time.fromisoformat(value)
    return parsed.hour * 60 + parsed.minute


def parse_period(raw: Any, where: str) -> Period:
    if not isinstance(raw, Mapping):
        raise ScheduleError(f"{where} must be an object with weekdays, begin and end")
    unknown = set(raw) - {"weekdays", "begin", "end"}
    if unknown:
        raise ScheduleError(f"{where} has unknown keys {sorted(unknown)}")
    weekdays = raw.get("weekdays")
    if not isinstance(weekdays, list) or not weekdays:
        raise ScheduleError(f"{where}.weekdays must be a non-empty list of {', '.join(WEEKDAYS)}")
    days: set[int] = set()
    for day in weekdays:
        if not isinstance(day, str) or day.lower() not in WEEKDAYS:
            raise ScheduleError(f"{where}.weekdays: {day!r} is not one of {', '.join(WEEKDAYS)}")
        days.add(WEEKDAYS.index(day.lower()))
    begin = _minutes(raw.get("begin"), f"{where}.begin", allow_end_of_day=False)
    end = _minutes(raw.get("end"), f"{where}.end", allow_end_of_day=True)
    if begin == end:
        raise ScheduleError(
            f"{where}: begin and end are both {raw['begin']}; use 00:00-24:00 for a whole day"
        )
    return Period(frozenset(days), begin, end)


def load_time_zone(name: Any, where: str) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ScheduleError(f"{where}.time_zone must be an IANA time zone name, got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ScheduleError(f"{where}.time_zone: unknown IANA time zone {name!r}") from error


def parse_schedule(name: str, raw: Any) -> Schedule:
    where = f"schedules[{name!r}]"
    if not isinstance(raw, Mapping):
        raise ScheduleError(f"{where} must be an object with time_zone and periods")
    zone = load_time_zone(raw.get("time_zone"), where)
    periods = raw.get("periods")
    if not isinstance(periods, list) or not periods:
        raise ScheduleError(f"{where}.periods must be a non-empty list")
    parsed = tuple(parse_period(p, f"{where}.periods[{i}]") for i, p in enumerate(periods))
    return Schedule(name, zone, parsed)
