"""Which targets must have the schedule clock (fail without it) and which may skip."""

from __future__ import annotations

import socket

import pytest

from lbp_testing import clock
from lbp_testing.clock import is_project_local_aws


def test_the_makefile_local_target_must_have_a_clock() -> None:
    assert is_project_local_aws({"LBP_TARGET": "local"})


def test_ministack_fails_without_a_clock_rather_than_skipping() -> None:
    """Its clock-driven tests are marked emulator_difference: a skip would hide them."""
    assert is_project_local_aws({"LBP_TARGET": "ministack"})


@pytest.mark.parametrize(
    "environ",
    [
        {"LBP_TARGET": "aws"},
        {"LBP_TARGET": "aws", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"},
        {},
        {"LBP_TARGET": "endpoint", "AWS_ENDPOINT_URL": "http://localstack.example:4566"},
        {"AWS_ENDPOINT_URL": "http://127.0.0.1"},
    ],
)
def test_real_accounts_and_foreign_endpoints_are_not_the_local_aws(
    environ: dict[str, str],
) -> None:
    assert not is_project_local_aws(environ)


def test_a_loopback_endpoint_is_ours_only_where_localaws_records_a_live_localstack(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    monkeypatch.setenv("LOCALAWS_STATE_DIR", str(tmp_path_factory.mktemp("no-localaws")))
    assert not is_project_local_aws(environ)

    class Record:
        def __init__(self, port: int) -> None:
            self.port = port

    import localaws.launcher  # noqa: PLC0415

    monkeypatch.setattr(localaws.launcher, "read_record", lambda layout: Record(port))
    assert is_project_local_aws(environ)
    assert is_project_local_aws({"LBP_TARGET": "endpoint", **environ})
    monkeypatch.setattr(localaws.launcher, "read_record", lambda layout: Record(port + 1))
    assert not is_project_local_aws(environ)
    assert clock.NO_CLOCK == "target has no controllable clock"
