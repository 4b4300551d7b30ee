"""moto EC2 + SSM with the default VPC, and builders of fleet documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

HANDLER = "fleet_provisioner.handler"
PARAMETER = "/unit/fleet"
OWNER = "unit-fleet"
# One of the AMIs moto ships (DescribeImages over all of them costs seconds per test).
MOTO_IMAGE_ID = "ami-03cf127a"


@dataclass
class Aws:
    ec2: Any
    ssm: Any
    image_id: str
    subnets: list[str]
    security_group: str

    def put_fleet(self, servers: list[dict[str, Any]]) -> None:
        self.ssm.put_parameter(
            Name=PARAMETER, Value=json.dumps({"servers": servers}), Type="String", Overwrite=True
        )

    def server(self, name: str, count: int = 1, **overrides: Any) -> dict[str, Any]:
        return {
            "name": name,
            "instance_type": "t3.micro",
            "image_id": self.image_id,
            "subnet_id": self.subnets[0],
            "security_group_ids": [self.security_group],
            "count": count,
        } | overrides

    def live_instances(self, **tag_filters: str) -> list[dict[str, Any]]:
        filters = [
            {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}
        ] + [{"Name": f"tag:{key}", "Values": [value]} for key, value in tag_filters.items()]
        pages = self.ec2.get_paginator("describe_instances").paginate(Filters=filters)
        return [i for page in pages for r in page["Reservations"] for i in r["Instances"]]


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        ec2 = boto3.client("ec2")
        subnets = sorted(
            s["SubnetId"]
            for s in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
                "Subnets"
            ]
        )
        group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]
        yield Aws(ec2, boto3.client("ssm"), MOTO_IMAGE_ID, subnets, group["GroupId"])


@pytest.fixture
def provisioner(load_handler: Any, aws: Aws) -> Any:
    return load_handler(
        HANDLER,
        FLEET_PARAMETER_NAME=PARAMETER,
        FLEET_OWNER=OWNER,
        MAX_INSTANCES="10",
        INSTANCE_TAGS=json.dumps({"CostCenter": "platform"}),
    )


def tags_of(instance: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in instance.get("Tags", [])}
