"""Launches instances tagged with a schedule and replays two moments: office hours end, begin."""

from __future__ import annotations

import json
from typing import Any

import boto3

from demo import console
from scenario_client.polling import eventually

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
# Wednesday 19:02 and Thursday 08:03 in Berlin (UTC+2 in May).
MOMENTS = [("2024-05-08T17:02:00Z", "Wed 19:02 Berlin"), ("2024-05-09T06:03:00Z", "Thu 08:03")]


def _states(ec2: Any, ids: list[str]) -> dict[str, str]:
    reply = ec2.describe_instances(InstanceIds=ids)
    return {
        i["InstanceId"]: i["State"]["Name"] for r in reply["Reservations"] for i in r["Instances"]
    }


def run(outputs: dict[str, Any]) -> None:
    region, tag_key = outputs["regions"][0], outputs["tag_key"]
    schedule = outputs["schedule_names"][0]
    ec2 = boto3.client("ec2", region_name=region)
    image = boto3.client("ssm", region_name=region).get_parameter(Name=AMI_PARAMETER)
    labels = {}
    for label, tags in [
        (f"{tag_key}={schedule}", [{"Key": tag_key, "Value": schedule}]),
        (f"{tag_key}={schedule}", [{"Key": tag_key, "Value": schedule}]),
        ("untagged", []),
    ]:
        reply = ec2.run_instances(
            ImageId=image["Parameter"]["Value"],
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "lbp-demo"}, *tags]}
            ],
        )
        labels[reply["Instances"][0]["InstanceId"]] = label
    ids = list(labels)
    try:
        eventually(
            lambda: _states(ec2, ids),
            accept=lambda s: set(s.values()) == {"running"},
            timeout=300,
            interval=1,
            what="the demo instances to run",
        )
        console.step(f"launched {len(ids)} instances in {region}")
        for moment, description in MOMENTS:
            event = {"detail-type": "Scheduled Event", "source": "aws.events", "time": moment}
            reply = boto3.client("lambda").invoke(
                FunctionName=outputs["function_name"], Payload=json.dumps(event).encode()
            )
            summary = json.loads(reply["Payload"].read())
            console.step(f"scheduler replayed at {moment} ({description})")
            console.block({k: summary[k] for k in ("started", "stopped", "unchanged", "errors")})
            states = eventually(
                lambda: _states(ec2, ids),
                accept=lambda s: not {"pending", "stopping"} & set(s.values()),
                timeout=120,
                interval=1,
                what="the instances to settle",
            )
            console.table(["instance", "tag", "state"], [[i, labels[i], states[i]] for i in ids])
    finally:
        ec2.terminate_instances(InstanceIds=ids)
        console.step("terminated the demo instances")
