"""Applies the root stack to the configured AWS endpoint and runs each scenario's step."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from demo import console
from demo.steps import STEPS
from demo.terraform import Terraform, TerraformError, binary_from


def demo_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """Root-stack variables for the demo: on an emulator (an AWS_ENDPOINT_URL, not LBP_TARGET=aws)
    the fleet provisioner, off by default because it launches real instances, is turned on."""
    if environ.get("LBP_TARGET") == "aws" or not environ.get("AWS_ENDPOINT_URL"):
        return {}
    return {"enable_fleet_provisioner": "true"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "a real AWS account")
    console.heading(f"Deploying the root stack to {endpoint}")
    terraform = Terraform(binary_from(root / ".tools"), root)
    started = time.monotonic()
    try:
        applied = terraform.apply(demo_variables(os.environ))
        console.step(applied + f" ({time.monotonic() - started:.0f} s)")
        outputs = terraform.outputs()
    except TerraformError as error:
        print(error, file=sys.stderr)
        return 1
    failures = 0
    for output_name, (title, step) in STEPS.items():
        scenario = outputs.get(output_name)
        if not scenario:
            continue
        console.heading(title)
        try:
            step(scenario)
        except Exception as error:
            failures += 1
            console.step(f"FAILED: {type(error).__name__}: {error}")
    console.heading("Done" if not failures else f"{failures} scenario(s) failed")
    print("  Tear down with `make destroy`; stop the local AWS with `make down`.")
    return 1 if failures else 0
