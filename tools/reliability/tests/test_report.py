from __future__ import annotations

import json
from pathlib import Path

from reliability.report import CaseResult, from_dict, load, record, render_table


def test_record_replaces_the_same_case_and_keeps_others(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    record(CaseResult("2", "load", inputs=10, outputs=9, lost=1, seconds=2.0), path)
    record(CaseResult("5", "load", inputs=5, outputs=5), path)
    record(CaseResult("2", "load", inputs=10, outputs=10, seconds=4.0, peak_rss_mb=812.4), path)
    cases = load(path)
    assert [(c["scenario"], c["outputs"], c["lost"]) for c in cases] == [("2", 10, 0), ("5", 5, 0)]
    assert cases[0]["throughput_per_s"] == 2.5
    assert from_dict(cases[0]) == CaseResult("2", "load", 10, 10, seconds=4.0, peak_rss_mb=812.4)
    assert json.loads(path.read_text())["cases"] == cases


def test_table_has_a_row_per_case_and_the_notes() -> None:
    table = render_table(
        [
            CaseResult("2", "load", inputs=100, outputs=100, seconds=10, peak_rss_mb=900),
            CaseResult("5", "poison", inputs=7, outputs=6, parked=1, notes=["1 quarantined"]),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["scenario", "case", "in", "out"]
    assert lines[2].split() == ["2", "load", "100", "100", "0", "0", "0", "0", "10.0", "900"]
    assert lines[3].split()[-2:] == ["0.0", "-"]
    assert lines[-1] == "  5/poison: 1 quarantined"
