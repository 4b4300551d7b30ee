"""The schedule clock: advancing a month of a rate(5 minutes) rule with one Lambda target.

Baseline, in the same run: the same number of asynchronous invokes of the same function, sent
one after the other by the client — what the advance does per firing, minus the schedule
bookkeeping and the event building. Every accepted invoke still runs in the background after
its phase, slowing the next one, so the baseline runs before and after the advance and counts as
the mean of the two.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from benchmarks.empty_function import HANDLER, LAMBDA_TRUST, code_zip
from benchmarks.report import Result
from scenario_client.clock import Clock, clock_from_environment

MONTH = timedelta(days=30)
RATE = timedelta(minutes=5)


def _function(iam: Any, lambda_client: Any, name: str) -> str:
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    arn = lambda_client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Handler=HANDLER,
        Role=role["Role"]["Arn"],
        Code={"ZipFile": code_zip()},
        Timeout=3,
    )["FunctionArn"]
    lambda_client.get_waiter("function_active_v2").wait(FunctionName=name)
    return str(arn)


def _direct_invokes(lambda_client: Any, name: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    return time.perf_counter() - started


def _advance_month(
    clock: Clock, events: Any, lambda_client: Any, name: str, arn: str
) -> tuple[float, int, int]:
    start = datetime(2027, 1, 1, tzinfo=UTC)
    clock.set(start, freeze=True)
    rule_arn = events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")["RuleArn"]
    lambda_client.add_permission(
        FunctionName=name,
        StatementId="events",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule_arn,
    )
    events.put_targets(Rule=name, Targets=[{"Id": "fn", "Arn": arn}])
    try:
        started = time.perf_counter()
        firings = clock.advance(to=start + MONTH)
        elapsed = time.perf_counter() - started
    finally:
        events.remove_targets(Rule=name, Ids=["fn"])
        events.delete_rule(Name=name)
        clock.reset()
    ours = [f for f in firings if f.arn == rule_arn]
    return elapsed, len(ours), sum(f.result == "delivered" for f in ours)


def month_of_rate_rule() -> Result | None:
    clock = clock_from_environment()
    if clock is None or not clock.available():
        print("scheduler clock: no clock on this target, skipped")
        return None
    session = boto3.session.Session()
    iam, lambda_client, events = (session.client(s) for s in ("iam", "lambda", "events"))
    name = f"bench-clock-{uuid.uuid4().hex[:6]}"
    arn = _function(iam, lambda_client, name)
    occurrences = int(MONTH / RATE)
    try:
        before = _direct_invokes(lambda_client, name, occurrences)
        elapsed, fired, delivered = _advance_month(clock, events, lambda_client, name, arn)
        after = _direct_invokes(lambda_client, name, occurrences)
    finally:
        lambda_client.delete_function(FunctionName=name)
        iam.delete_role(RoleName=name)
    return Result(
        name="advance 30 days of a rate(5 minutes) rule, one Lambda target",
        unit="s",
        value=elapsed,
        baseline_name=f"{occurrences} direct async invokes from the client",
        baseline_value=(before + after) / 2,
        notes={
            "firings": fired,
            "delivered": delivered,
            "firings_per_s": round(fired / elapsed),
            "baseline_before_s": round(before, 1),
            "baseline_after_s": round(after, 1),
        },
    )
