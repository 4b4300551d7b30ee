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

The platform floor is measured in the same run: a throw-away function whose module is only
`def handler(event, context): return None` (benchmarks/empty_function.py, never shipped in
functions/), created through the API with a role of its own that has no permission at all, cold
started FLOOR_SAMPLES times (each configuration change gives a new execution environment), then
deleted with its role and log group. Its median Init Duration is what the platform charges before
any of a handler's own imports (interpreter start and runtime bootstrap); each function's Init
Duration is reported beside it as a multiple of that floor and as the milliseconds above it. The
floor function copies the runtime, architecture and memory size most of the stack's functions
use. The Init Duration is read from the invocation's own log tail (LogType=Tail), so the floor
function needs no log permission.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError, WaiterError

from benchmarks.empty_function import HANDLER, LAMBDA_TRUST, code_zip
from benchmarks.report import Result

GOAL_MS = 30.0
FLOOR_SAMPLES = 5
FLOOR_PREFIX = "lbp-bench-platform-floor-"
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


@dataclass(frozen=True)
class FloorSettings:
    runtime: str = "python3.12"
    architecture: str = "x86_64"
    memory_mb: int = 128


def floor_settings(configurations: list[dict[str, Any]]) -> FloorSettings:
    """The runtime, architecture and memory size most of the stack's functions use."""
    if not configurations:
        return FloorSettings()

    def most_common(values: list[Any]) -> Any:
        return Counter(values).most_common(1)[0][0]

    return FloorSettings(
        runtime=most_common([c.get("Runtime", "python3.12") for c in configurations]),
        architecture=most_common(
            [(c.get("Architectures") or ["x86_64"])[0] for c in configurations]
        ),
        memory_mb=int(most_common([c.get("MemorySize", 128) for c in configurations])),
    )


def init_ms_from_tail(response: dict[str, Any]) -> float | None:
    """The Init Duration of an invoke's REPORT line (LogType=Tail), None on a warm start."""
    tail = base64.b64decode(response.get("LogResult") or b"").decode("utf-8", "replace")
    found = _INIT.search(tail)
    return float(found.group(2)) if found else None


def platform_floor(
    lambda_client: Any, iam: Any, logs: Any, settings: FloorSettings, samples: int = FLOOR_SAMPLES
) -> list[float]:
    """Init Durations of `samples` cold starts of an empty handler; everything it creates is
    deleted before it returns or raises."""
    name = FLOOR_PREFIX + uuid.uuid4().hex[:10]
    role_arn = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
        Description="make bench: the empty platform-floor function's role (no permissions)",
    )["Role"]["Arn"]
    try:
        _create_floor_function(lambda_client, name, role_arn, settings)
        found = []
        for sample in range(samples):
            if sample:  # a new configuration: the next invoke starts a new environment
                lambda_client.update_function_configuration(
                    FunctionName=name, Environment={"Variables": {"SAMPLE": str(sample)}}
                )
                lambda_client.get_waiter("function_updated_v2").wait(FunctionName=name)
            response = lambda_client.invoke(FunctionName=name, LogType="Tail", Payload=b"{}")
            if response.get("FunctionError"):
                raise RuntimeError(f"the empty floor function failed: {response['FunctionError']}")
            init_ms = init_ms_from_tail(response)
            if init_ms is None:
                raise RuntimeError("the floor function's invoke was not a cold start")
            found.append(init_ms)
        return found
    finally:
        with contextlib.suppress(ClientError):
            lambda_client.delete_function(FunctionName=name)
        with contextlib.suppress(ClientError):
            logs.delete_log_group(logGroupName=f"/aws/lambda/{name}")
        iam.delete_role(RoleName=name)


def _create_floor_function(
    lambda_client: Any, name: str, role_arn: str, settings: FloorSettings
) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            lambda_client.create_function(
                FunctionName=name,
                Runtime=settings.runtime,
                Architectures=[settings.architecture],
                MemorySize=settings.memory_mb,
                Role=role_arn,
                Handler=HANDLER,
                Code={"ZipFile": code_zip()},
                Timeout=10,
                Description="make bench: empty handler measuring the platform's Init floor",
            )
            break
        except ClientError as error:
            # A new role takes a few seconds to become assumable by Lambda on AWS.
            code = error.response.get("Error", {}).get("Code")
            if code != "InvalidParameterValueException" or time.monotonic() > deadline:
                raise
            time.sleep(2)
    lambda_client.get_waiter("function_active_v2").wait(FunctionName=name)


def floor_result(samples: list[float], settings: FloorSettings) -> Result:
    return Result(
        f"cold start: platform floor, empty {settings.runtime} handler"
        " (throw-away function, deleted) Init Duration",
        "ms",
        statistics.median(samples),
        "goal for pure-Python handlers",
        GOAL_MS,
        {
            "samples": len(samples),
            "min_ms": min(samples),
            "max_ms": max(samples),
            "memory_mb": settings.memory_mb,
            "architecture": settings.architecture,
        },
    )


def versus_floor(init_ms: float, floor_ms: float | None) -> dict[str, float | int | str]:
    if not floor_ms:
        return {}
    return {
        "x_platform_floor": round(init_ms / floor_ms, 2),
        "above_floor_ms": round(init_ms - floor_ms, 1),
    }


def init_durations(outputs: dict[str, Any]) -> list[Result]:
    lambda_client, logs = boto3.client("lambda"), boto3.client("logs")
    emulated = os.environ.get("LBP_TARGET", "local") != "aws"
    names = function_names(outputs)
    configurations = {
        name: lambda_client.get_function_configuration(FunctionName=name) for name in names
    }
    results = []
    settings = floor_settings(list(configurations.values()))
    floor_ms = None
    try:
        samples = platform_floor(lambda_client, boto3.client("iam"), logs, settings)
    except (ClientError, WaiterError, RuntimeError) as error:
        print(f"cold start: platform floor not measured: {error}")
    else:
        results.append(floor_result(samples, settings))
        floor_ms = results[-1].value
    for name in names:
        measured = latest_init_ms(logs, name)
        source = "logs"
        if measured is None and emulated:
            measured, source = _probe(lambda_client, logs, name), "probe"
        if measured is None:
            print(f"cold start: {name}: no Init Duration measured (no cold start in its logs)")
            continue
        layers = configurations[name].get("Layers", [])
        pillow = any("pillow" in layer["Arn"] for layer in layers)
        results.append(
            Result(
                f"cold start: {name} Init Duration",
                "ms",
                measured[0],
                "goal for pure-Python handlers" if not pillow else "goal (Pillow: reported as is)",
                GOAL_MS,
                {
                    "first_invocation_ms": measured[1],
                    "from": source,
                    "pillow": str(pillow),
                    **versus_floor(measured[0], floor_ms),
                },
            )
        )
    return results
