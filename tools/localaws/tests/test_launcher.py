import socket
from pathlib import Path

import pytest

from localaws import launcher, proc_net
from localaws.layout import Layout, find_root

REPO = find_root(Path(__file__).parent)


def test_localstack_env(tmp_path: Path) -> None:
    layout = Layout(root=REPO, state_dir=tmp_path, port=4600)
    env = launcher.localstack_env(
        layout,
        base={
            "PATH": "/usr/bin",
            "HOME": "/root",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
            "AWS_PROFILE": "x",
            "PYTHONPATH": "/somewhere",
            "VIRTUAL_ENV": "/work/main/.venv",
            "LBP_LAMBDA_PYTHON_3_12": "/opt/py312/bin/python",
        },
    )
    assert not [key for key in env if key.startswith(("AWS_", "PYTHON"))]
    assert "VIRTUAL_ENV" not in env
    assert env["LBP_LAMBDA_PYTHON_3_12"] == "/opt/py312/bin/python"
    assert env["GATEWAY_LISTEN"] == "127.0.0.1:4600"
    assert env["FILESYSTEM_ROOT"] == str(tmp_path / "fs")
    assert env["TMPDIR"] == str(tmp_path / "tmp")
    assert env["OVERRIDE_IN_DOCKER"] == "0"
    assert env["LAMBDA_RUNTIME_EXECUTOR"] == "local-process"
    assert env["PATH"].startswith(str(REPO / ".tools/localstack-venv/bin"))


def test_localstack_env_iam_mode(tmp_path: Path) -> None:
    layout = Layout(root=REPO, state_dir=tmp_path, port=4600)
    assert launcher.localstack_env(layout, base={})["LBP_IAM"] == "enforce"
    assert launcher.localstack_env(layout, base={"LBP_IAM": "Report"})["LBP_IAM"] == "report"
    assert launcher.localstack_env(layout, base={})["LBP_IAM_REPORT_DIR"] == str(tmp_path)
    with pytest.raises(launcher.LaunchError, match="LBP_IAM='lax'"):
        launcher.localstack_env(layout, base={"LBP_IAM": "lax"})


def test_pid_record_roundtrip() -> None:
    record = launcher.PidRecord(10, 10, 4566)
    assert launcher.PidRecord.load(record.dump()) == record
    assert launcher.PidRecord.load("garbage") is None
    assert launcher.PidRecord.load('{"pid": 1}') is None


def test_loopback_check(monkeypatch: pytest.MonkeyPatch) -> None:
    local = proc_net.Listener("127.0.0.1", 4566, 1)
    wide = proc_net.Listener("0.0.0.0", 4566, 2)
    monkeypatch.setattr(proc_net, "listeners_on", lambda port: [local])
    launcher.check_loopback_only(4566)
    monkeypatch.setattr(proc_net, "listeners_on", lambda port: [local, wide])
    with pytest.raises(launcher.LaunchError, match=r"beyond loopback.*0\.0\.0\.0"):
        launcher.check_loopback_only(4566)
    monkeypatch.setattr(proc_net, "listeners_on", lambda port: [])
    with pytest.raises(launcher.LaunchError, match="nothing listens"):
        launcher.check_loopback_only(4566)


@pytest.mark.skipif(
    not (REPO / ".tools/localstack-venv/bin/localstack").is_file(), reason="not installed"
)
def test_up_refuses_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        layout = Layout(root=REPO, state_dir=tmp_path, port=port)
        with pytest.raises(launcher.LaunchError, match=rf"port {port} is already in use.*pid \d+"):
            launcher.up(layout)
    assert not layout.pid_file.exists()


def test_down_and_status_when_nothing_runs(tmp_path: Path) -> None:
    layout = Layout(root=REPO, state_dir=tmp_path, port=4600)
    assert launcher.down(layout) is False
    assert launcher.status(layout).running is False
    layout.pid_file.write_text(launcher.PidRecord(999_999_999, 999_999_999, 4600).dump())
    assert launcher.status(layout).running is False
    assert launcher.down(layout) is False
    assert not layout.pid_file.exists()
