"""AWS's six-field cron: ``minutes hours day-of-month month day-of-week year``.

As EventBridge documents it: ``, - * /`` everywhere; ``?`` in exactly one of day-of-month and
day-of-week; ``L`` (last day of the month, or ``nL`` the last weekday n of the month) and ``W``
(``nW`` the weekday nearest day n, ``LW`` the last weekday) in day-of-month; ``n#k`` (k-th
weekday n) in day-of-week; weekdays 1-7 = SUN-SAT; month and weekday names.

croniter (the usual Python library) reads the sixth field as seconds, numbers weekdays 0-6 and
has no ``W``: translating would be as long as this matcher, so the project keeps its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

_MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
MIN_YEAR, MAX_YEAR = 1970, 2199


class CronSyntaxError(ValueError):
    pass


def _aws_weekday(day: dt.date) -> int:
    """1 = Sunday ... 7 = Saturday."""
    return (day.isoweekday() % 7) + 1


def _number(token: str, names: dict[str, int], field: str) -> int:
    upper = token.upper()
    if upper in names:
        return names[upper]
    if not token.isdigit():
        raise CronSyntaxError(f"{field}: {token!r} is not a number")
    return int(token)


def _values(spec: str, low: int, high: int, field: str, names: dict[str, int]) -> frozenset[int]:
    """``*``, ``a``, ``a-b``, ``a/step``, ``a-b/step``, ``*/step`` and comma lists of those."""
    result: set[int] = set()
    for part in spec.split(","):
        if not part:
            raise CronSyntaxError(f"{field}: empty list item in {spec!r}")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronSyntaxError(f"{field}: bad step {step_text!r} in {part!r}")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, names, field), _number(last, names, field)
            if start > end:
                raise CronSyntaxError(f"{field}: range {base!r} runs backwards")
        else:
            start = _number(base, names, field)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high):
            raise CronSyntaxError(f"{field}: {part!r} outside {low}-{high}")
        result.update(range(start, end + 1, step))
    return frozenset(result)


@dataclass(frozen=True)
class DayOfMonth:
    days: frozenset[int]
    last: bool = False  # L
    last_weekday: bool = False  # LW
    nearest_weekday: int | None = None  # nW

    def matches(self, day: dt.date) -> bool:
        length = calendar.monthrange(day.year, day.month)[1]
        if self.last and day.day == length:
            return True
        if self.last_weekday and day == _weekday_on_or_before(day.replace(day=length)):
            return True
        if self.nearest_weekday is not None:
            return day == _nearest_weekday(day.year, day.month, self.nearest_weekday)
        return day.day in self.days


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.isoweekday() > 5:
        day -= dt.timedelta(days=1)
    return day


def _nearest_weekday(year: int, month: int, target: int) -> dt.date | None:
    """Quartz ``nW``: the weekday nearest day n, never crossing into another month."""
    length = calendar.monthrange(year, month)[1]
    if target > length:
        return None
    day = dt.date(year, month, target)
    if day.isoweekday() == 6:  # Saturday -> Friday, or Monday when the 1st
        return day - dt.timedelta(days=1) if target > 1 else day + dt.timedelta(days=2)
    if day.isoweekday() == 7:  # Sunday -> Monday, or Friday when the last day
        return day + dt.timedelta(days=1) if target < length else day - dt.timedelta(days=2)
    return day


@dataclass(frozen=True)
class DayOfWeek:
    days: frozenset[int]
    last_of: int | None = None  # nL: the last weekday n of the month
    nth: tuple[int, int] | None = None  # n#k: the k-th weekday n of the month

    def matches(self, day: dt.date) -> bool:
        weekday = _aws_weekday(day)
        if self.last_of is not None:
            length = calendar.monthrange(day.year, day.month)[1]
            return weekday == self.last_of and day.day + 7 > length
        if self.nth is not None:
            wanted, k = self.nth
            return weekday == wanted and (day.day - 1) // 7 + 1 == k
        return weekday in self.days


def _day_of_month(spec: str) -> DayOfMonth | None:
    upper = spec.upper()
    if upper == "?":
        return None
    if upper == "L":
        return DayOfMonth(frozenset(), last=True)
    if upper == "LW":
        return DayOfMonth(frozenset(), last_weekday=True)
    if upper.endswith("W"):
        number = upper[:-1]
        if not number.isdigit() or not 1 <= int(number) <= 31:
            raise CronSyntaxError(f"day-of-month: {spec!r} needs a day 1-31 before W")
        return DayOfMonth(frozenset(), nearest_weekday=int(number))
    return DayOfMonth(_values(spec, 1, 31, "day-of-month", {}))


def _day_of_week(spec: str) -> DayOfWeek | None:
    upper = spec.upper()
    if upper == "?":
        return None
    if upper == "L":
        return DayOfWeek(frozenset({7}))
    if upper.endswith("L"):
        return DayOfWeek(frozenset(), last_of=_number(upper[:-1], WEEKDAYS, "day-of-week"))
    if "#" in upper:
        day_text, _, k_text = upper.partition("#")
        day = _number(day_text, WEEKDAYS, "day-of-week")
        if not (1 <= day <= 7 and k_text.isdigit() and 1 <= int(k_text) <= 5):
            raise CronSyntaxError(f"day-of-week: {spec!r} must be <1-7>#<1-5>")
        return DayOfWeek(frozenset(), nth=(day, int(k_text)))
    return DayOfWeek(_values(spec, 1, 7, "day-of-week", WEEKDAYS))


@dataclass(frozen=True)
class AwsCron:
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: DayOfMonth | None
    months: frozenset[int]
    day_of_week: DayOfWeek | None
    years: frozenset[int]

    @classmethod
    def parse(cls, fields_text: str) -> AwsCron:
        fields = fields_text.split()
        if len(fields) != 6:
            raise CronSyntaxError(
                f"cron({fields_text}) has {len(fields)} fields; AWS cron has 6: "
                "minutes hours day-of-month month day-of-week year"
            )
        minute, hour, dom, month, dow, year = fields
        day_of_month, day_of_week = _day_of_month(dom), _day_of_week(dow)
        if (day_of_month is None) == (day_of_week is None):
            raise CronSyntaxError(
                f"cron({fields_text}): exactly one of day-of-month and day-of-week must be '?'"
            )
        return cls(
            minutes=_values(minute, 0, 59, "minutes", {}),
            hours=_values(hour, 0, 23, "hours", {}),
            day_of_month=day_of_month,
            months=_values(month, 1, 12, "month", MONTHS),
            day_of_week=day_of_week,
            years=_values(year, MIN_YEAR, MAX_YEAR, "year", {}),
        )

    def matches_date(self, day: dt.date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.day_of_month is not None:
            return self.day_of_month.matches(day)
        return self.day_of_week is not None and self.day_of_week.matches(day)

    def local_times(self, first: dt.date, last: dt.date) -> Iterator[dt.datetime]:
        """Naive wall-clock times matching the expression, on days first..last, in order."""
        times = [dt.time(h, m) for h in sorted(self.hours) for m in sorted(self.minutes)]
        day = first
        while day <= last:
            if day.year > max(self.years):
                return
            if self.matches_date(day):
                for moment in times:
                    yield dt.datetime.combine(day, moment)
            day += dt.timedelta(days=1)
