"""Fires schedule occurrences on the clock: in real time from a ticker, or all at once on advance.

Each source (a Scheduler schedule, a scheduled EventBridge rule) has a watermark: every
occurrence up to it has been dealt with. Firing takes the earliest due occurrence over all
sources, delivers it, moves that source's watermark to it, and repeats — so occurrences fire in
time order, each with its own scheduled time, exactly once. Moving the clock with set/reset
moves every watermark to the new time, so it never fires what it skips (forward or back).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .clock import Clock, Reading, format_instant
from .expressions import Expression, ExpressionError

LOG = logging.getLogger(__name__)
_EPSILON = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Firing:
    kind: str  # "scheduler" or "rule"
    name: str
    arn: str
    scheduled_time: dt.datetime
    target: str
    result: str  # "delivered", "failed", "dead-lettered" or "dropped"
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "name": self.name,
            "arn": self.arn,
            "scheduled_time": format_instant(self.scheduled_time),
            "target": self.target,
            "result": self.result,
            "detail": self.detail,
        }

    def log_line(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        scheduled = format_instant(self.scheduled_time)
        return (
            f"lbp-time fired {self.kind} {self.name} scheduled {scheduled}"
            f" -> {self.target}: {self.result}{detail}"
        )


class Source(Protocol):
    """One schedule as it is defined right now."""

    @property
    def key(self) -> str: ...  # stable identity, e.g. the ARN

    @property
    def fingerprint(self) -> str: ...  # changes when the definition does

    @property
    def name(self) -> str: ...  # "<group>/<schedule>" or "<bus>/<rule>"

    @property
    def enabled(self) -> bool: ...

    def expression(self, created: dt.datetime) -> Expression:
        """``created``: the clock's time when the engine first saw this definition."""
        ...

    def fires_at_creation(self) -> bool:
        """True when an occurrence exactly at ``created`` is due (rate() without StartDate)."""
        ...

    def fire(self, scheduled: dt.datetime) -> list[Firing]: ...

    def after_last(self, now: dt.datetime, fired_one_time: bool) -> None:
        """Called after each run: a completed schedule may delete itself."""
        ...


def own_name(source: Source) -> str:
    """The schedule's or rule's name, without its group or bus."""
    return source.name.rsplit("/", 1)[-1]


def selected(source: Source, only: Sequence[str]) -> bool:
    name = own_name(source)
    return any(item == source.key or name.startswith(item) for item in only)


@dataclass
class _Tracked:
    source: Source
    fingerprint: str
    expression: Expression | None
    watermark: dt.datetime
    fired_one_time: bool = False
    error: str | None = None
    # next occurrence in (watermark, until], kept while neither changes
    _next: tuple[dt.datetime, dt.datetime, dt.datetime | None] | None = None

    def next_due(self, until: dt.datetime) -> dt.datetime | None:
        if self.expression is None:
            return None
        if self._next is not None and self._next[:2] == (self.watermark, until):
            return self._next[2]
        instant = next(self.expression.occurrences(self.watermark, until), None)
        self._next = (self.watermark, until, instant)
        return instant


