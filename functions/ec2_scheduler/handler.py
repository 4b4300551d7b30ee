"""Lambda entry point of the EC2 scheduler, invoked by an EventBridge rate rule.

"Now" is the scheduled event's `time` field (ISO 8601, UTC), so any moment can be replayed by
invoking the function with a hand-made event. An event without `time` (a manual test invoke)
uses the clock; an unreadable `time` is reported and nothing is done (retrying the same event
cannot fix it).

Configuration (environment, read once at cold start, see ec2_scheduler.config): SCHEDULER_CONFIG,
DRY_RUN, ENFORCED, RUN_INTERVAL_MINUTES. What each run does: ec2_scheduler.reconcile.

Logs one JSON line per instance considered (action, reason) and a summary, which is also returned.
If an AWS call failed, the invocation fails after the summary is logged, so the failure is
visible in the Errors metric and asynchronous retries re-run the pass for the same moment.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ec2_scheduler.config import load_config
from ec2_scheduler.reconcile import RunResult, reconcile
from lambda_common.scheduled import scheduled_time

logger = Logger()
CONFIG = load_config(os.environ)
for _name, _reason in CONFIG.invalid_schedules.items():
    logger.error("invalid schedule", extra={"schedule": _name, "reason": _reason})


class SchedulerRunError(RuntimeError):
    """At least one AWS call failed during the pass (details in the action log lines)."""


@cache
def ec2_client(region: str) -> Any:
    return boto3.client("ec2", region_name=region)


def event_time(event: Any) -> datetime:
    moment = scheduled_time(event)
    if moment is None:
        logger.warning("event has no time field; using the clock")
        return datetime.now(UTC)
    return moment


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        now = event_time(event)
    except ValueError as error:
        logger.error("unreadable event time; nothing done", extra={"reason": str(error)})
        failed = RunResult(datetime.now(UTC), CONFIG.dry_run, CONFIG.enforced).summary()
        return failed | {"time": None, "errors": 1}
    result = reconcile(CONFIG, ec2_client, now)
    for decision in result.decisions:
        if decision.action == "error":
            logger.error("scheduler action", extra=decision.as_log())
        elif decision.action != "unchanged":
            logger.info("scheduler action", extra=decision.as_log())
        else:
            logger.debug("scheduler action", extra=decision.as_log())
    summary = result.summary()
    logger.info("scheduler run", extra=summary)
    if result.aws_failures:
        raise SchedulerRunError(f"{result.aws_failures} AWS call(s) failed; summary: {summary}")
    return summary
