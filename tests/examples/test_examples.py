"""examples/<case>/: one per scenario module and examples/complete (all eight), each validated and
planned (mocked provider, offline).

The module READMEs' usage snippets are the examples' `module` blocks, verbatim, so a snippet
that would not plan fails here too. Applying an example to the target is in
tests/integration/examples.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lbp_testing.stack import ROOT, offline_terraform

EXAMPLES = ROOT / "examples"
SUITE = ROOT / "tests" / "examples" / "suite"
FIXTURE_ZIP = ROOT / "modules" / "lambda-function" / "tests" / "fixtures" / "handler.zip"
# Building blocks, not scenarios: used through the scenario modules.
NOT_SCENARIOS = {"lambda-function", "private-bucket", "private-queue"}
SCENARIO_MODULES = sorted(
    path.name
    for path in (ROOT / "modules").iterdir()
    if (path / "main.tf").exists() and path.name not in NOT_SCENARIOS
)
CASES = sorted(path.name for path in EXAMPLES.iterdir() if (path / "main.tf").exists())


def module_blocks(text: str) -> dict[str, str]:
    """Top-level `module "<name>" { ... }` blocks of HCL text, by name (fmt-formatted HCL)."""
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r'^module "([\w-]+)" \{\n.*?^\}$', text, re.MULTILINE | re.DOTALL)
    }


def usage_section(readme: str) -> str:
    match = re.search(r"^## Usage\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


@pytest.fixture(scope="module")
def stand_in_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build/<architecture>/ folder with a small zip for every function and layer name."""
    build = tmp_path_factory.mktemp("build")
    for kind, source in (("functions", ROOT / "functions"), ("layers", ROOT / "layers")):
        (build / kind).mkdir()
        for package in source.iterdir():
            if package.is_dir() and not package.name.startswith((".", "_")):
                shutil.copy(FIXTURE_ZIP, build / kind / f"{package.name}.zip")
    return build


def test_every_scenario_module_has_an_example() -> None:
    assert [name for name in SCENARIO_MODULES if name not in CASES] == []


def copy_example(case: str, destination: Path) -> Path:
    """examples/<case>/ plus the plan suite under its tests/ (terraform test only reads a test
    directory inside the configuration), beside a link to modules/ so `../../modules` resolves."""
    (destination / "modules").symlink_to(ROOT / "modules")
    example = destination / "examples" / case
    shutil.copytree(
        EXAMPLES / case, example, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    shutil.copytree(SUITE, example / "tests")
    shutil.copytree(SUITE.parent / "mocks", example / "tests" / "mocks")
    return example


@pytest.mark.parametrize("case", CASES)
def test_example_validates_and_plans(case: str, stand_in_build: Path, tmp_path: Path) -> None:
    """`terraform test` validates the configuration before its plan (an unsupported argument on
    a resource of count 0 fails it as `terraform validate` would), so it runs no validate."""
    example = copy_example(case, tmp_path)
    init = offline_terraform("init", "-backend=false", "-input=false", "-no-color", cwd=example)
    assert init.returncode == 0, init.stdout + init.stderr
    result = offline_terraform(
        "test", "-no-color", f"-var=build_dir={stand_in_build}", cwd=example,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "1 passed, 0 failed" in result.stdout, result.stdout[-3000:]


def test_complete_calls_every_scenario_module() -> None:
    """examples/complete: the all-in-one caller, every scenario module once."""
    sources = re.findall(
        r'^  source = "\.\./\.\./modules/([\w-]+)"$',
        (EXAMPLES / "complete" / "main.tf").read_text(),
        re.M,
    )
    assert sorted(sources) == SCENARIO_MODULES


@pytest.mark.parametrize("case", [case for case in CASES if case in SCENARIO_MODULES])
def test_module_readme_usage_is_the_example(case: str) -> None:
    example_blocks = module_blocks((EXAMPLES / case / "main.tf").read_text())
    assert example_blocks, f"examples/{case}/main.tf calls no module"
    usage = usage_section((ROOT / "modules" / case / "README.md").read_text())
    readme_blocks = module_blocks(usage)
    for name, block in example_blocks.items():
        assert readme_blocks.get(name) == block, (
            f"modules/{case}/README.md ## Usage must show module {name!r} exactly as in "
            f"examples/{case}/main.tf"
        )
