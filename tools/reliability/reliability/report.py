"""The ledger of one reliability case, and the results file/table every case adds to.

A case counts what went in and where each input ended: out (its side effect happened), parked
(in a failure destination, with a reason), lost (neither: must be 0). `duplicated` counts side
effects that happened more than once; `redriven` the parked inputs a redrive brought to "out".
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_FILE = Path(".reliability") / "results.json"
COLUMNS = ("scenario", "case", "in", "out", "parked", "redriven", "lost", "dup", "per s", "peak MB")


@dataclass
class CaseResult:
    scenario: str
    case: str
    inputs: int
    outputs: int = 0
    parked: int = 0
    redriven: int = 0
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0
    peak_rss_mb: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.inputs / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "throughput_per_s": round(self.throughput, 1)}

    def row(self) -> tuple[str, ...]:
        peak = "-" if self.peak_rss_mb is None else f"{self.peak_rss_mb:.0f}"
        return (
            self.scenario,
            self.case,
            str(self.inputs),
            str(self.outputs),
            str(self.parked),
            str(self.redriven),
            str(self.lost),
            str(self.duplicated),
            f"{self.throughput:.1f}",
            peak,
        )


def results_path() -> Path:
    return Path(os.environ.get("LBP_RELIABILITY_RESULTS", str(RESULTS_FILE)))


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    cases: list[dict[str, Any]] = data.get("cases", [])
    return cases


def record(result: CaseResult, path: Path | None = None) -> Path:
    """Adds (or replaces, by scenario and case) one case in the results file."""
    target = path or results_path()
    cases = [
        case
        for case in load(target)
        if (case["scenario"], case["case"]) != (result.scenario, result.case)
    ]
    cases.append(result.as_dict())
    cases.sort(key=lambda case: (case["scenario"], case["case"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n")
    return target


def from_dict(case: dict[str, Any]) -> CaseResult:
    fields = {k: v for k, v in case.items() if k != "throughput_per_s"}
    return CaseResult(**fields)


def render_table(results: list[CaseResult]) -> str:
    rows = [COLUMNS, *(result.row() for result in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            cell.rjust(w) if i > 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {r.scenario}/{r.case}: {note}" for r in results for note in r.notes]
    return "\n".join(lines + (["notes:", *notes] if notes else []))
