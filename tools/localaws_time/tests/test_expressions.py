from __future__ import annotations

import datetime as dt

import pytest

from localaws_time.awscron import AwsCron, CronSyntaxError
from localaws_time.expressions import ExpressionError, parse

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def fires(
    text: str,
    after: dt.datetime,
    until: dt.datetime,
    *,
    tz: str | None = None,
    anchor: dt.datetime | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[dt.datetime]:
    expression = parse(text, timezone=tz, anchor=anchor or after, start=start, end=end)
    return list(expression.occurrences(after, until))


# ------------------------------------------------------------------ rate()


def test_rate_counts_from_the_anchor_and_excludes_the_lower_bound() -> None:
    anchor = utc(2027, 1, 1, 10, 2)
    assert fires("rate(5 minutes)", anchor, utc(2027, 1, 1, 10, 17), anchor=anchor) == [
        utc(2027, 1, 1, 10, 7),
        utc(2027, 1, 1, 10, 12),
        utc(2027, 1, 1, 10, 17),
    ]


def test_rate_includes_the_anchor_when_the_window_starts_before_it() -> None:
    anchor = utc(2027, 1, 1, 10, 0)
    after = anchor - dt.timedelta(microseconds=1)
    assert fires("rate(1 hour)", after, utc(2027, 1, 1, 11), anchor=anchor) == [
        anchor,
        utc(2027, 1, 1, 11),
    ]


def test_rate_resumes_mid_series() -> None:
    anchor = utc(2027, 1, 1)
    got = fires("rate(2 hours)", utc(2027, 1, 3, 5), utc(2027, 1, 3, 9), anchor=anchor)
    assert got == [utc(2027, 1, 3, 6), utc(2027, 1, 3, 8)]


def test_rate_days_are_24_hours_across_a_dst_change() -> None:
    anchor = utc(2027, 3, 27, 11)  # 12:00 in Berlin, winter time
    got = fires("rate(1 day)", anchor, utc(2027, 3, 29, 11), tz="Europe/Berlin", anchor=anchor)
    assert got == [utc(2027, 3, 28, 11), utc(2027, 3, 29, 11)]  # 13:00 local after the change


def test_rate_with_start_date_starts_there() -> None:
    start = utc(2027, 6, 1, 8)
    got = fires(
        "rate(1 day)", utc(2027, 5, 1), utc(2027, 6, 3, 8), anchor=utc(2027, 5, 1), start=start
    )
    assert got == [start, utc(2027, 6, 2, 8), utc(2027, 6, 3, 8)]


@pytest.mark.parametrize("text", ["rate(0 minutes)", "rate(5 weeks)", "rate(five minutes)"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text, anchor=utc(2027, 1, 1))


# ------------------------------------------------------------------ at()


def test_at_is_wall_clock_time_in_the_zone() -> None:
    got = fires("at(2027-02-28T12:00:00)", utc(2027, 2, 27), utc(2027, 3, 1), tz="Pacific/Auckland")
    assert got == [utc(2027, 2, 27, 23)]  # NZDT is UTC+13


def test_at_outside_the_window_does_not_fire() -> None:
    assert fires("at(2027-02-28T12:00:00)", utc(2027, 2, 28, 12), utc(2027, 3, 1)) == []


def test_at_in_a_spring_forward_gap_uses_the_offset_before_the_gap() -> None:
    got = fires("at(2027-03-28T02:30:00)", utc(2027, 3, 28), utc(2027, 3, 29), tz="Europe/Berlin")
    assert got == [utc(2027, 3, 28, 1, 30)]  # 03:30 CEST


# ------------------------------------------------------------------ cron()


def test_cron_in_a_zone_follows_daylight_saving_time() -> None:
    got = fires("cron(0 8 ? * MON-FRI *)", utc(2027, 3, 25), utc(2027, 3, 30), tz="Europe/Berlin")
    assert got == [
        utc(2027, 3, 25, 7),  # Thursday, CET
        utc(2027, 3, 26, 7),  # Friday, CET
        utc(2027, 3, 29, 6),  # Monday, CEST
    ]


def test_cron_time_in_the_spring_forward_gap_is_skipped() -> None:
    # 2027-03-28 is the last Sunday of March: Berlin's clocks jump from 02:00 to 03:00.
    got = fires("cron(30 2 * * ? *)", utc(2027, 3, 27), utc(2027, 3, 30), tz="Europe/Berlin")
    assert got == [utc(2027, 3, 27, 1, 30), utc(2027, 3, 29, 0, 30)]


def test_cron_time_in_the_fall_back_overlap_fires_once_at_the_first_instant() -> None:
    # 2027-10-31 is the last Sunday of October: 02:00-03:00 happens twice in Berlin.
    got = fires("cron(30 2 * * ? *)", utc(2027, 10, 30), utc(2027, 11, 1), tz="Europe/Berlin")
    assert got == [utc(2027, 10, 30, 0, 30), utc(2027, 10, 31, 0, 30)]


def test_cron_every_15_minutes_through_the_overlap_never_repeats_a_wall_clock_time() -> None:
    got = fires(
        "cron(0/15 2 * * ? *)", utc(2027, 10, 30, 23), utc(2027, 10, 31, 3), tz="Europe/Berlin"
    )
    assert got == [utc(2027, 10, 31, 0, m) for m in (0, 15, 30, 45)]


def test_cron_is_utc_without_a_zone() -> None:
    got = fires("cron(0 12 * * ? *)", utc(2027, 1, 1), utc(2027, 1, 3))
    assert got == [utc(2027, 1, 1, 12), utc(2027, 1, 2, 12)]


@pytest.mark.parametrize(
    ("fields", "month", "days"),
    [
        ("0 0 L * ? *", (2027, 2), [28]),
        ("0 0 L * ? *", (2028, 2), [29]),
        ("0 0 1W * ? *", (2027, 5), [3]),  # 1 May 2027 is a Saturday: the nearest weekday is Monday
        ("0 0 15W * ? *", (2027, 5), [14]),  # Saturday 15 -> Friday 14
        ("0 0 LW * ? *", (2027, 7), [30]),  # 31 July 2027 is a Saturday
        ("0 0 ? * 6L *", (2027, 4), [30]),  # last Friday
        ("0 0 ? * 2#1 *", (2027, 3), [1]),  # first Monday
        ("0 0 ? * MON#3 *", (2027, 3), [15]),
        ("0 0 ? * 1 *", (2027, 2), [7, 14, 21, 28]),  # 1 = Sunday
        ("0 0 ? * L *", (2027, 2), [6, 13, 20, 27]),  # L alone = Saturday
        ("0 0 1,15 * ? *", (2027, 2), [1, 15]),
        ("0 0 10-12 * ? *", (2027, 2), [10, 11, 12]),
        ("0 0 5/10 * ? *", (2027, 2), [5, 15, 25]),
        ("0 0 1 FEB ? 2027", (2027, 2), [1]),
        ("0 0 1 MAR ? 2027", (2027, 2), []),
        ("0 0 1 * ? 2028-2030", (2027, 2), []),
    ],
)
def test_cron_day_rules(fields: str, month: tuple[int, int], days: list[int]) -> None:
    year, number = month
    first = utc(year, number, 1) - dt.timedelta(microseconds=1)
    last = utc(year + (number == 12), number % 12 + 1, 1) - dt.timedelta(microseconds=1)
    got = fires(f"cron({fields})", first, last)
    assert [instant.day for instant in got] == days


def test_cron_minutes_and_hours_lists_and_steps() -> None:
    got = fires("cron(0/20 9-10 * * ? *)", utc(2027, 1, 1), utc(2027, 1, 1, 23))
    assert [(i.hour, i.minute) for i in got] == [
        (9, 0),
        (9, 20),
        (9, 40),
        (10, 0),
        (10, 20),
        (10, 40),
    ]


def test_cron_stops_after_its_last_year() -> None:
    assert fires("cron(0 0 1 1 ? 2026)", utc(2027, 1, 1), utc(2030, 1, 1)) == []


@pytest.mark.parametrize(
    "fields",
    [
        "0 12 * * *",  # five fields (Unix cron)
        "0 12 * * * *",  # no '?'
        "0 12 ? * ? *",  # two '?'
        "60 12 * * ? *",
        "0 24 * * ? *",
        "0 12 32 * ? *",
        "0 12 * 13 ? *",
        "0 12 ? * 8 *",
        "0 12 ? * 2#6 *",
        "0 12 5-1 * ? *",
        "0 12 * * ? 1969",
        "0/0 12 * * ? *",
        "x 12 * * ? *",
    ],
)
def test_bad_cron_is_refused(fields: str) -> None:
    with pytest.raises(CronSyntaxError):
        AwsCron.parse(fields)
    with pytest.raises(ExpressionError):
        parse(f"cron({fields})", anchor=utc(2027, 1, 1))


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ExpressionError, match="Mars/Olympus"):
        parse("cron(0 12 * * ? *)", timezone="Mars/Olympus", anchor=utc(2027, 1, 1))


# ------------------------------------------------------------------ StartDate / EndDate


def test_start_and_end_dates_bound_a_cron() -> None:
    got = fires(
        "cron(0 12 * * ? *)",
        utc(2027, 1, 1),
        utc(2027, 1, 10),
        start=utc(2027, 1, 3, 12),
        end=utc(2027, 1, 5, 12),
    )
    assert got == [utc(2027, 1, 3, 12), utc(2027, 1, 4, 12)]  # EndDate itself is excluded


def test_end_date_in_the_past_fires_nothing() -> None:
    got = fires("rate(1 minute)", utc(2027, 1, 1), utc(2027, 1, 2), end=utc(2026, 1, 1))
    assert got == []
