from __future__ import annotations

from typing import Any

import pytest

from fleet_provisioner.plan import client_token
from fleet_provisioner.provisioner import FleetIncompleteError

from .conftest import OWNER, PARAMETER, Aws, tags_of


def ids(instances: list[dict[str, Any]]) -> set[str]:
    return {i["InstanceId"] for i in instances}


def test_first_run_creates_the_fleet_and_a_second_run_creates_nothing(
    provisioner: Any, aws: Aws, lambda_context: Any
) -> None:
    aws.put_fleet(
        [
            aws.server("web", 2, tags={"Role": "web"}),
            aws.server("worker", 1, instance_type="t3.small", subnet_id=aws.subnets[1]),
        ]
    )
    first = provisioner.lambda_handler({"action": "reconcile"}, lambda_context)
    assert first["status"] == "complete"
    assert [(x["spec"], x["index"]) for x in first["launched"]] == [
        ("web", 0),
        ("web", 1),
        ("worker", 0),
    ]
    owned = aws.live_instances(FleetOwner=OWNER)
    assert len(owned) == 3
    by_slot = {(tags_of(i)["FleetSpec"], tags_of(i)["FleetIndex"]): i for i in owned}
    web0 = by_slot[("web", "0")]
    assert tags_of(web0) | {} == {
        "Name": f"{OWNER}-web-0",
        "CostCenter": "platform",
        "Role": "web",
        "FleetOwner": OWNER,
        "FleetSpec": "web",
        "FleetIndex": "0",
    }
    assert web0["InstanceType"] == "t3.micro" and web0["SubnetId"] == aws.subnets[0]
    worker = by_slot[("worker", "0")]
    assert worker["InstanceType"] == "t3.small" and worker["SubnetId"] == aws.subnets[1]
    assert first["fleet"]["worker"] == {
        "desired": 1,
        "instance_type": "t3.small",
        "instance_ids": [worker["InstanceId"]],
    }
    assert web0["ClientToken"] == client_token(OWNER, "web", 0, lambda_context.aws_request_id)

    second = provisioner.lambda_handler({}, lambda_context)
    assert second["status"] == "complete" and second["launched"] == []
    assert ids(aws.live_instances(FleetOwner=OWNER)) == ids(owned)
    assert second["fleet"]["web"]["instance_ids"] == first["fleet"]["web"]["instance_ids"]


def test_a_changed_fleet_launches_only_what_is_missing(
    provisioner: Any, aws: Aws, lambda_context: Any
) -> None:
    aws.put_fleet([aws.server("web", 1)])
    provisioner.lambda_handler({}, lambda_context)
    before = ids(aws.live_instances(FleetOwner=OWNER))
    aws.put_fleet([aws.server("web", 2), aws.server("cache", 1, instance_type="t3.nano")])
    report = provisioner.lambda_handler({}, lambda_context)
    assert [(x["spec"], x["index"]) for x in report["launched"]] == [("web", 1), ("cache", 0)]
    after = ids(aws.live_instances(FleetOwner=OWNER))
    assert before < after and len(after) == 3


def test_invalid_specs_launch_nothing_and_name_each_bad_entry(
    provisioner: Any, aws: Aws, lambda_context: Any
) -> None:
    aws.put_fleet(
        [
            aws.server("good", 1),
            aws.server("neg", -1),
            aws.server("odd", instance_type="gigantic"),
            aws.server("good", 1),
        ]
    )
    report = provisioner.lambda_handler({}, lambda_context)
    assert report["status"] == "rejected" and report["launched"] == []
    assert {(e["spec"], e["reason"].split(",")[0]) for e in report["errors"]} == {
        ("neg", "count must be between 0 and 100"),
        ("odd", "instance_type must look like <family>.<size>"),
        ("good", "duplicate name (spec names must be unique)"),
    }
    assert aws.live_instances() == []


def test_fleet_over_max_instances_is_rejected(
    provisioner: Any, aws: Aws, lambda_context: Any
) -> None:
    aws.put_fleet([aws.server("big", 11)])
    report = provisioner.lambda_handler({}, lambda_context)
    assert report["status"] == "rejected" and report["errors"][0]["spec"] == "<fleet>"
    assert aws.live_instances() == []


