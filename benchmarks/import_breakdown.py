"""Where a handler's Init goes: `python -X importtime` of each built function, by package.

Each function zip of build/x86_64 is unpacked with the layers, then imported the way the local
Lambda executor (and the AWS runtime) does: the runtime's interpreter, isolated, without site,
with boto3 from the runtime's packages, and unable to write bytecode (Lambda's code folders are
read-only). Measured twice: with the bytecode the zips ship, and from sources only (what every
cold start paid before the zips carried it).

Each module's own import time is charged to whoever imported it first: a module of boto3
(botocore, s3transfer, jmespath, urllib3... and the standard library modules they pull in),
of Powertools, of Pillow, or of another dependency, is charged to that package; the function's
own modules to "own"; standard library modules the function's own code imports first to
"stdlib". (A module is imported once: `json`, say, is charged to the first importer only.)
Interpreter start-up (`python -I -S -c pass`, the same for every handler) is reported beside.

`python -m benchmarks.import_breakdown` prints the table; `make bench` reports the totals.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3

from benchmarks.cold_start import GOAL_MS, function_names
from benchmarks.report import Result
from local_lambda_executor.interpreters import InterpreterFinder

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "x86_64"
FUNCTIONS = ROOT / "functions"
RUNTIME = "python3.12"
RUNS = 5
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
GROUPS = {"boto3": "boto3", "botocore": "boto3", "s3transfer": "boto3", "jmespath": "boto3",
          "urllib3": "boto3", "dateutil": "boto3", "six": "boto3",
          "aws_lambda_powertools": "powertools", "typing_extensions": "powertools",
          "PIL": "pillow"}  # fmt: skip


def runtime_site() -> str:
    return os.environ.get(
        "LBP_LAMBDA_RUNTIME_SITE", str(ROOT / ".tools" / "lambda-runtime" / "python")
    )


_Node = tuple[int, int, str, list[Any]]  # (self µs, depth, module, imported modules)


def group_of(module: str, own: set[str]) -> str | None:
    """The group a module is charged to when the handler's own code imports it."""
    top = module.split(".", 1)[0]
    if top in own:
        return "own"
    if top in GROUPS:
        return GROUPS[top]
    if top in sys.stdlib_module_names or top.startswith("_"):
        return None  # the standard library: charged to whoever imports it
    return "deps"


def charged(lines: list[tuple[int, int, str]], own: set[str]) -> dict[str, float]:
    """Milliseconds per group from importtime's (self µs, depth, module) lines, which list each
    module after the modules it imported (one level deeper)."""
    # Rebuild the import tree: a line adopts the lines before it that are one level deeper.
    nodes: list[_Node] = []
    for self_us, depth, module in lines:
        children: list[_Node] = []
        while nodes and nodes[-1][1] > depth:
            children.insert(0, nodes.pop())
        nodes.append((self_us, depth, module, children))
    groups: dict[str, float] = {}

    def walk(node: _Node, inherited: str | None) -> None:
        self_us, _, module, children = node
        group = group_of(module, own)
        charge = inherited or group or "stdlib"
        groups[charge] = groups.get(charge, 0.0) + self_us / 1000
        for child in children:
            walk(child, inherited or (group if group != "own" else None))

    for node in nodes:
        walk(node, None)
    return groups


