from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from localaws_time.clock import Clock
from localaws_time.engine import Engine, Firing
from localaws_time.expressions import Expression, parse

UTC = dt.UTC
T0 = dt.datetime(2027, 2, 28, 10, 0, 30, tzinfo=UTC)


@dataclass
class FakeSource:
    """A schedule whose deliveries are recorded instead of sent."""

    key: str
    text: str
    tz: str | None = None
    enabled: bool = True
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    version: int = 0
    clock: Clock | None = None
    delivered: list[dt.datetime] = field(default_factory=list)
    clock_at_delivery: list[dt.datetime] = field(default_factory=list)
    completed: bool = False

    @property
    def name(self) -> str:
        return f"default/{self.key}"

    @property
    def fingerprint(self) -> str:
        return f"{self.text}|{self.tz}|{self.enabled}|{self.start}|{self.end}|{self.version}"

    def expression(self, created: dt.datetime) -> Expression:
        return parse(self.text, timezone=self.tz, anchor=created, start=self.start, end=self.end)

    def fires_at_creation(self) -> bool:
        return self.text.startswith("rate(") and self.start is None

    def fire(self, scheduled: dt.datetime) -> list[Firing]:
        self.delivered.append(scheduled)
        if self.clock is not None:
            self.clock_at_delivery.append(self.clock.now())
        return [Firing("scheduler", self.key, self.key, scheduled, "arn:target", "delivered")]

    def after_last(self, now: dt.datetime, fired_one_time: bool) -> None:
        self.completed = fired_one_time


def make(sources: list[FakeSource], start: dt.datetime = T0) -> tuple[Engine, Clock, list[str]]:
    clock = Clock()
    clock.set(start, freeze=True)
    lines: list[str] = []
    for source in sources:
        source.clock = clock
    engine = Engine(clock, lambda: list(sources), log=lines.append)
    engine.tick()  # the engine sees the sources at the frozen start time
    return engine, clock, lines


def test_advance_fires_every_occurrence_in_time_order_with_its_own_time() -> None:
    hourly = FakeSource("hourly", "cron(0 * * * ? *)")
    half = FakeSource("half", "cron(30 * * * ? *)")
    engine, _clock, lines = make([hourly, half])
    reading, firings = engine.advance(T0 + dt.timedelta(hours=2))
    times = [f.scheduled_time for f in firings]
    assert times == sorted(times)
    assert [(f.name, f.scheduled_time.strftime("%H:%M")) for f in firings] == [
        ("half", "10:30"),
        ("hourly", "11:00"),
        ("half", "11:30"),
        ("hourly", "12:00"),
    ]
    assert reading.now == T0 + dt.timedelta(hours=2)
    assert reading.mode == "frozen"
    assert hourly.clock_at_delivery == hourly.delivered  # the clock reads each scheduled time
    assert len(lines) == 4 and "scheduled 2027-02-28T10:30:00Z" in lines[0]


def test_each_occurrence_fires_once_across_successive_advances() -> None:
    every = FakeSource("every", "cron(0/10 * * * ? *)")
    engine, _, _ = make([every])
    engine.advance(T0 + dt.timedelta(minutes=20))
    engine.advance(T0 + dt.timedelta(minutes=20))
    engine.advance(T0 + dt.timedelta(minutes=40))
    assert [d.minute for d in every.delivered] == [10, 20, 30, 40]


def test_set_forward_and_back_fires_nothing() -> None:
    every = FakeSource("every", "cron(0/10 * * * ? *)")
    engine, _clock, _ = make([every])
    engine.set(T0 + dt.timedelta(days=3), freeze=True)
    engine.tick()
    assert every.delivered == []
    engine.set(T0 - dt.timedelta(days=3), freeze=True)
    engine.tick()
    assert every.delivered == []
    engine.advance(T0 - dt.timedelta(days=3) + dt.timedelta(minutes=10))
    assert len(every.delivered) == 1


def test_advance_backwards_is_refused() -> None:
    engine, _, _ = make([])
    with pytest.raises(ValueError, match="forward"):
        engine.advance(T0 - dt.timedelta(seconds=1))


