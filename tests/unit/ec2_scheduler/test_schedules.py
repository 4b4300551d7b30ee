"""Period evaluation: weekdays, midnight crossing, DST in two zones, malformed schedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ec2_scheduler.schedules import ScheduleError, parse_schedule

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def schedule(time_zone: str, *periods: tuple[list[str], str, str]) -> Any:
    return parse_schedule(
        "s",
        {
            "time_zone": time_zone,
            "periods": [{"weekdays": d, "begin": b, "end": e} for d, b, e in periods],
        },
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


OFFICE = schedule("Europe/Berlin", (WEEKDAYS, "08:00", "19:00"))


@pytest.mark.parametrize(
    ("moment", "running"),
    [
        ("2024-05-08T05:59", False),  # Wed 07:59 CEST
        ("2024-05-08T06:00", True),  # Wed 08:00 CEST: begin is inclusive
        ("2024-05-08T16:59", True),  # Wed 18:59
        ("2024-05-08T17:00", False),  # Wed 19:00: end is exclusive
        ("2024-05-11T10:00", False),  # Saturday noon
        ("2024-05-12T10:00", False),  # Sunday noon
        ("2024-05-13T06:30", True),  # Monday 08:30
        ("2024-01-10T06:30", False),  # Wed 07:30 CET (winter: UTC+1)
        ("2024-01-10T07:00", True),  # Wed 08:00 CET
    ],
)
def test_office_hours_in_berlin(moment: str, running: bool) -> None:
    assert OFFICE.is_running(utc(moment)) is running


NIGHT = schedule("Europe/Berlin", (["fri", "sat"], "22:00", "06:00"))


@pytest.mark.parametrize(
    ("local", "running"),
    [
        ("2024-05-10T21:59", False),  # Fri before the night
        ("2024-05-10T22:00", True),  # Fri night begins
        ("2024-05-11T03:00", True),  # Sat early morning: still Friday's period
        ("2024-05-11T06:00", False),  # Sat 06:00: Friday's period ended
        ("2024-05-11T23:00", True),  # Sat night
        ("2024-05-12T05:59", True),  # Sun early morning: Saturday's period
        ("2024-05-12T23:00", False),  # Sun night: Sunday is not a begin day
        ("2024-05-13T03:00", False),  # Mon early morning
        ("2024-05-10T03:00", False),  # Fri early morning: Thursday is not a begin day
    ],
)
def test_period_across_midnight(local: str, running: bool) -> None:
    moment = datetime.fromisoformat(local).replace(tzinfo=NIGHT.time_zone)
    assert NIGHT.is_running(moment) is running


def test_end_of_day_and_whole_day_periods() -> None:
    evening = schedule("UTC", (["mon"], "20:00", "24:00"))
    assert evening.is_running(utc("2024-05-13T23:59"))
    assert not evening.is_running(utc("2024-05-14T00:00"))
    weekend = schedule("UTC", (["sat", "sun"], "00:00", "24:00"))
    assert weekend.is_running(utc("2024-05-11T00:00"))
    assert weekend.is_running(utc("2024-05-12T23:59"))
    assert not weekend.is_running(utc("2024-05-13T00:00"))


def test_several_periods_are_a_union() -> None:
    split = schedule("UTC", (["mon"], "08:00", "12:00"), (["mon"], "13:00", "17:00"))
    assert split.is_running(utc("2024-05-13T09:00"))
    assert not split.is_running(utc("2024-05-13T12:30"))
    assert split.is_running(utc("2024-05-13T13:00"))


# --- daylight saving time: the same wall-clock begin maps to different UTC instants


def test_berlin_spring_forward_moves_the_utc_start_one_hour_earlier() -> None:
    # Clocks go 02:00 CET -> 03:00 CEST on Sunday 2024-03-31.
    assert OFFICE.is_running(utc("2024-03-29T07:00"))  # Fri 08:00 CET
    assert not OFFICE.is_running(utc("2024-03-29T06:30"))
    assert OFFICE.is_running(utc("2024-04-01T06:00"))  # Mon 08:00 CEST
    assert not OFFICE.is_running(utc("2024-04-01T05:59"))
    assert not OFFICE.is_running(utc("2024-04-01T17:00"))  # Mon 19:00 CEST


def test_berlin_fall_back_moves_the_utc_start_one_hour_later() -> None:
    # Clocks go 03:00 CEST -> 02:00 CET on Sunday 2024-10-27.
    assert OFFICE.is_running(utc("2024-10-25T06:00"))  # Fri 08:00 CEST
    assert not OFFICE.is_running(utc("2024-10-28T06:30"))  # Mon 07:30 CET
    assert OFFICE.is_running(utc("2024-10-28T07:00"))  # Mon 08:00 CET


NEW_YORK = schedule("America/New_York", (["sun"], "02:30", "05:00"))


def test_new_york_period_beginning_in_the_skipped_hour_starts_at_three() -> None:
    # 2024-03-10: 02:00 EST -> 03:00 EDT; 02:30 never shows on the clock.
    assert not NEW_YORK.is_running(utc("2024-03-10T06:59"))  # 01:59 EST
    assert NEW_YORK.is_running(utc("2024-03-10T07:00"))  # 03:00 EDT
    assert not NEW_YORK.is_running(utc("2024-03-10T09:00"))  # 05:00 EDT


def test_new_york_repeated_hour_counts_twice() -> None:
    early = schedule("America/New_York", (["sun"], "01:00", "02:00"))
    # 2024-11-03: 01:00-02:00 happens in EDT (05:00-06:00Z) and again in EST (06:00-07:00Z).
    assert early.is_running(utc("2024-11-03T05:30"))
    assert early.is_running(utc("2024-11-03T06:30"))
    assert not early.is_running(utc("2024-11-03T07:00"))


def test_transition_window_finds_boundaries_across_dst() -> None:
    window = timedelta(minutes=5)
    begin_after_dst = utc("2024-04-01T06:02")  # Mon 08:02 CEST
    assert OFFICE.transition_between(begin_after_dst - window, begin_after_dst)
    one_hour_off = utc("2024-04-01T07:02")  # the winter UTC time: no boundary any more
    assert not OFFICE.transition_between(one_hour_off - window, one_hour_off)


# --- malformed schedules


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"time_zone": "Europe/Berln", "periods": []}, "unknown IANA time zone 'Europe/Berln'"),
        ({"time_zone": "", "periods": []}, "time_zone must be an IANA time zone name"),
        ({"time_zone": "UTC", "periods": []}, "periods must be a non-empty list"),
        ({"time_zone": "UTC"}, "periods must be a non-empty list"),
        ("office", "must be an object with time_zone and periods"),
    ],
)
def test_malformed_schedule(raw: Any, message: str) -> None:
    with pytest.raises(ScheduleError, match=message.replace("(", r"\(")):
        parse_schedule("s", raw)


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"weekdays": ["mon"], "begin": "8:00", "end": "19:00"}, "begin must be HH:MM"),
        ({"weekdays": ["mon"], "begin": "08:00", "end": "25:00"}, "end must be HH:MM"),
        ({"weekdays": ["mon"], "begin": "24:00", "end": "19:00"}, "begin must be HH:MM"),
        ({"weekdays": ["mon"], "begin": "08:60", "end": "19:00"}, "begin must be HH:MM"),
        ({"weekdays": ["monday"], "begin": "08:00", "end": "19:00"}, "'monday' is not one of"),
        ({"weekdays": [], "begin": "08:00", "end": "19:00"}, "weekdays must be a non-empty"),
        ({"weekdays": ["mon"], "begin": "08:00", "end": "08:00"}, "begin and end are both"),
        ({"weekdays": ["mon"], "begin": "08:00"}, "end must be HH:MM"),
        ({"weekdays": ["mon"], "begin": "08:00", "end": "09:00", "tz": "x"}, "unknown keys"),
    ],
)
def test_malformed_period(period: dict[str, Any], message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("s", {"time_zone": "UTC", "periods": [period]})
    assert "schedules['s'].periods[0]" in str(caught.value)
    assert message in str(caught.value)


def test_weekday_names_are_case_insensitive() -> None:
    mixed = schedule("UTC", (["Mon", "TUE"], "08:00", "09:00"))
    assert mixed.is_running(utc("2024-05-14T08:30"))
