"""Which work unit of pytest-xdist a test belongs to: its file, or the group its file declares.

With pytest 9.2, xdist 3.8's `--dist loadgroup` never sees `xdist_group` marks (its worker
renames `item._nodeid`, which pytest no longer reads) and spreads single tests like
`--dist load`. tests/conftest.py installs FileGroupScheduling instead. The controller has no
collected items, only node ids, so the group is read from the test file's text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

GROUP_MARK = re.compile(r"""mark\.xdist_group\(\s*(?:name\s*=\s*)?["']([^"']+)["']""")


@cache
def declared_group(rootpath: Path, file: str) -> str | None:
    """The first xdist_group name the file marks its tests with, if any."""
    try:
        text = (rootpath / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = GROUP_MARK.search(text)
    return found.group(1) if found else None


def work_unit(rootpath: Path, nodeid: str) -> str:
    file = nodeid.split("::", 1)[0]
    group = declared_group(rootpath, file)
    return f"group:{group}" if group else file


def make_scheduler(config: Any, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415 — only under xdist

    class FileGroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """A work unit per test file, or per declared group of files."""

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(config.rootpath, nodeid)

    return FileGroupScheduling(config, log)
