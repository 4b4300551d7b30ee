"""Fixtures every integration test may use, registered for the whole suite by tests/conftest.py
(`pytest_plugins`): the region and boto3 session of the target, a Lambda client for invokes, a
run id for resource names, and the poller.

The target comes from the environment alone (the local AWS, a LocalStack container or MiniStack
through AWS_ENDPOINT_URL, or a real account).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from lbp_testing.polling import wait_until
from scenario_client.target import AwsTarget, NoTargetError, from_environment


@pytest.fixture(scope="session")
def aws_target() -> AwsTarget:
    try:
        return from_environment()
    except NoTargetError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def region(aws_target: AwsTarget) -> str:
    return aws_target.region


@pytest.fixture(scope="session")
def session(region: str) -> boto3.session.Session:
    return boto3.session.Session(region_name=region)


@pytest.fixture(scope="session")
def lambda_client(session: boto3.session.Session) -> Any:
    # Invocations can take as long as a function's timeout: no client retries on read timeouts.
    return session.client("lambda", config=Config(read_timeout=120, retries={"max_attempts": 1}))


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """``wait_for(probe, timeout, interval, what)``: polls until ``probe()`` is truthy."""
    return wait_until
