"""Scenario 8B end to end: the schedule's definition, and a replayed day sending each email once.

EventBridge Scheduler never fires targets in LocalStack, so the test reads the schedule back
(expression, time zone, target, input) and invokes the function with the input the schedule
would send, its `<aws.scheduler.scheduled-time>` placeholder filled with the chosen moment.
Emails are read from the emulator's SES outbox; on a real account (where the test recipients
are not deliverable) the function's own summary of what it sent is asserted instead.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3
import pytest

from lbp_testing.stack import DeployStack
from scenario_client import ses
from scenario_client.target import AwsTarget

RUN_TIME = "2027-02-28T12:00:00Z"  # 12:00 Europe/London; 2027 is not a leap year


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack) -> dict[str, Any]:
    stack = deploy_stack(
        ["scheduled_message"],
        scheduled_message={
            "sender": f"birthdays-{secrets.token_hex(3)}@example.com",
            "time": "12:00",
            "time_zone": "Europe/London",
            "subject": "Happy birthday, $first_name!",
            "body": "Dear $name, happy $age birthday!",
        },
    )
    outputs: dict[str, Any] = stack.outputs["scheduled_message"]
    return outputs


def test_schedule_runs_daily_at_noon_london_with_the_scheduled_time(
    scenario: dict[str, Any],
) -> None:
    schedule = boto3.client("scheduler").get_schedule(Name=scenario["schedule_name"])
    assert schedule["ScheduleExpression"] == "cron(0 12 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/London"
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"].endswith(f":function:{scenario['function_name']}")
    assert json.loads(target["Input"])["scheduled_time"] == "<aws.scheduler.scheduled-time>"
    assert target["DeadLetterConfig"]["Arn"].endswith(scenario["failure_queue_url"].split("/")[-1])
    role = target["RoleArn"].split("/")[-1]
    assert boto3.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"][
        "Statement"
    ][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}


def scheduled_event(schedule_name: str, moment: str) -> bytes:
    """The payload the schedule sends at `moment` (its input with the context filled in)."""
    schedule = boto3.client("scheduler").get_schedule(Name=schedule_name)
    payload = (
        schedule["Target"]["Input"]
        .replace("<aws.scheduler.scheduled-time>", moment)
        .replace("<aws.scheduler.schedule-arn>", schedule["Arn"])
        .replace("<aws.scheduler.execution-id>", secrets.token_hex(8))
    )
    return payload.encode()


def invoke(function_name: str, payload: bytes) -> dict[str, Any]:
    reply = boto3.client("lambda").invoke(FunctionName=function_name, Payload=payload)
    body: dict[str, Any] = json.loads(reply["Payload"].read())
    assert "FunctionError" not in reply, body
    assert "error" not in body, body
    return body


def outbox(aws_target: AwsTarget, sender: str) -> list[dict[str, Any]]:
    return ses.outbox(aws_target, sender)


@pytest.mark.emulator_difference(
    ministack=(
        "IAM: MiniStack authorizes ses:SendEmail against resource '*' (AWS: the identity ARNs), "
        "so the role's statement scoped to the sender identity never matches and every send is "
        "denied"
    )
)
def test_a_replayed_day_sends_exactly_the_right_emails_once(
    scenario: dict[str, Any], aws_target: AwsTarget
) -> None:
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    tag = secrets.token_hex(3)
    people = [
        ("leap", "Lee Pham", "1996-02-29", None),  # celebrated on 28 Feb in 2027
        ("today", "Tia Day", "1990-02-28", None),
        ("auckland", "Aroha Ngata", "03-01", "Pacific/Auckland"),  # 01:00 on 1 March there
        ("tomorrow", "Tom Orrow", "1990-03-01", None),
        ("honolulu", "Hana Lei", "03-01", "Pacific/Honolulu"),  # still 28 Feb there
        ("bad-email", "Bea D", "1990-02-28", None),
    ]
    for key, name, birthday, zone in people:
        item = {
            "recipient_id": f"{tag}-{key}",
            "name": name,
            "email": "not-an-address" if key == "bad-email" else f"{key}-{tag}@example.com",
            "birthday": birthday,
        }
        if zone:
            item["time_zone"] = zone
        table.put_item(Item=item)

    payload = scheduled_event(scenario["schedule_name"], RUN_TIME)
    first = invoke(scenario["function_name"], payload)
    second = invoke(scenario["function_name"], payload)

    expected = {f"{tag}-leap", f"{tag}-today", f"{tag}-auckland"}
    assert {s["recipient_id"] for s in first["sent"]} == expected
    assert {s["recipient_id"]: s["on"] for s in first["sent"]}[f"{tag}-auckland"] == "2027-03-01"
    assert first["invalid"] == [
        {"recipient_id": f"{tag}-bad-email", "reason": "email is not an address: 'not-an-address'"}
    ]
    assert second["sent"] == []
    assert set(second["already_sent"]) == expected
    stored = table.get_item(Key={"recipient_id": f"{tag}-leap"}, ConsistentRead=True)["Item"]
    assert (stored["last_sent_on"], stored["send_status"]) == ("2027-02-28", "sent")

    if not aws_target.is_emulator:
        return
    emails = outbox(aws_target, scenario["sender"])
    received = sorted(email["Destination"]["ToAddresses"][0] for email in emails)
    assert received == sorted(f"{key}-{tag}@example.com" for key in ("leap", "today", "auckland"))
    leap = next(e for e in emails if e["Destination"]["ToAddresses"] == [f"leap-{tag}@example.com"])
    assert leap["Subject"] == "Happy birthday, Lee!"
    assert leap["Body"]["text_part"] == "Dear Lee Pham, happy 31 birthday!"
