"""Alarm state change → subject, plain-text body and a Slack-compatible webhook payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import quote

from alarm_notifier.alarms import AlarmChange, Metric

SUBJECT_LIMIT = 100  # SNS subjects are limited to 100 characters; SES takes more, so use the lower
COMPARISONS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
    "LessThanLowerThreshold": "below the band",
    "GreaterThanUpperThreshold": "above the band",
}
COLOURS = {"ALARM": "#d62728", "OK": "#2ca02c", "INSUFFICIENT_DATA": "#7f7f7f"}
ICONS = {
    "ALARM": ":red_circle:",
    "OK": ":large_green_circle:",
    "INSUFFICIENT_DATA": ":grey_question:",
}


@dataclass(frozen=True)
class Notification:
    subject: str
    body: str
    webhook_payload: dict[str, Any]


def format_notification(alarm: AlarmChange, resource_name: str | None = None) -> Notification:
    resource = describe_resource(alarm.metric, resource_name)
    subject = f"[{alarm.state}] {alarm.name}" + (f" ({resource_name})" if resource_name else "")
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 1] + "…"
    fields = notification_fields(alarm, resource)
    width = max(len(label) for label, _ in fields)
    body = "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in fields)
    payload = {
        "text": f"{ICONS[alarm.state]} {subject}",
        "attachments": [
            {
                "color": COLOURS[alarm.state],
                "fallback": subject,
                "fields": [
                    {"title": label, "value": value, "short": len(value) <= 40}
                    for label, value in fields
                ],
            }
        ],
    }
    return Notification(subject=subject, body=body, webhook_payload=payload)


def notification_fields(alarm: AlarmChange, resource: str | None) -> list[tuple[str, str]]:
    state = alarm.state + (f" (was {alarm.previous_state})" if alarm.previous_state else "")
    fields = [("Alarm", alarm.name), ("State", state)]
    if resource:
        fields.append(("Resource", resource))
    if alarm.metric is not None:
        fields.append(("Metric", describe_metric(alarm.metric)))
        threshold = describe_threshold(alarm.metric)
        if threshold:
            fields.append(("Threshold", threshold))
    fields.append(("Reason", alarm.reason))
    changed = (
        alarm.changed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if alarm.changed_at
        else "unknown"
    )
    fields.append(("Time", changed))
    if alarm.description:
        fields.append(("Description", alarm.description))
    if alarm.region:
        fields.append(("Region", alarm.region))
    if alarm.account_id:
        fields.append(("Account", alarm.account_id))
    link = console_link(alarm)
    if link:
        fields.append(("Console", link))
    return fields


def describe_resource(metric: Metric | None, resource_name: str | None) -> str | None:
    if metric is None or not metric.dimensions:
        return resource_name
    dimensions = ", ".join(f"{key} {value}" for key, value in sorted(metric.dimensions.items()))
    return f"{resource_name} ({dimensions})" if resource_name else dimensions


def describe_metric(metric: Metric) -> str:
    name = " ".join(part for part in (metric.namespace, metric.name) if part) or "metric math"
    details = []
    if metric.statistic:
        details.append(metric.statistic)
    if metric.period_seconds:
        details.append(f"over {metric.period_seconds} s")
    return f"{name} ({' '.join(details)})" if details else name


def describe_threshold(metric: Metric) -> str | None:
    if metric.threshold is None:
        return None
    operator = COMPARISONS.get(metric.comparison or "", metric.comparison or "")
    value = f"{metric.threshold:g}"
    periods = metric.evaluation_periods
    suffix = f" for {periods} period{'s' if periods != 1 else ''}" if periods else ""
    return f"{operator} {value}{suffix}".strip()


def console_link(alarm: AlarmChange) -> str | None:
    if not alarm.alarm_arn:
        return None
    parts = alarm.alarm_arn.split(":")
    if len(parts) < 7 or parts[2] != "cloudwatch":
        return None
    region = parts[3]
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#alarmsV2:alarm/{quote(alarm.name, safe='')}"
    )
