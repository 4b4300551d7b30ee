"""`python -m packager build`: what `make build` runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from packager.build import build_all
from packager.bytecode import BytecodeError
from packager.dependencies import DependencyInstallError
from packager.target import Target


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="packager", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build every function and layer zip")
    build.add_argument("--functions", type=Path, default=Path("functions"))
    build.add_argument("--layers", type=Path, default=Path("layers"))
    build.add_argument("--out", type=Path, default=Path("build"))
    build.add_argument("--cache", type=Path, default=Path(".tools/pip-target-cache"))
    build.add_argument("--runtime", default="python3.12")
    build.add_argument(
        "--architecture",
        action="append",
        choices=["x86_64", "arm64"],
        help="repeatable; default: both. Zips go to <out>/<architecture>/{functions,layers}/",
    )
    args = parser.parse_args(argv)
    args.architecture = args.architecture or ["x86_64", "arm64"]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = []
        for architecture in args.architecture:
            target = Target(args.runtime, architecture)
            results += build_all(
                args.functions, args.layers, args.out / architecture, target, args.cache
            )
    except (BytecodeError, DependencyInstallError, FileNotFoundError, ValueError) as error:
        print(f"packager: {error}", file=sys.stderr)
        return 1
    for result in results:
        state = "built" if result.written else "unchanged"
        print(
            f"{result.kind:8} {result.name:28} {state:9} {result.size / 1024:9.1f} KiB  "
            f"sha256 {result.sha256[:12]}  {result.path}"
        )
    if not results:
        print(f"packager: nothing to build in {args.functions} or {args.layers}")
    return 0
