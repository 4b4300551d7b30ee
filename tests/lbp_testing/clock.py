"""The local AWS's schedule clock, as the time-driven scenario tests use it.

The clock (tools/localaws_time, client in scenario_client.clock) decides when EventBridge
Scheduler schedules and EventBridge schedule rules fire, and the times written into their events.
Each test module that moves it gets a clock scope of its own (the schedule_clock fixture): a clock
for the schedules and rules whose names start with its stack's prefix, dropped when the module is
done. So modules that move their clocks run side by side; the main clock (`make clock`, the demo)
drives everything else.

A real account has no such clock: time-driven tests skip there with NO_CLOCK. This project's own
local AWS must have it: there a missing clock endpoint is a failure (the extension is off or
broken), never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lbp_testing.stack import ROOT
from scenario_client.clock import Clock, Firing

NO_CLOCK = "target has no controllable clock"
# The emulator_difference reason of every test that moves the clock (they fail, never skip, there).
MINISTACK_HAS_NO_CLOCK = (
    "no schedule clock: GET /_lbp/clock is this project's LocalStack extension; MiniStack fires "
    "EventBridge Scheduler schedules on real time only, so past/future instants cannot be reached"
)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_project_local_aws(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the endpoint is the local AWS that this checkout's tools/localaws runs.

    LBP_TARGET=local or ministack (set by the Makefile) says so: on MiniStack, which has no
    clock, the time-driven tests fail (and are marked emulator_difference), never skip.
    LBP_TARGET=aws says not. Otherwise (an
    endpoint given by hand, or pytest run directly) the endpoint is ours when it is a loopback
    port on which localaws's state directory records a live LocalStack.
    """
    env = os.environ if environ is None else environ
    target = env.get("LBP_TARGET")
    if target in ("local", "ministack"):
        return True
    if target == "aws" or not env.get("AWS_ENDPOINT_URL"):
        return False
    parts = urlsplit(env["AWS_ENDPOINT_URL"])
    if parts.hostname not in LOOPBACK or parts.port is None:
        return False
    from localaws.launcher import read_record  # noqa: PLC0415 — only for a loopback endpoint
    from localaws.layout import Layout  # noqa: PLC0415

    record = read_record(Layout.resolve(root=ROOT, port=parts.port))
    return record is not None and record.port == parts.port


def local(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in an IANA zone: local("Europe/Berlin", 2025, 3, 31, 8)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


class ScheduleClock:
    """The clock, with the checks every time-driven test wants around each move."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def now(self) -> datetime:
        return self.clock.now()

    def set(self, at: datetime) -> datetime:
        """Freezes the clock at `at`; nothing scheduled in between fires."""
        now = self.clock.set(at, freeze=True)
        if abs(now - at.astimezone(UTC)) > timedelta(seconds=1):
            raise AssertionError(f"clock set to {at.isoformat()} but reads {now.isoformat()}")
        return now

    def advance(
        self, *, to: datetime | None = None, seconds: float | None = None, of: Iterable[str]
    ) -> list[Firing]:
        """Advances the clock and returns the firings of the named schedules/rules, in order.

        `of`: names of this test's own schedules or rules. Only they fire (`only`): the
        schedules of other stacks deployed on the same local AWS skip the interval, as with
        set(). Every firing of ours must have been delivered.
        """
        names = set(of)
        scope = self.clock.scope
        outside = sorted(name for name in names if scope is not None and not name.startswith(scope))
        if outside:
            raise AssertionError(f"{outside} are not driven by this clock (scope {scope!r})")
        firings = self.clock.advance(seconds, to=to, only=sorted(names))
        times = [f.scheduled_time for f in firings]
        if times != sorted(times):
            raise AssertionError(f"firings out of time order: {[t.isoformat() for t in times]}")
        mine = [f for f in firings if f.name.rsplit("/", 1)[-1] in names]
        undelivered = [f for f in mine if f.result != "delivered"]
        if undelivered:
            raise AssertionError(f"firings not delivered: {undelivered}")
        return mine


def fired_at(firings: Iterable[Firing], name: str | None = None) -> list[datetime]:
    """The scheduled times (UTC) of the firings, of one schedule/rule when name is given."""
    return [f.scheduled_time for f in firings if name is None or f.name.rsplit("/", 1)[-1] == name]
