"""Scheduler schedules and schedule rules as engine sources, with fake deliveries."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from localaws_time.invocation import (
    DeliveryError,
    RetryPolicy,
    UndeliverableError,
    backoff_seconds,
    invoke,
)
from localaws_time.rule_source import RuleSource
from localaws_time.scheduler_source import ScheduleSource

UTC = dt.UTC
ARN = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq"


@dataclass
class FakeSchedule:
    """The attributes of moto's Schedule that the source reads."""

    schedule_expression: str = "cron(0 12 * * ? *)"
    schedule_expression_timezone: str = "UTC"
    start_date: Any = None
    end_date: Any = None
    state: str = "ENABLED"
    flexible_time_window: dict[str, Any] = field(default_factory=lambda: {"Mode": "OFF"})
    target: dict[str, Any] = field(default_factory=dict)
    action_after_completion: str | None = None
    arn: str = ARN
    name: str = "s"
    group_name: str = "default"
    creation_date: float = 1.0
    last_modified_date: float = 1.0


@dataclass
class Recorder:
    fail_times: int = 0
    payloads: list[str] = field(default_factory=list)
    dead: list[tuple[str, dict[str, dict[str, str]]]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)

    def deliver(self, target: dict[str, Any], payload: str, region: str, schedule: str) -> None:
        self.payloads.append(payload)
        if len(self.payloads) <= self.fail_times:
            raise DeliveryError("ResourceNotFoundException", "Function not found")

    def send_dead_letter(
        self,
        role: str,
        queue: str,
        body: str,
        attributes: dict[str, dict[str, str]],
        region: str,
        schedule: str,
    ) -> None:
        self.dead.append((body, attributes))

    def delete(self, account: str, region: str, group: str, name: str) -> None:
        self.deleted.append((group, name))


def source(schedule: FakeSchedule, recorder: Recorder) -> ScheduleSource:
    return ScheduleSource(
        schedule,
        "000000000000",
        "us-east-1",
        recorder.deliver,
        recorder.send_dead_letter,
        recorder.delete,
    )


TEMPLATE = json.dumps(
    {
        "t": "<aws.scheduler.scheduled-time>",
        "n": "<aws.scheduler.attempt-number>",
        "a": "<aws.scheduler.schedule-arn>",
        "x": "<aws.scheduler.execution-id>",
    }
)


def test_placeholders_are_substituted() -> None:
    recorder = Recorder()
    schedule = FakeSchedule(target={"Arn": QUEUE, "Input": TEMPLATE})
    [firing] = source(schedule, recorder).fire(dt.datetime(2027, 1, 1, 12, tzinfo=UTC))
    assert firing.result == "delivered" and firing.name == "default/s"
    body = json.loads(recorder.payloads[0])
    assert body["t"] == "2027-01-01T12:00:00Z" and body["n"] == "1" and body["a"] == ARN
    assert len(body["x"]) == 36


def test_retries_then_delivers_with_increasing_attempt_numbers() -> None:
    recorder = Recorder(fail_times=2)
    schedule = FakeSchedule(target={"Arn": QUEUE, "Input": TEMPLATE})
    [firing] = source(schedule, recorder).fire(dt.datetime(2027, 1, 1, 12, tzinfo=UTC))
    assert firing.result == "delivered" and firing.detail == "on attempt 3"
    bodies = [json.loads(p) for p in recorder.payloads]
    assert [b["n"] for b in bodies] == ["1", "2", "3"]
    assert len({b["x"] for b in bodies}) == 1  # one execution, three attempts


def test_exhausted_retries_go_to_the_dead_letter_queue() -> None:
    recorder = Recorder(fail_times=100)
    schedule = FakeSchedule(
        target={
            "Arn": QUEUE,
            "Input": TEMPLATE,
            "RetryPolicy": {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60},
            "DeadLetterConfig": {"Arn": DLQ},
        }
    )
    [firing] = source(schedule, recorder).fire(dt.datetime(2027, 1, 1, 12, tzinfo=UTC))
    assert firing.result == "dead-lettered"
    assert len(recorder.payloads) == 2
    body, attributes = recorder.dead[0]
    assert json.loads(body)["n"] == "2"
    assert attributes["RETRY_ATTEMPTS"]["StringValue"] == "1"
    assert attributes["ERROR_CODE"]["StringValue"] == "ResourceNotFoundException"


def test_event_age_limits_retries_by_virtual_backoff() -> None:
    calls: list[str] = []

    def failing(payload: str) -> None:
        calls.append(payload)
        raise DeliveryError("Throttled", "slow down")

    outcome = invoke(
        render=lambda attempt: "{}",
        policy=RetryPolicy(maximum_retry_attempts=185, maximum_event_age_seconds=60),
        deliver=failing,
        dead_letter=None,
    )
    assert outcome.result == "failed" and "MaximumEventAgeInSeconds" in outcome.detail
    assert sum(backoff_seconds(n) for n in range(1, len(calls))) <= 60
    assert sum(backoff_seconds(n) for n in range(1, len(calls) + 1)) > 60


def test_defaults_are_those_of_aws() -> None:
    assert RetryPolicy.from_target({}) == RetryPolicy(185, 86400)


def test_one_time_with_delete_deletes_itself_after_firing() -> None:
    recorder = Recorder()
    schedule = FakeSchedule(
        schedule_expression="at(2027-01-01T12:00:00)",
        action_after_completion="DELETE",
        target={"Arn": QUEUE},
    )
    source(schedule, recorder).fire(dt.datetime(2027, 1, 1, 12, tzinfo=UTC))
    assert recorder.deleted == [("default", "s")]
    assert recorder.payloads == ["{}"]


