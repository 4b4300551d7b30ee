"""Collects a worker's stdout/stderr and splits it at the worker's sync markers."""

from __future__ import annotations

import os
import threading
from collections import deque

from local_lambda_executor.bootstrap import SYNC_PREFIX, SYNC_SUFFIX

HISTORY_BYTES = 1024 * 1024


class LogCapture:
    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()
        self._closed = False
        self._condition = threading.Condition()
        self._history: deque[bytes] = deque()
        self._history_size = 0
        self._thread = threading.Thread(target=self._read, name=f"lambda-logs-{fd}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                chunk = b""
            with self._condition:
                if not chunk:
                    self._closed = True
                    self._condition.notify_all()
                    break
                self._buffer.extend(chunk)
                self._remember(chunk)
                self._condition.notify_all()
        os.close(self._fd)

    def _remember(self, chunk: bytes) -> None:
        self._history.append(chunk)
        self._history_size += len(chunk)
        while self._history_size > HISTORY_BYTES and len(self._history) > 1:
            self._history_size -= len(self._history.popleft())

    def take_until_marker(self, token: str, timeout: float) -> str:
        """Output written before the worker's marker for ``token`` (or all of it so far)."""
        marker = SYNC_PREFIX + token.encode("ascii") + SYNC_SUFFIX
        with self._condition:
            self._condition.wait_for(
                lambda: marker in self._buffer or self._closed, timeout=timeout
            )
            index = self._buffer.find(marker)
            if index < 0:
                taken = bytes(self._buffer)
                del self._buffer[:]
            else:
                taken = bytes(self._buffer[:index])
                del self._buffer[: index + len(marker)]
        return _strip_markers(taken).decode("utf-8", errors="replace")

    def take_rest(self, timeout: float) -> str:
        """Everything left once the pipe closes (the worker died) or ``timeout`` passes."""
        with self._condition:
            self._condition.wait_for(lambda: self._closed, timeout=timeout)
            taken = bytes(self._buffer)
            del self._buffer[:]
        return _strip_markers(taken).decode("utf-8", errors="replace")

    def history(self) -> str:
        with self._condition:
            data = b"".join(self._history)
        return _strip_markers(data).decode("utf-8", errors="replace")


def _strip_markers(data: bytes) -> bytes:
    while (start := data.find(SYNC_PREFIX)) >= 0:
        end = data.find(SYNC_SUFFIX, start)
        if end < 0:
            break
        data = data[:start] + data[end + len(SYNC_SUFFIX) :]
    return data
