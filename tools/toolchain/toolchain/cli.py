"""`python -m toolchain terraform`: chooses Terraform and writes .tools/terraform.rc."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolchain import cli_config, terraform_binary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="toolchain")
    parser.add_argument("command", choices=["terraform"])
    parser.add_argument("--tools-dir", type=Path, default=Path(".tools"))
    args = parser.parse_args(argv)
    tools_dir: Path = args.tools_dir.resolve()
    try:
        binary = terraform_binary.resolve(tools_dir)
        mirror = cli_config.find_mirror()
        source = cli_config.provider_source(mirror)
        config = cli_config.write(tools_dir, mirror)
    except terraform_binary.ToolchainError as error:
        print(f"toolchain: {error}", file=sys.stderr)
        return 1
    (tools_dir / "terraform-path").write_text(f"{binary.path}\n")
    print(
        f"terraform {binary.version_text} from {binary.origin} ({binary.path}); "
        f"hashicorp/aws from {source}; CLI config {config}",
        file=sys.stderr,
    )
    return 0
