from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from alarm_notifier.alarms import parse_event


def test_real_cpu_alarm_payload_is_parsed(events: Any) -> None:
    parsed = parse_event(events.load("cpu_alarm"))
    assert parsed.rejections == []
    [(index, alarm)] = parsed.alarms
    assert index == 0
    assert (alarm.name, alarm.state, alarm.previous_state) == (
        "ops-cpu-i-0abc123def4567890",
        "ALARM",
        "OK",
    )
    assert alarm.changed_at == datetime(2024, 5, 1, 12, 5, 12, 345000, tzinfo=UTC)
    assert alarm.reason.startswith("Threshold Crossed: 2 out of the last 2 datapoints")
    assert alarm.message_id == "2f5d8e1b-7a1c-5b3e-9d2f-0b6c1e4a9f10"
    assert alarm.metric is not None
    assert alarm.metric.namespace == "AWS/EC2"
    assert alarm.metric.name == "CPUUtilization"
    assert alarm.metric.statistic == "Average"
    assert alarm.metric.dimensions == {"InstanceId": "i-0abc123def4567890"}
    assert (alarm.metric.comparison, alarm.metric.threshold) == ("GreaterThanThreshold", 80.0)
    assert (alarm.metric.period_seconds, alarm.metric.evaluation_periods) == (300, 2)


@pytest.mark.parametrize(
    ("state", "previous"), [("ALARM", "OK"), ("OK", "ALARM"), ("INSUFFICIENT_DATA", "OK")]
)
def test_every_alarm_state_is_accepted(events: Any, state: str, previous: str) -> None:
    [(_, alarm)] = parse_event(events.sns(events.message(state, previous))).alarms
    assert (alarm.state, alarm.previous_state) == (state, previous)


def test_log_metric_alarm_without_dimensions_and_metric_math_alarm(events: Any) -> None:
    log_alarm = events.message(
        Trigger={
            "MetricName": "app-errors",
            "Namespace": "ops/logs",
            "Statistic": "SUM",
            "Dimensions": [],
            "Period": 60,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
        }
    )
    math_alarm = events.message(Trigger={"Metrics": [{"Id": "m1", "Expression": "a+b"}]})
    parsed = parse_event(events.sns(log_alarm, math_alarm))
    assert parsed.rejections == []
    [(_, first), (_, second)] = parsed.alarms
    assert first.metric is not None and first.metric.dimensions == {}
    assert first.metric.statistic == "Sum" and first.metric.threshold == 1.0
    assert second.metric is not None and second.metric.name is None


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("plain text published by a person", "SNS message is not JSON"),
        ({"hello": "world"}, "message has no AlarmName"),
        ([1, 2], "SNS message is JSON but not an object"),
        ({"NewStateValue": "BROKEN"}, "NewStateValue must be one of"),
    ],
)
def test_non_alarm_messages_are_rejected_with_a_reason(
    events: Any, message: Any, reason: str
) -> None:
    if isinstance(message, dict) and "NewStateValue" in message:
        message = events.message(**message)
    parsed = parse_event(events.sns(message, events.message()))
    assert len(parsed.alarms) == 1, "the valid record next to it is still parsed"
    [rejection] = parsed.rejections
    assert rejection.index == 0 and rejection.message_id == "message-0"
    assert rejection.reason.startswith(reason)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"detail-type": "EC2 Instance State-change Notification"}, "event has no Records list"),
        ({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]}, "record is not an SNS record"),
        ({"Records": [{"EventSource": "aws:sns", "Sns": {}}]}, "SNS record has no Message"),
    ],
)
def test_events_that_are_not_sns_are_rejected(event: dict[str, Any], reason: str) -> None:
    parsed = parse_event(event)
    assert parsed.alarms == []
    assert [r.reason[: len(reason)] for r in parsed.rejections] == [reason]
