"""Fixtures for Lambda runtime tests against whatever AWS endpoint the environment names."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

RUNTIME = "python3.12"
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


@pytest.fixture
def invoke(lambda_client: Any) -> Callable[..., dict[str, Any]]:
    """``invoke(name, event, **kwargs)``: a synchronous invoke with the payload decoded."""

    def call(name: str, event: Any = None, **kwargs: Any) -> dict[str, Any]:
        return invoke_json(lambda_client, name, event, **kwargs)

    return call


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """``wait_for(probe, timeout, interval, what)``: polls until ``probe()`` is truthy."""
    return wait_until


def zip_files(files: dict[str, str]) -> bytes:
    """A zip archive (in memory) holding ``files``: archive path -> source text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text)
    return buffer.getvalue()


def wait_until(
    probe: Callable[[], Any], timeout: float = 30.0, interval: float = 0.25, what: str = ""
) -> Any:
    """Calls ``probe`` until it returns something truthy; fails the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what or probe}")
        time.sleep(interval)


def invoke_json(client: Any, name: str, event: Any = None, **kwargs: Any) -> dict[str, Any]:
    """Invokes synchronously; returns the response with ``Payload`` already JSON-decoded."""
    response = client.invoke(
        FunctionName=name, Payload=json.dumps(event if event is not None else {}), **kwargs
    )
    response["Payload"] = json.loads(response["Payload"].read() or b"null")
    return dict(response)


@pytest.fixture(scope="session")
def region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"


@pytest.fixture(scope="session")
def session(region: str) -> boto3.session.Session:
    return boto3.session.Session(region_name=region)


@pytest.fixture(scope="session")
def lambda_client(session: boto3.session.Session) -> Any:
    # Invocations can take as long as a function's timeout: no client retries on read timeouts.
    return session.client("lambda", config=Config(read_timeout=120, retries={"max_attempts": 1}))


@pytest.fixture(scope="session")
def s3(session: boto3.session.Session) -> Any:
    return session.client("s3")


@pytest.fixture(scope="session")
def logs_client(session: boto3.session.Session) -> Any:
    return session.client("logs")


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def lambda_role(session: boto3.session.Session, run_id: str) -> Iterator[str]:
    """A role Lambda can assume, allowed to write logs and to use the test's S3 buckets."""
    iam = session.client("iam")
    name = f"lbp-lrt-{run_id}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_POLICY))
    iam.attach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION)
    iam.put_role_policy(
        RoleName=name,
        PolicyName="test-buckets",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:PutObject"],
                        "Resource": f"arn:aws:s3:::lbp-lrt-{run_id}-*/*",
                    }
                ],
            }
        ),
    )
    yield str(role["Role"]["Arn"])
    iam.delete_role_policy(RoleName=name, PolicyName="test-buckets")
    iam.detach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION)
    iam.delete_role(RoleName=name)


@pytest.fixture
def unique_name(run_id: str, request: pytest.FixtureRequest) -> str:
    test_name = request.node.name.replace("test_", "").replace("_", "-")[:30].strip("-")
    return f"lbp-lrt-{run_id}-{test_name}-{uuid.uuid4().hex[:4]}"


@pytest.fixture
def make_function(
    lambda_client: Any, logs_client: Any, lambda_role: str, unique_name: str
) -> Iterator[Callable[..., str]]:
    """Creates a python3.12 function from source files and waits until it is Active."""
    created: list[str] = []

    def create(
        files: dict[str, str],
        handler: str = "app.handler",
        timeout: int = 10,
        memory_size: int = 128,
        environment: dict[str, str] | None = None,
        layers: list[str] | None = None,
    ) -> str:
        name = f"{unique_name}-{len(created)}" if created else unique_name
        kwargs: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": RUNTIME,
            "Role": lambda_role,
            "Handler": handler,
            "Code": {"ZipFile": zip_files(files)},
            "Timeout": timeout,
            "MemorySize": memory_size,
            "Environment": {"Variables": environment or {}},
            "Layers": layers or [],
        }
        _create_with_role_retry(lambda_client, kwargs)
        created.append(name)
        lambda_client.get_waiter("function_active_v2").wait(
            FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
        return name

    yield create
    for name in created:
        lambda_client.delete_function(FunctionName=name)
        with contextlib.suppress(ClientError):
            logs_client.delete_log_group(logGroupName=f"/aws/lambda/{name}")


def _create_with_role_retry(lambda_client: Any, kwargs: dict[str, Any]) -> None:
    """On AWS a new role takes a few seconds before Lambda may assume it."""
    deadline = time.monotonic() + 60
    while True:
        try:
            lambda_client.create_function(**kwargs)
            return
        except ClientError as e:
            message = e.response["Error"].get("Message", "")
            if "cannot be assumed" not in message or time.monotonic() > deadline:
                raise
            time.sleep(3)


@pytest.fixture
def make_layer(lambda_client: Any, unique_name: str) -> Iterator[Callable[[dict[str, str]], str]]:
    published: list[tuple[str, int]] = []

    def publish(files: dict[str, str]) -> str:
        response = lambda_client.publish_layer_version(
            LayerName=f"{unique_name}-layer{len(published)}",
            Content={"ZipFile": zip_files(files)},
            CompatibleRuntimes=[RUNTIME],
        )
        published.append((response["LayerArn"], response["Version"]))
        return str(response["LayerVersionArn"])

    yield publish
    for layer_arn, version in published:
        lambda_client.delete_layer_version(LayerName=layer_arn, VersionNumber=version)


@pytest.fixture
def bucket(s3: Any, region: str, unique_name: str) -> Iterator[str]:
    name = unique_name[:63].rstrip("-")
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)
