"""Every emulator_difference marker in the integration tests is listed in the README's table."""

from __future__ import annotations

import ast
from pathlib import Path

from lbp_testing.differences import DIFFERENCE

ROOT = Path(__file__).resolve().parents[3]
SECTION = "## What differs between the emulators"


def is_difference(node: ast.expr) -> bool:
    call = node if isinstance(node, ast.Call) else None
    return call is not None and ast.unparse(call.func).endswith(f"mark.{DIFFERENCE}")


def marked_tests() -> dict[str, set[str]]:
    """Test file → names of the tests carrying the marker (the file's name for pytestmark)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests" / "integration").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = found.setdefault(str(path.relative_to(ROOT)), set())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(map(is_difference, node.decorator_list)):
                names.add(node.name)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
            ):
                values = node.value.elts if isinstance(node.value, ast.List) else [node.value]
                if any(map(is_difference, values)):
                    names.add(path.parent.name)
    return {file: names for file, names in found.items() if names}


def test_each_marked_test_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    marked = marked_tests()
    assert marked, "no emulator_difference markers found: is the parser still right?"
    missing = sorted(
        f"{file}::{name}" for file, names in marked.items() for name in names if name not in section
    )
    assert missing == [], f"add these to README.md, {SECTION!r}: {missing}"
