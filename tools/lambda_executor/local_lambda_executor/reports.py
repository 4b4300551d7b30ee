"""Log lines and error payloads in the formats AWS Lambda produces."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportFields:
    request_id: str
    duration_ms: float
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None
    status: str | None = None
    error_type: str | None = None


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}\n"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


def report_line(fields: ReportFields) -> str:
    parts = [
        f"REPORT RequestId: {fields.request_id}",
        f"Duration: {fields.duration_ms:.2f} ms",
        f"Billed Duration: {max(1, math.ceil(fields.duration_ms))} ms",
        f"Memory Size: {fields.memory_size_mb} MB",
        f"Max Memory Used: {fields.max_memory_used_mb} MB",
    ]
    if fields.init_duration_ms is not None:
        parts.append(f"Init Duration: {fields.init_duration_ms:.2f} ms")
    if fields.status:
        parts.append(f"Status: {fields.status}")
    if fields.error_type:
        parts.append(f"Error Type: {fields.error_type}")
    return "\t".join(parts) + "\t\n"


def timeout_log_line(request_id: str, timeout_seconds: float, now: float | None = None) -> str:
    moment = time.time() if now is None else now
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
    millis = int((moment % 1) * 1000)
    return (
        f"{stamp}.{millis:03d}Z {request_id} Task timed out after {timeout_seconds:.2f} seconds\n"
    )


def error_payload(error_type: str, message: str, request_id: str = "") -> bytes:
    return json.dumps(
        {
            "errorMessage": message,
            "errorType": error_type,
            "requestId": request_id,
            "stackTrace": [],
        }
    ).encode()


def timeout_payload(request_id: str, timeout_seconds: float) -> bytes:
    return json.dumps(
        {
            "errorMessage": (
                f"RequestId: {request_id} Error: Task timed out after {timeout_seconds:.2f} seconds"
            ),
            "errorType": "Sandbox.Timedout",
        }
    ).encode()


def runtime_exit_payload(request_id: str, error_type: str, exit_description: str) -> bytes:
    return json.dumps(
        {
            "errorMessage": (
                f"RequestId: {request_id} Error: Runtime exited with error: {exit_description}"
            ),
            "errorType": error_type,
        }
    ).encode()


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "signal: killed"
    if returncode < 0:
        names = {9: "killed", 6: "aborted", 11: "segmentation fault", 15: "terminated"}
        return f"signal: {names.get(-returncode, str(-returncode))}"
    return f"exit status {returncode}"
