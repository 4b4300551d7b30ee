"""Worker bootstrap: runs one Lambda handler inside a runtime interpreter (3.9-3.13).

Executed as ``python -I -S bootstrap.py <control-in fd> <control-out fd>``; stdlib only.
The host sends length-prefixed JSON messages on the control-in fd (first ``init``, then
``invoke`` messages) and reads replies on the control-out fd. The handler's stdout and
stderr go to fds 1/2, which the host captures; after each phase the worker writes a sync
marker to fd 1 so the host knows where that phase's output ends.
"""

from __future__ import annotations

import contextlib
import decimal
import importlib
import json
import logging
import os
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO

_HEADER = struct.Struct(">I")
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_INDENT = "\u00a0"
SYNC_PREFIX = b"\x00LBP-SYNC:"
SYNC_SUFFIX = b"\x00\n"

_invocation = {"request_id": ""}


class FaultError(Exception):
    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def read_message(stream: BinaryIO) -> dict[str, Any] | None:
    header = _read_exact(stream, _HEADER.size)
    if header is None:
        return None
    body = _read_exact(stream, _HEADER.unpack(header)[0])
    if body is None:
        return None
    message: dict[str, Any] = json.loads(body.decode("utf-8"))
    return message


def _read_exact(stream: BinaryIO, size: int) -> bytes | None:
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_message(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode("utf-8")
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


class Unbuffered:
    """Flushes after every write, like the AWS Python runtime's stdout/stderr."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.stream, attr)

    def write(self, msg: str) -> int:
        written: int = self.stream.write(msg)
        self.stream.flush()
        return written

    def writelines(self, msgs: Any) -> None:
        self.stream.writelines(msgs)
        self.stream.flush()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _invocation["request_id"]
        return True


class StdoutHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(self.format(record))


def setup_logging() -> None:
    logging.Formatter.converter = time.gmtime
    handler = StdoutHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


def load_handler(handler: str) -> Any:
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}") from e
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise FaultError(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {module_name} as a handler module",
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise FaultError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {e}"
        ) from e
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        raise FaultError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {e}", trace
        ) from e
    try:
        return getattr(module, function_name)
    except AttributeError as e:
        raise FaultError(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        ) from e


def make_error(
    message: str, error_type: str, trace: list[str], request_id: str = ""
) -> dict[str, Any]:
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": trace,
    }


def error_from_exception(exc: BaseException, request_id: str = "") -> dict[str, Any]:
    frames = traceback.extract_tb(exc.__traceback__)
    user_frames = [frame for frame in frames if frame.filename != __file__]
    return make_error(str(exc), type(exc).__name__, traceback.format_list(user_frames), request_id)


def log_error(error: dict[str, Any]) -> None:
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"] + ":"
    if error["errorMessage"]:
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append(ERROR_LOG_INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self) -> None:
        self.cognito_identity_id = None
        self.cognito_identity_pool_id = None


class LambdaContext:
    """Mirrors awslambdaric's LambdaContext (memory_limit_in_mb is a string there too)."""

    def __init__(self, request_id: str, invoked_function_arn: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        self.identity = CognitoIdentity()
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg: Any) -> None:
        sys.stdout.write(str(msg))


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value) if value % 1 else int(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def marshal_response(response: Any) -> str:
    if isinstance(response, bytes):
        return response.decode("utf-8", errors="replace")
    try:
        return json.dumps(response, default=_json_default)
    except (TypeError, ValueError) as e:
        raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {e}") from e


def unmarshal_event(payload: str) -> Any:
    try:
        return json.loads(payload) if payload else {}
    except ValueError as e:
        raise FaultError("Runtime.UnmarshalError", f"Unable to unmarshal input: {e}") from e


def write_sync_marker(token: str) -> None:
    for stream in (sys.stdout, sys.stderr):
        # A handler may have replaced or closed the stream.
        with contextlib.suppress(Exception):
            stream.flush()
    os.write(1, SYNC_PREFIX + token.encode("ascii") + SYNC_SUFFIX)


def handle_invoke(handler: Any, message: dict[str, Any]) -> dict[str, Any]:
    request_id = message["request_id"]
    _invocation["request_id"] = request_id
    trace_id = message.get("trace_id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    context = LambdaContext(request_id, message["invoked_function_arn"], message["deadline_ms"])
    try:
        event = unmarshal_event(message["payload"])
        payload = marshal_response(handler(event, context))
        return {"type": "result", "request_id": request_id, "ok": True, "payload": payload}
    except FaultError as e:
        error = make_error(e.message, e.error_type, e.trace, request_id)
    except Exception as e:
        error = error_from_exception(e, request_id)
    log_error(error)
    return {"type": "result", "request_id": request_id, "ok": False, "payload": json.dumps(error)}


def initialize(config: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    sys.path[:0] = config["sys_path"]
    try:
        return load_handler(config["handler"]), {"type": "ready"}
    except FaultError as e:
        error = make_error(e.message, e.error_type, e.trace)
    except Exception as e:
        error = error_from_exception(e)
    log_error(error)
    return None, {"type": "init_error", "error": error}


def main() -> int:
    control_in = os.fdopen(int(sys.argv[1]), "rb", buffering=0)
    control_out = os.fdopen(int(sys.argv[2]), "wb", buffering=0)
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    setup_logging()
    config = read_message(control_in)
    if config is None:
        return 1
    handler, reply = initialize(config)
    write_sync_marker("init")
    write_message(control_out, reply)
    if handler is None:
        return 1
    while True:
        message = read_message(control_in)
        if message is None:
            return 0
        reply = handle_invoke(handler, message)
        write_sync_marker(message["request_id"])
        write_message(control_out, reply)


if __name__ == "__main__":
    sys.exit(main())
