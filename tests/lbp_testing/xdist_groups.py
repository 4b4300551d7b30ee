"""Which work unit of pytest-xdist a test belongs to, and which unit a free worker takes next.

With pytest 9.2, xdist 3.8's `--dist loadgroup` never sees `xdist_group` marks (its worker
renames `item._nodeid`, which pytest no longer reads) and spreads single tests like
`--dist load`. tests/conftest.py installs FileGroupScheduling instead. The controller has no
collected items, only node ids, so the group is read from the test file's text.

Units: a test file (its module-scoped stack is deployed once, on one worker); the files of a
declared group (one after the other, on one worker); or, in the Terraform suites (tests/module,
tests/examples: each test is one `terraform test` run of tens of seconds, with no module-scoped
state worth sharing) and in tests/integration/iam_enforcement (each test makes its own roles and
functions, tens of seconds each), each test on its own.

Order: longest first (LPT). A free worker takes the unit with the longest expected duration: the
one measured by the last run on this machine (pytest's cache, `lbp/unit-seconds`), else the one
in unit_seconds.json (committed, measured by a whole `make test`: a fresh clone, as on CI, has no
cache), else an estimate by kind. So the longest stacks start first instead of last.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

GROUP_MARK = re.compile(r"""mark\.xdist_group\(\s*(?:name\s*=\s*)?["']([^"']+)["']""")
SPLIT_DIRS = ("tests/module/", "tests/examples/", "tests/integration/iam_enforcement/")
DURATIONS_KEY = "lbp/unit-seconds"
COMMITTED_DURATIONS = Path(__file__).with_name("unit_seconds.json")
# Expected seconds of a unit no run has measured yet, by kind (measured on CI, rounded): a
# declared group of stack-deploying files, an integration file (one stack), a split test (one
# `terraform test`), any other file (per test: unit tests take milliseconds).
GROUP_SECONDS = 600.0
INTEGRATION_FILE_SECONDS = 120.0
SPLIT_TEST_SECONDS = 30.0
OTHER_TEST_SECONDS = 0.05


@cache
def _text(rootpath: Path, file: str) -> str:
    try:
        return (rootpath / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def declared_group(rootpath: Path, file: str) -> str | None:
    """The first xdist_group name the file marks its tests with, if any."""
    found = GROUP_MARK.search(_text(rootpath, file))
    return found.group(1) if found else None


def work_unit(rootpath: Path, nodeid: str) -> str:
    file = nodeid.split("::", 1)[0]
    group = declared_group(rootpath, file)
    if group:
        return f"group:{group}"
    return nodeid if file.startswith(SPLIT_DIRS) else file


def expected_seconds(unit: str, tests: int, measured: Mapping[str, float]) -> float:
    if unit in measured:
        return measured[unit]
    if unit.startswith("group:"):
        return GROUP_SECONDS
    if "::" in unit:
        return SPLIT_TEST_SECONDS
    if unit.startswith("tests/integration/"):
        return INTEGRATION_FILE_SECONDS
    return OTHER_TEST_SECONDS * tests


class LongestFirstQueue(OrderedDict[str, dict[str, bool]]):
    """xdist's work queue (unit -> {nodeid: done}); popitem(last=False) gives the longest unit."""

    def __init__(self, measured: Mapping[str, float]) -> None:
        super().__init__()
        self.measured = dict(measured)

    def popitem(self, last: bool = True) -> tuple[str, dict[str, bool]]:
        if last or not self:
            return super().popitem(last=last)
        unit = max(self, key=lambda name: expected_seconds(name, len(self[name]), self.measured))
        return unit, self.pop(unit)


def unit_durations(rootpath: Path, reports: Mapping[str, float]) -> dict[str, float]:
    """Seconds per work unit from seconds per test (setup + call + teardown)."""
    units: dict[str, float] = {}
    for nodeid, seconds in reports.items():
        unit = work_unit(rootpath, nodeid)
        units[unit] = units.get(unit, 0.0) + seconds
    return units


def committed_durations(path: Path = COMMITTED_DURATIONS) -> dict[str, float]:
    """Seconds per unit as measured by a whole run and committed (unit_seconds.json)."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(unit): float(seconds) for unit, seconds in table.items()}


def make_scheduler(config: Any, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415 — only under xdist

    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    measured = committed_durations()
    measured.update(cache.get(DURATIONS_KEY, {}) if cache is not None else {})

    class FileGroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """A work unit per test file, declared group of files, or split test; longest first."""

        def __init__(self, config: Any, log: Any = None) -> None:
            super().__init__(config, log)
            self.workqueue = LongestFirstQueue(measured)

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(config.rootpath, nodeid)

    return FileGroupScheduling(config, log)
