from __future__ import annotations

import datetime as dt

import pytest

from localaws_time.clock import Clock, format_instant, parse_instant

UTC = dt.UTC
REAL = dt.datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


class FakeTime:
    def __init__(self) -> None:
        self.now = REAL

    def __call__(self) -> dt.datetime:
        return self.now


def test_real_by_default() -> None:
    time = FakeTime()
    clock = Clock(time)
    assert clock.read().mode == "real"
    time.now += dt.timedelta(seconds=5)
    assert clock.now() == REAL + dt.timedelta(seconds=5)


def test_set_without_freeze_is_an_offset_that_keeps_running() -> None:
    time = FakeTime()
    clock = Clock(time)
    at = dt.datetime(2027, 2, 28, 11, 59, tzinfo=UTC)
    assert clock.set(at, freeze=False).mode == "offset"
    time.now += dt.timedelta(seconds=30)
    assert clock.now() == at + dt.timedelta(seconds=30)


def test_frozen_clock_stays_put_and_reset_returns_to_real_time() -> None:
    time = FakeTime()
    clock = Clock(time)
    at = dt.datetime(2027, 2, 28, 11, 59, tzinfo=UTC)
    clock.set(at, freeze=True)
    time.now += dt.timedelta(hours=1)
    assert clock.read().now == at
    assert clock.read().mode == "frozen"
    assert clock.reset().now == time.now


def test_move_to_keeps_the_mode() -> None:
    clock = Clock(FakeTime())
    at = dt.datetime(2027, 1, 1, tzinfo=UTC)
    assert clock.move_to(at).mode == "offset"
    clock.set(at, freeze=True)
    assert clock.move_to(at + dt.timedelta(days=1)).mode == "frozen"


def test_instants_round_trip_in_utc_with_z() -> None:
    value = parse_instant("2027-02-28T12:00:00+13:00")
    assert value == dt.datetime(2027, 2, 27, 23, tzinfo=UTC)
    assert format_instant(value) == "2027-02-27T23:00:00Z"
    assert format_instant(value + dt.timedelta(microseconds=5)) == "2027-02-27T23:00:00.000005Z"
    assert parse_instant("2027-02-27T23:00:00Z") == value


@pytest.mark.parametrize("text", ["2027-02-28T12:00:00", "tomorrow", ""])
def test_naive_or_bad_instants_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)
