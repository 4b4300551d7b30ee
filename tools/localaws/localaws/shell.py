"""Running installer commands with pip's noise filtered out."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

_NOISE = (
    re.compile(r"^WARNING: Location '.*' is ignored"),
    re.compile(r"^\s*$"),
)


class CommandError(RuntimeError):
    pass


def filter_noise(lines: Iterable[str]) -> list[str]:
    return [line for line in lines if not any(p.search(line) for p in _NOISE)]


def run(cmd: Sequence[str | Path], cwd: Path | None = None, timeout: float = 1800) -> str:
    """Run ``cmd``; return its filtered output, or raise with that output on failure."""
    args = [str(part) for part in cmd]
    proc = subprocess.run(
        args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=timeout,
    )
    output = "\n".join(filter_noise(proc.stdout.splitlines()))
    if proc.returncode != 0:
        raise CommandError(f"command failed ({proc.returncode}): {' '.join(args)}\n{output}")
    return output


def say(message: str) -> None:
    print(f"localaws: {message}", file=sys.stderr, flush=True)


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


class Stamps:
    """Marker files saying "step X with inputs Y is done"."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, step: str, key: str) -> Path:
        return self.folder / f"{step}-{key}.ok"

    def done(self, step: str, key: str) -> bool:
        return self.path(step, key).is_file()

    def mark(self, step: str, key: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"{step}-*.ok"):
            old.unlink()
        self.path(step, key).write_text(key + "\n")
