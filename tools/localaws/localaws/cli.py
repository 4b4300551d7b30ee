"""`python -m localaws install|up|down|status|logs`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import clock_cli, installer, launcher
from .layout import Layout, RootNotFoundError
from .prereqs import PrerequisiteError
from .shell import CommandError, say

EXIT_NOT_RUNNING = 3


def _common(default: object) -> argparse.ArgumentParser:
    """Options valid before and after the command; SUPPRESS stops one hiding the other."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--port", type=int, default=default, help="gateway port (LOCALAWS_PORT, default 4566)"
    )
    common.add_argument(
        "--home",
        "--state-dir",
        dest="state_dir",
        type=Path,
        default=default,
        help="state dir (LOCALAWS_STATE_DIR, default <root>/.localstack)",
    )
    common.add_argument(
        "--root", type=Path, default=default, help="repository root (default: found from cwd)"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="localaws", description=__doc__, parents=[_common(None)])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", parents=[common], help="install LocalStack and offline deps")
    start = commands.add_parser("up", parents=[common], help="start LocalStack (installs first)")
    start.add_argument("--timeout", type=float, default=launcher.HEALTH_TIMEOUT)
    commands.add_parser("down", parents=[common], help="stop LocalStack and its children")
    commands.add_parser("status", parents=[common], help="exit 0 when running, 3 when not")
    logs = commands.add_parser("logs", parents=[common], help="print LocalStack's log")
    logs.add_argument("-n", "--lines", type=int, default=200)
    logs.add_argument("-f", "--follow", action="store_true")
    clock_cli.add_parser(commands, common)
    return parser


def _run(args: argparse.Namespace) -> int:
    layout = Layout.resolve(args.root, args.state_dir, args.port)
    if args.command == "install":
        seconds = installer.install(layout)
        say(f"installed in {seconds:.1f} s under {layout.tools_dir}")
    elif args.command == "up":
        installer.install(layout)
        launcher.up(layout, timeout=args.timeout)
        print(launcher.status(layout).render())
    elif args.command == "down":
        launcher.down(layout)
    elif args.command == "status":
        report = launcher.status(layout)
        print(report.render())
        return 0 if report.running else EXIT_NOT_RUNNING
    elif args.command == "logs":
        launcher.print_logs(layout, args.lines, args.follow)
    elif args.command == "clock":
        return clock_cli.run(layout.endpoint_url, args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (
        RootNotFoundError,
        PrerequisiteError,
        CommandError,
        launcher.LaunchError,
        FileNotFoundError,
    ) as error:
        say(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
