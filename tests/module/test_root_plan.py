"""Runs the root stack's `terraform test` suite (tests/module/root, mock provider, offline).

The root stack reads its function and layer zips from build_dir/<architecture>/: a throw-away copy
of the root gets a fake build folder (one tiny zip per function and layer, for each architecture),
so no `make build` is needed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from lbp_testing.stack import ROOT, copy_root, offline_terraform

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
    init = offline_terraform("init", "-backend=false", "-input=false", "-no-color", cwd=root)
    assert init.returncode == 0, init.stdout + init.stderr
    result = offline_terraform("test", "-no-color", cwd=root)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " 0 failed" in result.stdout, result.stdout[-3000:]


SCENARIO_SWITCHES = re.compile(r'^variable "(enable_\w+)"', re.MULTILINE)

# Offline credentials for a real `terraform plan` that never reaches AWS: with every scenario
# off nothing may need an API call (no data source, no account lookup).
OFFLINE_PROVIDER = """
provider "aws" {
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""


def test_root_with_every_scenario_off_plans_nothing(tmp_path: Path) -> None:
    """A disabled stack plans zero resources and reads no data source (no layer built either)."""
    root = copy_root(tmp_path / "root")
    (root / "zz_offline_override.tf").write_text(OFFLINE_PROVIDER)
    switches = SCENARIO_SWITCHES.findall((ROOT / "variables.tf").read_text())
    assert "enable_s3_object_index" in switches and "enable_hello" in switches
    (root / "off.auto.tfvars.json").write_text(json.dumps(dict.fromkeys(switches, False)))
    for args in (
        ["init", "-backend=false", "-input=false", "-no-color"],
        ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=off.plan"],
    ):
        step = offline_terraform(*args, cwd=root)
        assert step.returncode == 0, step.stdout[-3000:] + step.stderr[-3000:]
    show = offline_terraform("show", "-json", "off.plan", cwd=root)
    assert show.returncode == 0, show.stderr
    plan = json.loads(show.stdout)
    planned = [change["address"] for change in plan.get("resource_changes", [])]
    read = plan.get("prior_state", {}).get("values", {}).get("root_module", {}).get("resources", [])
    assert planned == [], f"every enable_* is false, yet the plan has {planned}"
    assert read == [], f"every enable_* is false, yet the plan reads {[r['address'] for r in read]}"
