"""Timing helpers and the printed/JSON report of a benchmark run."""

from __future__ import annotations

import json
import resource
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Result:
    name: str
    unit: str
    value: float
    baseline_name: str | None = None
    baseline_value: float | None = None
    notes: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline_value:
            return None
        return self.value / self.baseline_value


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own address space;
    ru_maxrss would also carry the parent's peak across fork + exec (Linux keeps the larger)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(samples: list[float]) -> dict[str, float | int]:
    return {
        "n": len(samples),
        "p50": round(percentile(samples, 0.50), 4),
        "p95": round(percentile(samples, 0.95), 4),
        "mean": round(statistics.fmean(samples), 4),
    }


def render(results: list[Result]) -> str:
    lines = []
    for result in results:
        line = f"{result.name}: {result.value:,.2f} {result.unit}"
        if result.ratio is not None:
            line += (
                f"  vs {result.baseline_name}: {result.baseline_value:,.2f} {result.unit}"
                f"  -> ratio {result.ratio:.2f}x"
            )
        lines.append(line)
        if result.notes:
            lines.append("    " + ", ".join(f"{k}={v}" for k, v in result.notes.items()))
    return "\n".join(lines)


def save(results: list[Result], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = [{**asdict(result), "ratio": result.ratio} for result in results]
    path.write_text(json.dumps(payload, indent=2))
