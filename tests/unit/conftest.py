"""Unit tests never reach a real or emulated AWS endpoint.

`make test` exports AWS_ENDPOINT_URL for the integration tests, and moto's mock_aws does not
intercept calls sent to a custom endpoint, so every unit test runs without it, with fake
credentials and a fixed region.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

TABLE_NAME = "object-index"

# One botocore data loader for every session: each test starts from a new default session (see
# _offline_aws), and each session's own loader would read and decode botocore's JSON models
# (endpoints, the service's model, paginators) again, about a third of the unit tests' CPU. The
# loader holds only those read-only models: nothing of one test's credentials or clients.
_shared_loader = functools.cache(botocore.loaders.create_loader)


@pytest.fixture(autouse=True, scope="session")
def _one_model_loader() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", _shared_loader)
        yield


@pytest.fixture(autouse=True)
def _offline_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in list(os.environ):
        if name == "AWS_ENDPOINT_URL" or name.startswith("AWS_ENDPOINT_URL_"):
            monkeypatch.delenv(name)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    missing = str(tmp_path_factory.getbasetemp() / "no-aws-config")
    monkeypatch.setenv("AWS_CONFIG_FILE", missing)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    # boto3's default session keeps the credentials it first resolved: without this, an
    # integration test run later in the same worker would sign with these fake keys.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


@dataclass
class FakeLambdaContext:
    function_name: str = "unit-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:unit-test"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"
    log_group_name: str = "/aws/lambda/unit-test"
    log_stream_name: str = "2024/05/01/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


def create_index_table(client: Any, name: str = TABLE_NAME) -> None:
    client.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "bucket", "AttributeType": "S"},
            {"AttributeName": "key", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "bucket", "KeyType": "HASH"},
            {"AttributeName": "key", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    """A moto DynamoDB client with the index table created."""
    with mock_aws():
        client = boto3.client("dynamodb")
        create_index_table(client)
        yield client


@pytest.fixture
def load_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., ModuleType]]:
    """Import a handler module afresh (a cold start) with the given environment."""
    loaded: list[ModuleType] = []

    def load(module_name: str, **env: str) -> ModuleType:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        sys.modules.pop(module_name, None)
        module = importlib.import_module(module_name)
        loaded.append(module)
        return module

    yield load
    for module in loaded:
        for getter in ("dynamodb_client", "s3_client"):
            if hasattr(module, getter):
                getattr(module, getter).cache_clear()
        sys.modules.pop(module.__name__, None)
