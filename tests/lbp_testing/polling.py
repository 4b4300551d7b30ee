"""Polling for an effect in tests: one poller (scenario_client's), failing at its deadline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario_client.polling import eventually


def wait_until(
    probe: Callable[[], Any], timeout: float = 30.0, interval: float = 0.25, what: str = ""
) -> Any:
    """Calls ``probe`` until it returns something truthy and returns that; at the deadline the
    test fails (EffectNotSeenError, an AssertionError) with the last result."""
    return eventually(probe, timeout=timeout, interval=interval, what=what or repr(probe))
