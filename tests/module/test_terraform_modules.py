"""Runs each module's native `terraform test` suite (mock provider, offline) under pytest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lbp_testing.stack import ROOT, offline_terraform

MODULES = sorted(path for path in (ROOT / "modules").iterdir() if (path / "main.tf").exists())


def suite_of(module: Path) -> Path | None:
    """A module's .tftest.hcl files, in its own tests/."""
    suite = module / "tests"
    return suite if any(suite.glob("*.tftest.hcl")) else None


def test_every_module_has_a_suite() -> None:
    assert [module.name for module in MODULES if suite_of(module) is None] == []


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_module_suite_passes(module: Path) -> None:
    suite = suite_of(module)
    assert suite is not None, f"{module.name} has no terraform test suite"
    init = offline_terraform("init", "-backend=false", "-input=false", "-no-color", cwd=module)
    assert init.returncode == 0, init.stdout + init.stderr
    test_directory = os.path.relpath(suite, module)
    result = offline_terraform("test", "-no-color", f"-test-directory={test_directory}", cwd=module)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " 0 failed" in result.stdout, result.stdout[-3000:]
