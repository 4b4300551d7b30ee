from __future__ import annotations

import json
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from local_lambda_executor.interpreters import InterpreterFinder, InterpreterNotFoundError
from local_lambda_executor.worker import InvokeOutcome, InvokeRequest, Worker, WorkerSpec

HANDLERS = """
import logging
import os
import sys
import time

print("module loaded")
COUNT = 0


def handler(event, context):
    global COUNT
    COUNT += 1
    print("to stdout", event.get("tag"))
    print("to stderr", file=sys.stderr)
    logging.getLogger("app").warning("a warning")
    return {"count": COUNT}


def fail(event, context):
    raise KeyError("missing thing")


def sleep(event, context):
    print("going to sleep")
    time.sleep(event["seconds"])
    return "woke up"


def hog(event, context):
    chunks = []
    for _ in range(100):
        chunks.append(b"x" * (10 * 1024 * 1024))
        time.sleep(0.01)
    return len(chunks)


def context_fields(event, context):
    first = context.get_remaining_time_in_millis()
    time.sleep(0.2)
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "client_context": context.client_context,
        "identity": context.identity.cognito_identity_id,
        "remaining": [first, context.get_remaining_time_in_millis()],
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
    }


def sandbox(event, context):
    return {
        "path": sys.path,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "executable": sys.executable,
        "flags": [sys.flags.isolated, sys.flags.no_site],
    }


def not_serializable(event, context):
    return {"when": object()}


def echo(event, context):
    return event
"""

ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "fn",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
    "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]abc",
    "CUSTOM": "value",
}


@pytest.fixture
def code_dir(tmp_path: Path) -> Path:
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(HANDLERS)
    return code


@pytest.fixture
def make_worker(code_dir: Path) -> Any:
    workers: list[Worker] = []

    def create(
        handler: str = "app.handler",
        *,
        interpreter: str = sys.executable,
        timeout: float = 5.0,
        memory_mb: int = 128,
        extra_path: list[str] | None = None,
    ) -> Worker:
        worker = Worker(
            WorkerSpec(
                interpreter=interpreter,
                handler=handler,
                task_root=code_dir,
                sys_path=[str(code_dir), *(extra_path or [])],
                env=dict(ENV),
                timeout_seconds=timeout,
                memory_mb=memory_mb,
            )
        )
        workers.append(worker)
        worker.start()
        return worker

    yield create
    for worker in workers:
        worker.stop()


def call(worker: Worker, event: Any = None) -> tuple[InvokeOutcome, Any]:
    request_id = str(uuid.uuid4())
    outcome = worker.invoke(
        InvokeRequest(
            request_id=request_id,
            invoked_function_arn="arn:aws:lambda:us-east-1:000000000000:function:fn",
            payload=json.dumps(event if event is not None else {}),
            trace_id="Root=1-abc;Parent=def;Sampled=1",
        )
    )
    assert outcome.request_id == request_id
    return outcome, json.loads(outcome.payload)


def test_invoke_returns_the_result_and_keeps_module_state(
    make_worker: Callable[..., Worker],
) -> None:
    worker = make_worker()
    pid = worker.pid

    results = [call(worker, {"tag": n}) for n in range(3)]

    assert [payload for _, payload in results] == [{"count": 1}, {"count": 2}, {"count": 3}]
    assert not any(outcome.is_error for outcome, _ in results)
    assert worker.pid == pid


def test_logs_capture_output_per_invocation(make_worker: Callable[..., Worker]) -> None:
    worker = make_worker()

    first, _ = call(worker, {"tag": "first"})
    second, _ = call(worker, {"tag": "second"})

    lines = first.logs.splitlines()
    assert lines[0] == "module loaded", "init output precedes the first START"
    assert lines[1] == f"START RequestId: {first.request_id} Version: $LATEST"
    assert "to stdout first" in lines
    assert "to stderr" in lines
    assert any(
        line.startswith("[WARNING]\t") and line.endswith(f"\t{first.request_id}\ta warning")
        for line in lines
    )
    assert lines[-2] == f"END RequestId: {first.request_id}"
    assert lines[-1].startswith(f"REPORT RequestId: {first.request_id}\tDuration: ")
    for field in ("Billed Duration: ", "Memory Size: 128 MB", "Max Memory Used: ", "Init Duration"):
        assert field in lines[-1]
    assert "module loaded" not in second.logs
    assert "to stdout first" not in second.logs
    assert "to stdout second" in second.logs
    assert "Init Duration" not in second.logs
    assert "LBP-SYNC" not in first.logs + second.logs + worker.logs()


