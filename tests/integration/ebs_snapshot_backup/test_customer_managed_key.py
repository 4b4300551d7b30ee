"""Scenario 3 applied with a customer managed key created here: the on-failure queue uses it,
the daily rule still backs up on the local AWS's clock, and a failed run reaches the queue,
under IAM enforcement.

The module's kms_key_arn encrypts the failure queue; Lambda delivers a failed run there with the
function's role, which needs kms:GenerateDataKey / kms:Decrypt on the key: the IAM report must
show no denial for the stack. The emulator does not check the key policy (AWS does): the key's
policy here is the account statement only, which is what the module needs (no service
principal writes to the queue, see the module README).

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

REGION = "eu-west-3"  # a region no other test backs up
T0 = datetime(2033, 5, 10, 3, 0, tzinfo=UTC)
RUN = "backup run finished"  # the function's summary log line
SNAPSHOT = ("ec2:CreateSnapshot",)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: ebs-snapshot-backup CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def volumes() -> Iterator[dict[str, str]]:
    ec2 = boto3.client("ec2", region_name=REGION)
    tag = secrets.token_hex(3)
    made = {}
    for role in ("good", "broken"):
        made[role] = ec2.create_volume(
            AvailabilityZone=f"{REGION}a",
            Size=1,
            TagSpecifications=[
                {
                    "ResourceType": "volume",
                    "Tags": [
                        {"Key": "Name", "Value": f"{role}-{tag}"},
                        {"Key": "CmkBackup", "Value": tag},
                    ],
                }
            ],
        )["VolumeId"]
    made["tag"] = tag
    yield made
    for role in ("good", "broken"):
        ec2.delete_volume(VolumeId=made[role])


@pytest.fixture(scope="module")
def scenario(
    deploy_stack: DeployStack,
    schedule_clock: ScheduleClock,
    key_arn: str,
    volumes: dict[str, str],
) -> Iterator[dict[str, Any]]:
    stack = deploy_stack(
        ["ebs_snapshot_backup"],
        kms_key_arn=key_arn,
        ebs_snapshot_backup={
            "regions": [REGION],
            "selection": {"include_in_use": False, "target_tags": {"CmkBackup": volumes["tag"]}},
            "retention": {"days": 3},
            "functions": {"backup": {"timeout": 180, "maximum_retry_attempts": 0}},
        },
    )
    outputs: dict[str, Any] = stack.outputs["ebs_snapshot_backup"]
    yield outputs
    boto3.client("events").disable_rule(Name=outputs["schedule_rule_name"])
    ec2 = boto3.client("ec2", region_name=REGION)
    for snapshot in managed(outputs["managed_tag_value"]):
        ec2.delete_snapshot(SnapshotId=snapshot["SnapshotId"])


def managed(name: str) -> list[dict[str, Any]]:
    reply = boto3.client("ec2", region_name=REGION).describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": "tag:ebs-backup:managed-by", "Values": [name]}]
    )
    return list(reply["Snapshots"])


def queue_url(scenario: dict[str, Any]) -> str:
    name = scenario["on_failure_queue_url"].rsplit("/", 1)[-1]
    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def run_time(record: dict[str, Any]) -> str:
    return str(record["summary"]["now"])


def test_the_failure_queue_uses_the_key(scenario: dict[str, Any], key_arn: str) -> None:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario), AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn


def test_the_daily_rule_backs_up_the_selected_volumes(
    scenario: dict[str, Any], schedule_clock: ScheduleClock, volumes: dict[str, str]
) -> None:
    schedule_clock.set(T0 - timedelta(minutes=1))
    firings = schedule_clock.advance(
        to=T0 + timedelta(minutes=1), of=[scenario["schedule_rule_name"]]
    )
    assert fired_at(firings) == [T0]
    # A cold start and the snapshots take minutes on a loaded machine (the function may run 180 s).
    [run] = wait_for_runs(scenario["log_group_name"], RUN, [T0], run_time, timeout=300)[T0]
    assert run["summary"]["totals"]["failed"] == 0
    assert run["summary"]["totals"]["created"] == 2
    backed_up = {s["VolumeId"] for s in managed(scenario["managed_tag_value"])}
    assert backed_up == {volumes["good"], volumes["broken"]}


def test_the_iam_report_shows_no_denial_for_the_stack(scenario: dict[str, Any]) -> None:
    found = denials(name_prefix_of(scenario["function_name"]))
    assert found == [], found


def test_a_failed_run_reaches_the_encrypted_queue(
    scenario: dict[str, Any], schedule_clock: ScheduleClock, volumes: dict[str, str]
) -> None:
    """Injected from outside: while the next 03:00 fires, the function's role is denied
    CreateSnapshot on one volume, so the run backs up the other, then fails; Lambda parks the
    event in the SSE-KMS queue with the function's role. Needs IAM enforcement: without it both
    volumes are backed up and the wait for the failure record times out."""
    moment = T0 + timedelta(days=1)
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
            if r.get("requestPayload", {}).get("time") == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        ]

    deny = {
        "Action": list(SNAPSHOT),
        "Resource": f"arn:aws:ec2:{REGION}:*:volume/{volumes['broken']}",
    }
    with denied(scenario["function_name"], deny):
        schedule_clock.set(moment - timedelta(minutes=1))
        firings = schedule_clock.advance(
            to=moment + timedelta(minutes=1), of=[scenario["schedule_rule_name"]]
        )
        assert fired_at(firings) == [moment]
        [record] = eventually(failure_records, timeout=180, interval=0, what="the failed run")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    summary = json.loads(record["responsePayload"]["errorMessage"])
    assert summary["regions"][REGION]["failed"] == 1
    assert summary["totals"]["created"] == 1
    unexpected = only_injected(denials(name_prefix_of(scenario["function_name"])), SNAPSHOT)
    assert unexpected == [], unexpected
