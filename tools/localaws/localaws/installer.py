"""`localaws install`: LocalStack's venv, its plugins, the Lambda runtime site, offline packages."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import dynamodb_offline, prereqs
from .layout import LAMBDA_RUNTIME_PINS, LOCALSTACK_PINS, Layout
from .shell import Stamps, digest, run, say

PIP_FLAGS = ("--disable-pip-version-check", "--no-input", "--progress-bar", "off")


def _pip(layout: Layout, command: str, *args: str | Path) -> None:
    run([layout.venv_python, "-m", "pip", command, *PIP_FLAGS, *args])


def _constraints(layout: Layout) -> Path:
    path = layout.tools_dir / "localstack-constraints.txt"
    text = "\n".join(pin.replace("[runtime]", "") for pin in LOCALSTACK_PINS) + "\n"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def _venv_healthy(layout: Layout) -> bool:
    return layout.venv_python.is_file() and layout.localstack_bin.is_file()


def install_localstack_venv(layout: Layout, stamps: Stamps) -> None:
    key = digest(sys.version, *LOCALSTACK_PINS)
    if stamps.done("ls-venv", key) and _venv_healthy(layout):
        return
    if not layout.venv_python.is_file():
        say(f"creating {layout.venv}")
        run([sys.executable, "-m", "venv", layout.venv])
    say("installing " + " ".join(LOCALSTACK_PINS) + " (a few minutes on a cold cache)")
    _pip(layout, "install", "-c", _constraints(layout), *LOCALSTACK_PINS)
    run([layout.venv_python, "-c", "import localstack.runtime.main"])
    stamps.mark("ls-venv", key)


def _editable_key(source: Path) -> str:
    return digest(str(source), (source / "pyproject.toml").read_text())


def install_editable(layout: Layout, stamps: Stamps, step: str, source: Path) -> None:
    """``pip install -e`` into LocalStack's venv, redone when the pyproject changes."""
    key = _editable_key(source)
    if stamps.done(step, key):
        return
    say(f"installing {source} into LocalStack's venv")
    _pip(layout, "install", "-c", _constraints(layout), "-e", source)
    stamps.mark(step, key)


def install_executor_plugin(layout: Layout, stamps: Stamps) -> None:
    source = layout.executor_src
    if not (source / "pyproject.toml").is_file():
        say(f"WARNING: {source} has no pyproject.toml yet; Lambda functions will not run")
        return
    install_editable(layout, stamps, "executor-plugin", source)


def install_iam_plugin(layout: Layout, stamps: Stamps) -> None:
    """IAM enforcement for Lambda execution-role sessions (LBP_IAM=enforce|report|off)."""
    source = layout.iam_src
    if not (source / "pyproject.toml").is_file():
        say(f"WARNING: {source} has no pyproject.toml yet; IAM will not be enforced")
        return
    install_editable(layout, stamps, "iam-plugin", source)


def install_time_plugin(layout: Layout, stamps: Stamps) -> None:
    source = layout.time_src
    if not (source / "pyproject.toml").is_file():
        say(f"WARNING: {source} has no pyproject.toml; schedules will not fire on a clock")
        return
    install_editable(layout, stamps, "time-plugin", source)


def install_lambda_runtime_site(layout: Layout, stamps: Stamps) -> None:
    """What AWS Lambda's Python runtime ships besides the stdlib: boto3 and botocore."""
    key = digest(*LAMBDA_RUNTIME_PINS)
    target = layout.lambda_runtime_site
    if stamps.done("lambda-site", key) and (target / "boto3").is_dir():
        return
    say("installing Lambda runtime site: " + " ".join(LAMBDA_RUNTIME_PINS))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    try:
        _pip(layout, "install", "--no-compile", "--target", staging, *LAMBDA_RUNTIME_PINS)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stamps.mark("lambda-site", key)


def install(layout: Layout) -> float:
    """Install everything (idempotent); returns the seconds taken."""
    started = time.monotonic()
    jdk_home = prereqs.check_all(sys.executable)
    layout.tools_dir.mkdir(parents=True, exist_ok=True)
    stamps = Stamps(layout.stamps_dir)
    install_localstack_venv(layout, stamps)
    install_editable(layout, stamps, "localaws-plugin", layout.localaws_src)
    install_executor_plugin(layout, stamps)
    install_iam_plugin(layout, stamps)
    install_time_plugin(layout, stamps)
    install_lambda_runtime_site(layout, stamps)
    dynamodb_offline.install_dynamodb_local(layout, jdk_home, stamps)
    dynamodb_offline.install_kinesis_mock(layout, stamps)
    return time.monotonic() - started