def test_unhandled_exception_has_the_aws_error_shape(make_worker: Callable[..., Worker]) -> None:
    worker = make_worker("app.fail")

    outcome, error = call(worker)

    assert outcome.is_error
    assert error["errorType"] == "KeyError"
    assert error["errorMessage"] == "'missing thing'"
    assert error["requestId"] == outcome.request_id
    assert len(error["stackTrace"]) == 1
    assert 'app.py", line' in error["stackTrace"][0]
    assert "in fail" in error["stackTrace"][0]
    assert "[ERROR] KeyError: 'missing thing'\rTraceback (most recent call last):" in outcome.logs
    assert "Status: error\tError Type: KeyError" in outcome.logs
    assert call(worker)[0].is_error, "the environment stays usable after a handled error"


def test_timeout_kills_the_worker_and_the_next_invoke_reinitializes(
    make_worker: Callable[..., Worker],
) -> None:
    worker = make_worker("app.sleep", timeout=1)
    first_pid = worker.pid

    started = time.monotonic()
    outcome, error = call(worker, {"seconds": 30})

    assert time.monotonic() - started < 3
    assert outcome.is_error
    assert error == {
        "errorMessage": f"RequestId: {outcome.request_id} Error: Task timed out after 1.00 seconds",
        "errorType": "Sandbox.Timedout",
    }
    assert "going to sleep" in outcome.logs
    assert f"{outcome.request_id} Task timed out after 1.00 seconds" in outcome.logs
    assert "Status: timeout" in outcome.logs
    assert worker.pid is None
    again, payload = call(worker, {"seconds": 0})
    assert payload == "woke up"
    assert worker.pid not in (None, first_pid)
    assert "Init Duration" in again.logs


def test_memory_limit_kills_the_worker(make_worker: Callable[..., Worker]) -> None:
    worker = make_worker("app.hog", memory_mb=64)

    outcome, error = call(worker)

    assert outcome.is_error
    assert error["errorType"] == "Runtime.OutOfMemory"
    assert error["errorMessage"] == (
        f"RequestId: {outcome.request_id} Error: Runtime exited with error: signal: killed"
    )
    assert "Max Memory Used: 64 MB" in outcome.logs
    assert "Error Type: Runtime.OutOfMemory" in outcome.logs


@pytest.mark.parametrize(
    ("source", "handler", "error_type", "message"),
    [
        (
            "import not_a_packaged_module\n",
            "broken.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'broken': No module named 'not_a_packaged_module'",
        ),
        (
            "def handler(event, context)\n    pass\n",
            "broken.handler",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'broken': ",
        ),
        (
            "x = 1\n",
            "broken.handler",
            "Runtime.HandlerNotFound",
            "Handler 'handler' missing on module 'broken'",
        ),
        ("", "nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot': "),
        ("raise RuntimeError('at import')\n", "broken.handler", "RuntimeError", "at import"),
    ],
)
def test_init_errors(
    make_worker: Callable[..., Worker],
    code_dir: Path,
    source: str,
    handler: str,
    error_type: str,
    message: str,
) -> None:
    (code_dir / "broken.py").write_text(source)
    worker = make_worker(handler)

    outcome, error = call(worker)

    assert outcome.is_error
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)
    assert error["requestId"] == ""
    assert isinstance(error["stackTrace"], list)
    assert f"[ERROR] {error_type}: " in outcome.logs
    assert f"Phase: init\tStatus: error\tError Type: {error_type}" in outcome.logs
    assert f"START RequestId: {outcome.request_id}" in outcome.logs
    assert call(worker)[1]["errorType"] == error_type, "every invoke retries the init"


