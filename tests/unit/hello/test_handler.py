from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from hello.greeting import BadRequestError
from hello.handler import lambda_handler, logger


@dataclass
class FakeContext:
    function_name: str = "lbp-hello"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:lbp-hello"
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 2500


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Where the handler's log lines go: one JSON object per line, as Lambda ships them."""
    stream = io.StringIO()
    previous = logger.registered_handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    logger.registered_handler.setStream(previous)  # type: ignore[attr-defined]


def logged(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_handler_answers_and_logs_json(log_stream: io.StringIO) -> None:
    answer = lambda_handler({"name": "Ada"}, FakeContext())
    assert answer["message"] == "hello, Ada"
    assert answer["runtime"]["function"] == "lbp-hello"
    assert answer["runtime"]["remaining_ms"] == 2500
    greeted = next(line for line in logged(log_stream) if line["message"] == "greeted")
    assert greeted["greeted"] == "Ada" and greeted["function_request_id"] == "req-1"


def test_handler_logs_and_raises_on_bad_input(log_stream: io.StringIO) -> None:
    with pytest.raises(BadRequestError):
        lambda_handler({"name": 42}, FakeContext())
    rejected = next(line for line in logged(log_stream) if line["message"] == "bad request")
    assert rejected["level"] == "ERROR" and "non-empty" in rejected["reason"]
