"""`up`, `down`, `status`, `logs`: the lifecycle of one LocalStack process tree per state dir."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import dynamodb_offline, health, prereqs, proc_net, process
from .layout import Layout
from .shell import say

HEALTH_TIMEOUT = 90.0
STOP_GRACE = 10.0
_DROPPED_ENV_PREFIXES = ("AWS_", "PYTHON", "LOCALSTACK_")
_DROPPED_ENV = {"VIRTUAL_ENV", "FILESYSTEM_ROOT", "GATEWAY_LISTEN", "TMPDIR", "TEMP", "TMP"}
# Children started by this Python process, kept so they are reaped (not GC-warned) on stop.
_children: dict[int, subprocess.Popen[bytes]] = {}
# IAM enforcement for Lambda execution-role sessions (tools/localaws_iam); enforce unless told.
IAM_MODES = ("enforce", "report", "off")
IAM_DEFAULT = "enforce"


class LaunchError(RuntimeError):
    pass


TIME_SWITCH = "LBP_TIME"


def time_switch(environ: Mapping[str, str] | None = None) -> str:
    """LBP_TIME: "on" (default) runs the schedule clock extension, "off" leaves LocalStack stock."""
    value = (os.environ if environ is None else environ).get(TIME_SWITCH, "on").strip().lower()
    if value not in {"on", "off"}:
        raise LaunchError(f"{TIME_SWITCH} must be on or off, not {value!r}")
    return value


@dataclass(frozen=True)
class PidRecord:
    pid: int
    pgid: int
    port: int

    def dump(self) -> str:
        return json.dumps({"pid": self.pid, "pgid": self.pgid, "port": self.port}) + "\n"

    @classmethod
    def load(cls, text: str) -> PidRecord | None:
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), int(data["pgid"]), int(data["port"]))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    port: int
    health: dict[str, Any] | None
    rss_mb: float

    def render(self) -> str:
        if not self.running:
            return f"not running (port {self.port})"
        lines = [f"running: pid {self.pid}, port {self.port}, RSS {self.rss_mb:.0f} MB (tree)"]
        if self.health:
            lines.append(health.summarize(self.health))
        else:
            lines.append("health: no answer")
        return "\n".join(lines)


@contextlib.contextmanager
def state_lock(layout: Layout) -> Iterator[None]:
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    with (layout.state_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_record(layout: Layout) -> PidRecord | None:
    """The PID file's record if it names a live LocalStack process (guards against reuse)."""
    try:
        record = PidRecord.load(layout.pid_file.read_text())
    except OSError:
        return None
    if record is None or not process.is_alive(record.pid):
        return None
    if "localstack" not in proc_net.command_line(record.pid):
        return None
    return record


def iam_mode(value: str | None) -> str:
    """LBP_IAM: enforce (default) | report | off; anything else stops the launch."""
    mode = (value or "").strip().lower() or IAM_DEFAULT
    if mode not in IAM_MODES:
        raise LaunchError(f"LBP_IAM={value!r} is not one of {'|'.join(IAM_MODES)}")
    return mode


def localstack_env(layout: Layout, base: dict[str, str] | None = None) -> dict[str, str]:
    """LocalStack's environment: the caller's minus AWS client settings, plus host-mode config."""
    source = os.environ if base is None else base
    env = {
        key: value
        for key, value in source.items()
        if not key.startswith(_DROPPED_ENV_PREFIXES) and key not in _DROPPED_ENV
    }
    env.update(
        OVERRIDE_IN_DOCKER="0",
        FILESYSTEM_ROOT=str(layout.filesystem_root),
        GATEWAY_LISTEN=f"127.0.0.1:{layout.port}",
        GATEWAY_SERVER="twisted-loopback",
        XDG_CACHE_HOME=str(layout.cache_dir),
        DISABLE_EVENTS="1",
        DNS_ADDRESS="0",
        SKIP_SSL_CERT_DOWNLOAD="1",
        EAGER_SERVICE_LOADING="0",
        LAMBDA_RUNTIME_EXECUTOR="local-process",
        LBP_LAMBDA_RUNTIME_SITE=str(layout.lambda_runtime_site),
        LBP_TIME=time_switch(env),
        TMPDIR=str(layout.tmp_dir),
        LBP_IAM=iam_mode(source.get("LBP_IAM")),
        LBP_IAM_REPORT_DIR=str(layout.state_dir),
        PATH=f"{layout.venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}",
    )
    return env


def tail(path: Path, lines: int) -> list[str]:
    try:
        with path.open(errors="replace") as handle:
            return list(deque(handle, maxlen=lines))
    except OSError:
        return []


def _fail_with_log(layout: Layout, message: str) -> LaunchError:
    excerpt = "".join(tail(layout.log_file, 40))
    return LaunchError(f"{message}\n--- last lines of {layout.log_file} ---\n{excerpt}")


def _check_port_free(port: int) -> None:
    if proc_net.listeners_on(port):
        raise LaunchError(
            f"port {port} is already in use: {proc_net.describe_listeners(port)}; "
            "stop it or pick another port (--port / LOCALAWS_PORT)"
        )


def check_loopback_only(port: int) -> None:
    listeners = proc_net.listeners_on(port)
    if not listeners:
        raise LaunchError(f"nothing listens on port {port} although health answered")
    exposed = [lst for lst in listeners if not lst.is_loopback]
    if exposed:
        raise LaunchError(
            f"LocalStack listens beyond loopback on port {port}: "
            + ", ".join(lst.address for lst in exposed)
        )


