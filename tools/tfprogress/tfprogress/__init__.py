"""Progress of a long `terraform apply`/`destroy`, read from its machine-readable UI (-json)."""

from tfprogress.progress import (
    ApplyFailedError,
    Progress,
    Result,
    run_with_progress,
    terminal,
)

__all__ = ["ApplyFailedError", "Progress", "Result", "run_with_progress", "terminal"]
