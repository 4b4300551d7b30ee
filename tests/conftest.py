"""Suite-wide rules: how `make test` spreads test files over pytest-xdist workers.

`make test` runs `-n 3 --dist loadgroup`. Every test file is one unit of work (its module-scoped
stack is deployed once, on one worker), except the files that declare
`pytestmark = pytest.mark.xdist_group("<name>")`: files of one group go to one worker, one after
the other. The time-driven scenarios use the group "clock" because they move the local AWS's
global schedule clock.

Why a scheduler of our own: with pytest 9.2, xdist 3.8's loadgroup never sees the marks (its
worker renames `item._nodeid`, which pytest no longer reads), so it falls back to spreading
single tests like `--dist load` — a file's tests on several workers, a stack deployed per worker.
The controller has no collected items, only node ids, so it reads the group from the file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

GROUP_MARK = re.compile(
    r"""^pytestmark\s*=\s*pytest\.mark\.xdist_group\(\s*(?:name\s*=\s*)?["']([^"']+)["']""",
    re.MULTILINE,
)


@cache
def declared_group(rootpath: Path, file: str) -> str | None:
    try:
        text = (rootpath / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = GROUP_MARK.search(text)
    return found.group(1) if found else None


def pytest_configure(config: pytest.Config) -> None:
    # xdist declares it too, but only when loaded (not with -p no:xdist and --strict-markers).
    config.addinivalue_line("markers", "xdist_group(name): run with the other tests of name")


@pytest.hookimpl(optionalhook=True)  # -p no:xdist: no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415 — only under xdist

    class FileGroupScheduling(LoadScopeScheduling):
        """A work unit per test file, or per declared group of files."""

        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            group = declared_group(config.rootpath, file)
            return f"group:{group}" if group else file

    return FileGroupScheduling(config, log)