def _rotate_log(layout: Layout) -> None:
    if layout.log_file.exists():
        layout.log_file.replace(layout.log_file.with_suffix(".log.1"))


def _spawn(layout: Layout) -> subprocess.Popen[bytes]:
    for folder in (layout.tmp_dir, layout.cache_dir, layout.filesystem_root):
        folder.mkdir(parents=True, exist_ok=True)
    _rotate_log(layout)
    with layout.log_file.open("wb") as log:
        return subprocess.Popen(
            [str(layout.localstack_bin), "start", "--host", "--no-banner"],
            cwd=layout.state_dir,
            env=localstack_env(layout),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_healthy(layout: Layout, child: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise _fail_with_log(layout, f"LocalStack exited with code {child.returncode}")
        if health.fetch(layout.endpoint_url, timeout=1.0) is not None:
            return
        time.sleep(0.25)
    raise _fail_with_log(layout, f"LocalStack not healthy after {timeout:.0f} s")


def _wait_existing(layout: Layout, record: PidRecord, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if health.fetch(f"http://127.0.0.1:{record.port}") is not None:
            return
        if not process.is_alive(record.pid):
            raise _fail_with_log(layout, f"LocalStack (pid {record.pid}) died while starting")
        time.sleep(0.25)
    raise _fail_with_log(layout, f"LocalStack pid {record.pid} not healthy after {timeout:.0f} s")


def up(layout: Layout, timeout: float = HEALTH_TIMEOUT) -> float:
    """Start LocalStack unless running; returns seconds until healthy (0 when already up)."""
    with state_lock(layout):
        record = read_record(layout)
        if record is not None:
            _wait_existing(layout, record, timeout)
            say(f"already running: pid {record.pid} on port {record.port}")
            _check_iam_mode(layout)
            return 0.0
        layout.pid_file.unlink(missing_ok=True)
        if not layout.localstack_bin.is_file():
            raise LaunchError(f"{layout.localstack_bin} missing: run `python -m localaws install`")
        _check_port_free(layout.port)
        dynamodb_offline.provision_var_libs(layout, prereqs.java_home())
        started = time.monotonic()
        child = _spawn(layout)
        _children[child.pid] = child
        record = PidRecord(child.pid, child.pid, layout.port)
        layout.pid_file.write_text(record.dump())
        try:
            _wait_healthy(layout, child, timeout)
            check_loopback_only(layout.port)
        except BaseException:
            _stop_record(layout, record)
            raise
        elapsed = time.monotonic() - started
        say(
            f"LocalStack healthy at {layout.endpoint_url} after {elapsed:.1f} s (pid {child.pid}); "
            f"schedule clock {time_switch()}"
        )
        _check_iam_mode(layout)
        return elapsed


def _check_iam_mode(layout: Layout) -> None:
    """Say which IAM mode runs; a running local AWS keeps the mode it was started with."""
    wanted = iam_mode(os.environ.get("LBP_IAM"))
    running = health.iam_mode(layout.endpoint_url)
    if running is None:
        say("WARNING: no IAM enforcement endpoint (/_lbp/iam): tools/localaws_iam is not loaded")
    elif running != wanted:
        say(
            f"WARNING: the running local AWS enforces LBP_IAM={running}, not {wanted}: "
            "`make down` then `make up` to switch"
        )
    else:
        say(f"IAM enforcement for Lambda execution roles: LBP_IAM={running}")


def _wait_port_free(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while proc_net.listeners_on(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _stop_record(layout: Layout, record: PidRecord) -> None:
    killed = process.stop_tree(record.pid, record.pgid, grace=STOP_GRACE)
    child = _children.pop(record.pid, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
    if killed:
        say(f"SIGKILLed {len(killed)} process(es) still alive after {STOP_GRACE:.0f} s: {killed}")
    layout.pid_file.unlink(missing_ok=True)
    if not _wait_port_free(record.port, 5.0):
        raise LaunchError(
            f"port {record.port} still in use after stopping: "
            + proc_net.describe_listeners(record.port)
        )


def down(layout: Layout) -> bool:
    """Stop the tree started from this state dir; False when nothing was running."""
    with state_lock(layout):
        record = read_record(layout)
        if record is None:
            layout.pid_file.unlink(missing_ok=True)
            say(f"not running (state dir {layout.state_dir})")
            return False
        say(f"stopping LocalStack pid {record.pid} (port {record.port})")
        _stop_record(layout, record)
        say("stopped")
        return True


def status(layout: Layout) -> Status:
    record = read_record(layout)
    if record is None:
        return Status(False, None, layout.port, None, 0.0)
    pids = process.tree(record.pid, record.pgid)
    document = health.fetch(f"http://127.0.0.1:{record.port}")
    return Status(True, record.pid, record.port, document, process.tree_rss_mb(pids))


def print_logs(layout: Layout, lines: int, follow: bool) -> None:
    sys.stdout.writelines(tail(layout.log_file, lines))
    sys.stdout.flush()
    if follow:
        _follow(layout.log_file)


def _follow(path: Path) -> None:
    with path.open(errors="replace") as handle:
        handle.seek(0, os.SEEK_END)
        while True:
            line = handle.readline()
            if line:
                sys.stdout.write(line)
                sys.stdout.flush()
            else:
                time.sleep(0.3)
