"""Which stacks get a provider process of their own, and what that process sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lbp_testing import provider
from lbp_testing.provider import REATTACH, stack_provider


class Started:
    def __init__(self, binary: Path, env: dict[str, str] | None = None) -> None:
        self.binary, self.env = binary, env


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provider, "SharedProvider", Started)
    monkeypatch.setattr(provider, "aws_provider_binary", lambda: Path("/bin/provider"))


@pytest.mark.usefixtures("started")
@pytest.mark.parametrize(
    "env",
    [{}, {"AWS_ENDPOINT_URL": "https://localhost.localstack.cloud:4566"}],
    ids=["a real account", "an https endpoint"],
)
def test_no_process_of_its_own_unless_the_endpoint_is_plain_http(env: dict[str, str]) -> None:
    assert stack_provider(env) is None


@pytest.mark.usefixtures("started")
def test_the_process_runs_without_the_ca_bundle_and_any_reattachment() -> None:
    env = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
        REATTACH: '{"registry.terraform.io/hashicorp/aws": {}}',
        "AWS_REGION": "us-east-1",
    }
    process: Any = stack_provider(env)
    assert isinstance(process, Started)
    assert process.env == {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_REGION": "us-east-1"}


def test_a_provider_that_does_not_start_leaves_terraform_to_start_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails(binary: Path, env: dict[str, str] | None = None) -> None:
        raise provider.ProviderStartError("exited before serving")

    monkeypatch.setattr(provider, "SharedProvider", fails)
    monkeypatch.setattr(provider, "aws_provider_binary", lambda: Path("/bin/provider"))
    assert stack_provider({"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}) is None