def test_a_failed_launch_is_reported_and_the_next_run_completes_the_fleet(
    provisioner: Any, aws: Aws, lambda_context: Any
) -> None:
    missing_subnet = "subnet-0123456789abcdef0"
    aws.put_fleet([aws.server("web", 1), aws.server("db", 1, subnet_id=missing_subnet)])
    with pytest.raises(FleetIncompleteError, match=r"db#0 \(InvalidSubnetID.NotFound"):
        provisioner.lambda_handler({}, lambda_context)
    assert {tags_of(i)["FleetSpec"] for i in aws.live_instances(FleetOwner=OWNER)} == {"web"}

    aws.put_fleet([aws.server("web", 1), aws.server("db", 1, subnet_id=aws.subnets[2])])
    report = provisioner.lambda_handler({}, lambda_context)
    assert report["status"] == "complete"
    assert [(x["spec"], x["index"]) for x in report["launched"]] == [("db", 0)]


def test_plan_action_launches_nothing(provisioner: Any, aws: Aws, lambda_context: Any) -> None:
    aws.put_fleet([aws.server("web", 2)])
    report = provisioner.lambda_handler({"action": "plan"}, lambda_context)
    assert report["status"] == "planned" and len(report["launched"]) == 2
    assert aws.live_instances() == []


def test_teardown_terminates_only_owned_instances(
    provisioner: Any, aws: Aws, lambda_context: Any
) -> None:
    aws.put_fleet([aws.server("web", 2), aws.server("db", 1)])
    provisioner.lambda_handler({}, lambda_context)
    other = aws.ec2.run_instances(
        ImageId=aws.image_id,
        InstanceType="t3.micro",
        MinCount=2,
        MaxCount=2,
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "FleetOwner", "Value": "someone-else"}]}
        ],
    )
    others = {i["InstanceId"] for i in other["Instances"]}

    only_db = provisioner.lambda_handler({"action": "teardown", "specs": ["db"]}, lambda_context)
    assert len(only_db["terminated"]) == 1
    assert {tags_of(i)["FleetSpec"] for i in aws.live_instances(FleetOwner=OWNER)} == {"web"}

    everything = provisioner.lambda_handler({"action": "teardown"}, lambda_context)
    assert len(everything["terminated"]) == 2
    assert aws.live_instances(FleetOwner=OWNER) == []
    assert ids(aws.live_instances()) == others


@pytest.mark.parametrize("event", [{"action": "explode"}, {"action": "teardown", "specs": "web"}])
def test_bad_events_are_rejected_without_touching_ec2(
    provisioner: Any, aws: Aws, lambda_context: Any, event: dict[str, Any]
) -> None:
    aws.put_fleet([aws.server("web", 1)])
    assert provisioner.lambda_handler(event, lambda_context)["status"] == "rejected"
    assert aws.live_instances() == []


def test_a_disallowed_instance_type_launches_nothing_and_is_named(
    load_handler: Any, aws: Aws, lambda_context: Any
) -> None:
    """ALLOWED_INSTANCE_TYPES (the module's allowed_launch.instance_types, also enforced by IAM
    with ec2:InstanceType) is checked against the whole document before any launch."""
    handler = load_handler(
        "fleet_provisioner.handler",
        FLEET_PARAMETER_NAME=PARAMETER,
        FLEET_OWNER=OWNER,
        ALLOWED_INSTANCE_TYPES='["t3.micro"]',
    )
    aws.put_fleet([aws.server("web", 1), aws.server("big", 1, instance_type="m5.24xlarge")])
    report = handler.lambda_handler({"action": "reconcile"}, lambda_context)
    assert report["status"] == "rejected" and report["launched"] == []
    assert report["errors"] == [
        {"spec": "big", "reason": "instance_type 'm5.24xlarge' is not allowed (allowed: t3.micro)"}
    ]
    assert aws.live_instances(FleetOwner=OWNER) == []
