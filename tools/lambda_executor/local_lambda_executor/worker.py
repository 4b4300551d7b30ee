"""One warm worker process per execution environment: spawn, init, invoke, enforce limits."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_lambda_executor import reports
from local_lambda_executor.bootstrap import read_message, write_message
from local_lambda_executor.log_capture import LogCapture
from local_lambda_executor.memory import MemoryMonitor, peak_memory_mb

LOG = logging.getLogger(__name__)

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
INIT_TIMEOUT_SECONDS = 10.0
LOG_SETTLE_SECONDS = 2.0
HISTORY_ENTRIES = 200


class WorkerStartError(Exception):
    pass


class _ReplyTimeout(Exception):
    pass


@dataclass(frozen=True)
class WorkerSpec:
    interpreter: str
    handler: str
    task_root: Path
    sys_path: list[str]
    env: dict[str, str]
    timeout_seconds: float
    memory_mb: int
    version: str = "$LATEST"
    init_timeout_seconds: float = INIT_TIMEOUT_SECONDS


@dataclass(frozen=True)
class InvokeRequest:
    request_id: str
    invoked_function_arn: str
    payload: str
    trace_id: str | None = None


@dataclass(frozen=True)
class InvokeOutcome:
    request_id: str
    payload: bytes
    is_error: bool
    logs: str


@dataclass
class _Running:
    process: subprocess.Popen[bytes]
    control_in: Any
    control_out: Any
    capture: LogCapture
    monitor: MemoryMonitor
    init_duration_ms: float | None = None
    init_logs: str = ""
    init_error: dict[str, Any] | None = None
    init_reported: bool = False


@dataclass
class _Ending:
    payload: bytes
    body: str
    status: str | None = None
    error_type: str | None = None
    extra_lines: list[str] = field(default_factory=list)


class Worker:
    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self._running: _Running | None = None
        self._lock = threading.Lock()
        self._history: deque[str] = deque(maxlen=HISTORY_ENTRIES)

    @property
    def pid(self) -> int | None:
        return self._running.process.pid if self._running else None

    def start(self) -> None:
        with self._lock:
            if self._running is None:
                self._running = self._spawn()

    def stop(self) -> None:
        with self._lock:
            running, self._running = self._running, None
        if running:
            self._terminate(running)

    def logs(self) -> str:
        return "".join(self._history)

    def invoke(self, request: InvokeRequest) -> InvokeOutcome:
        with self._lock:
            if self._running is None or self._running.process.poll() is not None:
                if self._running is not None:
                    self._terminate(self._running)
                self._running = self._spawn()
            running = self._running
        cold = not running.init_reported
        running.init_reported = True
        prefix = running.init_logs if cold else ""
        init_ms = running.init_duration_ms if cold else None
        if running.init_error is not None:
            outcome = self._init_error_outcome(request, running, prefix, init_ms)
            self._discard(running)
        else:
            outcome = self._invoke_running(request, running, prefix, init_ms)
        self._history.append(outcome.logs)
        return outcome

    def _spawn(self) -> _Running:
        spec = self.spec
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                [
                    spec.interpreter,
                    "-I",
                    "-S",
                    str(BOOTSTRAP),
                    str(to_worker_r),
                    str(from_worker_w),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=spec.task_root,
                env=spec.env,
                pass_fds=(to_worker_r, from_worker_w),
                close_fds=True,
            )
        except OSError as e:
            for fd in (to_worker_w, from_worker_r):
                os.close(fd)
            raise WorkerStartError(f"Could not start {spec.interpreter}: {e}") from e
        finally:
            for fd in (to_worker_r, from_worker_w):
                _close_quietly(fd)
        assert process.stdout is not None
        capture = LogCapture(os.dup(process.stdout.fileno()))
        process.stdout.close()
        capture.start()
        monitor = MemoryMonitor(process.pid, spec.memory_mb)
        monitor.start()
        running = _Running(
            process=process,
            control_in=os.fdopen(to_worker_w, "wb", buffering=0),
            control_out=os.fdopen(from_worker_r, "rb", buffering=0),
            capture=capture,
            monitor=monitor,
        )
        self._initialize(running, started)
        return running

    def _initialize(self, running: _Running, started: float) -> None:
        with contextlib.suppress(OSError):
            write_message(
                running.control_in, {"handler": self.spec.handler, "sys_path": self.spec.sys_path}
            )
        timed_out = False
        try:
            reply = _read_reply(
                running.control_out, time.monotonic() + self.spec.init_timeout_seconds
            )
        except _ReplyTimeout:
            reply, timed_out = None, True
        running.init_duration_ms = (time.perf_counter() - started) * 1000
        if reply is not None and reply.get("type") == "ready":
            running.init_logs = running.capture.take_until_marker("init", LOG_SETTLE_SECONDS)
            return
        if reply is not None and reply.get("type") == "init_error":
            running.init_logs = running.capture.take_until_marker("init", LOG_SETTLE_SECONDS)
            running.init_error = reply["error"]
            return
        _kill(running.process)
        running.init_logs = running.capture.take_rest(LOG_SETTLE_SECONDS)
        if timed_out and not running.monitor.exceeded.is_set():
            running.init_error = {
                "errorMessage": (
                    f"Init timed out after {self.spec.init_timeout_seconds:.2f} seconds"
                ),
                "errorType": "Sandbox.Timedout",
                "requestId": "",
                "stackTrace": [],
            }
        else:
            error_type = (
                "Runtime.OutOfMemory"
                if running.monitor.exceeded.is_set()
                else ("Runtime.ExitError")
            )
            running.init_error = {
                "errorMessage": "Runtime exited with error: "
                + reports.describe_exit(running.process.returncode),
                "errorType": error_type,
                "requestId": "",
                "stackTrace": [],
            }

    def _init_error_outcome(
        self, request: InvokeRequest, running: _Running, prefix: str, init_ms: float | None
    ) -> InvokeOutcome:
        error = running.init_error or {}
        init_report = (
            f"INIT_REPORT Init Duration: {running.init_duration_ms or 0:.2f} ms\t"
            f"Phase: init\tStatus: error\tError Type: {error.get('errorType', '')}\n"
        )
        ending = _Ending(
            payload=json.dumps(error).encode(),
            body="",
            status="error",
            error_type=str(error.get("errorType", "")),
        )
        return self._finish(
            request=request,
            prefix=prefix + init_report,
            init_ms=None,
            duration_ms=0.0,
            ending=ending,
            running=running,
        )

    def _invoke_running(
        self, request: InvokeRequest, running: _Running, prefix: str, init_ms: float | None
    ) -> InvokeOutcome:
        spec = self.spec
        started = time.monotonic()
        message = {
            "type": "invoke",
            "request_id": request.request_id,
            "invoked_function_arn": request.invoked_function_arn,
            "payload": request.payload,
            "trace_id": request.trace_id,
            "deadline_ms": int(time.time() * 1000 + spec.timeout_seconds * 1000),
        }
        timed_out = False
        try:
            write_message(running.control_in, message)
            reply = _read_reply(running.control_out, started + spec.timeout_seconds)
        except OSError:
            reply = None
        except _ReplyTimeout:
            reply, timed_out = None, True
        duration_ms = (time.monotonic() - started) * 1000
        if reply is not None and reply.get("type") == "result":
            body = running.capture.take_until_marker(request.request_id, LOG_SETTLE_SECONDS)
            payload = str(reply["payload"]).encode()
            error_type = None
            if not reply["ok"]:
                error_type = str(json.loads(payload).get("errorType", "")) or None
            ending = _Ending(payload=payload, body=body, error_type=error_type)
            if error_type:
                ending.status = "error"
            return self._finish(
                request=request,
                prefix=prefix,
                init_ms=init_ms,
                duration_ms=duration_ms,
                ending=ending,
                running=running,
            )
        _kill(running.process)
        body = running.capture.take_rest(LOG_SETTLE_SECONDS)
        if timed_out and not running.monitor.exceeded.is_set():
            ending = _Ending(
                payload=reports.timeout_payload(request.request_id, spec.timeout_seconds),
                body=body,
                status="timeout",
                extra_lines=[reports.timeout_log_line(request.request_id, spec.timeout_seconds)],
            )
        else:
            error_type = (
                "Runtime.OutOfMemory" if running.monitor.exceeded.is_set() else "Runtime.ExitError"
            )
            exit_description = reports.describe_exit(running.process.returncode)
            ending = _Ending(
                payload=reports.runtime_exit_payload(
                    request.request_id, error_type, exit_description
                ),
                body=body,
                status="error",
                error_type=error_type,
                extra_lines=[
                    f"RequestId: {request.request_id} Error: Runtime exited with error: "
                    f"{exit_description}\n{error_type}\n"
                ],
            )
        outcome = self._finish(
            request=request,
            prefix=prefix,
            init_ms=init_ms,
            duration_ms=duration_ms,
            ending=ending,
            running=running,
        )
        self._discard(running)
        return outcome

    def _finish(
        self,
        *,
        request: InvokeRequest,
        prefix: str,
        init_ms: float | None,
        duration_ms: float,
        ending: _Ending,
        running: _Running,
    ) -> InvokeOutcome:
        peak = peak_memory_mb(running.process.pid) if running.process.poll() is None else None
        if ending.error_type == "Runtime.OutOfMemory":
            peak = self.spec.memory_mb
        report = reports.ReportFields(
            request_id=request.request_id,
            duration_ms=duration_ms,
            memory_size_mb=self.spec.memory_mb,
            max_memory_used_mb=peak or running.monitor.peak_mb,
            init_duration_ms=init_ms,
            status=ending.status,
            error_type=ending.error_type,
        )
        body = ending.body
        if body and not body.endswith("\n"):
            body += "\n"
        logs = (
            prefix
            + reports.start_line(request.request_id, self.spec.version)
            + body
            + "".join(ending.extra_lines)
            + reports.end_line(request.request_id)
            + reports.report_line(report)
        )
        return InvokeOutcome(
            request_id=request.request_id,
            payload=ending.payload,
            is_error=ending.status is not None,
            logs=logs,
        )

    def _discard(self, running: _Running) -> None:
        with self._lock:
            if self._running is running:
                self._running = None
        self._terminate(running)

    @staticmethod
    def _terminate(running: _Running) -> None:
        running.monitor.stop()
        _kill(running.process)
        for stream in (running.control_in, running.control_out):
            with contextlib.suppress(OSError):
                stream.close()


def _read_reply(stream: Any, deadline: float) -> dict[str, Any] | None:
    """The worker's next message, None if it exited; raises _ReplyTimeout at the deadline."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(timeout=remaining):
            raise _ReplyTimeout
    return read_message(stream)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        LOG.warning("Lambda worker %s did not exit after SIGKILL", process.pid)


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
