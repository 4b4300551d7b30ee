"""One demo step per scenario, run when the root stack's output for it is present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demo.steps import hello, s3_object_index

Step = Callable[[dict[str, Any]], None]

# root-stack output name -> the step that exercises that scenario
STEPS: dict[str, tuple[str, Step]] = {
    "hello": ("Smoke test: the local runtime, the shared layer, logs", hello.run),
    "s3_object_index": ("Scenario 2: S3 object events indexed into DynamoDB", s3_object_index.run),
}
