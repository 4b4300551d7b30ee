"""Reliability cases: volumes from LBP_RELIABILITY — full (the issue's volumes, make
reliability), fast (1/10), anything else or unset 1/100 (the smoke tier of make test).

Every case is marked `reliability`; the few cheap ones also marked `reliability_smoke` run in
make test (`-m "not reliability or reliability_smoke"`), the rest only in make reliability.

Every case records its ledger (in, out, parked, redriven, lost, duplicated, throughput, peak
memory of the local AWS) in .reliability/results.json; the table is printed at the session end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from reliability import report

LEVEL = os.environ.get("LBP_RELIABILITY", "").strip().lower()
FULL = LEVEL == "full"
DIVISOR = 1 if FULL else 10 if LEVEL == "fast" else 100


def volume(full: int) -> int:
    """The issue's volume with LBP_RELIABILITY=full, 1/10 with fast, 1/100 otherwise (smoke)."""
    return max(1, full // DIVISOR)


def deadline(fast_seconds: float) -> float:
    """How long to wait for an effect (given for 1/10): ten times the inputs get five times."""
    return fast_seconds * 5 if FULL else fast_seconds


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def ledger() -> Iterator[list[report.CaseResult]]:
    """Append CaseResults; each is written to the results file at once."""
    results: list[report.CaseResult] = []

    class Recorder(list[report.CaseResult]):
        def append(self, result: report.CaseResult) -> None:
            super().append(result)
            report.record(result)

    recorder = Recorder()
    yield recorder
    results.extend(recorder)
    if results:
        print("\n" + report.render_table(results) + f"\n(results: {report.results_path()})")
