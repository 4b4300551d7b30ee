"""MiniStack (PyPI `ministack`, MIT) as a second local AWS, beside the embedded LocalStack.

`python -m localaws.ministack install|up|down|status|logs|denials`: the same lifecycle as
LocalStack's (one process tree per state dir, PID file, loopback-only port, SIGTERM to the group,
grace, SIGKILL, port freed), reusing `localaws.launcher` and `localaws.process`.

- Its own venv, `.tools/ministack-venv`: MiniStack pins its own botocore.
- That venv's interpreter is a Python 3.12: MiniStack runs Python functions on its own interpreter
  (not on one chosen by the function's runtime), so it must be the version of the functions'
  runtime (python3.12), or a layer's compiled wheels (Pillow's cp312) do not import. The venv also
  holds boto3 (the release that goes with MiniStack's botocore) because AWS's Python runtime ships
  it; anything else there (hypercorn, PyYAML, ...) is importable by functions too.
- Started with IAM enforcement (`AUTH=true`): the test/test keys are the account root (allowed
  everything, as before), a function's calls are made with its execution role's session and
  evaluated against that role's policies. Every refusal is written to `<state>/iam-denials.jsonl`
  (`localaws.ministack_server --denials`); `denials` prints them grouped.
- Its environment is an allowlist (PATH, HOME, locale), because MiniStack passes its own
  environment on to every function it runs; everything it writes goes under the state dir
  (default `<root>/.ministack`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import health, launcher, prereqs, proc_net, process
from .installer import PIP_FLAGS
from .layout import Layout, find_root
from .shell import CommandError, Stamps, digest, run, say

MINISTACK_VERSION = "1.5.33"
# boto3 1.43.106 is the release paired with the botocore==1.43.106 that ministack 1.5.33 pins.
MINISTACK_PINS = (f"ministack=={MINISTACK_VERSION}", "boto3==1.43.106")
LAMBDA_RUNTIME = "python3.12"
DEFAULT_PORT = 4599
HEALTH_PATH = "/_ministack/health"
HEALTH_TIMEOUT = 60.0
PROCESS_MARKER = "localaws.ministack_server"
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "USER", "LOGNAME")
EXIT_NOT_RUNNING = 3


@dataclass(frozen=True)
class MiniStackLayout(Layout):
    """localaws's Layout, with MiniStack's venv, state dir, port and files."""

    @classmethod
    def resolve(
        cls,
        root: Path | None = None,
        state_dir: Path | None = None,
        port: int | None = None,
    ) -> MiniStackLayout:
        real_root = (root or find_root()).resolve()
        env_state = os.environ.get("MINISTACK_STATE_DIR")
        state = state_dir or (Path(env_state) if env_state else real_root / ".ministack")
        env_port = os.environ.get("MINISTACK_PORT")
        real_port = port or (int(env_port) if env_port else DEFAULT_PORT)
        return cls(root=real_root, state_dir=state.resolve(), port=real_port)

    @property
    def venv(self) -> Path:
        return self.tools_dir / "ministack-venv"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "ministack.log"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "ministack.pid"

    @property
    def denials_file(self) -> Path:
        return self.state_dir / "iam-denials.jsonl"

    @property
    def persist_dir(self) -> Path:
        return self.state_dir / "state"

    @property
    def s3_dir(self) -> Path:
        return self.state_dir / "s3"


# ---------------------------------------------------------------------------------------- install


def lambda_interpreter(environ: Mapping[str, str] | None = None) -> str:
    """The host's Python for the functions' runtime (LBP_LAMBDA_PYTHON_3_12, PATH, pyenv, /usr)."""
    try:
        from local_lambda_executor.interpreters import (  # noqa: PLC0415
            InterpreterFinder,
            InterpreterNotFoundError,
        )
    except ImportError as error:  # pragma: no cover — both packages come with `make setup`
        raise prereqs.PrerequisiteError(
            "localaws.ministack needs tools/lambda_executor installed (make setup)"
        ) from error
    finder = InterpreterFinder(environ=os.environ if environ is None else environ)
    try:
        return str(finder.find(LAMBDA_RUNTIME))
    except InterpreterNotFoundError as error:
        raise prereqs.PrerequisiteError(str(error)) from error


def _venv_version(layout: MiniStackLayout) -> str | None:
    if not layout.venv_python.is_file():
        return None
    return run([layout.venv_python, "-c", "import sys; print(sys.version)"]).strip()


def install(layout: MiniStackLayout) -> float:
    """MiniStack's venv on a python3.12, with the denial-recording server (idempotent)."""
    started = time.monotonic()
    python = lambda_interpreter()
    prereqs.require_venv_module(python)
    version = run([python, "-c", "import sys; print(sys.version)"]).strip()
    source = layout.localaws_src
    key = digest(version, *MINISTACK_PINS, str(source), (source / "pyproject.toml").read_text())
    stamps = Stamps(layout.stamps_dir)
    if stamps.done("ministack-venv", key) and _venv_version(layout) == version:
        return time.monotonic() - started
    if layout.venv.exists() and _venv_version(layout) != version:
        say(f"recreating {layout.venv} on {python} ({version.split()[0]})")
        shutil.rmtree(layout.venv)
    layout.tools_dir.mkdir(parents=True, exist_ok=True)
    if not layout.venv_python.is_file():
        run([python, "-m", "venv", layout.venv])
    say("installing " + " ".join(MINISTACK_PINS) + f" into {layout.venv}")
    run([layout.venv_python, "-m", "pip", "install", *PIP_FLAGS, *MINISTACK_PINS, "-e", source])
    run([layout.venv_python, "-c", f"import boto3, ministack.app, {PROCESS_MARKER}"])
    stamps.mark("ministack-venv", key)
    return time.monotonic() - started


