"""moto EC2 in two regions and helpers to load the scheduler handler with a configuration."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lbp_testing.moto_images import MOTO_AMI

HANDLER = "ec2_scheduler.handler"
TAG_KEY = "Schedule"
REGIONS = ["eu-west-1", "us-east-1"]
SCHEDULES: dict[str, Any] = {
    "office-hours": {
        "time_zone": "Europe/Berlin",
        "periods": [
            {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "begin": "08:00", "end": "19:00"}
        ],
    },
    "ny-nights": {
        "time_zone": "America/New_York",
        "periods": [
            {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "begin": "22:00", "end": "06:00"}
        ],
    },
}


def scheduled_event(time: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time,
        "region": "eu-west-1",
        "resources": ["arn:aws:events:eu-west-1:123456789012:rule/ec2-scheduler"],
        "detail": {},
    }


class Fleet:
    """Instances in moto, by region."""

    def client(self, region: str) -> Any:
        return boto3.client("ec2", region_name=region)

    def launch(self, region: str, schedule: str | None = None, stopped: bool = False) -> str:
        ec2 = self.client(region)
        tags = [{"Key": TAG_KEY, "Value": schedule}] if schedule is not None else []
        tags.append({"Key": "Name", "Value": f"unit-{schedule}"})
        reply = ec2.run_instances(
            ImageId=MOTO_AMI,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
        )
        instance_id: str = reply["Instances"][0]["InstanceId"]
        if stopped:
            ec2.stop_instances(InstanceIds=[instance_id])
        return instance_id

    def state(self, region: str, instance_id: str) -> str:
        reply = self.client(region).describe_instances(InstanceIds=[instance_id])
        state: str = reply["Reservations"][0]["Instances"][0]["State"]["Name"]
        return state


@pytest.fixture
def fleet() -> Iterator[Fleet]:
    with mock_aws():
        yield Fleet()


@pytest.fixture
def scheduler(load_handler: Any, fleet: Fleet) -> Callable[..., Any]:
    """scheduler(enforced=, dry_run=, schedules=, instances=): a cold-started handler."""

    def load(
        enforced: bool = False,
        dry_run: bool = False,
        schedules: dict[str, Any] | None = None,
        instances: dict[str, Any] | None = None,
    ) -> Any:
        document = {
            "tag_key": TAG_KEY,
            "regions": REGIONS,
            "schedules": SCHEDULES if schedules is None else schedules,
            "instances": instances or {},
        }
        module = load_handler(
            HANDLER,
            SCHEDULER_CONFIG=json.dumps(document),
            ENFORCED=str(enforced).lower(),
            DRY_RUN=str(dry_run).lower(),
            RUN_INTERVAL_MINUTES="5",
        )
        module.ec2_client.cache_clear()
        return module

    return load
