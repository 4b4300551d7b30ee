"""Cold starts: the Init Duration of every function of the deployed root stack, read from the
REPORT lines Lambda writes to each function's CloudWatch Logs group.

The latest REPORT line carrying an Init Duration counts (the bench's own workload and earlier
runs leave them); its Duration, the first invocation of that execution environment, is reported
beside it (work a handler defers to its first call, such as creating its boto3 clients, is
there, not in Init Duration). A function with none yet is invoked once with a probe event,
`{"bench": "cold-start probe"}`, which no handler acts on... except that some scheduled handlers
treat any event as their tick, so the probe is sent only to an emulated AWS (LBP_TARGET local or
endpoint); on a real account such a function is reported as not measured. A probe's first
invocation is a rejected event: it creates no client, so it says little about real first calls.

Goal: <= 30 ms for pure-Python handlers; the Pillow function is reported as it is.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import boto3
from botocore.exceptions import ClientError

from benchmarks.report import Result

GOAL_MS = 30.0
PROBE = json.dumps({"bench": "cold-start probe"}).encode()
_INIT = re.compile(r"REPORT RequestId: .*?\tDuration: ([0-9.]+) ms.*?Init Duration: ([0-9.]+) ms")


def function_names(outputs: dict[str, Any]) -> list[str]:
    """Every `*function_name` value in the root stack's outputs."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key.endswith("function_name") and isinstance(item, str):
                    yield item
                else:
                    yield from walk(item)

    return sorted(set(walk(outputs)))


def latest_init_ms(logs: Any, function_name: str) -> tuple[float, float] | None:
    """(Init Duration, Duration of the first invocation) of the latest cold start."""
    group = f"/aws/lambda/{function_name}"
    try:
        streams = logs.describe_log_streams(
            logGroupName=group, orderBy="LastEventTime", descending=True, limit=5
        )["logStreams"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise
    for stream in streams:
        events = logs.get_log_events(
            logGroupName=group, logStreamName=stream["logStreamName"], startFromHead=False
        )["events"]
        for event in reversed(events):
            found = _INIT.search(event["message"])
            if found:
                return float(found.group(2)), float(found.group(1))
    return None


def _probe(lambda_client: Any, logs: Any, function_name: str) -> tuple[float, float] | None:
    lambda_client.invoke(FunctionName=function_name, Payload=PROBE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        value = latest_init_ms(logs, function_name)
        if value is not None:
            return value
        time.sleep(1)
    return None


def init_durations(outputs: dict[str, Any]) -> list[Result]:
    lambda_client, logs = boto3.client("lambda"), boto3.client("logs")
    emulated = os.environ.get("LBP_TARGET", "local") != "aws"
    results = []
    for name in function_names(outputs):
        measured = latest_init_ms(logs, name)
        source = "logs"
        if measured is None and emulated:
            measured, source = _probe(lambda_client, logs, name), "probe"
        if measured is None:
            print(f"cold start: {name}: no Init Duration measured (no cold start in its logs)")
            continue
        layers = lambda_client.get_function_configuration(FunctionName=name).get("Layers", [])
        pillow = any("pillow" in layer["Arn"] for layer in layers)
        results.append(
            Result(
                f"cold start: {name} Init Duration",
                "ms",
                measured[0],
                "goal for pure-Python handlers" if not pillow else "goal (Pillow: reported as is)",
                GOAL_MS,
                {"first_invocation_ms": measured[1], "from": source, "pillow": str(pillow)},
            )
        )
    return results
