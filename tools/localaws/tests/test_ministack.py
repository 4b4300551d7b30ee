import itertools
import os
import socket
import sys
from pathlib import Path

import pytest

from localaws import launcher, ministack
from localaws.layout import find_root
from localaws.ministack import MiniStackLayout

REPO = find_root(Path(__file__).parent)


def test_layout_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINISTACK_PORT", raising=False)
    monkeypatch.delenv("MINISTACK_STATE_DIR", raising=False)
    default = MiniStackLayout.resolve(REPO)
    assert (default.port, default.state_dir) == (ministack.DEFAULT_PORT, REPO / ".ministack")
    assert default.venv == REPO / ".tools" / "ministack-venv"
    monkeypatch.setenv("MINISTACK_PORT", "4611")
    monkeypatch.setenv("MINISTACK_STATE_DIR", str(tmp_path))
    layout = MiniStackLayout.resolve(REPO)
    assert (layout.port, layout.state_dir) == (4611, tmp_path)
    assert layout.endpoint_url == "http://127.0.0.1:4611"
    for path in (layout.log_file, layout.pid_file, layout.denials_file, layout.tmp_dir):
        assert path.parent == tmp_path
    assert MiniStackLayout.resolve(REPO, tmp_path / "x", 4612).port == 4612


def test_environment_is_an_allowlist_and_everything_stays_under_the_state_dir(
    tmp_path: Path,
) -> None:
    layout = MiniStackLayout(root=REPO, state_dir=tmp_path, port=4611)
    env = ministack.ministack_env(
        layout,
        base={
            "PATH": "/usr/bin",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
            "PYTHONPATH": "/somewhere",
            "VIRTUAL_ENV": "/work/main/.venv",
            "LOCALSTACK_HOST": "x",
            "SECRET_TOKEN": "do not leak into functions",
        },
    )
    assert not [key for key in env if key.startswith(("AWS_", "PYTHON", "LOCALSTACK"))]
    assert "VIRTUAL_ENV" not in env and "SECRET_TOKEN" not in env
    assert env["PATH"] == f"{layout.venv / 'bin'}{os.pathsep}/usr/bin"
    assert (env["HOME"], env["LANG"]) == ("/root", "C.UTF-8")
    assert (env["GATEWAY_PORT"], env["BIND_HOST"], env["AUTH"]) == ("4611", "127.0.0.1", "true")
    assert not [key for key in env if key.startswith("LBP_")]  # functions see this environment
    for key in ("TMPDIR", "STATE_DIR", "S3_DATA_DIR"):
        assert Path(env[key]).parent == tmp_path, key
    assert env["PERSIST_STATE"] == "0"


def test_a_server_not_started_as_configured_is_refused() -> None:
    configured = {"version": ministack.MINISTACK_VERSION, "auth": "enabled"}
    ministack.check_started_as_configured(configured)
    with pytest.raises(launcher.LaunchError, match=r"version '1\.0\.0'"):
        ministack.check_started_as_configured({"version": "1.0.0", "auth": "enabled"})
    with pytest.raises(launcher.LaunchError, match="IAM enforcement is 'disabled'"):
        ministack.check_started_as_configured(
            {"version": ministack.MINISTACK_VERSION, "auth": "disabled"}
        )


def test_denials_are_summarized_per_function_action_and_resource(tmp_path: Path) -> None:
    role = "arn:aws:sts::000000000000:assumed-role/it1-objidx-indexer/it1-objidx-indexer"
    path = tmp_path / "iam-denials.jsonl"
    path.write_text(
        '{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "decision": "ImplicitDeny",'
        f' "principal": "{role}"}}\n'
        '{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "decision": "ImplicitDeny",'
        f' "principal": "{role}"}}\n'
        '\n{"action": "sqs:SendMessage", "resource": "*", "decision": "AuthError",'
        ' "code": "InvalidClientTokenId"}\n'
    )
    entries = ministack.read_denials(path)
    assert len(entries) == 3
    assert ministack.summarize_denials(entries) == [
        "InvalidClientTokenId\tsqs:SendMessage\t*\tAuthError\t1x",
        "it1-objidx-indexer\ts3:GetObject\tarn:aws:s3:::b/k\tImplicitDeny\t2x",
    ]
    assert ministack.read_denials(tmp_path / "missing.jsonl") == []
    assert ministack.function_of("arn:aws:iam::000000000000:user/alice") == (
        "arn:aws:iam::000000000000:user/alice"
    )


def test_a_pid_file_naming_another_process_is_not_a_running_ministack(tmp_path: Path) -> None:
    layout = MiniStackLayout(root=REPO, state_dir=tmp_path, port=4611)
    assert ministack.read_record(layout) is None
    layout.pid_file.write_text(launcher.PidRecord(os.getpid(), os.getpgid(0), 4611).dump())
    assert ministack.read_record(layout) is None
    assert ministack.down(layout) is False
    assert not layout.pid_file.exists()
    assert ministack.status(layout)[0] is False


def test_cli_status_and_down_when_nothing_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--root", str(REPO), "--state-dir", str(tmp_path), "--port", "4611"]
    assert ministack.main([*args, "status"]) == ministack.EXIT_NOT_RUNNING
    assert ministack.main([*args, "down"]) == 0
    assert ministack.main([*args, "denials"]) == 0
    assert "not running" in capsys.readouterr().out


def test_measure_reports_the_peak_of_the_tree_while_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = itertools.chain([(40.0, 1), (900.0, 12), (300.0, 4)], itertools.repeat((50.0, 2)))
    monkeypatch.setattr(ministack, "tree_rss", lambda layout: next(samples))
    layout = MiniStackLayout(root=REPO, state_dir=tmp_path, port=4611)
    result = ministack.measure(layout, [sys.executable, "-c", "import time; time.sleep(1)"], 0.05)
    assert (result.exit_code, result.peak_rss_mb, result.peak_processes) == (0, 900.0, 12)
    assert result.seconds >= 1
    args = ["--root", str(REPO), "--state-dir", str(tmp_path), "--port", "4611", "measure"]
    assert ministack.main([*args, "--", sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert "MiniStack peak RSS 50 MB" in capsys.readouterr().err
    assert ministack.main(args) == 1


def test_up_refuses_a_missing_venv(tmp_path: Path) -> None:
    missing = MiniStackLayout(root=tmp_path, state_dir=tmp_path / "state", port=4611)
    with pytest.raises(launcher.LaunchError, match=r"missing: run `python -m localaws\.ministack"):
        ministack.up(missing)


@pytest.mark.skipif(
    not MiniStackLayout(root=REPO, state_dir=REPO, port=0).venv_python.is_file(),
    reason="MiniStack not installed (make setup LBP_TARGET=ministack)",
)
def test_up_refuses_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        taken = MiniStackLayout(root=REPO, state_dir=tmp_path / "state", port=port)
        with pytest.raises(launcher.LaunchError, match=rf"port {port} is already in use.*pid \d+"):
            ministack.up(taken)
    assert not taken.pid_file.exists()
