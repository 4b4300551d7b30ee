"""Schedules fire on the local AWS's clock: EventBridge Scheduler and EventBridge schedule rules.

Every test freezes the clock at a known instant, creates its schedules with boto3, advances the
clock and checks both the firings the advance reports and what the targets actually received.
Each fails when the clock extension is off (LBP_TIME=off): no clock endpoint, and LocalStack
alone never fires Scheduler schedules.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lbp_testing.clock import MINISTACK_HAS_NO_CLOCK
from scenario_client.clock import Clock, Firing

from .conftest import receive_all, utc

pytestmark = [
    pytest.mark.integration,
    pytest.mark.emulator_difference(ministack=MINISTACK_HAS_NO_CLOCK),
]

MakeQueue = Callable[[str], tuple[str, str]]
TEMPLATE = json.dumps(
    {
        "at": "<aws.scheduler.scheduled-time>",
        "execution": "<aws.scheduler.execution-id>",
        "attempt": "<aws.scheduler.attempt-number>",
        "schedule": "<aws.scheduler.schedule-arn>",
    }
)


def of(firings: list[Firing], arn: str) -> list[Firing]:
    return [firing for firing in firings if firing.arn == arn]


def create_schedule(
    scheduler: Any,
    schedules: list[tuple[str, str]],
    *,
    expression: str,
    target: dict[str, Any],
    group: str = "default",
    name: str | None = None,
    **extra: Any,
) -> str:
    name = name or f"lbp-clock-{uuid.uuid4().hex[:8]}"
    arn = scheduler.create_schedule(
        Name=name,
        GroupName=group,
        ScheduleExpression=expression,
        FlexibleTimeWindow=extra.pop("FlexibleTimeWindow", {"Mode": "OFF"}),
        Target=target,
        **extra,
    )["ScheduleArn"]
    schedules.append((group, name))
    return str(arn)


def test_cron_in_a_zone_fires_at_local_times_across_both_dst_changes(
    clock: Clock,
    scheduler: Any,
    sqs: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
) -> None:
    url, queue_arn = make_queue("berlin")
    clock.set(utc(2027, 3, 26, 12), freeze=True)
    arn = create_schedule(
        scheduler,
        schedules,
        expression="cron(30 2 * * ? *)",
        ScheduleExpressionTimezone="Europe/Berlin",
        target={"Arn": queue_arn, "RoleArn": scheduler_role, "Input": TEMPLATE},
    )

    spring = of(clock.advance(to=utc(2027, 3, 30)), arn)
    # 2027-03-28 is the last Sunday of March: 02:30 does not exist in Berlin that night.
    assert [f.scheduled_time for f in spring] == [utc(2027, 3, 27, 1, 30), utc(2027, 3, 29, 0, 30)]
    assert {f.result for f in spring} == {"delivered"}

    clock.set(utc(2027, 10, 30, 12), freeze=True)
    autumn = of(clock.advance(to=utc(2027, 11, 1)), arn)
    # 2027-10-31: 02:30 happens twice (CEST, then CET); the schedule runs once, at the first.
    assert [f.scheduled_time for f in autumn] == [utc(2027, 10, 31, 0, 30)]

    bodies = [json.loads(m["Body"]) for m in receive_all(sqs, url, expected=3)]
    assert [b["at"] for b in bodies] == [
        "2027-03-27T01:30:00Z",
        "2027-03-29T00:30:00Z",
        "2027-10-31T00:30:00Z",
    ]
    assert {b["schedule"] for b in bodies} == {arn}
    assert {b["attempt"] for b in bodies} == {"1"}
    assert len({b["execution"] for b in bodies}) == 3


def test_lambda_target_gets_its_input_on_each_occurrence(
    clock: Clock,
    scheduler: Any,
    sqs: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    forwarder: tuple[str, str],
) -> None:
    function_arn, out_url = forwarder
    clock.set(utc(2027, 2, 27, 22, 0), freeze=True)
    arn = create_schedule(
        scheduler,
        schedules,
        expression="cron(0 12 * * ? *)",
        ScheduleExpressionTimezone="Pacific/Auckland",
        target={"Arn": function_arn, "RoleArn": scheduler_role, "Input": TEMPLATE},
    )

    firings = of(clock.advance(to=utc(2027, 3, 1)), arn)

    # 12:00 NZDT (UTC+13) on 28 Feb and 1 Mar 2027.
    assert [(f.scheduled_time, f.result) for f in firings] == [
        (utc(2027, 2, 27, 23), "delivered"),
        (utc(2027, 2, 28, 23), "delivered"),
    ]
    assert {f.target for f in firings} == {function_arn}
    received = sorted(
        (json.loads(m["Body"]) for m in receive_all(sqs, out_url, expected=2, timeout=60)),
        key=lambda body: body["at"],
    )
    assert [r["at"] for r in received] == ["2027-02-27T23:00:00Z", "2027-02-28T23:00:00Z"]
    assert {r["schedule"] for r in received} == {arn}


def test_rate_rule_fires_with_the_scheduled_time_and_each_targets_input(
    clock: Clock, events: Any, sqs: Any, run_id: str, make_queue: MakeQueue
) -> None:
    transformed_url, transformed_arn = make_queue("rule-transformed")
    constant_url, constant_arn = make_queue("rule-constant")
    start = utc(2027, 5, 3, 9, 0)
    clock.set(start, freeze=True)
    rule = f"lbp-clock-{run_id}-{uuid.uuid4().hex[:4]}"
    rule_arn = events.put_rule(Name=rule, ScheduleExpression="rate(5 minutes)")["RuleArn"]
    try:
        events.put_targets(
            Rule=rule,
            Targets=[
                {
                    "Id": "transformed",
                    "Arn": transformed_arn,
                    "InputTransformer": {
                        "InputPathsMap": {
                            "time": "$.time",
                            "rule": "$.resources[0]",
                            "kind": "$.detail-type",
                        },
                        "InputTemplate": '{"at": <time>, "rule": <rule>, "kind": <kind>}',
                    },
                },
                {"Id": "constant", "Arn": constant_arn, "Input": '{"fixed": true}'},
            ],
        )

        firings = of(clock.advance(seconds=15 * 60), rule_arn)
    finally:
        events.remove_targets(Rule=rule, Ids=["transformed", "constant"])
        events.delete_rule(Name=rule)

    expected = [start + timedelta(minutes=m) for m in (5, 10, 15)]
    assert sorted({f.scheduled_time for f in firings}) == expected
    assert len(firings) == 6 and {f.result for f in firings} == {"delivered"}
    assert {f.kind for f in firings} == {"rule"} and {f.name for f in firings} == {
        f"default/{rule}"
    }
    transformed = [json.loads(m["Body"]) for m in receive_all(sqs, transformed_url, expected=3)]
    assert transformed == [
        {"at": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "rule": rule_arn, "kind": "Scheduled Event"}
        for t in expected
    ]
    constant = [json.loads(m["Body"]) for m in receive_all(sqs, constant_url, expected=3)]
    assert constant == [{"fixed": True}] * 3


def test_disabled_schedule_does_not_fire_while_its_enabled_twin_does(
    clock: Clock,
    scheduler: Any,
    sqs: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
) -> None:
    url, queue_arn = make_queue("disabled")
    clock.set(utc(2027, 6, 1, 8, 0), freeze=True)
    target = {"Arn": queue_arn, "RoleArn": scheduler_role, "Input": TEMPLATE}
    disabled = create_schedule(
        scheduler, schedules, expression="rate(10 minutes)", target=target, State="DISABLED"
    )
    enabled = create_schedule(scheduler, schedules, expression="rate(10 minutes)", target=target)

    firings = clock.advance(seconds=30 * 60)

    assert of(firings, disabled) == []
    # rate() without StartDate starts at once: 08:00, then every 10 minutes.
    assert [f.scheduled_time.minute for f in of(firings, enabled)] == [0, 10, 20, 30]
    bodies = [json.loads(m["Body"]) for m in receive_all(sqs, url, expected=4)]
    assert {b["schedule"] for b in bodies} == {enabled}


def test_start_and_end_dates_bound_the_occurrences(
    clock: Clock,
    scheduler: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
) -> None:
    _, queue_arn = make_queue("bounded")
    start = utc(2027, 6, 2, 0, 0)
    clock.set(start, freeze=True)
    arn = create_schedule(
        scheduler,
        schedules,
        expression="rate(1 hour)",
        StartDate=start + timedelta(hours=2),
        EndDate=start + timedelta(hours=5),
        target={"Arn": queue_arn, "RoleArn": scheduler_role, "Input": TEMPLATE},
    )

    firings = of(clock.advance(seconds=12 * 3600), arn)

    # From StartDate, hourly, up to but not including EndDate.
    assert [f.scheduled_time.hour for f in firings] == [2, 3, 4]


def test_target_failure_is_retried_then_dead_lettered(
    clock: Clock,
    scheduler: Any,
    sqs: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
    run_id: str,
) -> None:
    dlq_url, dlq_arn = make_queue("dlq")
    missing = f"arn:aws:lambda:us-east-1:000000000000:function:lbp-clock-{run_id}-missing"
    clock.set(utc(2027, 7, 1, 6, 0), freeze=True)
    by_count = create_schedule(
        scheduler,
        schedules,
        expression="cron(0 7 * * ? *)",
        target={
            "Arn": missing,
            "RoleArn": scheduler_role,
            "Input": TEMPLATE,
            "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": dlq_arn},
        },
    )
    by_age = create_schedule(
        scheduler,
        schedules,
        expression="cron(0 7 * * ? *)",
        target={
            "Arn": missing,
            "RoleArn": scheduler_role,
            "Input": TEMPLATE,
            # Virtual backoff 1+2+4+8+16 s; the sixth retry would be past 60 s.
            "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 60},
            "DeadLetterConfig": {"Arn": dlq_arn},
        },
    )
    no_dlq = create_schedule(
        scheduler,
        schedules,
        expression="cron(0 7 * * ? *)",
        target={
            "Arn": missing,
            "RoleArn": scheduler_role,
            "Input": TEMPLATE,
            "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60},
        },
    )

    firings = clock.advance(seconds=3600)

    [count_firing] = of(firings, by_count)
    [age_firing] = of(firings, by_age)
    [lost_firing] = of(firings, no_dlq)
    assert count_firing.result == "dead-lettered"
    assert "3 attempt(s)" in count_firing.detail
    assert age_firing.result == "dead-lettered"
    assert "MaximumEventAgeInSeconds" in age_firing.detail
    assert lost_firing.result == "failed"
    assert "1 attempt(s)" in lost_firing.detail

    dead = {}
    for message in receive_all(sqs, dlq_url, expected=2):
        body = json.loads(message["Body"])
        attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
        dead[body["schedule"]] = (body, attributes)
    assert set(dead) == {by_count, by_age}
    body, attributes = dead[by_count]
    assert body["attempt"] == "3" and body["at"] == "2027-07-01T07:00:00Z"
    assert attributes["RETRY_ATTEMPTS"] == "2"
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts"
    assert attributes["ERROR_CODE"] == "ResourceNotFoundException"
    assert attributes["TARGET_ARN"] == missing
    body, attributes = dead[by_age]
    assert body["attempt"] == "6"
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumEventAgeInSeconds"


def test_one_time_schedule_fires_once_and_deletes_itself(
    clock: Clock,
    scheduler: Any,
    sqs: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
    run_id: str,
) -> None:
    url, queue_arn = make_queue("once")
    group = f"lbp-clock-{run_id}-{uuid.uuid4().hex[:4]}"
    scheduler.create_schedule_group(Name=group)
    clock.set(utc(2027, 2, 27, 12), freeze=True)
    target = {"Arn": queue_arn, "RoleArn": scheduler_role, "Input": TEMPLATE}
    one_time = {
        "group": group,
        "expression": "at(2027-02-28T12:00:00)",
        "ScheduleExpressionTimezone": "Pacific/Auckland",
        "target": target,
    }
    deleting = create_schedule(scheduler, schedules, ActionAfterCompletion="DELETE", **one_time)
    keeping = create_schedule(scheduler, schedules, ActionAfterCompletion="NONE", **one_time)

    first = clock.advance(to=utc(2027, 3, 1))
    clock.set(utc(2027, 2, 27, 12), freeze=True)  # back before its time: it still fired once
    again = clock.advance(to=utc(2027, 3, 1))

    for arn in (deleting, keeping):
        [firing] = of(first, arn)
        assert firing.scheduled_time == utc(2027, 2, 27, 23)  # 12:00 NZDT
        assert firing.name == f"{group}/{arn.rsplit('/', 1)[1]}"
        assert of(again, arn) == []
    with pytest.raises(ClientError, match="ResourceNotFound"):
        scheduler.get_schedule(GroupName=group, Name=deleting.rsplit("/", 1)[1])
    assert scheduler.get_schedule(GroupName=group, Name=keeping.rsplit("/", 1)[1])["State"]
    assert len(receive_all(sqs, url, expected=2)) == 2
    scheduler.delete_schedule(GroupName=group, Name=keeping.rsplit("/", 1)[1])
    schedules.clear()
    scheduler.delete_schedule_group(Name=group)


def test_flexible_window_fires_at_its_end_with_the_scheduled_time(
    clock: Clock,
    scheduler: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
) -> None:
    _, queue_arn = make_queue("flexible")
    clock.set(utc(2027, 8, 1, 11, 0), freeze=True)
    arn = create_schedule(
        scheduler,
        schedules,
        expression="cron(0 12 * * ? *)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        target={"Arn": queue_arn, "RoleArn": scheduler_role, "Input": TEMPLATE},
    )

    assert of(clock.advance(to=utc(2027, 8, 1, 12, 14)), arn) == []
    [firing] = of(clock.advance(to=utc(2027, 8, 1, 12, 15)), arn)
    assert firing.scheduled_time == utc(2027, 8, 1, 12, 0)


def test_rule_target_failure_is_retried_then_dead_lettered(
    clock: Clock, events: Any, sqs: Any, run_id: str, make_queue: MakeQueue
) -> None:
    dlq_url, dlq_arn = make_queue("rule-dlq")
    gone_url, gone_arn = make_queue("rule-gone")
    sqs.delete_queue(QueueUrl=gone_url)  # the target's queue no longer exists
    start = utc(2027, 9, 6, 7, 0)
    clock.set(start, freeze=True)
    rule = f"lbp-clock-{run_id}-{uuid.uuid4().hex[:4]}"
    rule_arn = events.put_rule(Name=rule, ScheduleExpression="rate(1 hour)")["RuleArn"]
    try:
        events.put_targets(
            Rule=rule,
            Targets=[
                {
                    "Id": "gone",
                    "Arn": gone_arn,
                    "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600},
                    "DeadLetterConfig": {"Arn": dlq_arn},
                }
            ],
        )
        [firing] = of(clock.advance(seconds=3600), rule_arn)
    finally:
        events.remove_targets(Rule=rule, Ids=["gone"])
        events.delete_rule(Name=rule)

    assert firing.result == "dead-lettered" and "3 attempt(s)" in firing.detail
    [message] = receive_all(sqs, dlq_url, expected=1)
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == rule_arn and attributes["TARGET_ARN"] == gone_arn
    assert attributes["RETRY_ATTEMPTS"] == "2"
    event = json.loads(message["Body"])
    assert event["time"] == "2027-09-06T08:00:00Z" and event["resources"] == [rule_arn]


def test_advance_only_fires_the_named_schedules(
    clock: Clock,
    scheduler: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
    run_id: str,
) -> None:
    _, queue_arn = make_queue("only")
    clock.set(utc(2027, 9, 1, 0, 0), freeze=True)
    target = {"Arn": queue_arn, "RoleArn": scheduler_role, "Input": TEMPLATE}
    mine = create_schedule(
        scheduler,
        schedules,
        name=f"lbp-{run_id}-a-hourly",
        expression="cron(0 * * * ? *)",
        target=target,
    )
    other = create_schedule(
        scheduler,
        schedules,
        name=f"lbp-{run_id}-b-hourly",
        expression="cron(0 * * * ? *)",
        target=target,
    )

    firings = clock.advance(seconds=3 * 3600, only=[f"lbp-{run_id}-a-"])
    later = clock.advance(seconds=3600)

    assert [f.scheduled_time.hour for f in of(firings, mine)] == [1, 2, 3]
    assert of(firings, other) == []
    # The other schedule skipped the interval (as with set) and fires again from there on.
    assert [f.scheduled_time.hour for f in of(later, other)] == [4]


def test_sns_target_publishes_the_input(
    clock: Clock,
    scheduler: Any,
    sqs: Any,
    session: Any,
    schedules: list[tuple[str, str]],
    scheduler_role: str,
    make_queue: MakeQueue,
    run_id: str,
) -> None:
    sns = session.client("sns")
    url, queue_arn = make_queue("sns-out")
    topic_arn = sns.create_topic(Name=f"lbp-clock-{run_id}-{uuid.uuid4().hex[:4]}")["TopicArn"]
    try:
        sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        clock.set(utc(2027, 9, 10, 8, 0), freeze=True)
        arn = create_schedule(
            scheduler,
            schedules,
            expression="at(2027-09-10T10:30:00)",
            ScheduleExpressionTimezone="Europe/Berlin",
            target={"Arn": topic_arn, "RoleArn": scheduler_role, "Input": TEMPLATE},
        )

        [firing] = of(clock.advance(seconds=3600), arn)
    finally:
        sns.delete_topic(TopicArn=topic_arn)

    assert firing.result == "delivered" and firing.target == topic_arn
    assert firing.scheduled_time == utc(2027, 9, 10, 8, 30)  # 10:30 CEST
    [message] = receive_all(sqs, url, expected=1)
    assert json.loads(message["Body"])["at"] == "2027-09-10T08:30:00Z"
