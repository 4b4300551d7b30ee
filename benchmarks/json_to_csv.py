"""Scenario 5: JSON Lines → CSV throughput and peak memory, vs pandas and polars in the same run.

Runs in-process code only (no AWS): the deployed converter of json_to_csv_s3 (one pass, columns
discovered, rows spooled to a temporary file) against pandas `json_normalize` + `to_csv` (the
anchor) and polars `read_ndjson` + `write_csv` (what a user might pick instead), on the same
generated 60 MB JSON Lines file. Each run is its own subprocess, so its peak RSS (VmHWM) is its
own; each side runs 3 times, interleaved, and the median is reported (the machine is shared, so
the anchors are measured beside the converter, never taken from an earlier run), with each round's
ratio in the notes to show the spread.

Then the converter alone on a ≈1 GiB file (the 60 MB file repeated, in a temporary folder): its
peak RSS must stay what it was on 60 MB (memory bounded by the chunk and spool buffers, not by
the input). pandas and polars hold the whole table in memory, so they are not run at 1 GiB.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.report import Result, peak_rss_mb

TARGET_BYTES = 60 << 20
LARGE_BYTES = 1 << 30
ROUNDS = 3
ROOT = Path(__file__).resolve().parents[1]
KINDS = ("ours", "pandas", "polars")


def generate(path: Path, target_bytes: int = TARGET_BYTES) -> int:
    rng = random.Random(7)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        n = 0
        while written < target_bytes:
            record = {
                "id": n,
                "ts": f"2026-01-01T00:{n % 60:02}:{n % 60:02}Z",
                "user": {"name": f"user-{rng.randrange(10**6)}", "geo": {"lat": rng.random()}},
                "tags": [rng.choice("abcdef") for _ in range(3)],
                "text": 'comma, "quote"\nand ünïcødé ' * rng.randrange(1, 4),
                "ok": n % 3 == 0,
            }
            if n % 10 == 0:
                record["extra"] = {"k": n}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return written


def repeat_to(source: Path, target: Path, target_bytes: int) -> int:
    written = 0
    with target.open("wb") as out:
        while written < target_bytes:
            with source.open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
            written += source.stat().st_size
    return written


def _chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(size):
            yield chunk


def _ours(source: Path, target: Path) -> int:
    from json_csv.options import CsvOptions  # noqa: PLC0415
    from json_to_csv_s3.convert import write_csv  # noqa: PLC0415
    from json_to_csv_s3.reader import decompressed, iter_items  # noqa: PLC0415

    items = iter_items(decompressed(_chunks(source)))
    with (
        target.open("wb") as out,
        open(os.devnull, "wb") as quarantine,
        tempfile.TemporaryFile(dir=target.parent) as spool,
    ):
        counts = write_csv(items, CsvOptions().row_builder(), out.write, quarantine.write, spool)
    rows: int = counts.rows_out
    return rows


def _pandas(source: Path, target: Path) -> int:
    import pandas as pd  # noqa: PLC0415

    with source.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    frame = pd.json_normalize(records)
    frame.to_csv(target, index=False)
    return len(frame)


def _polars(source: Path, target: Path) -> int:
    """Nested objects unnested into dotted columns, lists written as JSON text, like ours."""
    import polars as pl  # noqa: PLC0415

    frame = pl.read_ndjson(source)
    while structs := [name for name, kind in frame.schema.items() if isinstance(kind, pl.Struct)]:
        for name in structs:
            fields = [f"{name}.{field.name}" for field in frame.schema[name].fields]  # type: ignore[attr-defined]
            frame = frame.with_columns(pl.col(name).struct.rename_fields(fields)).unnest(name)
    lists = [name for name, kind in frame.schema.items() if isinstance(kind, pl.List | pl.Array)]
    frame = frame.with_columns(
        pl.struct(pl.col(name).alias("v"))
        .struct.json_encode()
        .str.strip_prefix('{"v":')
        .str.strip_suffix("}")
        .alias(name)
        for name in lists
    )
    frame.write_csv(target)
    return frame.height


# What each side imports, loaded before its clock starts: a conversion's time, not an
# interpreter's first import (pandas' is ≈ 0.26 CPU-s, ours ≈ 0.01).
IMPORTS = {
    "ours": ("json_csv.options", "json_to_csv_s3.convert", "json_to_csv_s3.reader"),
    "pandas": ("pandas",),
    "polars": ("polars",),
}


def worker(kind: str, source: str, target: str) -> None:
    convert = {"ours": _ours, "pandas": _pandas, "polars": _polars}[kind]
    for module in IMPORTS[kind]:
        importlib.import_module(module)
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = convert(Path(source), Path(target))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "peak_mb": peak_mb}))


def _run(kind: str, source: Path, target: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])}
    reply = subprocess.run(
        [sys.executable, "-m", "benchmarks.json_to_csv", kind, str(source), str(target)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    target.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(reply.stdout.strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _by_round(baseline: list[dict[str, float]], ours: list[dict[str, float]], key: str) -> str:
    """Each round's ratio (the rounds are interleaved, so each pair shared the machine's load)."""
    return "/".join(f"{b[key] / o[key]:.2f}" for b, o in zip(baseline, ours, strict=True))


def conversion() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="j2c-bench-") as folder:
        source = Path(folder) / "input.jsonl"
        size_mb = generate(source) / (1 << 20)
        runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
        for _ in range(ROUNDS):
            for kind in KINDS:
                runs[kind].append(_run(kind, source, Path(folder) / f"{kind}.csv"))
        large = Path(folder) / "large.jsonl"
        large_mb = repeat_to(source, large, LARGE_BYTES) / (1 << 20)
        source.unlink()
        big = _run("ours", large, Path(folder) / "large.csv")
    ours, pandas = runs["ours"], runs["pandas"]
    mbps = {kind: size_mb / _median(runs[kind], "seconds") for kind in KINDS}
    cpu_ratio = _median(pandas, "cpu") / _median(ours, "cpu")
    peak = {kind: max(run["peak_mb"] for run in runs[kind]) for kind in KINDS}
    notes: dict[str, float | int | str] = {
        "input_mb": round(size_mb, 1),
        "rows": int(ours[0]["rows"]),
        "rounds": ROUNDS,
        "cpu_s_ours": round(_median(ours, "cpu"), 2),
        "cpu_s_pandas": round(_median(pandas, "cpu"), 2),
        "cpu_ratio_vs_pandas": round(cpu_ratio, 2),
        "wall_ratio_by_round": _by_round(pandas, ours, "seconds"),
        "cpu_ratio_by_round": _by_round(pandas, ours, "cpu"),
    }
    return [
        Result(
            "json_to_csv: 60 MB JSON Lines -> CSV, one pass (median of 3, wall)",
            "MB/s",
            mbps["ours"],
            "pandas json_normalize + to_csv",
            mbps["pandas"],
            notes,
        ),
        Result(
            "json_to_csv: peak RSS on 60 MB (goal <= 64 MB)",
            "MB",
            peak["ours"],
            "pandas json_normalize + to_csv",
            peak["pandas"],
        ),
        Result(
            "polars read_ndjson + write_csv (reported beside ours)",
            "MB/s",
            mbps["polars"],
            "pandas json_normalize + to_csv",
            mbps["pandas"],
            {
                "peak_rss_mb": round(peak["polars"], 1),
                "vs_ours": round(mbps["polars"] / mbps["ours"], 2),
            },
        ),
        Result(
            "json_to_csv: peak RSS on 1 GiB (bounded: same as on 60 MB)",
            "MB",
            big["peak_mb"],
            "json_to_csv peak RSS on 60 MB",
            peak["ours"],
            {
                "input_mb": round(large_mb, 1),
                "rows": int(big["rows"]),
                "throughput_mb_s": round(large_mb / big["seconds"], 2),
                "runs": 1,
            },
        ),
    ]


if __name__ == "__main__":
    worker(*sys.argv[1:4])
