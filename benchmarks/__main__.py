"""Runs every benchmark against the current AWS target and the deployed root stack."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from benchmarks import (
    cold_start,
    iam_enforcement,
    image_renditions,
    import_breakdown,
    json_to_csv,
    s3_object_index,
    scheduler_clock,
)
from benchmarks.report import render, save
from demo.terraform import Terraform, binary_from

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    outputs = Terraform(binary_from(ROOT / ".tools"), ROOT).outputs()
    print(f"benchmarks against {os.environ.get('AWS_ENDPOINT_URL', 'a real AWS account')}")
    results = [s3_object_index.write_paths_median()]
    if outputs.get("s3_object_index"):
        results.append(s3_object_index.put_to_row_latency(outputs["s3_object_index"]))
    results.extend(image_renditions.renditions())
    results.extend(json_to_csv.conversion())
    results.extend(cold_start.init_durations(outputs))
    results.extend(import_breakdown.results(import_breakdown.deployed_environments(outputs)))
    results.extend(
        iam_enforcement.authorization_overhead(
            os.environ.get("AWS_ENDPOINT_URL"), os.environ.get("AWS_REGION", "us-east-1")
        )
    )
    if (clock_result := scheduler_clock.month_of_rate_rule()) is not None:
        results.append(clock_result)
    print(render(results))
    save(results, ROOT / ".bench" / "results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