def import_ms(
    python: str, path: list[str], module: str, own: set[str], env: dict[str, str]
) -> dict[str, float]:
    """Milliseconds per group (each module's own import time, charged to its first importer's
    package) of one import.

    A handler that reads its configuration at import needs its function's environment; without
    it the import stops at the configuration error, after every import was timed ("partial").
    """
    code = f"import sys; sys.path[:0] = {path!r}; import {module}"
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-X", "importtime", "-c", code],
        capture_output=True, text=True, check=False, env={**env, "PATH": os.environ["PATH"]},
    )  # fmt: skip
    lines = []
    for line in result.stderr.splitlines():
        found = _LINE.match(line)
        if found:
            lines.append((int(found.group(1)), len(found.group(3)) // 2, found.group(4)))
    groups = charged(lines, own)
    groups["total"] = sum(groups.values())
    groups["partial"] = float(result.returncode != 0)
    return groups


def interpreter_start_ms(python: str) -> float:
    """Median wall time of `python -I -S -c pass` (start-up and exit, no handler)."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([python, "-I", "-S", "-c", "pass"], check=True)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def median_ms(
    python: str, path: list[str], module: str, own: set[str], env: dict[str, str]
) -> dict[str, float]:
    runs = [import_ms(python, path, module, own, env) for _ in range(RUNS)]
    names = {name for run in runs for name in run}
    return {name: round(statistics.median(r.get(name, 0.0) for r in runs), 1) for name in names}


def unpack(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
    return into


def without_bytecode(folder: Path) -> None:
    for cache in folder.rglob("__pycache__"):
        shutil.rmtree(cache)


def breakdown(
    environments: dict[str, dict[str, str]] | None = None,
) -> list[tuple[str, dict[str, float], dict[str, float]]]:
    """(function, with bytecode, from sources) for every built function; environments maps a
    function's package name to its deployed environment variables."""
    environments = environments or {}
    python = InterpreterFinder().find(RUNTIME)
    rows = []
    with tempfile.TemporaryDirectory(prefix="lbp-imports-") as scratch:
        base = Path(scratch)
        layers = [unpack(z, base / "layers" / z.stem) for z in sorted(BUILD.glob("layers/*.zip"))]
        for archive in sorted(BUILD.glob("functions/*.zip")):
            task = unpack(archive, base / "task" / archive.stem)
            # The function's packages and the shared ones vendored from functions/; the rest of
            # the zip (orjson, ...) is its dependencies.
            own = {child.name for child in task.iterdir() if (FUNCTIONS / child.name).is_dir()}
            path = [str(task), *(str(layer / "python") for layer in layers), runtime_site()]
            module = f"{archive.stem}.handler"
            env = environments.get(archive.stem, {})
            shipped = median_ms(python, path, module, own, env)
            for folder in (task, *layers):
                without_bytecode(folder)
            sources = median_ms(python, path, module, own, env)
            rows.append((archive.stem, shipped, sources))
            for layer in layers:  # the next function gets the layers as shipped again
                shutil.rmtree(layer)
                unpack(BUILD / "layers" / f"{layer.name}.zip", layer)
    return rows


def results(environments: dict[str, dict[str, str]] | None = None) -> list[Result]:
    start = interpreter_start_ms(InterpreterFinder().find(RUNTIME))
    found = [
        Result(
            f"cold start imports: {name} (bytecode shipped)",
            "ms",
            shipped["total"],
            "goal for pure-Python handlers",
            GOAL_MS,
            {
                **{k: v for k, v in sorted(shipped.items()) if k not in {"total", "partial"}},
                "from sources": sources["total"],
                "interpreter start": start,
            },
        )
        for name, shipped, sources in breakdown(environments)
    ]
    found.append(
        Result(
            f"cold start: {RUNTIME} interpreter start-up alone (-I -S -c pass)",
            "ms",
            start,
            "goal for pure-Python handlers",
            GOAL_MS,
        )
    )
    return found


def deployed_environments(outputs: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each deployed function's environment variables, by its package (handler setting)."""
    client = boto3.client("lambda")
    environments = {}
    for name in function_names(outputs):
        config = client.get_function_configuration(FunctionName=name)
        package = str(config.get("Handler", "")).split(".", 1)[0]
        environments[package] = dict(config.get("Environment", {}).get("Variables", {}))
    return environments


def main() -> int:
    columns = ("total", "boto3", "powertools", "pillow", "deps", "own", "stdlib")
    print(f"interpreter start-up: {interpreter_start_ms(InterpreterFinder().find(RUNTIME))} ms")
    print(f"{'function':28}" + "".join(f"{c:>11}" for c in columns) + "   from sources")
    for name, shipped, sources in breakdown():
        cells = "".join(f"{shipped.get(c, 0.0):>11.1f}" for c in columns)
        partial = "  (partial: no configuration)" if shipped["partial"] else ""
        print(f"{name:28}{cells}   {sources['total']:>9.1f}{partial}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
