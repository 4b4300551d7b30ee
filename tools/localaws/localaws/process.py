"""Process trees from /proc: descendants, RSS, and stopping a tree for good."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

PROC = Path("/proc")


def _stat_fields(pid: int, proc: Path) -> list[str] | None:
    try:
        text = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    return text[text.rindex(")") + 2 :].split()


class ProcInfo(NamedTuple):
    ppid: int
    pgid: int
    state: str


def scan(proc: Path = PROC) -> dict[int, ProcInfo]:
    """pid -> (ppid, pgid, state) for every process visible in ``proc``."""
    table = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name), proc)
            if fields:
                table[int(entry.name)] = ProcInfo(int(fields[1]), int(fields[2]), fields[0])
    return table


def is_alive(pid: int, proc: Path = PROC) -> bool:
    fields = _stat_fields(pid, proc)
    return fields is not None and fields[0] != "Z"


def descendants(root: int, table: dict[int, ProcInfo]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, info in table.items():
        children.setdefault(info.ppid, []).append(pid)
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def expand(pids: Iterable[int], pgid: int | None, proc: Path = PROC) -> set[int]:
    """Living members of ``pids``, their descendants and the process group ``pgid``."""
    table = scan(proc)
    grown = set(pids)
    for pid in list(grown):
        grown |= descendants(pid, table)
    if pgid is not None and pgid > 1:
        grown |= {pid for pid, info in table.items() if info.pgid == pgid}
    return {pid for pid in grown if pid in table and table[pid].state != "Z"}


def tree(root: int, pgid: int | None = None, proc: Path = PROC) -> list[int]:
    """``root``, its descendants and, when given, the members of its process group."""
    return sorted(expand([root], pgid, proc))


def rss_kib(pid: int, proc: Path = PROC) -> int:
    try:
        status = (proc / str(pid) / "status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_rss_mb(pids: Iterable[int], proc: Path = PROC) -> float:
    return sum(rss_kib(pid, proc) for pid in pids) / 1024


def _signal(pids: Iterable[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _signal_group(pgid: int | None, sig: signal.Signals) -> None:
    if pgid is not None and pgid > 1 and pgid != os.getpgid(0):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)


def _reap(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


def stop_tree(root: int, pgid: int | None, grace: float = 10.0) -> list[int]:
    """SIGTERM the group and tree, wait up to ``grace`` s, SIGKILL what is left.

    Returns the pids that had to be killed. Known pids are kept across rounds so that
    children orphaned by their parent's exit (re-parented to init) are still found.
    """
    known = expand([root], pgid)
    _signal_group(pgid, signal.SIGTERM)
    _signal(known, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap(known)
        known = expand(known, pgid)
        if not known:
            return []
        time.sleep(0.2)
    _signal_group(pgid, signal.SIGKILL)
    killed = sorted(expand(known, pgid))
    _signal(killed, signal.SIGKILL)
    _wait_gone(killed, 5.0)
    return killed


def _wait_gone(pids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pids)
        if not any(is_alive(pid) for pid in pids):
            return
        time.sleep(0.1)
