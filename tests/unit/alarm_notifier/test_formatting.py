from __future__ import annotations

from typing import Any

from alarm_notifier.alarms import parse_event
from alarm_notifier.formatting import format_notification


def only_alarm(event: dict[str, Any]) -> Any:
    [(_, alarm)] = parse_event(event).alarms
    return alarm


def test_alarm_notification_names_everything_a_person_needs(events: Any) -> None:
    notification = format_notification(only_alarm(events.load("cpu_alarm")), "web-1")
    assert notification.subject == "[ALARM] ops-cpu-i-0abc123def4567890 (web-1)"
    lines = dict(line.split(":", 1) for line in notification.body.splitlines())
    body = {key: value.strip() for key, value in lines.items()}
    assert body["Alarm"] == "ops-cpu-i-0abc123def4567890"
    assert body["State"] == "ALARM (was OK)"
    assert body["Resource"] == "web-1 (InstanceId i-0abc123def4567890)"
    assert body["Metric"] == "AWS/EC2 CPUUtilization (Average over 300 s)"
    assert body["Threshold"] == "> 80 for 2 periods"
    assert body["Reason"].startswith("Threshold Crossed: 2 out of the last 2 datapoints [93.4")
    assert body["Time"] == "2024-05-01 12:05:12 UTC"
    assert body["Description"] == "CPU above 80% on web-1"
    assert body["Region"] == "EU (Ireland)"
    assert body["Console"].startswith("https://eu-west-1.console.aws.amazon.com/cloudwatch/")


def test_ok_and_insufficient_data_without_resource_name(events: Any) -> None:
    ok = format_notification(only_alarm(events.sns(events.message("OK", "ALARM"))))
    assert ok.subject == "[OK] ops-cpu-i-0abc123def4567890"
    assert "State:       OK (was ALARM)" in ok.body
    assert "Resource:    InstanceId i-0abc123def4567890" in ok.body
    unknown = format_notification(only_alarm(events.sns(events.message("INSUFFICIENT_DATA", "OK"))))
    assert unknown.subject.startswith("[INSUFFICIENT_DATA] ")
    assert unknown.webhook_payload["attachments"][0]["color"] == "#7f7f7f"


def test_webhook_payload_is_slack_compatible(events: Any) -> None:
    payload = format_notification(only_alarm(events.load("cpu_alarm")), "web-1").webhook_payload
    assert payload["text"] == ":red_circle: [ALARM] ops-cpu-i-0abc123def4567890 (web-1)"
    [attachment] = payload["attachments"]
    assert attachment["color"] == "#d62728"
    fields = {field["title"]: field["value"] for field in attachment["fields"]}
    assert fields["Threshold"] == "> 80 for 2 periods"
    assert fields["State"] == "ALARM (was OK)"


def test_long_subject_is_cut_to_the_sns_limit(events: Any) -> None:
    alarm = only_alarm(events.sns(events.message(AlarmName="x" * 300)))
    subject = format_notification(alarm, "a long resource name").subject
    assert len(subject) == 100 and subject.endswith("…")
