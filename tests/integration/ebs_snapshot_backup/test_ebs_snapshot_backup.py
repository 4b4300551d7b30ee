"""Scenario 3 end to end: the deployed daily rule fires on the local AWS's clock and backs up real
(emulated) EC2 volumes in two regions, copies them to a third and prunes them past retention —
no hand-written event.

The rule keeps the module's default schedule, cron(0 3 * * ? *) (03:00 UTC daily). The clock is
set just before 03:00 and advanced: each firing invokes the function asynchronously with an
event whose `time` is the scheduled instant, and the tests wait for the run's logged summary
before looking at the snapshots. A redelivery of the same occurrence is made by setting the
clock back and firing the same 03:00 again.

The stack runs with a customer managed key created here (kms_key_arn), which encrypts the
on-failure queue: Lambda delivers a failed run there with the function's role, which needs
kms:GenerateDataKey / kms:Decrypt on the key, and the last test reads the IAM report: no denial
for the stack but the one injected. The emulator does not check the key policy (AWS does): the
key's policy is the account statement only, which is what the module needs (no service principal
writes to the queue, see the module README). The default (SQS-managed) encryption is applied by
the root stack test and driven end to end by `make reliability` (reliability/test_scheduled.py).

On a target without a controllable clock (a real account), these tests cannot move time: they
skip with "target has no controllable clock". On this project's local AWS a missing clock fails.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from lbp_testing.clock import MINISTACK_HAS_NO_CLOCK, ScheduleClock, fired_at
from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.logs import Record, instant, wait_for_runs
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

# Regions the rest of the suite does not use, so in-use selection only meets our volumes.
SOURCE_REGIONS = ("eu-north-1", "ap-southeast-2")
COPY_REGION = "ca-central-1"
RETENTION_DAYS = 3
T0 = datetime(2031, 3, 10, 3, 0, tzinfo=UTC)
MANAGED = "ebs-backup:managed-by"
RUN = "backup run finished"  # the function's summary log line (a failed run logs another)
SNAPSHOT = ("ec2:CreateSnapshot",)  # the one action a test denies on purpose

pytestmark = [
    pytest.mark.emulator_difference(ministack=MINISTACK_HAS_NO_CLOCK),
]


def ec2(region: str) -> Any:
    return boto3.client("ec2", region_name=region)


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in resource.get("Tags", [])}


@dataclass
class Fleet:
    """Volumes this test created, by role, and what a run must back up."""

    run_id: str
    selected: dict[str, set[str]] = field(default_factory=dict)
    not_selected: dict[str, set[str]] = field(default_factory=dict)
    instances: dict[str, list[str]] = field(default_factory=dict)
    volumes: dict[str, list[str]] = field(default_factory=dict)


def _volume(region: str, **tags: str) -> str:
    client = ec2(region)
    reply = client.create_volume(
        AvailabilityZone=f"{region}a",
        Size=1,
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        ],
    )
    return str(reply["VolumeId"])


def _instance_with(region: str, volume_id: str) -> tuple[str, set[str]]:
    """Runs an instance, attaches the volume; returns the instance and all its volumes."""
    client = ec2(region)
    image = client.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = client.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        Placement={"AvailabilityZone": f"{region}a"},
    )["Instances"][0]["InstanceId"]
    client.attach_volume(VolumeId=volume_id, InstanceId=instance, Device="/dev/sdf")
    attached = client.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance]}]
    )["Volumes"]
    return instance, {v["VolumeId"] for v in attached}


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    fleet = Fleet(run_id=secrets.token_hex(3))
    for region in SOURCE_REGIONS:
        fleet.selected[region], fleet.not_selected[region] = set(), set()
        fleet.instances[region], fleet.volumes[region] = [], []
    first, second = SOURCE_REGIONS
    made = fleet.volumes

    tagged = _volume(first, Name=f"tagged-{fleet.run_id}", Backup="true", Team="storage")
    attached = _volume(first, Name=f"attached-{fleet.run_id}")
    excluded = _volume(first, Name=f"excluded-{fleet.run_id}", Backup="true", NoBackup="yes")
    idle = _volume(first, Name=f"idle-{fleet.run_id}")
    made[first] += [tagged, attached, excluded, idle]
    instance, on_instance = _instance_with(first, attached)
    fleet.instances[first].append(instance)
    fleet.selected[first] |= {tagged} | on_instance  # the root volume is in use too
    fleet.not_selected[first] |= {excluded, idle}

    tagged2 = _volume(second, Name=f"tagged2-{fleet.run_id}", Backup="true")
    excluded_in_use = _volume(second, Name=f"excl-in-use-{fleet.run_id}", NoBackup="1")
    made[second] += [tagged2, excluded_in_use]
    instance2, on_instance2 = _instance_with(second, excluded_in_use)
    fleet.instances[second].append(instance2)
    fleet.selected[second] |= {tagged2} | (on_instance2 - {excluded_in_use})
    fleet.not_selected[second] |= {excluded_in_use}

    yield fleet

    for region in SOURCE_REGIONS:
        client = ec2(region)
        if fleet.instances[region]:
            client.terminate_instances(InstanceIds=fleet.instances[region])
        for volume_id in made[region]:
            volume = client.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
            for attachment in volume.get("Attachments", []):
                client.detach_volume(
                    VolumeId=volume_id,
                    InstanceId=attachment["InstanceId"],
                    Device=attachment["Device"],
                )
            client.delete_volume(VolumeId=volume_id)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: ebs-snapshot-backup CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(
    deploy_stack: DeployStack, fleet: Fleet, schedule_clock: ScheduleClock, key_arn: str
) -> Iterator[dict[str, Any]]:
    stack = deploy_stack(
        ["ebs_snapshot_backup"],
        kms_key_arn=key_arn,
        ebs_snapshot_backup={
            "regions": list(SOURCE_REGIONS),
            "selection": {
                "include_in_use": True,
                "target_tags": {"Backup": "true"},
                "exclude_tags": {"NoBackup": "*"},
            },
            "retention": {"days": RETENTION_DAYS},
            "copy": {"region": COPY_REGION, "wait_seconds": 20},
            "functions": {
                "backup": {
                    "timeout": 180,
                    "maximum_retry_attempts": 0,
                }
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["ebs_snapshot_backup"]
    yield outputs
    # Later clock tests must not fire this stack's rule for nothing.
    boto3.client("events").disable_rule(Name=outputs["schedule_rule_name"])
    # Snapshots are made by the function, not Terraform: remove the ones this stack made.
    for region in (*SOURCE_REGIONS, COPY_REGION):
        for snapshot in managed(region, outputs["managed_tag_value"]):
            ec2(region).delete_snapshot(SnapshotId=snapshot["SnapshotId"])


def managed(region: str, name: str) -> list[dict[str, Any]]:
    reply = ec2(region).describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": f"tag:{MANAGED}", "Values": [name]}]
    )
    return list(reply["Snapshots"])


def by_volume(region: str, name: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for snapshot in managed(region, name):
        if tags_of(snapshot).get("ebs-backup:kind") == "snapshot":
            found.setdefault(snapshot["VolumeId"], []).append(snapshot)
    return found


def run_time(record: Record) -> str:
    return str(record["summary"]["now"])


def advance(clock: ScheduleClock, scenario: dict[str, Any], to: datetime) -> list[Record]:
    """Advances to `to`; returns the summary of each run the rule fired, in order."""
    firings = clock.advance(to=to, of=[scenario["schedule_rule_name"]])
    times = fired_at(firings)
    assert times, f"the rule did not fire before {to.isoformat()}"
    runs = wait_for_runs(scenario["log_group_name"], RUN, times, run_time)
    return [runs[t][-1] for t in times]


def daily(clock: ScheduleClock, scenario: dict[str, Any], day: datetime) -> dict[str, Any]:
    """From the clock's now to 03:01 on `day`: exactly one firing, at 03:00 that day."""
    [run] = advance(clock, scenario, day.replace(hour=3, minute=1))
    summary: dict[str, Any] = run["summary"]
    assert summary["now"] == day.replace(hour=3, minute=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return summary


def test_the_failure_queue_uses_the_key(scenario: dict[str, Any], key_arn: str) -> None:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=scenario["on_failure_queue_url"].rsplit("/", 1)[1])
    attributes = sqs.get_queue_attributes(
        QueueUrl=url["QueueUrl"], AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn


def test_the_daily_rule_takes_one_snapshot_per_selected_volume_and_a_redelivery_none(
    scenario: dict[str, Any], fleet: Fleet, schedule_clock: ScheduleClock
) -> None:
    name = scenario["managed_tag_value"]
    rule = boto3.client("events").describe_rule(Name=scenario["schedule_rule_name"])
    assert (rule["ScheduleExpression"], rule["State"]) == ("cron(0 3 * * ? *)", "ENABLED")

    schedule_clock.set(T0 - timedelta(minutes=1))
    first = daily(schedule_clock, scenario, T0)
    # The same 03:00 delivered again (a retry, an at-least-once redelivery): nothing twice.
    schedule_clock.set(T0 - timedelta(minutes=1))
    firings = schedule_clock.advance(to=T0 + timedelta(minutes=1), of=[rule["Name"]])
    assert fired_at(firings) == [T0]
    runs = wait_for_runs(scenario["log_group_name"], RUN, [T0, T0], run_time)
    second = runs[T0][-1]["summary"]

    assert first["window"] == second["window"] == "2031-03-10T00:00Z"
    assert first["totals"]["failed"] == 0 and second["totals"]["failed"] == 0
    assert second["totals"]["created"] == 0
    assert second["totals"]["already_done"] == first["totals"]["created"]
    for region in SOURCE_REGIONS:
        snapshots = by_volume(region, name)
        assert fleet.selected[region] <= set(snapshots), region
        assert not fleet.not_selected[region] & set(snapshots), region
        for volume_id in fleet.selected[region]:
            (snapshot,) = snapshots[volume_id]
            tags = tags_of(snapshot)
            assert tags["ebs-backup:source-volume"] == volume_id
            assert tags["ebs-backup:source-region"] == region
            assert tags["ebs-backup:window"] == "2031-03-10T00:00Z"
            assert tags["ebs-backup:expires-at"] == "2031-03-13T03:00:00Z"
            assert not [k for k in tags if k.startswith("aws:")]
    tagged = next(
        s
        for s in by_volume(SOURCE_REGIONS[0], name).values()
        if tags_of(s[0]).get("Name") == f"tagged-{fleet.run_id}"
    )[0]
    assert tags_of(tagged)["Team"] == "storage" and tags_of(tagged)["Backup"] == "true"
    assert f"tagged-{fleet.run_id}" in tagged["Description"]


def test_each_snapshot_is_copied_once_with_its_managed_tags(
    scenario: dict[str, Any], fleet: Fleet
) -> None:
    name = scenario["managed_tag_value"]
    sources = {
        s["SnapshotId"]: s
        for region in SOURCE_REGIONS
        for snaps in by_volume(region, name).values()
        for s in snaps
    }
    copies = [s for s in managed(COPY_REGION, name) if tags_of(s).get("ebs-backup:kind") == "copy"]
    copy_of = [tags_of(c)["ebs-backup:copy-of"] for c in copies]
    assert sorted(copy_of) == sorted(sources)  # exactly one copy each, none twice
    for copy in copies:
        source_tags = tags_of(sources[tags_of(copy)["ebs-backup:copy-of"]])
        assert tags_of(copy)["ebs-backup:expires-at"] == source_tags["ebs-backup:expires-at"]
        assert tags_of(copy)["ebs-backup:source-volume"] == source_tags["ebs-backup:source-volume"]


def test_a_day_later_the_rule_takes_one_new_snapshot_per_volume(
    scenario: dict[str, Any], fleet: Fleet, schedule_clock: ScheduleClock
) -> None:
    name = scenario["managed_tag_value"]
    schedule_clock.set(T0 + timedelta(minutes=1))
    summary = daily(schedule_clock, scenario, T0 + timedelta(days=1))  # a 24-hour advance
    assert summary["window"] == "2031-03-11T00:00Z" and summary["totals"]["failed"] == 0
    assert summary["totals"]["created"] == sum(len(v) for v in fleet.selected.values())
    for region in SOURCE_REGIONS:
        snapshots = by_volume(region, name)
        for volume_id in fleet.selected[region]:
            windows = sorted(tags_of(s)["ebs-backup:window"] for s in snapshots[volume_id])
            assert windows == ["2031-03-10T00:00Z", "2031-03-11T00:00Z"], volume_id


def test_past_retention_expired_snapshots_and_copies_go_and_a_manual_one_stays(
    scenario: dict[str, Any], fleet: Fleet, schedule_clock: ScheduleClock
) -> None:
    name, first = scenario["managed_tag_value"], SOURCE_REGIONS[0]
    selected = sum(len(v) for v in fleet.selected.values())
    a_volume = sorted(fleet.selected[first])[0]
    manual = ec2(first).create_snapshot(VolumeId=a_volume, Description="manual, keep me")
    try:
        schedule_clock.set(T0 + timedelta(days=1, minutes=1))
        pruned = []
        for day in (2, 3, 4):  # one day at a time: each run sees the previous one's result
            summary = daily(schedule_clock, scenario, T0 + timedelta(days=day))
            assert summary["totals"]["failed"] == 0
            pruned.append(summary["totals"]["pruned"])
        # 3 days' retention: the 10 March window expires at 03:00 on the 13th, the 11th's on
        # the 14th; each takes its snapshots and their copies with it.
        assert pruned[0] == 0 and min(pruned[1:]) >= 2 * selected, pruned

        for region in (*SOURCE_REGIONS, COPY_REGION):
            windows = {tags_of(s)["ebs-backup:window"] for s in managed(region, name)}
            assert windows == {"2031-03-12T00:00Z", "2031-03-13T00:00Z", "2031-03-14T00:00Z"}
        for region in SOURCE_REGIONS:
            assert fleet.selected[region] <= set(by_volume(region, name))
        kept = ec2(first).describe_snapshots(SnapshotIds=[manual["SnapshotId"]])["Snapshots"]
        assert kept and kept[0]["Description"] == "manual, keep me"
    finally:
        ec2(first).delete_snapshot(SnapshotId=manual["SnapshotId"])


def test_a_failing_volume_fails_the_run_into_the_queue_but_the_rest_is_backed_up(
    scenario: dict[str, Any], fleet: Fleet, schedule_clock: ScheduleClock
) -> None:
    """One volume's CreateSnapshot fails with an AWS error; the run backs up the others and then
    fails, so the scheduled event lands in the on-failure queue.

    Injected from outside: while the rule fires, the function's role carries an explicit Deny
    on ec2:CreateSnapshot for that one volume. Needs IAM enforcement (a real account or
    LBP_IAM=enforce): without it the volume is backed up and this test fails. The queue is
    encrypted with the stack's key: the delivery proves the function's role may use it.
    """
    name, first = scenario["managed_tag_value"], SOURCE_REGIONS[0]
    broken = _volume(first, Name=f"broken-{fleet.run_id}", Backup="true")
    fleet.volumes[first].append(broken)
    moment = T0 + timedelta(days=10)
    schedule_clock.set(moment - timedelta(minutes=1))
    sqs = boto3.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=scenario["on_failure_queue_url"].rsplit("/", 1)[1])[
        "QueueUrl"
    ]

    def failure_record() -> dict[str, Any] | None:
        reply = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5, MaxNumberOfMessages=10)
        for message in reply.get("Messages", []):
            record = json.loads(message["Body"])
            sent = record.get("requestPayload", {}).get("time")
            if isinstance(sent, str) and instant(sent) == moment:
                return dict(record)
        return None

    deny = {"Action": list(SNAPSHOT), "Resource": f"arn:aws:ec2:{first}:*:volume/{broken}"}
    with denied(scenario["function_name"], deny):
        firings = schedule_clock.advance(
            to=moment + timedelta(minutes=1), of=[scenario["schedule_rule_name"]]
        )
        assert fired_at(firings) == [moment]
        # The failed run still backs up, copies and prunes everything else first (minutes on a
        # loaded machine) before its error reaches the queue.
        record = eventually(failure_record, timeout=300, interval=1.0, what="the on-failure record")
    assert record["requestPayload"]["source"] == "aws.events"
    assert record["requestPayload"]["detail-type"] == "Scheduled Event"
    error = record["responsePayload"]
    assert error["errorType"] == "BackupRunError"
    summary = json.loads(error["errorMessage"])
    assert summary["regions"][first]["failed"] == 1
    assert "UnauthorizedOperation" in json.dumps(summary["regions"][first]["errors"])
    assert summary["totals"]["created"] == sum(len(v) for v in fleet.selected.values())
    window = {
        tags_of(s)["ebs-backup:window"]
        for region in SOURCE_REGIONS
        for v in fleet.selected[region]
        for s in by_volume(region, name).get(v, [])
    }
    assert "2031-03-20T00:00Z" in window
    assert broken not in by_volume(first, name)


def test_only_the_injected_denial_is_in_the_report(scenario: dict[str, Any]) -> None:
    """Runs last (pytest keeps file order): every test of the file has run on the stack. Needs
    IAM enforcement (it fails unless the report's mode is enforce)."""
    unexpected = only_injected(denials(name_prefix_of(scenario["function_name"])), SNAPSHOT)
    assert unexpected == [], unexpected
