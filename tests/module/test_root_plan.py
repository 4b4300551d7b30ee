"""Runs the root stack's `terraform test` suite (tests/module/root, mock provider, offline).

The root stack reads its function and layer zips from build_dir/<architecture>/: a throw-away copy
of the root gets a fake build folder (one tiny zip per function and layer, for each architecture),
so no `make build` is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from lbp_testing.stack import ROOT, copy_root, terraform_binary

SUITE = Path(__file__).parent / "root"
FIXTURE_ZIP = ROOT / "modules" / "lambda-function" / "tests" / "fixtures" / "handler.zip"


ARCHITECTURES = ("x86_64", "arm64")


def fake_build(build: Path) -> None:
    for architecture in ARCHITECTURES:
        for kind, names in (
            ("functions", [p.name for p in (ROOT / "functions").iterdir() if p.is_dir()]),
            ("layers", [p.name for p in (ROOT / "layers").iterdir() if p.is_dir()]),
        ):
            (build / architecture / kind).mkdir(parents=True, exist_ok=True)
            for name in names:
                shutil.copy(FIXTURE_ZIP, build / architecture / kind / f"{name}.zip")


def test_root_stack_suite_passes(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    fake_build(tmp_path / "build")
    root = copy_root(tmp_path)
    shutil.copytree(SUITE, root / "tests")
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(ROOT / ".tools" / "terraform.rc"),
        "CHECKPOINT_DISABLE": "1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    binary = terraform_binary()
    init = subprocess.run(
        [binary, f"-chdir={root}", "init", "-backend=false", "-input=false", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert init.returncode == 0, init.stdout + init.stderr
    result = subprocess.run(
        [binary, f"-chdir={root}", "test", "-no-color"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " 0 failed" in result.stdout, result.stdout[-3000:]
