"""python -m reliability {report,redrive,limits}: results table, redrive, AWS-scale model."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from reliability import report
from reliability.redrive import queue_url_for, redrive

# Scenario number (README numbering) → (root output, attribute holding its on-failure queue).
FAILURE_QUEUES: dict[str, tuple[str, str]] = {
    "2": ("s3_object_index", "on_failure_queue_url"),
    "3": ("ebs_snapshot_backup", "on_failure_queue_url"),
    "4": ("image_renditions", "on_failure_queue_url"),
    "5": ("json_to_csv", "s3_failures_queue_url"),
    "6": ("alarm_notifier", "on_failure_queue_url"),
    "7": ("scheduled_message", "failure_queue_url"),
}


def terraform_outputs(stack_dir: Path) -> dict[str, Any]:
    path_file = Path(".tools") / "terraform-path"
    binary = path_file.read_text().strip() if path_file.exists() else "terraform"
    done = subprocess.run(
        [binary, f"-chdir={stack_dir}", "output", "-json"],
        check=True,
        capture_output=True,
        text=True,
    )
    outputs: dict[str, Any] = {
        name: value["value"] for name, value in json.loads(done.stdout).items()
    }
    return outputs


def cmd_redrive(args: argparse.Namespace) -> int:
    import boto3  # noqa: PLC0415 - only the redrive talks to AWS

    if args.queue_url:
        queue = args.queue_url
    else:
        if args.scenario not in FAILURE_QUEUES:
            known = ", ".join(sorted(FAILURE_QUEUES))
            print(
                f"scenario {args.scenario!r} has no asynchronous on-failure queue (known: {known})"
            )
            return 2
        output, attribute = FAILURE_QUEUES[args.scenario]
        block = terraform_outputs(Path(args.stack_dir)).get(output)
        if not block:
            print(
                f"scenario {args.scenario} is not deployed in {args.stack_dir} (no output {output})"
            )
            return 2
        queue = block[attribute]
    sqs = boto3.client("sqs")
    outcome = redrive(sqs, boto3.client("lambda"), queue_url_for(sqs, queue), args.function)
    print(outcome.summary())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    path = Path(args.results)
    cases = [report.from_dict(case) for case in report.load(path)]
    if not cases:
        print(f"no results in {path} (run make reliability)")
        return 1
    print(report.render_table(cases))
    return 0


def cmd_limits(args: argparse.Namespace) -> int:
    from reliability import limits  # noqa: PLC0415

    print(limits.render(limits.simulate_all()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability")
    commands = parser.add_subparsers(dest="command", required=True)
    again = commands.add_parser("redrive", help="re-invoke the events parked in a failure queue")
    again.add_argument("--scenario", default="2", help="scenario number (2, 3, 4, 5, 6, 7)")
    again.add_argument("--stack-dir", default=".", help="Terraform root whose outputs to read")
    again.add_argument("--queue-url", help="the on-failure queue, instead of --scenario")
    again.add_argument("--function", help="invoke this function instead of the record's")
    again.set_defaults(run=cmd_redrive)
    table = commands.add_parser("report", help="print the results table")
    table.add_argument("--results", default=str(report.results_path()))
    table.set_defaults(run=cmd_report)
    model = commands.add_parser("limits", help="where each pipeline saturates at AWS scale")
    model.set_defaults(run=cmd_limits)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
