"""Reconcile and teardown against EC2: the only module here that talks to AWS.

Ownership is a tag: every instance (and its volumes) is launched with `<owner tag key> = owner`,
and the provisioner only ever looks at, counts and terminates instances carrying it. Idempotency
comes first from that lookup (a second run finds every slot filled and launches nothing) and,
for a retried run racing DescribeInstances' eventual consistency, from the deterministic
ClientToken of plan.client_token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from fleet_provisioner.config import Config
from fleet_provisioner.plan import (
    LIVE_STATES,
    FleetPlan,
    OwnedInstance,
    Slot,
    client_token,
    parse_index,
    plan_fleet,
)
from fleet_provisioner.spec import ParsedFleet

TERMINATE_BATCH = 1000


class FleetIncompleteError(RuntimeError):
    """Some launches failed; the others went ahead. The next run launches what is still missing."""


@dataclass
class LaunchFailure:
    spec: str
    index: int
    code: str
    message: str


@dataclass
class ReconcileReport:
    status: str
    launched: list[dict[str, Any]] = field(default_factory=list)
    failures: list[LaunchFailure] = field(default_factory=list)
    fleet: dict[str, dict[str, Any]] = field(default_factory=dict)
    surplus: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": "reconcile",
            "status": self.status,
            "launched": self.launched,
            "failures": [vars(failure) for failure in self.failures],
            "fleet": self.fleet,
            "surplus": self.surplus,
            "drifted": self.drifted,
            "errors": self.errors,
        }


def describe_owned(ec2: Any, config: Config, specs: Sequence[str] = ()) -> list[OwnedInstance]:
    filters = [
        {"Name": f"tag:{config.owner_tag_key}", "Values": [config.owner]},
        {"Name": "instance-state-name", "Values": list(LIVE_STATES)},
    ]
    if specs:
        filters.append({"Name": f"tag:{config.spec_tag_key}", "Values": list(specs)})
    owned: list[OwnedInstance] = []
    for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {tag["Key"]: tag["Value"] for tag in instance.get("Tags", [])}
                # A filter is a request, not a guarantee: check the owner tag ourselves.
                if tags.get(config.owner_tag_key) != config.owner:
                    continue
                owned.append(
                    OwnedInstance(
                        instance_id=instance["InstanceId"],
                        spec=tags.get(config.spec_tag_key),
                        index=parse_index(tags.get(config.index_tag_key)),
                        state=instance["State"]["Name"],
                        instance_type=instance["InstanceType"],
                    )
                )
    return owned


def plan(ec2: Any, config: Config, fleet: ParsedFleet) -> FleetPlan:
    return plan_fleet(fleet.servers, describe_owned(ec2, config))


def reconcile(
    ec2: Any, config: Config, fleet: ParsedFleet, run_id: str, dry_run: bool = False
) -> ReconcileReport:
    if fleet.errors:
        return ReconcileReport("rejected", errors=[error.as_dict() for error in fleet.errors])
    fleet_plan = plan(ec2, config, fleet)
    report = ReconcileReport(
        "planned" if dry_run else "complete",
        surplus=[i.instance_id for i in fleet_plan.surplus],
        drifted=[i.instance_id for i in fleet_plan.drifted],
    )
    instances: dict[tuple[str, int], str] = {
        slot: instance.instance_id for slot, instance in fleet_plan.filled.items()
    }
    for slot in fleet_plan.launches:
        if dry_run:
            report.launched.append({"spec": slot.spec.name, "index": slot.index})
            continue
        try:
            instance_id = launch(ec2, config, slot, run_id)
        except ClientError as error:
            details = error.response.get("Error", {})
            report.failures.append(
                LaunchFailure(
                    slot.spec.name,
                    slot.index,
                    str(details.get("Code", "Unknown")),
                    str(details.get("Message", error)),
                )
            )
            continue
        instances[(slot.spec.name, slot.index)] = instance_id
        report.launched.append(
            {"spec": slot.spec.name, "index": slot.index, "instance_id": instance_id}
        )
    for server in fleet.servers:
        ids = [instances.get((server.name, index)) for index in range(server.count)]
        report.fleet[server.name] = {
            "desired": server.count,
            "instance_type": server.instance_type,
            "instance_ids": [instance_id for instance_id in ids if instance_id],
        }
    if report.failures:
        report.status = "incomplete"
    return report


def instance_tags(config: Config, slot: Slot) -> dict[str, str]:
    tags = {"Name": f"{config.owner}-{slot.spec.name}-{slot.index}"}
    tags.update(config.instance_tags)
    tags.update(slot.spec.tags)
    tags.update(
        {
            config.owner_tag_key: config.owner,
            config.spec_tag_key: slot.spec.name,
            config.index_tag_key: str(slot.index),
        }
    )
    return tags


def launch(ec2: Any, config: Config, slot: Slot, run_id: str) -> str:
    tags = [{"Key": key, "Value": value} for key, value in instance_tags(config, slot).items()]
    reply = ec2.run_instances(
        ImageId=slot.spec.image_id,
        InstanceType=slot.spec.instance_type,
        SubnetId=slot.spec.subnet_id,
        SecurityGroupIds=list(slot.spec.security_group_ids),
        MinCount=1,
        MaxCount=1,
        ClientToken=client_token(config.owner, slot.spec.name, slot.index, run_id),
        # The owner tag must be on the instance AND its volumes in the request itself: the
        # role's RunInstances permission is conditioned on aws:RequestTag for both.
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": tags},
            {"ResourceType": "volume", "Tags": tags},
        ],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
    )
    return str(reply["Instances"][0]["InstanceId"])


def teardown(ec2: Any, config: Config, specs: Sequence[str] = ()) -> dict[str, Any]:
    owned = describe_owned(ec2, config, specs)
    ids = sorted(instance.instance_id for instance in owned)
    for start in range(0, len(ids), TERMINATE_BATCH):
        ec2.terminate_instances(InstanceIds=ids[start : start + TERMINATE_BATCH])
    return {"action": "teardown", "status": "complete", "terminated": ids, "specs": list(specs)}
