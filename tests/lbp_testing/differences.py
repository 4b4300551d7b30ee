"""Emulator differences as explicit expected failures (the `emulator_difference` marker).

    @pytest.mark.emulator_difference(ministack="what MiniStack does instead of what AWS does")

On the named emulator the test becomes xfail(strict=True): it must fail there, and the run fails
if it starts passing (then the difference is gone: remove the marker and its README row). On any
other target the marker does nothing. It works on a test, a class, a module (pytestmark = ...) or
one parameter (pytest.param(..., marks=...)). Keywords: the names in scenario_client.emulator.
"""

from __future__ import annotations

import pytest

from scenario_client.emulator import EMULATORS

DIFFERENCE = "emulator_difference"


def expected_failure(item: pytest.Item, emulator: str | None) -> pytest.MarkDecorator | None:
    """xfail(strict) when `item` carries an emulator_difference naming `emulator`."""
    reasons = []
    for mark in item.iter_markers(DIFFERENCE):
        unknown = set(mark.kwargs) - set(EMULATORS)
        if mark.args or unknown or not mark.kwargs or not all(mark.kwargs.values()):
            raise pytest.UsageError(
                f"{item.nodeid}: {DIFFERENCE} takes only non-empty reasons named by emulator "
                f"({', '.join(EMULATORS)}), got args={mark.args} kwargs={mark.kwargs}"
            )
        if emulator in mark.kwargs:
            reasons.append(str(mark.kwargs[emulator]))
    if not reasons:
        return None
    return pytest.mark.xfail(strict=True, reason=f"{emulator} differs: " + "; ".join(reasons))
