"""`python -m release --version x.y.z`: what `make release VERSION=x.y.z` runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from packager.dependencies import DependencyInstallError
from release.artifacts import ReleaseError, write_release


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="release", description=__doc__)
    parser.add_argument("--version", required=True, help="semantic version, e.g. 1.0.0")
    parser.add_argument("--functions", type=Path, default=Path("functions"))
    parser.add_argument("--layers", type=Path, default=Path("layers"))
    parser.add_argument("--changelog", type=Path, default=Path("CHANGELOG.md"))
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--cache", type=Path, default=Path(".tools/pip-target-cache"))
    parser.add_argument("--runtime", default="python3.12")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        artifacts = write_release(
            args.version,
            functions_dir=args.functions,
            layers_dir=args.layers,
            changelog=args.changelog,
            dist_dir=args.dist,
            cache_dir=args.cache,
            runtime=args.runtime,
        )
    except (ReleaseError, DependencyInstallError, FileNotFoundError, ValueError) as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    out = args.dist / args.version
    for artifact in artifacts:
        print(f"{artifact.sha256}  {artifact.file}  ({artifact.size / 1024:.1f} KiB)")
    print(
        f"release {args.version}: {len(artifacts)} artifacts, SHA256SUMS and manifest.json in {out}"
    )
    return 0
