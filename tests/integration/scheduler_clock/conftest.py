"""Fixtures for the schedule clock's own tests: boto3 resources and the clock, nothing else.

These tests prove the local AWS's clock extension (tools/localaws_time) itself. On a real
account there is no clock to move, so they skip there; on this project's local AWS a missing
clock endpoint (LBP_TIME=off, or the extension broken) fails them.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from lbp_testing.lambdas import LAMBDA_TRUST_POLICY, RUNTIME, create_active_function, zip_files
from scenario_client.clock import Clock, clock_from_environment
from scenario_client.iam import service_trust_policy

SCHEDULER_TRUST = service_trust_policy("scheduler.amazonaws.com")
# Forwards each event it gets to a queue, so the test sees exactly what the Lambda received.
FORWARDER = """
import json
import os

import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(event))
"""


@pytest.fixture(scope="module")
def clock() -> Iterator[Clock]:
    """The local AWS's clock, frozen by each test where it needs it; real time afterwards."""
    target = os.environ.get("LBP_TARGET", "local")
    found = clock_from_environment()
    if found is None or not found.available():
        if target in {"aws", "endpoint"}:
            pytest.skip("target has no controllable clock (a real account or another emulator)")
        pytest.fail(
            f"no schedule clock at {os.environ.get('AWS_ENDPOINT_URL')}/_lbp/clock: the local "
            "AWS's clock extension is off (LBP_TIME=off) or broken"
        )
    try:
        yield found
    finally:
        found.reset()


@pytest.fixture(scope="session")
def sqs(session: boto3.session.Session) -> Any:
    return session.client("sqs")


@pytest.fixture(scope="session")
def scheduler(session: boto3.session.Session) -> Any:
    return session.client("scheduler")


@pytest.fixture(scope="session")
def events(session: boto3.session.Session) -> Any:
    return session.client("events")


@pytest.fixture(scope="session")
def iam(session: boto3.session.Session) -> Any:
    return session.client("iam")


@pytest.fixture
def make_queue(sqs: Any, run_id: str) -> Iterator[Callable[[str], tuple[str, str]]]:
    """make_queue(label) -> (url, arn); deleted after the test."""
    urls: list[str] = []

    def make(label: str) -> tuple[str, str]:
        url = sqs.create_queue(QueueName=f"lbp-clock-{run_id}-{label}-{uuid.uuid4().hex[:4]}")[
            "QueueUrl"
        ]
        urls.append(url)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return url, arn

    yield make
    for url in urls:
        with contextlib.suppress(sqs.exceptions.QueueDoesNotExist):  # a test deleted it
            sqs.delete_queue(QueueUrl=url)


@pytest.fixture(scope="module")
def scheduler_role(iam: Any, run_id: str) -> Iterator[str]:
    """The schedules' execution role: may send to this run's queues and invoke its functions."""
    name = f"lbp-clock-{run_id}-scheduler"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(SCHEDULER_TRUST))
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": f"arn:aws:sqs:*:*:lbp-clock-{run_id}-*",
            },
            {
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": f"arn:aws:lambda:*:*:function:lbp-clock-{run_id}-*",
            },
            {
                "Effect": "Allow",
                "Action": "sns:Publish",
                "Resource": f"arn:aws:sns:*:*:lbp-clock-{run_id}-*",
            },
        ],
    }
    iam.put_role_policy(RoleName=name, PolicyName="targets", PolicyDocument=json.dumps(policy))
    yield str(role["Role"]["Arn"])
    iam.delete_role_policy(RoleName=name, PolicyName="targets")
    iam.delete_role(RoleName=name)


@pytest.fixture
def schedules(scheduler: Any) -> Iterator[list[tuple[str, str]]]:
    """(group, name) of schedules to delete after the test (gone already is fine)."""
    created: list[tuple[str, str]] = []
    yield created
    for group, name in created:
        try:
            scheduler.delete_schedule(GroupName=group, Name=name)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise


@pytest.fixture
def forwarder(
    iam: Any, lambda_client: Any, run_id: str, make_queue: Callable[[str], tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    """A Lambda function that forwards every event to a queue: (function ARN, queue URL)."""
    queue_url, queue_arn = make_queue("lambda-out")
    name = f"lbp-clock-{run_id}-fwd-{uuid.uuid4().hex[:4]}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_POLICY))
    iam.put_role_policy(
        RoleName=name,
        PolicyName="forward",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}
                ],
            }
        ),
    )
    function_arn = _create_function(lambda_client, name, role["Role"]["Arn"], queue_url)
    yield function_arn, queue_url
    lambda_client.delete_function(FunctionName=name)
    iam.delete_role_policy(RoleName=name, PolicyName="forward")
    iam.delete_role(RoleName=name)


def _create_function(lambda_client: Any, name: str, role_arn: str, queue_url: str) -> str:
    created = create_active_function(
        lambda_client,
        FunctionName=name,
        Runtime=RUNTIME,
        Handler="app.handler",
        Role=role_arn,
        Code={"ZipFile": zip_files({"app.py": FORWARDER})},
        Timeout=10,
        Environment={"Variables": {"QUEUE_URL": queue_url}},
    )
    return str(created["FunctionArn"])


def receive_all(sqs: Any, url: str, expected: int, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Messages from a queue until ``expected`` arrived (or the deadline), then a short drain."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1 if len(messages) < expected else 0,
            MessageAttributeNames=["All"],
        )
        batch = reply.get("Messages", [])
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages.extend(batch)
        if len(messages) >= expected and not batch:
            break
    return messages


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