# ------------------------------------------------------------------------------------ environment


def ministack_env(layout: MiniStackLayout, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """MiniStack's environment; its functions inherit it, so only what a host must pass on."""
    source = os.environ if base is None else base
    env = {key: source[key] for key in KEPT_ENV if key in source}
    env.update(
        PATH=f"{layout.venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}",
        GATEWAY_PORT=str(layout.port),
        BIND_HOST="127.0.0.1",
        AUTH="true",
        LOG_LEVEL="INFO",
        LAMBDA_EXECUTOR="local",
        PERSIST_STATE="0",
        S3_PERSIST="0",
        STATE_DIR=str(layout.persist_dir),
        S3_DATA_DIR=str(layout.s3_dir),
        TMPDIR=str(layout.tmp_dir),
        IOT_MTLS_ENABLED="0",
        SFTP_ENABLED="0",
    )
    return env


# -------------------------------------------------------------------------------------- lifecycle


def read_record(layout: MiniStackLayout) -> launcher.PidRecord | None:
    """The PID file's record if it names a live MiniStack server (guards against PID reuse)."""
    try:
        record = launcher.PidRecord.load(layout.pid_file.read_text())
    except OSError:
        return None
    if record is None or not process.is_alive(record.pid):
        return None
    if PROCESS_MARKER not in proc_net.command_line(record.pid):
        return None
    return record


def _spawn(layout: MiniStackLayout) -> subprocess.Popen[bytes]:
    for folder in (layout.tmp_dir, layout.persist_dir, layout.s3_dir):
        folder.mkdir(parents=True, exist_ok=True)
    if layout.log_file.exists():
        layout.log_file.replace(layout.log_file.with_suffix(".log.1"))
    layout.denials_file.unlink(missing_ok=True)
    with layout.log_file.open("wb") as log:
        return subprocess.Popen(
            [str(layout.venv_python), "-m", PROCESS_MARKER, "--denials", str(layout.denials_file)],
            cwd=layout.state_dir,
            env=ministack_env(layout),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def fetch_health(port: int, timeout: float = 1.0) -> dict[str, Any] | None:
    return health.fetch(f"http://127.0.0.1:{port}", timeout=timeout, path=HEALTH_PATH)


def _wait_healthy(
    layout: MiniStackLayout, child: subprocess.Popen[bytes], timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise launcher._fail_with_log(layout, f"MiniStack exited with code {child.returncode}")
        document = fetch_health(layout.port)
        if document is not None:
            return document
        time.sleep(0.2)
    raise launcher._fail_with_log(layout, f"MiniStack not healthy after {timeout:.0f} s")


def check_started_as_configured(document: Mapping[str, Any]) -> None:
    if document.get("version") != MINISTACK_VERSION:
        raise launcher.LaunchError(
            f"MiniStack reports version {document.get('version')!r}, not {MINISTACK_VERSION}"
        )
    if document.get("auth") != "enabled":
        raise launcher.LaunchError(f"MiniStack's IAM enforcement is {document.get('auth')!r}")


def up(layout: MiniStackLayout, timeout: float = HEALTH_TIMEOUT) -> float:
    """Start MiniStack unless running; returns seconds until healthy (0 when already up)."""
    with launcher.state_lock(layout):
        record = read_record(layout)
        if record is not None:
            if fetch_health(record.port, timeout=5.0) is None:
                raise launcher._fail_with_log(layout, f"MiniStack pid {record.pid} is not healthy")
            say(f"MiniStack already running: pid {record.pid} on port {record.port}")
            return 0.0
        layout.pid_file.unlink(missing_ok=True)
        if not layout.venv_python.is_file():
            raise launcher.LaunchError(
                f"{layout.venv_python} missing: run `python -m localaws.ministack install`"
            )
        launcher._check_port_free(layout.port)
        started = time.monotonic()
        child = _spawn(layout)
        launcher._children[child.pid] = child
        record = launcher.PidRecord(child.pid, child.pid, layout.port)
        layout.pid_file.write_text(record.dump())
        try:
            check_started_as_configured(_wait_healthy(layout, child, timeout))
            launcher.check_loopback_only(layout.port)
        except BaseException:
            launcher._stop_record(layout, record)
            raise
        elapsed = time.monotonic() - started
        say(
            f"MiniStack {MINISTACK_VERSION} healthy at {layout.endpoint_url} after {elapsed:.1f} s "
            f"(pid {child.pid}, IAM enforcement on)"
        )
        return elapsed


def down(layout: MiniStackLayout) -> bool:
    """Stop the MiniStack tree started from this state dir; False when nothing was running."""
    with launcher.state_lock(layout):
        record = read_record(layout)
        if record is None:
            layout.pid_file.unlink(missing_ok=True)
            say(f"MiniStack not running (state dir {layout.state_dir})")
            return False
        say(f"stopping MiniStack pid {record.pid} (port {record.port})")
        launcher._stop_record(layout, record)
        say("stopped")
        return True


def status(layout: MiniStackLayout) -> tuple[bool, str]:
    record = read_record(layout)
    if record is None:
        return False, f"MiniStack not running (port {layout.port})"
    pids = process.tree(record.pid, record.pgid)
    document = fetch_health(record.port, timeout=2.0) or {}
    return True, (
        f"MiniStack running: pid {record.pid}, port {record.port}, "
        f"RSS {process.tree_rss_mb(pids):.0f} MB ({len(pids)} processes)\n"
        f"version={document.get('version', '?')} auth={document.get('auth', '?')} "
        f"denials so far: {len(read_denials(layout.denials_file))}"
    )


# ---------------------------------------------------------------------------------------- denials


def read_denials(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def function_of(principal: str) -> str:
    """`arn:aws:sts::1:assumed-role/<role>/<session>` → `<session>` (MiniStack: the function)."""
    if ":assumed-role/" in principal:
        return principal.rsplit("/", 1)[-1]
    return principal


def summarize_denials(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per distinct (function, action, resource, decision), with how often it happened."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for entry in entries:
        who = function_of(str(entry.get("principal") or entry.get("code") or "?"))
        counts[(who, str(entry["action"]), str(entry["resource"]), str(entry["decision"]))] += 1
    return [
        f"{who}\t{action}\t{resource}\t{decision}\t{count}x"
        for (who, action, resource, decision), count in sorted(counts.items())
    ]


# ---------------------------------------------------------------------------------------- measure


@dataclass
class Measurement:
    """A command's wall time and the peak RSS of MiniStack's process tree while it ran."""

    exit_code: int
    seconds: float
    peak_rss_mb: float
    peak_processes: int

    def summary(self) -> str:
        return (
            f"wall time {self.seconds / 60:.1f} min ({self.seconds:.0f} s), MiniStack peak RSS "
            f"{self.peak_rss_mb:.0f} MB ({self.peak_processes} processes at the peak), "
            f"exit {self.exit_code}"
        )


def tree_rss(layout: MiniStackLayout) -> tuple[float, int]:
    """MiniStack's tree now: RSS in MB and process count ((0, 0) when it is not running)."""
    record = read_record(layout)
    if record is None:
        return 0.0, 0
    pids = process.tree(record.pid, record.pgid)
    return process.tree_rss_mb(pids), len(pids)


def measure(layout: MiniStackLayout, command: Sequence[str], interval: float = 2.0) -> Measurement:
    """Run `command`, sampling MiniStack's tree RSS every `interval` s until it exits."""
    started = time.monotonic()
    peak, peak_count = tree_rss(layout)
    child = subprocess.Popen(list(command))
    while True:
        try:
            exit_code = child.wait(timeout=interval)
            break
        except subprocess.TimeoutExpired:
            rss, count = tree_rss(layout)
            if rss > peak:
                peak, peak_count = rss, count
    return Measurement(exit_code, time.monotonic() - started, peak, peak_count)


# -------------------------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="localaws.ministack", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, help=f"port (MINISTACK_PORT, default {DEFAULT_PORT})")
    parser.add_argument("--state-dir", type=Path, help="state dir (MINISTACK_STATE_DIR)")
    parser.add_argument("--root", type=Path, help="repository root (default: found from cwd)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="MiniStack's venv (python3.12), idempotent")
    start = commands.add_parser("up", help="start MiniStack (installs first)")
    start.add_argument("--timeout", type=float, default=HEALTH_TIMEOUT)
    commands.add_parser("down", help="stop MiniStack and every process it started")
    commands.add_parser("status", help="exit 0 when running, 3 when not")
    logs = commands.add_parser("logs", help="print MiniStack's log")
    logs.add_argument("-n", "--lines", type=int, default=200)
    logs.add_argument("-f", "--follow", action="store_true")
    denials = commands.add_parser("denials", help="IAM refusals recorded since the last start")
    denials.add_argument("--json", action="store_true", help="the raw records")
    timed = commands.add_parser(
        "measure", help="run a command; print its wall time and MiniStack's peak RSS meanwhile"
    )
    timed.add_argument("--interval", type=float, default=2.0, help="seconds between samples")
    timed.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command [args...]")
    return parser


def _run(args: argparse.Namespace) -> int:
    layout = MiniStackLayout.resolve(args.root, args.state_dir, args.port)
    if args.command == "install":
        say(f"MiniStack installed in {install(layout):.1f} s under {layout.venv}")
    elif args.command == "up":
        install(layout)
        up(layout, timeout=args.timeout)
        print(status(layout)[1])
    elif args.command == "down":
        down(layout)
    elif args.command == "status":
        running, text = status(layout)
        print(text)
        return 0 if running else EXIT_NOT_RUNNING
    elif args.command == "logs":
        launcher.print_logs(layout, args.lines, args.follow)
    elif args.command == "denials":
        entries = read_denials(layout.denials_file)
        if args.json:
            print(json.dumps(entries, indent=2))
        else:
            header = "function\taction\tresource\tdecision\tcount"
            print("\n".join([header, *summarize_denials(entries)]))
    elif args.command == "measure":
        command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not command:
            raise CommandError("measure: give a command after --")
        result = measure(layout, command, args.interval)
        say(result.summary())
        return result.exit_code
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except (
        prereqs.PrerequisiteError,
        CommandError,
        launcher.LaunchError,
        FileNotFoundError,
    ) as error:
        say(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
