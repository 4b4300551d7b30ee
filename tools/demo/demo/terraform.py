"""Runs the root stack's Terraform and reads its outputs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfprogress import ApplyFailedError, run_with_progress


class TerraformError(RuntimeError):
    pass


@dataclass(frozen=True)
class Terraform:
    binary: str
    directory: Path

    def run(self, *args: str) -> str:
        command = [self.binary, f"-chdir={self.directory}", *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise TerraformError(
                f"terraform {args[0]} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def apply(self, variables: Mapping[str, str] | None = None) -> str:
        """Applies with a progress line (resources done / total, elapsed): rewritten in place in
        a terminal, one line every 15 s in a log."""
        self.run("init", "-input=false", "-no-color")
        flags = [f"-var={name}={value}" for name, value in (variables or {}).items()]
        command = [self.binary, f"-chdir={self.directory}", "apply", "-json", "-input=false",
                   "-auto-approve", *flags]  # fmt: skip
        try:
            result = run_with_progress(command, out=sys.stdout, interactive=sys.stdout.isatty())
        except ApplyFailedError as error:
            raise TerraformError(str(error)) from error
        return result.progress.summary or "Apply complete!"

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json"))
        return {name: value["value"] for name, value in raw.items()}


def summary_line(apply_output: str) -> str:
    match = re.search(r"^Apply complete!.*$", apply_output, re.MULTILINE)
    return match.group(0) if match else apply_output.strip().splitlines()[-1]


def binary_from(tools_dir: Path) -> str:
    path_file = tools_dir / "terraform-path"
    return path_file.read_text().strip() if path_file.exists() else "terraform"
