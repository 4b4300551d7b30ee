"""Suite-wide rules: how `make test` spreads test files over pytest-xdist workers.

`make test` runs `-n 8 --dist loadgroup`. Every test file is one unit of work (its module-scoped
stack is deployed once, on one worker), except the files that mark their tests
`pytest.mark.xdist_group("<name>")` (as `pytestmark`): files of one group go to one worker, one
after the other (no file needs that today: the time-driven files each move a clock scope of their
own, lbp_testing.clock). A free worker takes the longest unit left, as measured by the last run
(pytest's cache). See lbp_testing.xdist_groups for why the scheduler is our own.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from lbp_testing.xdist_groups import DURATIONS_KEY, make_scheduler, unit_durations

# Fixtures shared by every test directory (aws_target, region, session, lambda_client, run_id,
# wait_for): a plugin, not imports into conftests (a fixture imported by name and requested as
# a parameter of the same name trips ruff's F811).
pytest_plugins = ["lbp_testing.fixtures"]

# Terraform and the AWS provider are Go programs that decode the provider's 13 MB schema on every
# command, and spend about a third of their CPU collecting that garbage at Go's default GOGC=100.
# Every terraform and provider process the suite starts inherits this (a user's own value wins).
# Measured: `terraform test` of json-to-csv 20.0 -> 13.2 CPU-s, peak RSS 447 -> 490 MB.
os.environ.setdefault("GOGC", "400")

_seconds_per_test: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    # xdist declares it too, but only when loaded (not with -p no:xdist and --strict-markers).
    config.addinivalue_line("markers", "xdist_group(name): run with the other tests of name")


@pytest.hookimpl(optionalhook=True)  # -p no:xdist: no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    return make_scheduler(config, log)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # setup + call + teardown: a module-scoped stack's apply and destroy count in its file.
    _seconds_per_test[report.nodeid] = _seconds_per_test.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    if hasattr(config, "workerinput") or cache is None or not _seconds_per_test:
        return  # an xdist worker: its controller records the durations
    # The longest seen: a run of some of a unit's tests (-k, one file of a group) must not make
    # the whole unit look short.
    measured = dict(cache.get(DURATIONS_KEY, {}))
    for unit, seconds in unit_durations(config.rootpath, _seconds_per_test).items():
        measured[unit] = round(max(seconds, measured.get(unit, 0.0)), 1)
    cache.set(DURATIONS_KEY, measured)
