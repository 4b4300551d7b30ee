"""The schedule clock: real time, real time plus an offset, or frozen at an instant."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

UTC = dt.UTC


def real_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def parse_instant(text: str) -> dt.datetime:
    """ISO-8601 with an offset or Z; naive times are refused (no guessing a zone)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(f"not an ISO-8601 instant: {text!r}") from error
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; write e.g. {text}Z or {text}+01:00")
    return value.astimezone(UTC)


def format_instant(value: dt.datetime) -> str:
    text = value.astimezone(UTC).isoformat(timespec="microseconds")
    text = text.removesuffix("+00:00")
    if text.endswith(".000000"):
        text = text.removesuffix(".000000")
    return text + "Z"


@dataclass(frozen=True)
class Reading:
    now: dt.datetime
    mode: str  # "real", "offset" or "frozen"

    def to_json(self) -> dict[str, str]:
        return {"now": format_instant(self.now), "mode": self.mode}


class Clock:
    """Thread-safe. ``source`` is the real time (injectable for unit tests)."""

    def __init__(self, source: Callable[[], dt.datetime] = real_now) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._offset = dt.timedelta(0)
        self._frozen_at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self.read().now

    def read(self) -> Reading:
        with self._lock:
            return self._read_locked()

    def _read_locked(self) -> Reading:
        if self._frozen_at is not None:
            return Reading(self._frozen_at, "frozen")
        mode = "real" if self._offset == dt.timedelta(0) else "offset"
        return Reading(self._source() + self._offset, mode)

    def set(self, at: dt.datetime, *, freeze: bool) -> Reading:
        at = at.astimezone(UTC)
        with self._lock:
            if freeze:
                self._frozen_at = at
            else:
                self._frozen_at = None
                self._offset = at - self._source()
                if self._offset == dt.timedelta(0):  # exactly real time is still an offset
                    self._offset = dt.timedelta(microseconds=1)
            return self._read_locked()

    def reset(self) -> Reading:
        with self._lock:
            self._frozen_at = None
            self._offset = dt.timedelta(0)
            return self._read_locked()

    def move_to(self, at: dt.datetime) -> Reading:
        """Like set(), keeping the mode: frozen stays frozen, real time becomes an offset."""
        with self._lock:
            frozen = self._frozen_at is not None
        return self.set(at, freeze=frozen)
