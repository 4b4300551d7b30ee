"""Fleet provisioner end to end: the real root stack, the real handler, EC2 in the target account.

The tests share one deployed provisioner and run in file order: create the fleet twice, reject a
bad document, grow the fleet, survive a failed launch, then tear down only what it owns. The
schedules are set to fire once a year so nothing reconciles behind the tests' backs; the rules'
wiring is checked through the EventBridge API.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

LIVE = ["pending", "running", "stopping", "stopped"]
YEARLY = "cron(0 3 1 1 ? *)"
MISSING_SUBNET = "subnet-0f0f0f0f0f0f0f0f0"
EC2_RESOURCE_TAGS_UNKNOWN = (
    "IAM: MiniStack does not resolve aws:ResourceTag/<key> for EC2 instances, so the role's "
    "owner-tag-conditioned ec2:TerminateInstances is denied (AWS evaluates the instance's tags)"
)


@pytest.fixture(scope="module")
def network() -> dict[str, Any]:
    ec2 = boto3.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = sorted(
        s["SubnetId"]
        for s in ec2.describe_subnets(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                {"Name": "default-for-az", "Values": ["true"]},
            ]
        )["Subnets"]
    )
    group = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]
    image = boto3.client("ssm").get_parameter(
        Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    )["Parameter"]["Value"]
    return {"subnets": subnets, "group": group, "image": image}


def server(network: dict[str, Any], name: str, count: int, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "instance_type": "t3.micro",
        "image_id": network["image"],
        "subnet_id": network["subnets"][0],
        "security_group_ids": [network["group"]],
        "tags": {"Role": name},
        "count": count,
    } | overrides


@pytest.fixture(scope="module")
def fleet(deploy_stack: DeployStack, network: dict[str, Any]) -> Iterator[dict[str, Any]]:
    servers = [
        server(network, "web", 2),
        server(network, "worker", 1, instance_type="t3.small", subnet_id=network["subnets"][1]),
    ]
    stack = deploy_stack(
        ["fleet_provisioner"],
        fleet_provisioner={
            "servers": servers,
            "schedule_expression": YEARLY,
            "teardown_schedule_expression": YEARLY,
        },
    )
    outputs: dict[str, Any] = stack.outputs["fleet_provisioner"]
    yield outputs
    # Instances are launched by the function, not Terraform: terminate what it owns.
    invoke(outputs, {"action": "teardown"})


def invoke(outputs: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    reply = boto3.client("lambda").invoke(
        FunctionName=outputs["function_name"], Payload=json.dumps(event).encode()
    )
    payload: dict[str, Any] = json.loads(reply["Payload"].read() or b"null")
    if reply.get("FunctionError"):
        payload["function_error"] = reply["FunctionError"]
    return payload


def put_fleet(outputs: dict[str, Any], servers: list[Any]) -> None:
    boto3.client("ssm").put_parameter(
        Name=outputs["parameter_name"],
        Value=json.dumps({"servers": servers}),
        Type="String",
        Overwrite=True,
    )


def live_instances(**tags: str) -> dict[str, dict[str, Any]]:
    filters = [{"Name": "instance-state-name", "Values": LIVE}] + [
        {"Name": f"tag:{key}", "Values": [value]} for key, value in tags.items()
    ]
    pages = boto3.client("ec2").get_paginator("describe_instances").paginate(Filters=filters)
    return {
        i["InstanceId"]: i | {"TagMap": {t["Key"]: t["Value"] for t in i.get("Tags", [])}}
        for page in pages
        for r in page["Reservations"]
        for i in r["Instances"]
    }


def owned(outputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return live_instances(**{outputs["owner_tag"]["key"]: outputs["owner_tag"]["value"]})


def slots(instances: dict[str, dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter(
        (i["TagMap"]["FleetSpec"], i["TagMap"]["FleetIndex"]) for i in instances.values()
    )


def test_schedules_are_wired_to_the_function(fleet: dict[str, Any]) -> None:
    events = boto3.client("events")
    function_arn = boto3.client("lambda").get_function(FunctionName=fleet["function_name"])[
        "Configuration"
    ]["FunctionArn"]
    for action, rule in fleet["schedule_rule_names"].items():
        assert events.describe_rule(Name=rule)["ScheduleExpression"] == YEARLY
        [target] = events.list_targets_by_rule(Rule=rule)["Targets"]
        assert target["Arn"] == function_arn
        assert json.loads(target["Input"])["action"] == action
    assert set(fleet["schedule_rule_names"]) == {"reconcile", "teardown"}


def test_two_runs_create_exactly_the_desired_fleet(fleet: dict[str, Any]) -> None:
    first = invoke(fleet, {"action": "reconcile"})
    assert first["status"] == "complete", first
    assert len(first["launched"]) == 3

    second = invoke(fleet, {"action": "reconcile"})
    assert second["status"] == "complete" and second["launched"] == [], second

    instances = owned(fleet)
    assert slots(instances) == Counter({("web", "0"): 1, ("web", "1"): 1, ("worker", "0"): 1})
    owner = fleet["owner_tag"]["value"]
    for instance in instances.values():
        spec, index = instance["TagMap"]["FleetSpec"], instance["TagMap"]["FleetIndex"]
        assert instance["TagMap"]["Name"] == f"{owner}-{spec}-{index}"
        assert instance["TagMap"]["Role"] == spec
        assert instance["TagMap"]["Project"] == "lambda-blueprints"
        assert instance["InstanceType"] == ("t3.small" if spec == "worker" else "t3.micro")
    assert {i["InstanceId"] for i in instances.values()} == {
        iid for spec in second["fleet"].values() for iid in spec["instance_ids"]
    }


def test_an_invalid_document_launches_nothing(
    fleet: dict[str, Any], network: dict[str, Any]
) -> None:
    before = set(owned(fleet))
    put_fleet(
        fleet,
        [
            server(network, "web", 2),
            server(network, "worker", 1, instance_type="t3.small"),
            server(network, "cache", 1),  # valid and new: must still not be launched
            server(network, "db", -1),
            server(network, "gpu", 1, instance_type="enormous"),
        ],
    )
    report = invoke(fleet, {})
    assert report["status"] == "rejected" and report["launched"] == []
    assert {e["spec"] for e in report["errors"]} == {"db", "gpu"}
    assert set(owned(fleet)) == before


def test_a_changed_fleet_gets_only_the_missing_instances(
    fleet: dict[str, Any], network: dict[str, Any]
) -> None:
    before = set(owned(fleet))
    put_fleet(
        fleet,
        [
            server(network, "web", 3),
            server(network, "worker", 1, instance_type="t3.small", subnet_id=network["subnets"][1]),
            server(network, "cache", 1, instance_type="t3.nano"),
        ],
    )
    report = invoke(fleet, {})
    assert report["status"] == "complete"
    assert sorted((x["spec"], x["index"]) for x in report["launched"]) == [("cache", 0), ("web", 2)]
    after = owned(fleet)
    assert before < set(after) and len(after) == 5
    assert slots(after)[("web", "2")] == 1 and slots(after)[("cache", "0")] == 1


@pytest.mark.emulator_difference(
    ministack=(
        "IAM enforced: the role may launch only into the subnets Terraform configured, so "
        "RunInstances into the unlisted missing subnet is UnauthorizedOperation before EC2 looks "
        "the subnet up. Expected on AWS too: this test's premise (EC2 names the missing subnet) "
        "holds only while IAM is not enforced (reported for issue 12)"
    )
)
def test_a_failed_launch_is_reported_and_the_next_run_completes(
    fleet: dict[str, Any], network: dict[str, Any]
) -> None:
    base = [
        server(network, "web", 3),
        server(network, "worker", 1, instance_type="t3.small", subnet_id=network["subnets"][1]),
        server(network, "cache", 1, instance_type="t3.nano"),
    ]
    put_fleet(
        fleet,
        [*base, server(network, "db", 1, subnet_id=MISSING_SUBNET), server(network, "queue", 1)],
    )
    failed = invoke(fleet, {})
    assert failed["function_error"] == "Unhandled"
    assert "db#0 (InvalidSubnetID.NotFound" in failed["errorMessage"]
    assert slots(owned(fleet))[("queue", "0")] == 1  # the other launch went ahead
    assert slots(owned(fleet))[("db", "0")] == 0

    put_fleet(fleet, [*base, server(network, "db", 1), server(network, "queue", 1)])
    report = invoke(fleet, {})
    assert report["status"] == "complete"
    assert [(x["spec"], x["index"]) for x in report["launched"]] == [("db", 0)]
    assert len(owned(fleet)) == 7


@pytest.mark.emulator_difference(ministack=EC2_RESOURCE_TAGS_UNKNOWN)
def test_teardown_terminates_only_owned_instances(
    fleet: dict[str, Any], network: dict[str, Any]
) -> None:
    ec2 = boto3.client("ec2")
    common = {
        "ImageId": network["image"],
        "InstanceType": "t3.nano",
        "SubnetId": network["subnets"][0],
        "MinCount": 1,
        "MaxCount": 1,
    }
    untagged = ec2.run_instances(**common)["Instances"][0]["InstanceId"]
    foreign_tags = [
        {"Key": "FleetOwner", "Value": "someone-else"},
        {"Key": "FleetSpec", "Value": "web"},
        {"Key": "FleetIndex", "Value": "0"},
    ]
    foreign = ec2.run_instances(
        **common, TagSpecifications=[{"ResourceType": "instance", "Tags": foreign_tags}]
    )["Instances"][0]["InstanceId"]
    try:
        owned_ids = set(owned(fleet))
        report = invoke(fleet, {"action": "teardown"})
        assert set(report["terminated"]) == owned_ids and len(owned_ids) == 7
        eventually(lambda: owned(fleet), accept=lambda found: not found, timeout=30,
                   what="owned instances to terminate")  # fmt: skip
        survivors = live_instances()
        assert {untagged, foreign} <= set(survivors)
    finally:
        ec2.terminate_instances(InstanceIds=[untagged, foreign])
