from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pytest

from localaws_time import api
from localaws_time.clock import Clock
from localaws_time.engine import Engine, Firing
from localaws_time.expressions import Expression, parse
from localaws_time.scopes import ScopeError, Scopes

UTC = dt.UTC
T0 = dt.datetime(2027, 2, 28, 10, 0, 30, tzinfo=UTC)


@dataclass
class Schedule:
    """A schedule named `key` whose deliveries are recorded instead of sent."""

    key: str
    text: str
    delivered: list[dt.datetime] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"default/{self.key}"

    @property
    def fingerprint(self) -> str:
        return self.text

    @property
    def enabled(self) -> bool:
        return True

    def expression(self, created: dt.datetime) -> Expression:
        return parse(self.text, timezone=None, anchor=created, start=None, end=None)

    def fires_at_creation(self) -> bool:
        return False

    def fire(self, scheduled: dt.datetime) -> list[Firing]:
        self.delivered.append(scheduled)
        return [Firing("scheduler", self.name, self.key, scheduled, "arn:target", "delivered")]

    def after_last(self, now: dt.datetime, fired_one_time: bool) -> None:
        pass


def hhmm(times: list[dt.datetime]) -> list[str]:
    return [t.strftime("%d %H:%M") for t in times]


def make(*schedules: Schedule) -> Scopes:
    catalog: list[Schedule] = []
    scopes = Scopes(lambda: list(catalog), log=lambda _: None)
    scopes.main.set(T0, freeze=True)
    catalog += schedules
    scopes.tick()  # the main clock sees them at T0
    return scopes


def scope_engine(scopes: Scopes, scope: str) -> Engine:
    engine = scopes.engine(scope, create=True)
    assert engine is not None
    return engine


def test_two_scopes_keep_their_own_time_and_fire_only_their_own_schedules() -> None:
    a, b, other = (Schedule(k, "cron(0 12 * * ? *)") for k in ("ita-x", "itb-x", "demo"))
    scopes = make(a, b, other)
    first, second = scope_engine(scopes, "ita"), scope_engine(scopes, "itb")
    first.set(T0.replace(hour=11), freeze=True)
    second.set(T0.replace(day=1, month=3, hour=23), freeze=True)

    _, firings = first.advance(T0.replace(hour=13))
    assert [f.name for f in firings] == ["default/ita-x"] and hhmm(a.delivered) == ["28 12:00"]
    assert second.clock.now() == T0.replace(day=1, month=3, hour=23)  # untouched
    _, firings = second.advance(T0.replace(day=2, month=3, hour=13))
    assert [f.name for f in firings] == ["default/itb-x"] and hhmm(b.delivered) == ["02 12:00"]
    assert hhmm(a.delivered) == ["28 12:00"]

    # the main clock no longer drives scoped schedules, and still drives the others
    _, firings = scopes.main.advance(T0 + dt.timedelta(days=2))
    assert [f.name for f in firings] == ["default/demo", "default/demo"]
    assert len(a.delivered) == 1 and len(b.delivered) == 1


def test_a_schedule_keeps_its_anchor_when_it_moves_into_a_scope() -> None:
    every7 = Schedule("ita-rate", "rate(7 minutes)")
    scopes = make(every7)  # first seen at 10:00:30: anchored at 10:00
    clock = scope_engine(scopes, "ita")
    clock.set(T0 + dt.timedelta(hours=1), freeze=True)  # 11:00:30
    clock.advance(T0 + dt.timedelta(hours=1, minutes=10))
    assert hhmm(every7.delivered) == ["28 11:03", "28 11:10"]  # 10:00 + 9 and 10 periods


def test_dropping_a_scope_hands_its_schedules_back_to_the_main_clock_firing_nothing() -> None:
    noon = Schedule("ita-noon", "cron(0 12 * * ? *)")
    scopes = make(noon)
    scope_engine(scopes, "ita").set(T0.replace(hour=11, minute=59), freeze=True)
    scopes.drop("ita")
    assert scopes.scopes() == []
    scopes.main.set(T0.replace(hour=11, minute=59), freeze=True)
    scopes.tick()
    assert noon.delivered == []
    _, firings = scopes.main.advance(T0.replace(hour=12, minute=1))
    assert hhmm(noon.delivered) == ["28 12:00"] and len(firings) == 1


