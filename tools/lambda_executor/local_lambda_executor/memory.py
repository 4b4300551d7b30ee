"""Enforces a Lambda function's memory size on a worker process by watching its RSS."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable

POLL_SECONDS = 0.05


def read_status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_memory_mb(pid: int) -> int | None:
    hwm_kb = read_status_kb(pid, "VmHWM")
    return None if hwm_kb is None else -(-hwm_kb // 1024)


class MemoryMonitor:
    """Kills the process (SIGKILL) as soon as its resident memory exceeds the limit."""

    def __init__(
        self,
        pid: int,
        limit_mb: int,
        poll_seconds: float = POLL_SECONDS,
        kill: Callable[[int], None] | None = None,
    ) -> None:
        self.pid = pid
        self.limit_kb = limit_mb * 1024
        self.poll_seconds = poll_seconds
        self.exceeded = threading.Event()
        self.peak_mb = 0
        self._kill = kill or (lambda pid: os.kill(pid, signal.SIGKILL))
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name=f"lambda-memory-{pid}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        while not self._stopped.is_set():
            rss_kb = read_status_kb(self.pid, "VmRSS")
            if rss_kb is None:
                return
            self.peak_mb = max(self.peak_mb, -(-rss_kb // 1024))
            if rss_kb > self.limit_kb:
                self.exceeded.set()
                with contextlib.suppress(ProcessLookupError):
                    self._kill(self.pid)
                return
            self._stopped.wait(self.poll_seconds)
