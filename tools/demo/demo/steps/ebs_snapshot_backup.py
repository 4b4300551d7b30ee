"""Creates a few volumes, runs the backup twice in one window and once past retention, and
prints per-region tables of volumes and the snapshots taken and pruned."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from demo import console

DEFAULT_REGIONS = ["us-east-1", "us-west-2"]


def _invoke(function_name: str, moment: datetime) -> dict[str, Any]:
    client = boto3.client("lambda", config=Config(read_timeout=900))
    event = {
        "source": "aws.events",
        "detail-type": "Scheduled Event",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    reply = client.invoke(FunctionName=function_name, Payload=json.dumps(event).encode())
    body: dict[str, Any] = json.loads(reply["Payload"].read())
    return body


def _summary_table(title: str, summary: dict[str, Any]) -> None:
    console.step(f"{title}: window {summary.get('window')}")
    regions = summary.get("regions") or {}
    if not regions:  # a failed run returns the error instead
        console.block(summary)
        return
    console.table(
        ["region", "volumes", "created", "already done", "copied", "pruned", "failed"],
        [
            [
                r,
                s["volumes"],
                s["created"],
                s["already_done"],
                s["copied"],
                s["pruned"],
                s["failed"],
            ]
            for r, s in regions.items()
            if s["volumes"] or s["created"] or s["pruned"] or s["copied"] or s["failed"]
        ],
    )


def run(outputs: dict[str, Any]) -> None:
    regions = (outputs.get("regions") or DEFAULT_REGIONS)[:2]
    tag_key, name = outputs["managed_tag_key"], outputs["managed_tag_value"]
    stamp = secrets.token_hex(2)
    created: dict[str, list[str]] = {}
    for region in regions:
        ec2 = boto3.client("ec2", region_name=region)
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instance = ec2.run_instances(
            ImageId=image, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": f"{region}a"}
        )
        instance_id = instance["Instances"][0]["InstanceId"]
        volumes = []
        for label in ("data", "scratch"):
            tags = [{"Key": "Name", "Value": f"demo-{stamp}-{label}"}]
            volume = ec2.create_volume(
                AvailabilityZone=f"{region}a",
                Size=1,
                TagSpecifications=[{"ResourceType": "volume", "Tags": tags}],
            )
            volumes.append(volume["VolumeId"])
        ec2.attach_volume(VolumeId=volumes[0], InstanceId=instance_id, Device="/dev/sdf")
        created[region] = volumes
        console.step(f"{region}: instance {instance_id}, attached {volumes[0]}, idle {volumes[1]}")

    now = datetime.now(UTC)
    fn = outputs["function_name"]
    _summary_table("run 1 (now)", _invoke(fn, now))
    _summary_table(
        "run 2 (an hour later, same window: nothing new)", _invoke(fn, now + timedelta(hours=1))
    )
    _summary_table(
        "run 3 (40 days later: expired snapshots pruned)", _invoke(fn, now + timedelta(days=40))
    )

    for region, volumes in created.items():
        ec2 = boto3.client("ec2", region_name=region)
        snaps = ec2.describe_snapshots(
            OwnerIds=["self"], Filters=[{"Name": f"tag:{tag_key}", "Values": [name]}]
        )
        rows = []
        for volume_id in volumes:
            mine = [s for s in snaps["Snapshots"] if s["VolumeId"] == volume_id]
            windows = sorted(
                {
                    t["Value"]
                    for s in mine
                    for t in s.get("Tags", [])
                    if t["Key"] == "ebs-backup:window"
                }
            )
            rows.append(
                [
                    volume_id,
                    "in-use" if volume_id == volumes[0] else "available",
                    len(mine),
                    ", ".join(windows) or "-",
                ]
            )
        console.step(f"{region}: the demo volumes and their managed snapshots now")
        console.table(["volume", "state", "snapshots", "windows"], rows)
