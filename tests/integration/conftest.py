"""Integration fixtures: the AWS target from the environment and the deployed root stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lbp_testing.stack import INDEXER_FAILURE_PREFIX, Stack, unique_prefix
from scenario_client.target import AwsTarget, NoTargetError, from_environment

INTEGRATION_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if INTEGRATION_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def aws_target() -> AwsTarget:
    try:
        return from_environment()
    except NoTargetError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def root_stack(aws_target: AwsTarget, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real root stack, every scenario enabled, applied once per test session."""
    stack = Stack(
        tmp_path_factory.mktemp("root-stack"),
        {
            "name_prefix": unique_prefix(),
            "force_destroy": True,
            "region": aws_target.region,
            "s3_object_index": {
                "indexer_environment": {"FAIL_ON_KEY_PREFIX": INDEXER_FAILURE_PREFIX},
                # No retries in the test stack, so a forced failure reaches the queue at once.
                "indexer_retry_attempts": 0,
            },
        },
    )
    try:
        stack.apply()
        yield stack
    finally:
        stack.destroy()
