"""Clock scopes: a clock of its own for the schedules and rules whose names start with a prefix.

The main clock drives every schedule and rule outside a scope (`make clock`, the demo). A scope
(`"scope": "<prefix>"` in a clock request) is created by the first set or advance that names it,
starts on real time, and drives only the schedules and rules whose own names (without group or
bus) start with its prefix; reset drops it and they go back to the main clock, at its time, as
after a set (nothing skipped fires). So tests whose stacks have different name prefixes can
each move their own clock at the same time. Scopes never overlap: a prefix that starts another
scope's prefix, or is started by it, is refused.

A schedule keeps its anchor (the time its definition was first seen) when it changes clocks.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterable

from .clock import Clock, Reading
from .engine import Engine, Firing, Source, own_name

LOG = logging.getLogger(__name__)
TICK_SECONDS = 1.0
SCOPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class ScopeError(ValueError):
    pass


def check_scope(scope: object) -> str:
    if not isinstance(scope, str) or not SCOPE.fullmatch(scope):
        raise ScopeError(
            f"'scope' must be a schedule/rule name prefix of 1-64 letters, digits, '.', '_' "
            f"or '-', not {scope!r}"
        )
    return scope


class Scopes:
    """The main engine and one engine per scope, each on its own clock; one ticker for all."""

    def __init__(
        self,
        catalog: Callable[[], Iterable[Source]],
        clock_factory: Callable[[], Clock] = Clock,
        log: Callable[[str], None] = LOG.info,
    ) -> None:
        self._catalog = catalog
        self._clock_factory = clock_factory
        self._log = log
        self._lock = threading.RLock()  # scopes change, and the ticker reads them, under it
        self._scoped: dict[str, Engine] = {}
        self.main = Engine(clock_factory(), self._main_catalog, log=log)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ which engine

    def scopes(self) -> list[str]:
        return sorted(self._scoped)

    def engine(self, scope: str | None, *, create: bool = False) -> Engine | None:
        """The scope's engine (the main one for None); created on real time when asked to."""
        if scope is None:
            return self.main
        with self._lock:
            engine = self._scoped.get(scope)
            if engine is not None or not create:
                return engine
            clash = sorted(p for p in self._scoped if p.startswith(scope) or scope.startswith(p))
            if clash:
                raise ScopeError(f"scope {scope!r} overlaps the clock scope {clash[0]!r}")
            engine = Engine(self._clock_factory(), self._scoped_catalog(scope), log=self._log)
            # Under the main engine's lock: it must not pick them up again in between.
            with self.main.lock:
                engine.adopt(self.main.release(lambda source: own_name(source).startswith(scope)))
                self._scoped[scope] = engine
            LOG.info("lbp-time: clock scope %r created", scope)
            return engine

    def reading(self, scope: str | None) -> Reading:
        """The scope's clock; a scope not created yet reads real time, where it would start."""
        engine = self.engine(scope)
        return (engine.clock if engine is not None else self._clock_factory()).read()

    def drop(self, scope: str) -> Reading:
        """Back to the main clock: what the scope drove is driven by the main clock again."""
        with self._lock:
            engine = self._scoped.get(scope)
            if engine is not None:
                with engine.lock, self.main.lock:
                    released = engine.release(lambda _: True)
                    del self._scoped[scope]
                    self.main.adopt(released)
                LOG.info("lbp-time: clock scope %r dropped", scope)
        return self._clock_factory().read()

    def _main_catalog(self) -> list[Source]:
        prefixes = tuple(self._scoped)
        return [source for source in self._catalog() if not own_name(source).startswith(prefixes)]

    def _scoped_catalog(self, scope: str) -> Callable[[], list[Source]]:
        def catalog() -> list[Source]:
            return [source for source in self._catalog() if own_name(source).startswith(scope)]

        return catalog

    # ------------------------------------------------------------------ ticker

    def tick(self) -> list[Firing]:
        """Fires what each clock's time has made due; the stores are read once for all.

        An engine busy with a request (an advance) is skipped this time round, so that one
        test's long advance does not hold up the others' clocks.
        """
        with self._lock:
            scoped = dict(self._scoped)
            parts: dict[str | None, list[Source]] = {scope: [] for scope in scoped}
            parts[None] = []
            prefixes = tuple(scoped)
            for source in self._catalog():
                name = own_name(source)
                scope = next((p for p in prefixes if name.startswith(p)), None)
                parts[scope].append(source)
            firings = self.main.tick(parts[None], wait=False)
            for scope, engine in scoped.items():
                firings += engine.tick(parts[scope], wait=False)
            return firings

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="lbp-time-ticker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception:  # the ticker must outlive any one bad schedule or store read
                LOG.exception("lbp-time: tick failed")

    def upcoming(self, scope: str | None, until: dt.timedelta) -> list[tuple[str, dt.datetime]]:
        engine = self.engine(scope)
        if engine is None:
            return []
        return engine.upcoming(engine.clock.now() + until)
