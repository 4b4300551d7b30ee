"""Peak resident memory of the local AWS (LocalStack and its children) while a case runs."""

from __future__ import annotations

import threading
from types import TracebackType

SAMPLE_SECONDS = 0.5


def local_aws_rss_mb() -> float | None:
    """RSS of the local AWS's process tree, or None when no local AWS runs (another target)."""
    try:
        import localaws  # noqa: PLC0415 - only present where the local AWS is installed
    except ImportError:
        return None
    try:
        status = localaws.status()
    except Exception:
        return None
    return status.rss_mb if status.running else None


class PeakMemory:
    """Context manager sampling local_aws_rss_mb() in a thread; .peak_mb after exit."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        self.interval = interval
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        rss = local_aws_rss_mb()
        if rss is not None and (self.peak_mb is None or rss > self.peak_mb):
            self.peak_mb = rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
