"""Run LocalStack community on the host (no Docker) for lambda-blueprints' end-to-end tests."""

from __future__ import annotations

from pathlib import Path

from . import installer as _install
from . import launcher
from .launcher import LaunchError, Status
from .layout import Layout, find_root
from .prereqs import PrerequisiteError

__all__ = [
    "LaunchError",
    "Layout",
    "PrerequisiteError",
    "Status",
    "ensure_running",
    "find_root",
    "install",
    "status",
    "stop",
]


def install(root: Path | None = None) -> float:
    """Install LocalStack and its offline dependencies; returns seconds taken."""
    return _install.install(Layout.resolve(root))


def ensure_running(
    root: Path | None = None,
    *,
    port: int | None = None,
    state_dir: Path | None = None,
    timeout: float = launcher.HEALTH_TIMEOUT,
) -> str:
    """Install if needed, start unless running; returns the endpoint URL."""
    layout = Layout.resolve(root, state_dir, port)
    _install.install(layout)
    launcher.up(layout, timeout=timeout)
    record = launcher.read_record(layout)
    return f"http://127.0.0.1:{record.port if record else layout.port}"


def stop(root: Path | None = None, *, state_dir: Path | None = None) -> bool:
    """Stop the LocalStack started from the state dir; False when none was running."""
    return launcher.down(Layout.resolve(root, state_dir))


def status(
    root: Path | None = None, *, port: int | None = None, state_dir: Path | None = None
) -> Status:
    return launcher.status(Layout.resolve(root, state_dir, port))
