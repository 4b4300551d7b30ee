from __future__ import annotations

from pathlib import Path

import pytest

from reliability.__main__ import main
from reliability.report import CaseResult, record


def test_redrive_refuses_a_scenario_without_an_on_failure_queue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["redrive", "--scenario", "1"]) == 2
    assert "scenario '1' has no asynchronous on-failure queue" in capsys.readouterr().out


def test_report_prints_the_table_or_says_there_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "results.json"
    assert main(["report", "--results", str(path)]) == 1
    record(CaseResult("2 s3-object-index", "load", inputs=3, outputs=3, seconds=1.0), path)
    assert main(["report", "--results", str(path)]) == 0
    assert "2 s3-object-index  load" in capsys.readouterr().out


def test_limits_prints_every_pipeline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["limits"]) == 0
    assert capsys.readouterr().out.count("saturates first") == 9