def test_overlapping_scopes_are_refused() -> None:
    scopes = make()
    scope_engine(scopes, "it12")
    with pytest.raises(ScopeError, match="overlaps"):
        scopes.engine("it1", create=True)
    with pytest.raises(ScopeError, match="overlaps"):
        scopes.engine("it123", create=True)
    assert scopes.engine("it13", create=True) is not None


def test_the_ticker_fires_each_clock_on_its_own_time() -> None:
    running, frozen = Schedule("ita-min", "rate(1 minute)"), Schedule("itb-min", "rate(1 minute)")
    real = [T0]
    scopes = Scopes(
        lambda: [running, frozen], clock_factory=lambda: Clock(lambda: real[0]), log=lambda _: None
    )
    scope_engine(scopes, "ita").set(T0 + dt.timedelta(days=1), freeze=False)  # runs on from there
    scope_engine(scopes, "itb").set(T0 + dt.timedelta(days=1), freeze=True)
    scopes.tick()
    real[0] += dt.timedelta(minutes=2)
    scopes.tick()
    assert hhmm(running.delivered) == ["01 10:01", "01 10:02"] and frozen.delivered == []


def call(scopes: Scopes, method: str, path: str, body: object = None, **query: str) -> dict:  # type: ignore[type-arg]
    raw = b"" if body is None else json.dumps(body).encode()
    status, reply = api.handle(scopes, method, path, raw, query)
    assert status == 200, reply
    return reply


def test_the_http_contract_of_a_scope() -> None:
    noon = Schedule("it9-noon", "cron(0 12 * * ? *)")
    scopes = make(noon)
    fresh = call(scopes, "GET", "/_lbp/clock", scope="it9")
    assert fresh["scope"] == "it9" and fresh["mode"] == "real"  # where a new scope starts
    assert scopes.scopes() == []  # reading does not create it

    reply = call(scopes, "POST", "/_lbp/clock", {"set": "2027-03-01T11:00:00Z", "scope": "it9"})
    assert reply == {"now": "2027-03-01T11:00:00Z", "mode": "frozen", "scope": "it9"}
    reply = call(scopes, "POST", "/_lbp/clock/advance", {"seconds": 7200, "scope": "it9"})
    assert [f["scheduled_time"] for f in reply["firings"]] == ["2027-03-01T12:00:00Z"]
    assert call(scopes, "GET", "/_lbp/clock")["now"] == "2027-02-28T10:00:30Z"  # main unmoved
    upcoming = call(scopes, "GET", "/_lbp/clock/upcoming", scope="it9")
    assert [u["at"] for u in upcoming["upcoming"]] == ["2027-03-02T12:00:00Z"]
    assert call(scopes, "GET", "/_lbp/clock/upcoming")["upcoming"] == []

    reply = call(scopes, "POST", "/_lbp/clock", {"reset": True, "scope": "it9"})
    assert reply["mode"] == "real" and reply["scope"] == "it9" and scopes.scopes() == []


@pytest.mark.parametrize("scope", ["", "-x", "a b", "x" * 65, 7, ["it"]])
def test_a_bad_scope_is_400(scope: object) -> None:
    status, reply = api.handle(
        make(), "POST", "/_lbp/clock", json.dumps({"reset": True, "scope": scope}).encode()
    )
    assert status == 400 and "scope" in reply["error"]


def test_on_a_frozen_clock_the_ticker_leaves_a_new_rate_to_the_advance_that_reports_it() -> None:
    """A rate() created on a frozen clock is due at once; the ticker must not fire it unseen."""
    catalog: list[Schedule] = []
    scopes = Scopes(lambda: list(catalog), log=lambda _: None)
    scopes.main.set(T0.replace(second=0), freeze=True)
    rate = Schedule("every10", "rate(10 minutes)")
    rate.fires_at_creation = lambda: True  # type: ignore[method-assign]
    catalog.append(rate)
    scopes.tick()
    assert rate.delivered == []
    _, firings = scopes.main.advance(T0.replace(second=0) + dt.timedelta(minutes=30))
    assert [f.scheduled_time.minute for f in firings] == [0, 10, 20, 30]
