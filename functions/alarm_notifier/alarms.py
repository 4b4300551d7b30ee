"""Parse SNS-wrapped CloudWatch alarm state-change messages.

CloudWatch publishes one JSON document per state change (NewStateValue ALARM, OK or
INSUFFICIENT_DATA) to the alarm's SNS actions; SNS hands it to Lambda as the `Sns.Message`
string of a record. Anything else reaching the topic (a plain text message, a JSON document
that is not an alarm, a record from another source) is rejected with a reason: retrying the
same bytes cannot turn it into an alarm.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sns_event import SNSEventRecord

STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")


@dataclass(frozen=True)
class Metric:
    namespace: str | None
    name: str | None
    statistic: str | None
    dimensions: dict[str, str] = field(default_factory=dict)
    comparison: str | None = None
    threshold: float | None = None
    period_seconds: int | None = None
    evaluation_periods: int | None = None


@dataclass(frozen=True)
class AlarmChange:
    name: str
    state: str
    previous_state: str | None
    reason: str
    changed_at: datetime | None
    description: str | None
    region: str | None
    account_id: str | None
    alarm_arn: str | None
    metric: Metric | None
    message_id: str | None = None


@dataclass(frozen=True)
class Rejection:
    index: int
    message_id: str | None
    reason: str


@dataclass(frozen=True)
class ParsedEvent:
    alarms: list[tuple[int, AlarmChange]]
    rejections: list[Rejection]


def change_key(alarm: AlarmChange) -> str:
    """What identifies one state change of one alarm, however often it is delivered.

    CloudWatch writes one StateChangeTime per transition; SNS may deliver its message more than
    once (and a retry or a redrive repeats it), each time with the same alarm and time. Without a
    time (not sent by CloudWatch) the SNS MessageId is the best identity there is.
    """
    alarm_id = alarm.alarm_arn or alarm.name
    if alarm.changed_at is not None:
        return f"{alarm_id}|{alarm.state}|{alarm.changed_at.astimezone(UTC).isoformat()}"
    return f"{alarm_id}|{alarm.state}|message:{alarm.message_id}"


class NotAnAlarmError(ValueError):
    """The record is not a CloudWatch alarm state change."""


def parse_event(event: Any) -> ParsedEvent:
    """Each record of an SNS event as an alarm change, or a rejection with its reason."""
    if not isinstance(event, Mapping) or not isinstance(event.get("Records"), list):
        return ParsedEvent([], [Rejection(0, None, "event has no Records list (not from SNS)")])
    alarms: list[tuple[int, AlarmChange]] = []
    rejections: list[Rejection] = []
    for index, raw in enumerate(event["Records"]):
        sns = raw.get("Sns") if isinstance(raw, Mapping) else None
        message_id = sns.get("MessageId") if isinstance(sns, Mapping) else None
        try:
            alarms.append((index, parse_record(raw)))
        except NotAnAlarmError as error:
            rejections.append(Rejection(index, message_id, str(error)))
    return ParsedEvent(alarms, rejections)


def parse_record(raw: Any) -> AlarmChange:
    """One SNS record, read through Powertools' SNSEventRecord data class."""
    if not isinstance(raw, Mapping) or raw.get("EventSource") != "aws:sns":
        raise NotAnAlarmError("record is not an SNS record (EventSource != aws:sns)")
    record = SNSEventRecord(dict(raw))
    if not isinstance(record.get("Sns"), Mapping) or not isinstance(record.sns.get("Message"), str):
        raise NotAnAlarmError("SNS record has no Message string")
    try:
        message = json.loads(record.sns.message)
    except json.JSONDecodeError as error:
        raise NotAnAlarmError(f"SNS message is not JSON ({error.msg})") from error
    change = parse_alarm_message(message)
    return AlarmChange(**{**change.__dict__, "message_id": record.sns.get("MessageId")})


def parse_alarm_message(message: Any) -> AlarmChange:
    if not isinstance(message, Mapping):
        raise NotAnAlarmError("SNS message is JSON but not an object")
    name = message.get("AlarmName")
    state = message.get("NewStateValue")
    if not isinstance(name, str) or not name:
        raise NotAnAlarmError("message has no AlarmName (not a CloudWatch alarm notification)")
    if state not in STATES:
        raise NotAnAlarmError(f"NewStateValue must be one of {', '.join(STATES)}, got {state!r}")
    previous = message.get("OldStateValue")
    return AlarmChange(
        name=name,
        state=state,
        previous_state=previous if previous in STATES else None,
        reason=_text(message.get("NewStateReason")) or "(no reason given)",
        changed_at=_timestamp(message.get("StateChangeTime")),
        description=_text(message.get("AlarmDescription")),
        region=_text(message.get("Region")),
        account_id=_text(message.get("AWSAccountId")),
        alarm_arn=_text(message.get("AlarmArn")),
        metric=_metric(message.get("Trigger")),
    )


def _metric(trigger: Any) -> Metric | None:
    if not isinstance(trigger, Mapping):
        return None
    dimensions: dict[str, str] = {}
    for dimension in trigger.get("Dimensions") or []:
        if isinstance(dimension, Mapping):
            key = dimension.get("name") or dimension.get("Name")
            value = dimension.get("value") or dimension.get("Value")
            if isinstance(key, str) and value is not None:
                dimensions[key] = str(value)
    statistic = trigger.get("Statistic") or trigger.get("ExtendedStatistic")
    return Metric(
        namespace=_text(trigger.get("Namespace")),
        name=_text(trigger.get("MetricName")),
        statistic=str(statistic).capitalize() if statistic else None,
        dimensions=dimensions,
        comparison=_text(trigger.get("ComparisonOperator")),
        threshold=_number(trigger.get("Threshold")),
        period_seconds=_integer(trigger.get("Period")),
        evaluation_periods=_integer(trigger.get("EvaluationPeriods")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