def test_disabled_source_does_not_fire_and_no_backlog_when_enabled_again() -> None:
    every = FakeSource("every", "cron(0 * * * ? *)", enabled=False)
    engine, _, _ = make([every])
    engine.advance(T0 + dt.timedelta(hours=3))
    assert every.delivered == []
    every.enabled = True
    engine.advance(T0 + dt.timedelta(hours=4))
    assert [d.hour for d in every.delivered] == [14]


def test_rate_without_start_fires_at_creation_then_every_period() -> None:
    rate = FakeSource("rate", "rate(5 minutes)")
    engine, _, _ = make([rate])  # created at 10:00:30, minute precision -> 10:00
    engine.advance(T0 + dt.timedelta(minutes=10))
    assert [d.strftime("%H:%M") for d in rate.delivered] == ["10:00", "10:05", "10:10"]


def test_one_time_fires_once_even_when_the_clock_is_moved_back() -> None:
    once = FakeSource("once", "at(2027-02-28T12:00:00)")
    engine, _, _ = make([once])
    engine.advance(T0 + dt.timedelta(hours=3))
    assert once.completed
    engine.set(T0, freeze=True)
    engine.advance(T0 + dt.timedelta(hours=3))
    assert once.delivered == [dt.datetime(2027, 2, 28, 12, tzinfo=UTC)]


def test_changed_definition_starts_from_the_time_of_the_change() -> None:
    every = FakeSource("every", "cron(0 * * * ? *)")
    engine, _, _ = make([every])
    engine.advance(T0 + dt.timedelta(hours=1))
    every.text, every.version = "cron(30 * * * ? *)", 1
    engine.advance(T0 + dt.timedelta(hours=2))
    assert [d.strftime("%H:%M") for d in every.delivered] == ["11:00", "11:30"]


def test_end_date_stops_and_start_date_begins() -> None:
    bounded = FakeSource(
        "bounded",
        "rate(1 hour)",
        start=dt.datetime(2027, 2, 28, 12, tzinfo=UTC),
        end=dt.datetime(2027, 2, 28, 14, tzinfo=UTC),
    )
    engine, _, _ = make([bounded])
    engine.advance(T0 + dt.timedelta(days=1))
    assert [d.hour for d in bounded.delivered] == [12, 13]


def test_deleted_source_stops_firing() -> None:
    every = FakeSource("every", "cron(0 * * * ? *)")
    sources = [every]
    clock = Clock()
    clock.set(T0, freeze=True)
    engine = Engine(clock, lambda: list(sources), log=lambda _: None)
    engine.advance(T0 + dt.timedelta(hours=1))
    sources.clear()
    engine.advance(T0 + dt.timedelta(hours=5))
    assert len(every.delivered) == 1


def test_bad_expression_is_logged_and_never_fires(caplog: pytest.LogCaptureFixture) -> None:
    bad = FakeSource("bad", "cron(0 12 * * *)")
    engine, _, _ = make([bad])
    engine.advance(T0 + dt.timedelta(days=2))
    assert bad.delivered == []
    assert "never fires" in caplog.text


def test_real_time_mode_advance_becomes_an_offset() -> None:
    clock = Clock()
    engine = Engine(clock, list, log=lambda _: None)
    reading, _ = engine.advance(clock.now() + dt.timedelta(days=1))
    assert reading.mode == "offset"
    assert engine.reset().mode == "real"


def test_upcoming_lists_the_next_occurrences() -> None:
    every = FakeSource("every", "cron(0 * * * ? *)")
    engine, _, _ = make([every])
    assert [i.hour for _, i in engine.upcoming(T0 + dt.timedelta(hours=3))] == [11, 12, 13]


def test_advance_only_fires_the_selected_and_skips_the_others() -> None:
    mine = FakeSource("stack1-daily", "cron(0 * * * ? *)")
    other = FakeSource("stack2-daily", "cron(0 * * * ? *)")
    engine, _, _ = make([mine, other])
    _, firings = engine.advance(T0 + dt.timedelta(hours=2), only=["stack1-"])
    assert {f.name for f in firings} == {"stack1-daily"}
    assert len(mine.delivered) == 2 and other.delivered == []
    engine.advance(T0 + dt.timedelta(hours=3))  # the skipped interval stays skipped
    assert len(other.delivered) == 1
    _, firings = engine.advance(T0 + dt.timedelta(hours=4), only=["stack2-daily"])
    assert [f.name for f in firings] == ["stack2-daily"]