def test_recurring_with_delete_completes_at_its_end_date() -> None:
    recorder = Recorder()
    end = dt.datetime(2027, 1, 2, tzinfo=UTC)
    schedule = FakeSchedule(end_date=end.timestamp(), action_after_completion="DELETE")
    item = source(schedule, recorder)
    item.after_last(end - dt.timedelta(seconds=1), fired_one_time=False)
    assert recorder.deleted == []
    item.after_last(end, fired_one_time=False)
    assert recorder.deleted == [("default", "s")]


def test_flexible_window_shifts_firing_not_the_scheduled_time() -> None:
    recorder = Recorder()
    schedule = FakeSchedule(
        flexible_time_window={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10},
        target={"Arn": QUEUE, "Input": TEMPLATE},
    )
    item = source(schedule, recorder)
    expression = item.expression(dt.datetime(2027, 1, 1, tzinfo=UTC))
    [instant] = expression.occurrences(
        dt.datetime(2027, 1, 1, tzinfo=UTC), dt.datetime(2027, 1, 2, tzinfo=UTC)
    )
    assert instant == dt.datetime(2027, 1, 1, 12, 10, tzinfo=UTC)
    [firing] = item.fire(instant)
    assert firing.scheduled_time == dt.datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert json.loads(recorder.payloads[0])["t"] == "2027-01-01T12:00:00Z"


def test_start_and_end_dates_as_moto_stores_them() -> None:
    start = dt.datetime(2027, 1, 1, 10, tzinfo=UTC)
    schedule = FakeSchedule(
        schedule_expression="rate(1 hour)",
        start_date=start.timestamp(),
        end_date=(start + dt.timedelta(hours=2)).isoformat(),
    )
    item = source(schedule, Recorder())
    assert not item.fires_at_creation()
    got = list(
        item.expression(start - dt.timedelta(days=1)).occurrences(
            start - dt.timedelta(days=1), start + dt.timedelta(days=1)
        )
    )
    assert got == [start, start + dt.timedelta(hours=1)]


def test_disabled_and_fingerprint() -> None:
    schedule = FakeSchedule(state="DISABLED")
    item = source(schedule, Recorder())
    assert not item.enabled
    before = item.fingerprint
    schedule.schedule_expression = "cron(0 13 * * ? *)"
    assert item.fingerprint != before


@dataclass
class FakeRule:
    name: str = "r"
    event_bus_name: str = "default"
    schedule_expression: str = "rate(5 minutes)"
    state: str = "ENABLED"
    arn: str = "arn:aws:events:us-east-1:000000000000:rule/r"
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)


def test_rule_fires_each_target_with_a_scheduled_event() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    dead: list[tuple[str, str, dict[str, dict[str, str]]]] = []

    def dispatch(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> None:
        if target["Id"] != "a":
            raise DeliveryError("ResourceNotFoundException", "queue gone")
        sent.append((target["Id"], event))

    def dead_letter(
        queue: str, body: str, attributes: dict[str, dict[str, str]], rule: Any
    ) -> None:
        dead.append((queue, body, attributes))

    retry_once = {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60}
    rule = FakeRule(
        targets={
            "a": {"Id": "a", "Arn": QUEUE},
            "lost": {"Id": "lost", "Arn": DLQ, "RetryPolicy": retry_once},
            "dlq": {
                "Id": "dlq",
                "Arn": DLQ,
                "RetryPolicy": retry_once,
                "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:000000000000:rule-dlq"},
            },
        }
    )
    item = RuleSource(rule, "000000000000", "us-east-1", dispatch, dead_letter)
    assert not item.fires_at_creation()
    firings = item.fire(dt.datetime(2027, 1, 1, 12, 5, tzinfo=UTC))
    assert [(f.target, f.result) for f in firings] == [
        (QUEUE, "delivered"),
        (DLQ, "failed"),
        (DLQ, "dead-lettered"),
    ]
    assert "queue gone after 2 attempt(s)" in firings[1].detail
    event = sent[0][1]
    assert event["time"] == "2027-01-01T12:05:00Z"
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [rule.arn] and event["detail"] == {}
    [(queue, body, attributes)] = dead
    assert queue.endswith(":rule-dlq") and json.loads(body)["time"] == "2027-01-01T12:05:00Z"
    assert attributes["RULE_ARN"]["StringValue"] == rule.arn
    assert attributes["RETRY_ATTEMPTS"]["StringValue"] == "1"


def test_an_unexpected_error_is_reported_not_raised() -> None:
    def broken(payload: str) -> None:
        raise KeyError("bug")

    outcome = invoke(render=lambda n: "{}", policy=RetryPolicy(), deliver=broken, dead_letter=None)
    assert outcome.result == "failed" and "internal error" in outcome.detail


def test_undeliverable_targets_are_dropped_without_retries() -> None:
    calls: list[str] = []

    def unsupported(payload: str) -> None:
        calls.append(payload)
        raise UndeliverableError("UnsupportedTarget", "not kinesis")

    outcome = invoke(
        render=lambda attempt: "{}", policy=RetryPolicy(), deliver=unsupported, dead_letter=None
    )
    assert outcome.result == "dropped" and "UnsupportedTarget" in outcome.detail
    assert len(calls) == 1
