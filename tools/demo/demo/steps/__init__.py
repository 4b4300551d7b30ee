"""One demo step per scenario, run when the root stack's output for it is present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demo.steps import hello

Step = Callable[[dict[str, Any]], None]

# root-stack output name -> the step that exercises that scenario
STEPS: dict[str, tuple[str, Step]] = {
    "hello": ("Smoke test: the local runtime, the shared layer, logs", hello.run),
}
