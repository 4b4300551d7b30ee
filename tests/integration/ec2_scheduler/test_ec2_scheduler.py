"""Scenario 4a end to end: the real stack, real instances in two regions, replayed moments.

The rate rule is deployed disabled here (rule_enabled = false) so a run at the real clock time
cannot race the replayed ones; the test invokes the function with scheduled events it builds.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
SCHEDULES = {
    "office-hours": {
        "time_zone": "Europe/Berlin",
        "periods": [{"weekdays": WEEKDAYS, "begin": "08:00", "end": "19:00"}],
    },
    "ny-nights": {
        "time_zone": "America/New_York",
        "periods": [{"weekdays": WEEKDAYS, "begin": "22:00", "end": "06:00"}],
    },
}
# Wednesday 2024-05-08: Berlin is UTC+2, New York UTC-4.
OFFICE_BEGINS = "2024-05-08T06:02:00Z"  # 08:02 Berlin, 02:02 New York (inside its night)
OFFICE_ENDS = "2024-05-08T17:03:00Z"  # 19:03 Berlin, 13:03 New York
MIDDAY = "2024-05-08T10:30:00Z"  # 12:30 Berlin, 06:30 New York (night over 30 min ago)
EC2_RESOURCE_TAGS_UNKNOWN = (
    "IAM: MiniStack does not resolve aws:ResourceTag/<key> for EC2 instances, so the role's "
    "tag-conditioned ec2:StartInstances/StopInstances are denied (AWS evaluates the instance's "
    "tags)"
)


@pytest.fixture(scope="module")
def regions(aws_target: AwsTarget) -> list[str]:
    other = "eu-west-1" if aws_target.region != "eu-west-1" else "us-east-1"
    return [aws_target.region, other]


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, regions: list[str]) -> dict[str, Any]:
    stack = deploy_stack(
        ["ec2_scheduler"],
        ec2_scheduler={
            "schedules": SCHEDULES,
            "tag_key": f"lbp-it-schedule-{secrets.token_hex(3)}",
            "regions": regions,
            "rule_enabled": False,
        },
    )
    outputs: dict[str, Any] = stack.outputs["ec2_scheduler"]
    return outputs


class Fleet:
    def __init__(self, tag_key: str) -> None:
        self.tag_key = tag_key
        self.launched: dict[str, str] = {}  # instance id -> region

    def launch(self, region: str, schedule: str | None, running: bool = True) -> str:
        ec2 = boto3.client("ec2", region_name=region)
        image = boto3.client("ssm", region_name=region).get_parameter(Name=AMI_PARAMETER)
        tags = [{"Key": "Name", "Value": f"lbp-it-{schedule}"}]
        if schedule is not None:
            tags.append({"Key": self.tag_key, "Value": schedule})
        reply = ec2.run_instances(
            ImageId=image["Parameter"]["Value"],
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
        )
        instance_id: str = reply["Instances"][0]["InstanceId"]
        self.launched[instance_id] = region
        self.wait_for(instance_id, "running")
        if not running:
            ec2.stop_instances(InstanceIds=[instance_id])
            self.wait_for(instance_id, "stopped")
        return instance_id

    def state(self, instance_id: str) -> str:
        ec2 = boto3.client("ec2", region_name=self.launched[instance_id])
        reply = ec2.describe_instances(InstanceIds=[instance_id])
        state: str = reply["Reservations"][0]["Instances"][0]["State"]["Name"]
        return state

    def wait_for(self, instance_id: str, state: str) -> None:
        eventually(
            lambda: self.state(instance_id),
            accept=lambda found: found == state,
            timeout=300 if state == "running" else 120,
            interval=1,
            what=f"{instance_id} {state}",
        )

    def terminate_all(self) -> None:
        by_region: dict[str, list[str]] = {}
        for instance_id, region in self.launched.items():
            by_region.setdefault(region, []).append(instance_id)
        for region, ids in by_region.items():
            boto3.client("ec2", region_name=region).terminate_instances(InstanceIds=ids)
        self.launched.clear()


@pytest.fixture
def fleet(scenario: dict[str, Any]) -> Iterator[Fleet]:
    """Instances of one test, terminated after it (terminated instances are never scheduled)."""
    fleet = Fleet(scenario["tag_key"])
    yield fleet
    fleet.terminate_all()


def invoke(scenario: dict[str, Any], moment: str) -> dict[str, Any]:
    event = {
        "version": "0",
        "id": secrets.token_hex(8),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "time": moment,
        "region": boto3.Session().region_name,
        "resources": [],
        "detail": {},
    }
    reply = boto3.client("lambda").invoke(
        FunctionName=scenario["function_name"], Payload=json.dumps(event).encode()
    )
    body = json.loads(reply["Payload"].read())
    assert "FunctionError" not in reply, body
    summary: dict[str, Any] = body
    return summary


def counts(summary: dict[str, Any]) -> dict[str, int]:
    keys = ("started", "stopped", "would_start", "would_stop", "skipped", "errors")
    return {k: summary[k] for k in keys if summary[k]}


def set_environment(function_name: str, **changes: str) -> None:
    client = boto3.client("lambda")
    current = client.get_function_configuration(FunctionName=function_name)
    variables = current["Environment"]["Variables"] | changes
    client.update_function_configuration(
        FunctionName=function_name, Environment={"Variables": variables}
    )
    eventually(
        lambda: client.get_function_configuration(FunctionName=function_name),
        accept=lambda c: (
            c.get("LastUpdateStatus") == "Successful"
            and all(c["Environment"]["Variables"].get(k) == v for k, v in changes.items())
        ),
        timeout=60,
        what=f"{function_name} updated with {changes}",
    )


def test_the_rate_rule_targets_the_function(scenario: dict[str, Any]) -> None:
    events = boto3.client("events")
    rule = events.describe_rule(Name=scenario["rule_name"])
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(5 minutes)", "DISABLED")
    [target] = events.list_targets_by_rule(Rule=scenario["rule_name"])["Targets"]
    assert target["Arn"].endswith(f":function:{scenario['function_name']}")


@pytest.mark.emulator_difference(ministack=EC2_RESOURCE_TAGS_UNKNOWN)
def test_period_boundaries_start_and_stop_tagged_instances_in_two_regions(
    scenario: dict[str, Any], fleet: Fleet, regions: list[str]
) -> None:
    home, other = regions
    office_home = fleet.launch(home, "office-hours", running=False)
    office_other = fleet.launch(other, "office-hours", running=False)
    night_other = fleet.launch(other, "ny-nights", running=True)
    untagged = fleet.launch(home, None, running=False)
    typo = fleet.launch(other, "office-hour", running=False)

    summary = invoke(scenario, OFFICE_BEGINS)
    assert counts(summary) == {"started": 2, "errors": 1}
    assert summary["time"] == "2024-05-08T06:02:00+00:00"
    fleet.wait_for(office_home, "running")
    fleet.wait_for(office_other, "running")
    assert fleet.state(night_other) == "running"
    assert fleet.state(untagged) == fleet.state(typo) == "stopped"

    summary = invoke(scenario, OFFICE_ENDS)
    assert counts(summary) == {"stopped": 2, "errors": 1}
    fleet.wait_for(office_home, "stopped")
    fleet.wait_for(office_other, "stopped")
    # Not enforced: the New York night ended hours before this run, outside its interval.
    assert fleet.state(night_other) == "running"
    assert fleet.state(untagged) == fleet.state(typo) == "stopped"


@pytest.mark.emulator_difference(ministack=EC2_RESOURCE_TAGS_UNKNOWN)
def test_dry_run_changes_nothing_then_enforced_reconciles(
    scenario: dict[str, Any], fleet: Fleet, regions: list[str]
) -> None:
    home, other = regions
    office = fleet.launch(home, "office-hours", running=False)
    night = fleet.launch(other, "ny-nights", running=True)
    name = scenario["function_name"]
    try:
        set_environment(name, DRY_RUN="true", ENFORCED="true")
        summary = invoke(scenario, MIDDAY)
        assert counts(summary) == {"would_start": 1, "would_stop": 1}
        assert summary["dry_run"] is True
        time.sleep(2)
        assert (fleet.state(office), fleet.state(night)) == ("stopped", "running")

        set_environment(name, DRY_RUN="false")
        assert counts(invoke(scenario, MIDDAY)) == {"started": 1, "stopped": 1}
        fleet.wait_for(office, "running")
        fleet.wait_for(night, "stopped")
    finally:
        set_environment(name, DRY_RUN="false", ENFORCED="false")
