"""Produce an event, then poll for its effect with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class EffectNotSeenError(AssertionError):
    pass


def eventually(
    probe: Callable[[], T],
    accept: Callable[[T], bool] = bool,
    timeout: float = 30.0,
    interval: float = 0.25,
    what: str = "the expected effect",
) -> T:
    """Calls probe until accept(result) holds; fails with the last result after timeout."""
    deadline = time.monotonic() + timeout
    last: T = probe()
    while not accept(last):
        if time.monotonic() > deadline:
            raise EffectNotSeenError(f"{what} not seen within {timeout:.0f} s; last: {last!r}")
        time.sleep(interval)
        last = probe()
    return last
