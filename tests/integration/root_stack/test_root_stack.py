"""The root stack applies to the target as is, and a second plan finds nothing to change."""

from __future__ import annotations

import base64
import json

import boto3
import pytest

from lbp_testing.stack import Stack
from scenario_client.target import AwsTarget

# Drift the emulator causes, not the configuration: LocalStack 4.8's Kinesis does not implement
# ListTagsForResource, which the AWS provider 5.x reads stream tags with, so tags_all reads empty.
EMULATOR_DRIFT = {"aws_kinesis_stream": {"tags_all"}}


def test_second_plan_is_empty(root_stack: Stack, aws_target: AwsTarget) -> None:
    tolerated = EMULATOR_DRIFT if aws_target.is_emulator else {}
    assert root_stack.planned_changes(tolerated) == []


def test_smoke_function_runs_with_the_shared_layer(root_stack: Stack) -> None:
    hello = root_stack.outputs["hello"]
    client = boto3.client("lambda")
    response = client.invoke(
        FunctionName=hello["function_name"], Payload=b'{"name": "ci"}', LogType="Tail"
    )
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    assert body["message"] == "hello, ci"
    assert body["runtime"]["python"].startswith("3.12.")
    assert body["runtime"]["function"] == hello["function_name"]


def test_smoke_function_logs_powertools_json_in_the_log_tail(root_stack: Stack) -> None:
    """Runs after the smoke test, so the function is warm. On MiniStack an invocation's log is
    what its worker printed within 50 ms of returning: a cold start's lines can come later, with
    the next invocation's log, and LogType=Tail then has no LogResult (seen once under load)."""
    response = boto3.client("lambda").invoke(
        FunctionName=root_stack.outputs["hello"]["function_name"],
        Payload=b'{"name": "tail"}',
        LogType="Tail",
    )
    assert "FunctionError" not in response
    log_tail = base64.b64decode(response["LogResult"]).decode()
    assert '"message":"greeted"' in log_tail.replace(" ", "")  # Powertools' JSON log line


@pytest.mark.emulator_difference(
    ministack=(
        "an unhandled exception is reported as errorType Runtime.HandlerError, not the "
        "exception class (BadRequestError)"
    )
)
def test_smoke_function_rejects_a_bad_request_clearly(root_stack: Stack) -> None:
    client = boto3.client("lambda")
    response = client.invoke(
        FunctionName=root_stack.outputs["hello"]["function_name"], Payload=b'{"name": 42}'
    )
    error = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "BadRequestError"
    assert "'name' must be a non-empty string" in error["errorMessage"]