@dataclass
class Engine:
    clock: Clock
    catalog: Callable[[], Iterable[Source]]
    log: Callable[[str], None] = LOG.info
    _tracked: dict[str, _Tracked] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # ------------------------------------------------------------------ clock control

    def set(self, at: dt.datetime, *, freeze: bool) -> Reading:
        with self._lock:
            self._sync(self.clock.now())
            reading = self.clock.set(at, freeze=freeze)
            self._move_watermarks(reading.now)
            return reading

    def reset(self) -> Reading:
        with self._lock:
            self._sync(self.clock.now())
            reading = self.clock.reset()
            self._move_watermarks(reading.now)
            return reading

    def advance(
        self, to: dt.datetime, only: Sequence[str] | None = None
    ) -> tuple[Reading, list[Firing]]:
        """Fires everything due up to ``to`` in time order, then leaves the clock at ``to``.

        ``only``: fire just the schedules/rules whose ARN is listed or whose own name (without
        group or bus) starts with a listed prefix; the others skip the interval as with set().
        """
        with self._lock:
            return self._advance(to, self.clock.now(), only)

    def advance_by(
        self, seconds: float, only: Sequence[str] | None = None
    ) -> tuple[Reading, list[Firing]]:
        with self._lock:
            now = self.clock.now()
            return self._advance(now + dt.timedelta(seconds=seconds), now, only)

    def _advance(
        self, to: dt.datetime, now: dt.datetime, only: Sequence[str] | None
    ) -> tuple[Reading, list[Firing]]:
        if to < now:
            raise ValueError(
                f"advance moves forward: {format_instant(to)} is before the clock's "
                f"{format_instant(now)} (use set to move back; it fires nothing)"
            )
        firings = self._run_until(to, move_clock=True, only=only)
        return self.clock.move_to(to), firings

    def tick(self, sources: Iterable[Source] | None = None, *, wait: bool = True) -> list[Firing]:
        """Fires what real time (or real time plus an offset) has made due.

        ``sources``: the catalog as just read, when the caller already has it. ``wait=False``:
        skip this tick when a request holds the engine (its advance fires what is due).
        """
        if not self._lock.acquire(blocking=wait):
            return []
        try:
            reading = self.clock.read()
            if reading.mode == "frozen":
                # Only set/advance move a frozen clock: what is due at its instant (a rate()
                # created there) fires with the next advance, which reports it.
                self._sync(reading.now, sources)
                return []
            return self._run_until(reading.now, move_clock=False, sources=sources)
        finally:
            self._lock.release()

    @property
    def lock(self) -> threading.RLock:
        """Held by every operation on the engine's sources and clock."""
        return self._lock

    # ------------------------------------------------------------------ hand-over (scopes)

    def release(self, wanted: Callable[[Source], bool]) -> dict[str, _Tracked]:
        """Stops tracking the wanted sources and hands their state (anchor, watermark) over."""
        with self._lock:
            self._sync(self.clock.now())
            keys = [key for key, tracked in self._tracked.items() if wanted(tracked.source)]
            return {key: self._tracked.pop(key) for key in keys}

    def adopt(self, tracked: dict[str, _Tracked]) -> None:
        """Tracks sources released by another engine, from this clock's now (as after set)."""
        with self._lock:
            now = self.clock.now()
            for item in tracked.values():
                item.watermark = now
            self._tracked.update(tracked)

    # ------------------------------------------------------------------ internals

    def _run_until(
        self,
        until: dt.datetime,
        *,
        move_clock: bool,
        only: Sequence[str] | None = None,
        sources: Iterable[Source] | None = None,
    ) -> list[Firing]:
        firings: list[Firing] = []
        self._sync(self.clock.now(), sources)
        while (due := self._earliest_due(until, only)) is not None:
            instant, tracked = due
            if move_clock:
                self.clock.move_to(instant)
            for firing in tracked.source.fire(instant):
                self.log(firing.log_line())
                firings.append(firing)
            tracked.watermark = instant
            if tracked.expression is not None and tracked.expression.one_time:
                tracked.fired_one_time = True
            self._sync(instant)
        for tracked in list(self._tracked.values()):
            tracked.watermark = max(tracked.watermark, until)
            tracked.source.after_last(until, tracked.fired_one_time)
        return firings

    def _earliest_due(
        self, until: dt.datetime, only: Sequence[str] | None = None
    ) -> tuple[dt.datetime, _Tracked] | None:
        best: tuple[dt.datetime, _Tracked] | None = None
        for tracked in self._tracked.values():
            if tracked.expression is None or not tracked.source.enabled:
                continue
            if only is not None and not selected(tracked.source, only):
                continue
            if tracked.fired_one_time:
                continue
            instant = tracked.next_due(until)
            if instant is not None and (best is None or instant < best[0]):
                best = (instant, tracked)
        return best

    def _sync(self, now: dt.datetime, sources: Iterable[Source] | None = None) -> None:
        """Picks up new, changed and deleted sources from the stores (or ``sources``)."""
        seen: set[str] = set()
        for source in self.catalog() if sources is None else sources:
            seen.add(source.key)
            tracked = self._tracked.get(source.key)
            if tracked is not None and tracked.fingerprint == source.fingerprint:
                tracked.source = source
                continue
            self._tracked[source.key] = self._track(source, now)
        for key in set(self._tracked) - seen:
            del self._tracked[key]

    def _track(self, source: Source, now: dt.datetime) -> _Tracked:
        created = now.replace(second=0, microsecond=0)  # AWS schedules have minute precision
        try:
            expression = source.expression(created)
        except (ExpressionError, ValueError) as error:
            LOG.error("lbp-time: %s never fires: %s", source.key, error)
            return _Tracked(source, source.fingerprint, None, now, error=str(error))
        watermark = created - _EPSILON if source.fires_at_creation() else now
        return _Tracked(source, source.fingerprint, expression, watermark)

    def _move_watermarks(self, now: dt.datetime) -> None:
        for tracked in self._tracked.values():
            tracked.watermark = now

    def upcoming(self, until: dt.datetime, limit: int = 20) -> list[tuple[str, dt.datetime]]:
        """The next occurrences (key, instant) up to ``until``, for people looking at the clock."""
        with self._lock:
            self._sync(self.clock.now())
            found: list[tuple[str, dt.datetime]] = []
            for key, tracked in self._tracked.items():
                if tracked.expression is None or not tracked.source.enabled:
                    continue
                if tracked.fired_one_time:
                    continue
                for count, instant in enumerate(
                    tracked.expression.occurrences(tracked.watermark, until)
                ):
                    if count >= limit:
                        break
                    found.append((key, instant))
            return sorted(found, key=lambda item: item[1])[:limit]
