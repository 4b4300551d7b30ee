"""Scheduled scenarios 1, 3, 7, 8: every schedule fired twice for the same instant, at volume;
and scenario 7 with SES refusing (an IAM deny on the function's role), parked and redriven.

EventBridge rules and Scheduler schedules deliver at least once: the same scheduled instant may
reach the function twice. Here the local AWS's clock fires each deployed schedule across one
instant, is set back, and fires the same instant again: two real deliveries through the real
triggers, the second while the first run may still be going. Expected: exactly one side effect
per item — one start per scheduled instance (1), one snapshot per volume (3), one email per
recipient (7), one instance per fleet slot (8). The volumes are the issue's (500 recipients,
50 servers) with LBP_RELIABILITY=full, a tenth with fast, a hundredth otherwise.

What makes the second delivery harmless differs: 1, 3 and 8 run with reserved concurrency 1
(the modules' default), so the second run starts after the first and finds its work done (the
instances running, the window's snapshot taken, every slot filled); 7 claims each recipient's
occasion with a conditional write before sending. On the emulator the EC2 API ignores
RunInstances' ClientToken, so scenario 8's retry token does not help here: the serialisation
does.

One stack holds the four scenarios (one deploy). Emulator only where it reads the SES outbox.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from lbp_testing.clock import MINISTACK_HAS_NO_CLOCK, ScheduleClock, fired_at, local
from lbp_testing.logs import log_records, wait_for_runs
from lbp_testing.stack import DeployStack
from reliability.memory import PeakMemory
from reliability.redrive import parked_messages, queue_url_for
from reliability.report import CaseResult
from scenario_client import ses
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget

from .conftest import volume

pytestmark = [
    pytest.mark.emulator_difference(ministack=MINISTACK_HAS_NO_CLOCK),
]

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
BERLIN = "Europe/Berlin"
OFFICE = {
    "office-hours": {
        "time_zone": BERLIN,
        "periods": [
            {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "begin": "08:00", "end": "19:00"}
        ],
    }
}
INSTANCES = volume(20)
VOLUMES = volume(20)
RECIPIENTS = volume(500)
SERVERS = volume(50)
DAY = datetime(2032, 7, 14, tzinfo=UTC)  # a Wednesday, after the stack's creation


@pytest.fixture(scope="module")
def network(aws_target: AwsTarget) -> dict[str, Any]:
    ec2 = boto3.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnet = sorted(
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
            "Subnets"
        ]
    )[0]
    group = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]
    image = boto3.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    return {"subnet": subnet, "group": group, "image": image, "region": aws_target.region}


@pytest.fixture(scope="module")
def stack(
    deploy_stack: DeployStack, schedule_clock: ScheduleClock, network: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    tag = secrets.token_hex(3)
    deployed = deploy_stack(
        ["ec2_scheduler", "ebs_snapshot_backup", "scheduled_message", "fleet_provisioner"],
        ec2_scheduler={
            "schedules": OFFICE,
            "tag_key": f"lbp-rel-{tag}",
            "regions": [network["region"]],
        },
        ebs_snapshot_backup={
            "regions": [network["region"]],
            "selection": {"include_in_use": False, "target_tags": {"RelBackup": tag}},
            "retention": {"days": 7},
            "functions": {"backup": {"timeout": 300, "maximum_retry_attempts": 0}},
        },
        scheduled_message={
            "sender": {"email": f"rel-{tag}@example.com"},
            "schedule": {"time": "12:00"},
        },
        fleet_provisioner={
            "servers": [
                {
                    "name": "load",
                    "instance_type": "t3.micro",
                    "image_id": network["image"],
                    "subnet_id": network["subnet"],
                    "security_group_ids": [network["group"]],
                    "count": SERVERS,
                }
            ],
            "max_instances": SERVERS + 10,
        },
    )
    outputs: dict[str, Any] = dict(deployed.outputs)
    outputs["tag"] = tag
    yield outputs
    events = boto3.client("events")
    events.disable_rule(Name=outputs["ec2_scheduler"]["rule_name"])
    events.disable_rule(Name=outputs["ebs_snapshot_backup"]["schedule_rule_name"])
    for rule in outputs["fleet_provisioner"]["schedule_rule_names"].values():
        events.disable_rule(Name=rule)
    boto3.client("lambda").invoke(
        FunctionName=outputs["fleet_provisioner"]["function_name"],
        Payload=json.dumps({"action": "teardown"}).encode(),
    )


def fire_twice(clock: ScheduleClock, name: str, before: datetime, after: datetime) -> datetime:
    """Fires schedule/rule `name` across [before, after] (exactly once), then the same instant
    again; returns that instant."""
    clock.set(before)
    [instant] = fired_at(clock.advance(to=after, of=[name]))
    clock.set(instant - timedelta(seconds=30))
    assert fired_at(clock.advance(to=instant + timedelta(seconds=30), of=[name])) == [instant]
    return instant


def record_case(
    ledger: list[CaseResult],
    scenario: str,
    case: str,
    per_item: Counter[str],
    items: list[str],
    seconds: float,
    peak: float | None,
    note: str,
    parked: int = 0,
    redriven: int = 0,
) -> CaseResult:
    result = CaseResult(
        scenario,
        case,
        inputs=len(items),
        seconds=seconds,
        peak_rss_mb=peak,
        parked=parked,
        redriven=redriven,
    )
    result.outputs = sum(1 for item in items if per_item[item] >= 1)
    result.lost = len(items) - result.outputs
    result.duplicated = sum(per_item[item] - 1 for item in items if per_item[item] > 1)
    result.notes.append(note)
    ledger.append(result)
    return result


def wait_for(probe: Callable[[], bool], what: str, timeout: float = 300) -> None:
    eventually(probe, accept=bool, timeout=timeout, interval=2, what=what)


# ---------------------------------------------------------------- scenario 1
def test_ec2_scheduler_fired_twice_starts_each_instance_once(
    stack: dict[str, Any], schedule_clock: ScheduleClock, ledger: list[CaseResult]
) -> None:
    scenario = stack["ec2_scheduler"]
    ec2 = boto3.client("ec2")
    image = boto3.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    reply = ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=INSTANCES,
        MaxCount=INSTANCES,
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [{"Key": scenario["tag_key"], "Value": "office-hours"}],
            }
        ],
    )
    ids = sorted(i["InstanceId"] for i in reply["Instances"])
    try:
        ec2.stop_instances(InstanceIds=ids)
        wait_for(
            lambda: all(
                i["State"]["Name"] == "stopped"
                for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                for i in r["Instances"]
            ),
            "instances stopped",
        )
        boundary = local(BERLIN, DAY.year, DAY.month, DAY.day, 8)
        start = time.monotonic()
        with PeakMemory() as memory:
            # rate(5 minutes) is anchored at the rule's creation: the one firing in
            # [08:00, 08:05) is the run whose interval holds the period's begin.
            instant = fire_twice(
                schedule_clock,
                scenario["rule_name"],
                boundary,
                boundary + timedelta(minutes=5) - timedelta(seconds=1),
            )
            runs = wait_for_runs(
                scenario["log_group_name"], "scheduler run", [instant] * 2, lambda r: r["time"]
            )
            seconds = time.monotonic() - start
        starts = Counter(
            str(r["instance_id"])
            for r in log_records(scenario["log_group_name"], "scheduler action")
            if r.get("action") == "start" and r.get("instance_id") in ids
        )
        states = Counter(
            i["State"]["Name"]
            for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
            for i in r["Instances"]
        )
        result = record_case(
            ledger,
            "1 ec2-scheduler",
            "rule fired x2 same instant",
            starts,
            ids,
            seconds,
            memory.peak_mb,
            f"{len(ids)} stopped instances, 08:00 Berlin fired twice at {instant:%H:%M:%S}Z: "
            f"starts per run {[r['started'] for r in runs[instant]]}, states {dict(states)}",
        )
        assert result.lost == 0 and result.duplicated == 0, starts
        assert set(states) <= {"pending", "running"}, states
    finally:
        ec2.terminate_instances(InstanceIds=ids)


# ---------------------------------------------------------------- scenario 3
def test_ebs_backup_fired_twice_takes_one_snapshot_per_volume(
    stack: dict[str, Any], schedule_clock: ScheduleClock, ledger: list[CaseResult]
) -> None:
    scenario = stack["ebs_snapshot_backup"]
    ec2 = boto3.client("ec2")
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    volumes = sorted(
        ec2.create_volume(
            AvailabilityZone=zone,
            Size=1,
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "RelBackup", "Value": stack["tag"]}]}
            ],
        )["VolumeId"]
        for _ in range(VOLUMES)
    )
    three = DAY.replace(hour=3)
    start = time.monotonic()
    with PeakMemory() as memory:
        instant = fire_twice(
            schedule_clock,
            scenario["schedule_rule_name"],
            three - timedelta(minutes=1),
            three + timedelta(minutes=1),
        )
        runs = wait_for_runs(
            scenario["log_group_name"],
            "backup run finished",
            [instant] * 2,
            lambda r: r["summary"]["now"],
            timeout=600,
        )
        seconds = time.monotonic() - start
    snapshots = [
        s
        for page in ec2.get_paginator("describe_snapshots").paginate(OwnerIds=["self"])
        for s in page["Snapshots"]
        if s["VolumeId"] in volumes
    ]
    per_volume = Counter(str(s["VolumeId"]) for s in snapshots)
    totals = [r["summary"]["totals"] for r in runs[instant]]
    result = record_case(
        ledger,
        "3 ebs-snapshot-backup",
        "rule fired x2 same instant",
        per_volume,
        volumes,
        seconds,
        memory.peak_mb,
        f"{len(volumes)} volumes, 03:00Z fired twice: per run created/already_done "
        f"{[(t['created'], t['already_done']) for t in totals]}",
    )
    for snapshot in snapshots:
        boto3.client("ec2").delete_snapshot(SnapshotId=snapshot["SnapshotId"])
    for volume_id in volumes:
        boto3.client("ec2").delete_volume(VolumeId=volume_id)
    assert result.lost == 0 and result.duplicated == 0, per_volume


# ---------------------------------------------------------------- scenario 7
def test_scheduled_message_fired_twice_greets_each_recipient_once(
    stack: dict[str, Any],
    schedule_clock: ScheduleClock,
    aws_target: AwsTarget,
    ledger: list[CaseResult],
) -> None:
    if not aws_target.is_emulator:
        pytest.skip("counts emails in the emulator's SES outbox")
    scenario = stack["scheduled_message"]
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    ids = [f"{stack['tag']}-{n:04d}" for n in range(RECIPIENTS)]
    with table.batch_writer() as batch:
        for recipient in ids:
            batch.put_item(
                Item={
                    "recipient_id": recipient,
                    "name": f"Person {recipient}",
                    "email": f"{recipient}@example.com",
                    "birthday": f"1990-{DAY:%m-%d}",
                }
            )
    noon = DAY.replace(hour=12)
    start = time.monotonic()
    with PeakMemory() as memory:
        instant = fire_twice(
            schedule_clock,
            scenario["schedule_name"],
            noon - timedelta(minutes=1),
            noon + timedelta(minutes=1),
        )
        runs = wait_for_runs(
            scenario["log_group_name"],
            "scheduled run done",
            [instant] * 2,
            lambda r: r.get("moment"),
            timeout=600,
        )
        seconds = time.monotonic() - start
    per_recipient = Counter(
        str(e["Destination"]["ToAddresses"][0]).split("@")[0]
        for e in ses.outbox(aws_target, scenario["sender"])
    )
    result = record_case(
        ledger,
        "7 scheduled-message",
        f"schedule fired x2, {len(ids)} recipients",
        per_recipient,
        ids,
        seconds,
        memory.peak_mb,
        f"12:00Z fired twice: per run sent/already_sent "
        f"{[(len(r['sent']), len(r['already_sent'])) for r in runs[instant]]}, "
        f"{len(ids) / seconds:.1f} recipients/s",
    )
    assert result.lost == 0 and result.duplicated == 0, per_recipient.most_common(3)


# ---------------------------------------------------------------- scenario 8
def test_fleet_fired_twice_launches_each_slot_once(
    stack: dict[str, Any], schedule_clock: ScheduleClock, ledger: list[CaseResult]
) -> None:
    scenario = stack["fleet_provisioner"]
    owner = scenario["owner_tag"]
    rule = scenario["schedule_rule_names"]["reconcile"]
    half_past = DAY.replace(hour=9, minute=30)
    before = len(log_records(scenario["log_group_name"], "fleet reconciled"))
    start = time.monotonic()
    with PeakMemory() as memory:
        fire_twice(
            schedule_clock, rule, half_past - timedelta(minutes=1), half_past + timedelta(minutes=1)
        )
        wait_for(
            lambda: len(log_records(scenario["log_group_name"], "fleet reconciled")) >= before + 2,
            "two reconcile runs logged",
            timeout=600,
        )
        seconds = time.monotonic() - start
    pages = (
        boto3.client("ec2")
        .get_paginator("describe_instances")
        .paginate(
            Filters=[
                {"Name": f"tag:{owner['key']}", "Values": [owner["value"]]},
                {"Name": "instance-state-name", "Values": ["pending", "running"]},
            ]
        )
    )
    per_slot = Counter(
        next(t["Value"] for t in i["Tags"] if t["Key"] == "FleetIndex")
        for page in pages
        for r in page["Reservations"]
        for i in r["Instances"]
    )
    runs = log_records(scenario["log_group_name"], "fleet reconciled")[before:]
    slots = [str(n) for n in range(SERVERS)]
    result = record_case(
        ledger,
        "8 fleet-provisioner",
        f"rule fired x2, {SERVERS} servers",
        per_slot,
        slots,
        seconds,
        memory.peak_mb,
        f"09:30Z fired twice: launched per run {[len(r['launched']) for r in runs]}, "
        f"{SERVERS / seconds:.1f} instances/s",
    )
    assert result.lost == 0 and result.duplicated == 0, per_slot


def test_scheduled_message_ses_denied_parks_the_run_and_redrive_greets_each_once(
    stack: dict[str, Any],
    schedule_clock: ScheduleClock,
    aws_target: AwsTarget,
    ledger: list[CaseResult],
) -> None:
    """SES refuses every send: an explicit Deny of ses:SendEmail put on the function's role from
    outside (a real IAM change, enforced by the local AWS with LBP_IAM=enforce as by AWS). The
    run releases each claim and fails naming the failed sends → parked in the failure queue
    (the module sets 0 asynchronous retries) → Deny removed → the documented redrive → every
    due recipient greeted once."""
    if not aws_target.is_emulator:
        pytest.skip("counts emails in the emulator's SES outbox")
    scenario = stack["scheduled_message"]
    iam, sqs = boto3.client("iam"), boto3.client("sqs")
    role = (
        boto3.client("lambda")
        .get_function_configuration(FunctionName=scenario["function_name"])["Role"]
        .rsplit("/", 1)[-1]
    )
    queue = queue_url_for(sqs, scenario["failure_queue_url"])
    day = DAY + timedelta(days=1)
    tag = secrets.token_hex(3)
    ids = [f"{tag}-{n:03d}" for n in range(volume(50))]
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    with table.batch_writer() as batch:
        for recipient in ids:
            batch.put_item(
                Item={
                    "recipient_id": recipient,
                    "name": f"Person {recipient}",
                    "email": f"{recipient}@example.com",
                    "birthday": f"1991-{day:%m-%d}",
                }
            )
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "ses:SendEmail", "Resource": "*"}],
    }
    iam.put_role_policy(
        RoleName=role, PolicyName="reliability-ses-refuses", PolicyDocument=json.dumps(deny)
    )
    noon = day.replace(hour=12)
    start = time.monotonic()
    try:
        with PeakMemory() as memory:
            schedule_clock.set(noon - timedelta(minutes=1))
            [instant] = fired_at(
                schedule_clock.advance(
                    to=noon + timedelta(minutes=1), of=[scenario["schedule_name"]]
                )
            )
            [refused] = wait_for_runs(
                scenario["log_group_name"], "scheduled run done", [instant], lambda r: r["moment"]
            )[instant]
            parked: list[dict[str, Any]] = []

            def is_parked() -> bool:
                handles = []
                for message in parked_messages(sqs, queue, wait_seconds=1):
                    handles.append(message["ReceiptHandle"])
                    body = json.loads(message["Body"])
                    payload = body.get("requestPayload") or {}
                    if payload.get("scheduled_time", "").startswith(f"{day:%Y-%m-%d}"):
                        parked.append(body)
                for handle in handles:
                    sqs.change_message_visibility(
                        QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=0
                    )
                return bool(parked)

            eventually(is_parked, accept=bool, timeout=120, interval=1, what="the run parked")
    finally:
        iam.delete_role_policy(RoleName=role, PolicyName="reliability-ses-refuses")
    with PeakMemory() as redrive_memory:
        cli = subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            check=True,
            capture_output=True,
            text=True,
        )
        runs = wait_for_runs(
            scenario["log_group_name"],
            "scheduled run done",
            [instant] * 2,
            lambda r: r["moment"],
            timeout=300,
        )
        seconds = time.monotonic() - start
    mine = set(ids)
    per_recipient = Counter(
        str(e["Destination"]["ToAddresses"][0]).split("@")[0]
        for e in ses.outbox(aws_target, scenario["sender"])
        if str(e["Destination"]["ToAddresses"][0]).split("@")[0] in mine
    )
    refused_ids = {f["recipient_id"] for f in refused["failed"]}
    redriven = sum(1 for r in runs[instant] if r is not refused and r["sent"])
    peaks = [p for p in (memory.peak_mb, redrive_memory.peak_mb) if p is not None]
    result = record_case(
        ledger,
        "7 scheduled-message",
        "fault: SES denied, redrive",
        per_recipient,
        ids,
        seconds,
        max(peaks) if peaks else None,
        f"run refused {len(refused_ids)} send(s) ({refused['failed'][0]['error'][:60]}…), "
        f"parked: {parked[0]['responsePayload']['errorMessage']}; {cli.stdout.strip()}",
        parked=1,
        redriven=redriven,
    )
    assert refused_ids == mine and not refused["sent"]
    assert "AccessDenied" in refused["failed"][0]["error"]
    assert parked[0]["responsePayload"]["errorType"] == "SendFailedError"
    assert result.lost == 0 and result.duplicated == 0, per_recipient
