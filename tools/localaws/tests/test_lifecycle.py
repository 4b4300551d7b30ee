"""A real LocalStack: install (no-op when done), up, health, status, down, nothing left.

Not with LBP_TARGET=ministack: that target never installs LocalStack (its test is
test_ministack_lifecycle.py); every other target runs this.
"""

import os
import socket
import time
from pathlib import Path

import pytest

import localaws
from localaws import cli, health, launcher, proc_net, process
from localaws.layout import Layout, find_root

REPO = find_root(Path(__file__).parent)

pytestmark = pytest.mark.skipif(
    os.environ.get("LBP_TARGET") == "ministack",
    reason="LBP_TARGET=ministack does not install LocalStack (make test runs this)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_up_health_down(tmp_path: Path, capsys: object) -> None:
    port = _free_port()
    state = tmp_path / "state"
    started = time.monotonic()
    endpoint = localaws.ensure_running(REPO, port=port, state_dir=state, timeout=50)
    assert endpoint == f"http://127.0.0.1:{port}"
    layout = Layout(root=REPO, state_dir=state, port=port)
    record = launcher.read_record(layout)
    assert record is not None
    try:
        document = health.fetch(endpoint)
        assert document is not None
        assert document["services"]["s3"] in {"available", "running"}
        assert all(lst.is_loopback for lst in proc_net.listeners_on(port))
        assert localaws.ensure_running(REPO, port=port, state_dir=state) == endpoint
        args = ["--root", str(REPO), "--home", str(state), "--port", str(port), "status"]
        assert cli.main(args) == 0
        pids = process.tree(record.pid, record.pgid)
        assert pids
    finally:
        assert localaws.stop(REPO, state_dir=state) is True
    assert not [pid for pid in pids if process.is_alive(pid)]
    assert proc_net.listeners_on(port) == []
    assert not layout.pid_file.exists()
    assert cli.main([*args[:-1], "status"]) == cli.EXIT_NOT_RUNNING
    assert time.monotonic() - started < 60
