"""Scenario 7: JSON Lines → CSV throughput and peak memory, vs pandas in the same run.

Runs in-process code only (no AWS): the streaming converter of json_to_csv_s3 (two passes, as
deployed without explicit columns) and pandas `json_normalize` + `to_csv` on the same generated
JSON Lines file. Each side runs in its own subprocess so its peak RSS (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.report import Result

TARGET_BYTES = 60 << 20
ROOT = Path(__file__).resolve().parents[1]


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


def _chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(size):
            yield chunk


def _ours(source: Path, target: Path) -> int:
    from json_to_csv_s3.convert import collect_columns, write_csv  # noqa: PLC0415
    from json_to_csv_s3.reader import Item, decoded, decompressed, iter_items  # noqa: PLC0415

    def items() -> Iterator[Item]:
        return iter_items(decoded(decompressed(_chunks(source))))

    columns = collect_columns(items())
    with target.open("w", encoding="utf-8", newline="") as out, open(os.devnull, "w") as q:
        counts = write_csv(items(), columns, out, q)
    rows: int = counts.rows_out
    return rows


def _pandas(source: Path, target: Path) -> int:
    import pandas as pd  # noqa: PLC0415

    with source.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    frame = pd.json_normalize(records)
    frame.to_csv(target, index=False)
    return len(frame)


def worker(kind: str, source: str, target: str) -> None:
    started = time.perf_counter()
    rows = (_ours if kind == "ours" else _pandas)(Path(source), Path(target))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))


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
    result: dict[str, float] = json.loads(reply.stdout.strip().splitlines()[-1])
    return result


def conversion() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="j2c-bench-") as folder:
        source = Path(folder) / "input.jsonl"
        size_mb = generate(source) / (1 << 20)
        ours = _run("ours", source, Path(folder) / "ours.csv")
        try:
            baseline = _run("pandas", source, Path(folder) / "pandas.csv")
        except subprocess.CalledProcessError as error:
            print(f"pandas baseline failed (is pandas installed?): {error.stderr[-500:]}")
            baseline = None
    notes: dict[str, float | int | str] = {"input_mb": round(size_mb, 1), "rows": int(ours["rows"])}
    return [
        Result(
            "json_to_csv streaming conversion throughput (2 passes)",
            "MB/s",
            size_mb / ours["seconds"],
            "pandas json_normalize + to_csv" if baseline else None,
            size_mb / baseline["seconds"] if baseline else None,
            notes,
        ),
        Result(
            "json_to_csv peak memory (RSS)",
            "MB",
            ours["peak_mb"],
            "pandas json_normalize + to_csv" if baseline else None,
            baseline["peak_mb"] if baseline else None,
            notes,
        ),
    ]


if __name__ == "__main__":
    worker(*sys.argv[1:4])
