"""Fixtures for Lambda runtime tests against whatever AWS endpoint the environment names."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from lbp_testing.buckets import create_bucket, delete_bucket
from lbp_testing.lambdas import (
    BASIC_EXECUTION,
    LAMBDA_TRUST_POLICY,
    RUNTIME,
    create_active_function,
    invoke_json,
    zip_files,
)


@pytest.fixture
def invoke(lambda_client: Any) -> Callable[..., dict[str, Any]]:
    """``invoke(name, event, **kwargs)``: a synchronous invoke with the payload decoded."""

    def call(name: str, event: Any = None, **kwargs: Any) -> dict[str, Any]:
        return invoke_json(lambda_client, name, event, **kwargs)

    return call


@pytest.fixture(scope="session")
def s3(session: boto3.session.Session) -> Any:
    return session.client("s3")


@pytest.fixture(scope="session")
def logs_client(session: boto3.session.Session) -> Any:
    return session.client("logs")


@pytest.fixture(scope="session")
def lambda_role(session: boto3.session.Session, run_id: str) -> Iterator[str]:
    """A role Lambda can assume, allowed to write logs and to use the test's S3 buckets."""
    iam = session.client("iam")
    name = f"lbp-lrt-{run_id}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_POLICY))
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
        create_active_function(lambda_client, **kwargs)
        created.append(name)
        return name

    yield create
    for name in created:
        lambda_client.delete_function(FunctionName=name)
        with contextlib.suppress(ClientError):
            logs_client.delete_log_group(logGroupName=f"/aws/lambda/{name}")


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
    name = create_bucket(s3, unique_name[:63].rstrip("-"), region)
    yield name
    delete_bucket(s3, name)
