"""Scenario 8 end to end: the real root stack, the real handler, EC2 in the target account, and
every run made by the deployed rules firing on the local AWS's clock — no hand-written event.

The provisioner is set up as a working-hours fleet: reconcile every 30 minutes from 07:00 to
18:30 UTC on weekdays, teardown at 19:00. The tests share one deployed provisioner and run in
file order from Monday 2 June 2031: create the fleet (two runs), reject a bad document, grow the
fleet, leave it partially launched after a failed launch and see the next scheduled run complete
it, tear down only what it owns at 19:00 and relaunch nothing before Tuesday 07:00, then reject
an instance type outside the allowed list at 07:30. Each step sets the clock a minute before a
firing and advances across it; the rule's input carries no time, so a run is told from a Lambda
retry of an earlier one by its request id in the function's log.

On a target without a controllable clock (a real account), these tests cannot move time: they
skip with "target has no controllable clock". On this project's local AWS a missing clock fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from lbp_testing.clock import MINISTACK_HAS_NO_CLOCK, ScheduleClock, fired_at
from lbp_testing.logs import Record, request_ids, wait_for_new_run, wait_for_retry
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

pytestmark = [
    pytest.mark.emulator_difference(ministack=MINISTACK_HAS_NO_CLOCK),
]

LIVE = ["pending", "running", "stopping", "stopped"]
RECONCILE = "cron(0/30 7-18 ? * MON-FRI *)"
TEARDOWN = "cron(0 19 ? * MON-FRI *)"
MONDAY = datetime(2031, 6, 2, tzinfo=UTC)
MISSING_SUBNET = "subnet-0f0f0f0f0f0f0f0f0"
RECONCILED = {"fleet reconciled", "fleet rejected, nothing launched"}


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
def fleet(
    deploy_stack: DeployStack, network: dict[str, Any], schedule_clock: ScheduleClock
) -> Iterator[dict[str, Any]]:
    servers = [
        server(network, "web", 2),
        server(network, "worker", 1, instance_type="t3.small", subnet_id=network["subnets"][1]),
    ]
    stack = deploy_stack(
        ["fleet_provisioner"],
        fleet_provisioner={
            "servers": servers,
            "schedule_expression": RECONCILE,
            "teardown_schedule_expression": TEARDOWN,
            # Operators may later ask for t3.nano too; nothing larger (ec2:InstanceType).
            "allowed_launch": {"instance_types": ["t3.micro", "t3.small", "t3.nano"]},
        },
    )
    outputs: dict[str, Any] = stack.outputs["fleet_provisioner"]
    outputs["seen_runs"] = request_ids(outputs["log_group_name"])
    yield outputs
    # Later clock tests must not fire these rules; instances are launched by the function, not
    # Terraform: terminate what it owns (a cleanup, not a path under test).
    for rule in outputs["schedule_rule_names"].values():
        boto3.client("events").disable_rule(Name=rule)
    boto3.client("lambda").invoke(
        FunctionName=outputs["function_name"], Payload=json.dumps({"action": "teardown"}).encode()
    )


def fire(
    clock: ScheduleClock, fleet: dict[str, Any], at: datetime, action: str = "reconcile"
) -> Record:
    """Sets the clock a minute before `at`, advances across it: exactly the `action` rule fires
    at `at`; returns the run's log record."""
    rules = fleet["schedule_rule_names"]
    clock.set(at - timedelta(minutes=1))
    firings = clock.advance(to=at + timedelta(minutes=1), of=rules.values())
    assert fired_at(firings, rules[action]) == [at]
    assert fired_at(firings) == [at], firings  # and no other rule of ours
    messages = RECONCILED if action == "reconcile" else {"teardown"}
    return wait_for_new_run(fleet["log_group_name"], messages, fleet["seen_runs"])


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
    expressions = {"reconcile": RECONCILE, "teardown": TEARDOWN}
    for action, rule in fleet["schedule_rule_names"].items():
        described = events.describe_rule(Name=rule)
        assert (described["ScheduleExpression"], described["State"]) == (
            expressions[action],
            "ENABLED",
        )
        [target] = events.list_targets_by_rule(Rule=rule)["Targets"]
        assert target["Arn"] == function_arn
        assert json.loads(target["Input"])["action"] == action
    assert set(fleet["schedule_rule_names"]) == {"reconcile", "teardown"}


def test_two_scheduled_runs_create_exactly_the_desired_fleet(
    fleet: dict[str, Any], schedule_clock: ScheduleClock
) -> None:
    first = fire(schedule_clock, fleet, MONDAY.replace(hour=8))
    assert first["message"] == "fleet reconciled" and first["status"] == "complete", first
    assert len(first["launched"]) == 3

    second = fire(schedule_clock, fleet, MONDAY.replace(hour=8, minute=30))
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
    fleet: dict[str, Any], network: dict[str, Any], schedule_clock: ScheduleClock
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
    report = fire(schedule_clock, fleet, MONDAY.replace(hour=9))
    assert report["message"] == "fleet rejected, nothing launched"
    assert {e["spec"] for e in report["errors"]} == {"db", "gpu"}
    assert set(owned(fleet)) == before


