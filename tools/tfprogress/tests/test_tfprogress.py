from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from tfprogress import ApplyFailedError, Progress, run_with_progress

PLAN = {
    "type": "change_summary",
    "changes": {"add": 2, "change": 1, "remove": 0, "operation": "plan"},
}


def hook(kind: str, addr: str) -> dict[str, object]:
    return {"type": kind, "hook": {"resource": {"addr": addr}}}


def test_progress_counts_completed_resources_against_the_plan() -> None:
    progress = Progress()
    assert progress.line(0) == "terraform apply: 0/? resources, 0 s"
    progress.feed(PLAN)
    progress.feed(hook("apply_start", "aws_sqs_queue.a"))
    assert progress.line(3.2) == "terraform apply: 0/3 resources, 3 s — aws_sqs_queue.a"
    progress.feed(hook("apply_complete", "aws_sqs_queue.a"))
    progress.feed(hook("apply_start", "aws_lambda_function.b"))
    progress.feed(hook("apply_errored", "aws_lambda_function.b"))
    assert progress.line(61) == (
        "terraform apply: 1/3 resources, 61 s, 1 failed — aws_lambda_function.b"
    )
    assert not progress.feed({"type": "version"})


def test_data_source_reads_are_not_counted() -> None:
    progress = Progress()
    progress.feed(PLAN)
    read = {
        "type": "apply_complete",
        "hook": {"resource": {"addr": "data.aws_region.x"}, "action": "read"},
    }
    assert not progress.feed(read)
    assert not progress.feed({**read, "type": "apply_start"})
    assert progress.done == 0 and progress.current == ""


def fake_terraform(tmp_path: Path, lines: list[dict[str, object]], code: int = 0) -> str:
    script = tmp_path / "terraform"
    body = "\n".join(json.dumps(line) for line in lines)
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\nnot json\n{body}\nEOF\nexit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_run_streams_progress_and_returns_the_summary(tmp_path: Path) -> None:
    lines = [
        PLAN,
        hook("apply_start", "a.x"), hook("apply_complete", "a.x"),
        hook("apply_start", "b.y"), hook("apply_complete", "b.y"),
        hook("apply_start", "c.z"), hook("apply_complete", "c.z"),
        {"type": "change_summary", "changes": {"operation": "apply"},
         "@message": "Apply complete! Resources: 2 added, 1 changed, 0 destroyed."},
    ]  # fmt: skip
    out = io.StringIO()
    ticks = iter(range(100))
    result = run_with_progress(
        [fake_terraform(tmp_path, lines), "apply", "-json"], out=out, clock=lambda: next(ticks)
    )
    assert result.progress.done == 3 and result.progress.total == 3
    assert result.progress.summary.startswith("Apply complete!")
    shown = out.getvalue()
    assert "\r\033[Kterraform apply: 1/3 resources" in shown
    assert shown.endswith("terraform apply: 3/3 resources, 9 s\n")


def test_log_mode_prints_at_most_every_interval(tmp_path: Path) -> None:
    lines = [PLAN] + [hook("apply_complete", f"r.{i}") for i in range(3)]
    out = io.StringIO()
    ticks = iter([0, 1, 2, 20, 21, 23])
    run_with_progress(
        [fake_terraform(tmp_path, lines), "apply", "-json"],
        out=out, interactive=False, every=15, clock=lambda: next(ticks),
    )  # fmt: skip
    assert out.getvalue().splitlines() == [
        "terraform apply: 2/3 resources, 20 s",
        "terraform apply: 3/3 resources, 23 s",
    ]


def test_failure_raises_with_terraforms_diagnostics(tmp_path: Path) -> None:
    lines = [
        PLAN,
        {"type": "diagnostic", "diagnostic": {"severity": "error", "summary": "creating SQS Queue",
         "detail": "AccessDenied", "address": "aws_sqs_queue.a"}},
    ]  # fmt: skip
    with pytest.raises(
        ApplyFailedError, match=r"creating SQS Queue \(aws_sqs_queue.a\): AccessDenied"
    ):
        run_with_progress([fake_terraform(tmp_path, lines, code=1), "apply", "-json"])
