"""`terraform apply -json` prints one JSON message per line (Terraform's machine-readable UI):
`change_summary` (operation "plan": how many resources will change), `apply_start`,
`apply_complete`, `apply_errored`, `diagnostic`, `outputs`. Progress counts completed resources
against the plan's total and shows the elapsed time and the resource being worked on.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any


class ApplyFailedError(RuntimeError):
    pass


@dataclass
class Progress:
    operation: str = "apply"
    total: int | None = None
    done: int = 0
    errored: int = 0
    current: str = ""
    errors: list[str] = field(default_factory=list)
    summary: str = ""

    def feed(self, message: Mapping[str, Any]) -> bool:
        """Updates from one UI message; True when the visible state changed."""
        kind = message.get("type")
        hook = message.get("hook") or {}
        resource = (hook.get("resource") or {}).get("addr", "")
        if hook.get("action") == "read":  # data sources: not among the plan's changes
            return False
        if kind == "change_summary":
            self._summary(message.get("changes") or {}, str(message.get("@message", "")))
        elif kind in ("apply_start", "apply_progress"):  # progress: "Still creating..." / 10 s
            self.current = resource
        elif kind == "apply_complete":
            self.done += 1
        elif kind == "apply_errored":
            self.errored += 1
        elif kind == "diagnostic" and message.get("diagnostic", {}).get("severity") == "error":
            self._error(message["diagnostic"])
        else:
            return False
        return True

    def _summary(self, changes: Mapping[str, Any], text: str) -> None:
        if changes.get("operation") == "plan":
            self.total = sum(int(changes.get(k, 0)) for k in ("add", "change", "remove"))
        else:
            self.summary = text

    def _error(self, diagnostic: Mapping[str, Any]) -> None:
        where = diagnostic.get("address") or (diagnostic.get("range") or {}).get("filename", "")
        self.errors.append(
            f"{diagnostic.get('summary', '')}{f' ({where})' if where else ''}: "
            f"{diagnostic.get('detail', '')}".strip()
        )

    def line(self, elapsed: float) -> str:
        total = "?" if self.total is None else str(self.total)
        text = f"terraform {self.operation}: {self.done}/{total} resources, {elapsed:.0f} s"
        if self.errored:
            text += f", {self.errored} failed"
        if self.current and (self.total is None or self.done < self.total):
            text += f" — {self.current}"
        return text


@dataclass(frozen=True)
class Result:
    progress: Progress
    seconds: float
    returncode: int


def messages(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        with contextlib.suppress(ValueError):
            message = json.loads(line)
            if isinstance(message, dict):
                yield message


@contextlib.contextmanager
def terminal() -> Iterator[IO[str] | None]:
    """The controlling terminal, if any (pytest captures stdout/stderr, not /dev/tty).

    None on CI, without a terminal, or when LBP_PROGRESS=0.
    """
    if os.environ.get("LBP_PROGRESS") == "0":
        yield None
        return
    try:
        tty = open("/dev/tty", "w")  # noqa: SIM115 - closed below
    except OSError:
        yield None
        return
    try:
        yield tty
    finally:
        tty.close()


def run_with_progress(
    command: list[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    out: IO[str] | None = None,
    interactive: bool = True,
    every: float = 15.0,
    label: str = "",
    clock: Callable[[], float] = time.monotonic,
) -> Result:
    """Runs `terraform apply|destroy -json ...`, showing progress on out.

    interactive: rewrite one line (a terminal); otherwise print a line at most every `every`
    seconds and at the end (a log, or several runs sharing a terminal; `label` tells them
    apart). Raises ApplyFailedError with Terraform's error diagnostics.
    """
    operation = next((word for word in command if word in ("apply", "destroy")), "apply")
    progress = Progress(operation=operation)
    start = last_print = clock()
    stderr_lines: list[str] = []
    with subprocess.Popen(
        command, cwd=cwd, env=None if env is None else dict(env), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        for message in messages(process.stdout):
            if not progress.feed(message) or out is None:
                continue
            now = clock()
            if interactive:
                out.write("\r\033[K" + (label + progress.line(now - start))[:160])
                out.flush()
            elif now - last_print >= every:
                out.write(label + progress.line(now - start) + "\n")
                out.flush()
                last_print = now
        stderr_lines = process.stderr.readlines()
        returncode = process.wait()
    elapsed = clock() - start
    if out is not None:
        progress.current = ""
        out.write(("\r\033[K" if interactive else "") + label + progress.line(elapsed) + "\n")
        out.flush()
    if returncode != 0:
        details = progress.errors or [line.rstrip() for line in stderr_lines[-20:]]
        raise ApplyFailedError(f"terraform {operation} failed:\n" + "\n".join(details))
    return Result(progress, elapsed, returncode)