def test_a_changed_fleet_gets_only_the_missing_instances(
    fleet: dict[str, Any], network: dict[str, Any], schedule_clock: ScheduleClock
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
    report = fire(schedule_clock, fleet, MONDAY.replace(hour=9, minute=30))
    assert report["status"] == "complete"
    assert sorted((x["spec"], x["index"]) for x in report["launched"]) == [("cache", 0), ("web", 2)]
    after = owned(fleet)
    assert before < set(after) and len(after) == 5
    assert slots(after)[("web", "2")] == 1 and slots(after)[("cache", "0")] == 1


def test_a_failed_launch_leaves_the_fleet_partial_and_the_next_scheduled_run_completes_it(
    fleet: dict[str, Any], network: dict[str, Any], schedule_clock: ScheduleClock
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
    failed = fire(schedule_clock, fleet, MONDAY.replace(hour=10))
    assert failed["status"] != "complete"
    [failure] = failed["failures"]
    assert (failure["spec"], failure["index"]) == ("db", 0)
    # The subnet is outside what the role may launch into (allowed_launch = the fleet's subnets):
    # with IAM enforced (AWS, the local AWS by default) the launch is refused before EC2 looks
    # the subnet up; a target that authorizes everything answers that it does not exist.
    assert failure["code"] in {"UnauthorizedOperation", "InvalidSubnetID.NotFound"}, failure
    assert slots(owned(fleet))[("queue", "0")] == 1  # the other launch went ahead
    assert slots(owned(fleet))[("db", "0")] == 0

    # The failed run raised, so Lambda retries it (same request id, same ClientTokens): it
    # fails the same way and launches nothing twice. Waited for here, or it could land after
    # the fixed document's run — or after the teardown — and launch again.
    retry = wait_for_retry(fleet["log_group_name"], RECONCILED, failed["function_request_id"])
    assert retry["launched"] == [] and [f["spec"] for f in retry["failures"]] == ["db"]
    assert slots(owned(fleet))[("queue", "0")] == 1

    put_fleet(fleet, [*base, server(network, "db", 1), server(network, "queue", 1)])
    report = fire(schedule_clock, fleet, MONDAY.replace(hour=10, minute=30))
    assert report["status"] == "complete"
    assert [(x["spec"], x["index"]) for x in report["launched"]] == [("db", 0)]
    assert len(owned(fleet)) == 7


def test_the_teardown_rule_terminates_only_owned_instances_and_nothing_relaunches_overnight(
    fleet: dict[str, Any], network: dict[str, Any], schedule_clock: ScheduleClock
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
        report = fire(schedule_clock, fleet, MONDAY.replace(hour=19), action="teardown")
        assert set(report["terminated"]) == owned_ids and len(owned_ids) == 7
        eventually(lambda: owned(fleet), accept=lambda found: not found, timeout=30,
                   what="owned instances to terminate")  # fmt: skip
        survivors = live_instances()
        assert {untagged, foreign} <= set(survivors)

        # Working hours are over: no rule of ours fires until 07:00 the next morning.
        rules = fleet["schedule_rule_names"].values()
        tuesday = MONDAY + timedelta(days=1)
        assert schedule_clock.advance(to=tuesday.replace(hour=6, minute=59), of=rules) == []
        morning = schedule_clock.advance(to=tuesday.replace(hour=7, minute=1), of=rules)
        assert fired_at(morning) == [tuesday.replace(hour=7)]
        relaunched = wait_for_new_run(fleet["log_group_name"], RECONCILED, fleet["seen_runs"])
        assert len(relaunched["launched"]) == 7
    finally:
        ec2.terminate_instances(InstanceIds=[untagged, foreign])


def test_an_instance_type_outside_the_allowed_list_is_rejected_by_name(
    fleet: dict[str, Any], network: dict[str, Any], schedule_clock: ScheduleClock
) -> None:
    """The document is operator-editable; the role may launch only the allowed types (IAM's
    ec2:InstanceType condition), and the next scheduled run refuses the whole document first,
    naming the entry, instead of failing launch by launch."""
    before = set(owned(fleet))
    put_fleet(
        fleet,
        [server(network, "web", 3), server(network, "gpu", 1, instance_type="p5.48xlarge")],
    )
    tuesday = MONDAY + timedelta(days=1)
    report = fire(schedule_clock, fleet, tuesday.replace(hour=7, minute=30))
    assert report["message"] == "fleet rejected, nothing launched"
    assert {
        "spec": "gpu",
        "reason": "instance_type 'p5.48xlarge' is not allowed "
        "(allowed: t3.micro, t3.nano, t3.small)",
    } in report["errors"]
    assert set(owned(fleet)) == before
