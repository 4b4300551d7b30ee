"""Scenario 7 applied with a customer managed key created here: the recipients table, the
schedule's payload and the failure queue use it, and the schedule still fires on the local AWS's
clock under IAM enforcement.

The function reads and updates the SSE-KMS table; a failed run is delivered by Lambda to the
SSE-KMS queue with the function's role; Scheduler would deliver its dead letters there with the
schedule's role. Each needs kms:Decrypt / kms:GenerateDataKey on the key (the module grants both
roles exactly that): the IAM report must show no denial for the stack. The emulator does not
check the key policy (AWS does): the key's policy here is the account statement only, which is
what the module needs (no service principal uses the key, see the module README).

On a target without a controllable clock (a real account) these tests skip with "target has no
controllable clock".
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from lbp_testing.clock import MINISTACK_HAS_NO_CLOCK, ScheduleClock, fired_at
from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.logs import wait_for_runs
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

pytestmark = [
    pytest.mark.emulator_difference(ministack=MINISTACK_HAS_NO_CLOCK),
]

RUN = "scheduled run done"  # the function's summary log line
NOON = datetime(2029, 6, 14, 12, 0, tzinfo=UTC)
SCAN = ("dynamodb:Scan",)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: scheduled-message CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(
    deploy_stack: DeployStack, schedule_clock: ScheduleClock, key_arn: str
) -> dict[str, Any]:
    stack = deploy_stack(
        ["scheduled_message"],
        kms_key_arn=key_arn,
        scheduled_message={
            "sender": {"email": f"birthdays-{secrets.token_hex(3)}@example.com"},
            "schedule": {"time": "12:00", "time_zone": "UTC"},
        },
    )
    outputs: dict[str, Any] = stack.outputs["scheduled_message"]
    return outputs


def queue_url(scenario: dict[str, Any]) -> str:
    name = scenario["failure_queue_url"].rsplit("/", 1)[-1]
    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def test_table_schedule_and_queue_use_the_key(scenario: dict[str, Any], key_arn: str) -> None:
    table = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"]
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key_arn
    schedule = boto3.client("scheduler").get_schedule(Name=scenario["schedule_name"])
    assert schedule["KmsKeyArn"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario), AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn
    assert schedule["Target"]["DeadLetterConfig"]["Arn"].endswith(
        scenario["failure_queue_url"].rsplit("/", 1)[-1]
    )


def test_at_noon_the_greeting_goes_out_from_the_encrypted_table(
    scenario: dict[str, Any], schedule_clock: ScheduleClock
) -> None:
    tag = secrets.token_hex(3)
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    table.put_item(
        Item={
            "recipient_id": f"{tag}-ada",
            "name": "Ada Key",
            "email": f"ada-{tag}@example.com",
            "birthday": "1990-06-14",
        }
    )
    schedule_clock.set(NOON - timedelta(minutes=1))
    firings = schedule_clock.advance(to=NOON + timedelta(minutes=1), of=[scenario["schedule_name"]])
    assert fired_at(firings) == [NOON]
    runs = wait_for_runs(scenario["log_group_name"], RUN, [NOON], lambda r: r.get("moment"))
    [run] = runs[NOON]
    sent = {s["recipient_id"] for s in run["sent"] if isinstance(s, dict)}
    assert f"{tag}-ada" in sent
    stored = table.get_item(Key={"recipient_id": f"{tag}-ada"}, ConsistentRead=True)["Item"]
    assert (stored["last_sent_on"], stored["send_status"]) == ("2029-06-14", "sent")


def test_the_iam_report_shows_no_denial_for_the_stack(scenario: dict[str, Any]) -> None:
    found = denials(name_prefix_of(scenario["function_name"]))
    assert found == [], found


def test_a_failed_run_reaches_the_encrypted_queue(
    scenario: dict[str, Any], schedule_clock: ScheduleClock
) -> None:
    """Injected from outside: while the next noon fires, the function's role is denied reading
    the recipients (an AWS error), so the run fails and Lambda parks it in the SSE-KMS queue with
    the function's role. Needs IAM enforcement: without it the run succeeds and the wait for the
    failure record times out."""
    next_noon = NOON + timedelta(days=1)
    sqs, url = boto3.client("sqs"), queue_url(scenario)
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
        for message in reply.get("Messages", []):
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return [
            r
            for r in seen
            if str(r.get("requestPayload", {}).get("scheduled_time", "")).startswith("2029-06-15")
        ]

    table_arn = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"][
        "TableArn"
    ]
    with denied(scenario["function_name"], {"Action": list(SCAN), "Resource": table_arn}):
        schedule_clock.set(next_noon - timedelta(minutes=1))
        firings = schedule_clock.advance(
            to=next_noon + timedelta(minutes=1), of=[scenario["schedule_name"]]
        )
        assert fired_at(firings) == [next_noon]
        [record] = eventually(failure_records, timeout=120, interval=0, what="the failed run")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "AccessDenied" in json.dumps(record["responsePayload"])
    unexpected = only_injected(denials(name_prefix_of(scenario["function_name"])), SCAN)
    assert unexpected == [], unexpected
