"""Suite-wide rules: how `make test` spreads test files over pytest-xdist workers.

`make test` runs `-n 3 --dist loadgroup`. Every test file is one unit of work (its module-scoped
stack is deployed once, on one worker), except the files that mark their tests
`pytest.mark.xdist_group("<name>")` (as `pytestmark`): files of one group go to one worker, one
after the other. The time-driven scenarios use the group "clock" because they move the local AWS's
global schedule clock. See lbp_testing.xdist_groups for why the scheduler is our own.
"""

from __future__ import annotations

from typing import Any

import pytest

from lbp_testing.xdist_groups import make_scheduler


def pytest_configure(config: pytest.Config) -> None:
    # xdist declares it too, but only when loaded (not with -p no:xdist and --strict-markers).
    config.addinivalue_line("markers", "xdist_group(name): run with the other tests of name")


@pytest.hookimpl(optionalhook=True)  # -p no:xdist: no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    return make_scheduler(config, log)