def test_context_object(make_worker: Callable[..., Worker]) -> None:
    worker = make_worker("app.context_fields", timeout=3)

    outcome, ctx = call(worker)

    assert ctx["aws_request_id"] == outcome.request_id
    assert ctx["function_name"] == "fn"
    assert ctx["function_version"] == "$LATEST"
    assert ctx["invoked_function_arn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert ctx["memory_limit_in_mb"] == "128"
    assert ctx["log_group_name"] == "/aws/lambda/fn"
    assert ctx["log_stream_name"] == "2026/01/01/[$LATEST]abc"
    assert ctx["client_context"] is None
    assert ctx["identity"] is None
    first, later = ctx["remaining"]
    assert 2500 < first <= 3000
    assert 150 <= first - later < 1000
    assert ctx["trace"] == "Root=1-abc;Parent=def;Sampled=1"


def test_sandbox_isolation(
    make_worker: Callable[..., Worker], code_dir: Path, tmp_path: Path
) -> None:
    site = tmp_path / "runtime-site"
    site.mkdir()
    worker = make_worker("app.sandbox", extra_path=[str(site)])

    _, sandbox = call(worker)

    assert sandbox["path"][:2] == [str(code_dir), str(site)]
    assert not [entry for entry in sandbox["path"] if "site-packages" in entry]
    assert sandbox["cwd"] == str(code_dir)
    added_by_python_or_runtime = {"LC_CTYPE", "_X_AMZN_TRACE_ID"}
    assert {k: v for k, v in sandbox["env"].items() if k not in added_by_python_or_runtime} == ENV
    assert sandbox["flags"] == [1, 1]


def test_the_venv_packages_are_not_importable(
    make_worker: Callable[..., Worker], code_dir: Path
) -> None:
    (code_dir / "uses_pytest.py").write_text("import pytest\n\ndef handler(e, c):\n    pass\n")
    worker = make_worker("uses_pytest.handler")

    _, error = call(worker)

    assert (
        error["errorMessage"] == "Unable to import module 'uses_pytest': No module named 'pytest'"
    )


def test_unserializable_result_is_a_marshal_error(make_worker: Callable[..., Worker]) -> None:
    outcome, error = call(make_worker("app.not_serializable"))
    assert outcome.is_error
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"].startswith("Unable to marshal response: ")


def test_large_payloads_round_trip(make_worker: Callable[..., Worker]) -> None:
    event = {"blob": "x" * 3_000_000}
    outcome, payload = call(make_worker("app.echo"), event)
    assert not outcome.is_error
    assert payload == event


def test_workers_start_concurrently(make_worker: Callable[..., Worker]) -> None:
    workers: list[Worker] = []
    lock = threading.Lock()

    def start() -> None:
        worker = make_worker()
        with lock:
            workers.append(worker)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({worker.pid for worker in workers}) == 6
    assert all(call(worker)[1] == {"count": 1} for worker in workers)


def test_stop_kills_the_worker(make_worker: Callable[..., Worker]) -> None:
    worker = make_worker()
    pid = worker.pid
    assert pid is not None

    worker.stop()

    assert worker.pid is None
    assert not Path(f"/proc/{pid}").exists()


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.12", "3.13"])
def test_bootstrap_runs_on_supported_interpreters(
    make_worker: Callable[..., Worker], version: str
) -> None:
    try:
        interpreter = InterpreterFinder().find(f"python{version}")
    except InterpreterNotFoundError:
        pytest.skip(f"no Python {version} here")
    worker = make_worker("app.fail", interpreter=interpreter)

    outcome, error = call(worker)

    assert error["errorType"] == "KeyError"
    assert "[ERROR] KeyError" in outcome.logs
    assert textwrap.dedent(error["stackTrace"][0]).startswith("File ")
