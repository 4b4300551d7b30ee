"""Fixtures every integration test may use, registered for the whole suite by tests/conftest.py
(`pytest_plugins`): the region and boto3 session of the target, a Lambda client for invokes, a
run id for resource names, and the poller.

The target comes from the environment alone (the local AWS, a LocalStack container or MiniStack
through AWS_ENDPOINT_URL, or a real account).
"""

from __future__ import annotations

import subprocess
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from lbp_testing.polling import wait_until
from lbp_testing.provider import REATTACH, ProviderStartError, SharedProvider, aws_provider_binary
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


# Folders whose tests run offline `terraform test` suites (mocked provider only).
MOCKED_SUITES = ("tests/module", "tests/examples")


@pytest.fixture(scope="session")
def shared_aws_provider() -> Iterator[SharedProvider | None]:
    """The worker's one AWS provider process for mocked suites (None if it cannot start: the
    suites then start their own, as without this fixture)."""
    try:
        provider = SharedProvider(aws_provider_binary())
    except (ProviderStartError, OSError, subprocess.CalledProcessError) as error:
        warnings.warn(
            f"no shared AWS provider, each terraform run starts its own: {error}", stacklevel=1
        )
        yield None
        return
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture(autouse=True)
def _mocked_suites_share_the_provider(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    relative = Path(request.node.path).relative_to(request.config.rootpath).as_posix()
    if not relative.startswith(MOCKED_SUITES):
        return
    provider = request.getfixturevalue("shared_aws_provider")
    if provider is not None:
        monkeypatch.setenv(REATTACH, provider.reattach)
