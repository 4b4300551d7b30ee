"""Human names for the resource an alarm watches, from its Name tag, where that is cheap.

Only EC2 instances (dimension InstanceId) are looked up: one DescribeInstances call per
notification. A failed lookup never blocks the notification, which then shows the ID alone.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from alarm_notifier.alarms import Metric


def resource_name(ec2: Any, metric: Metric | None) -> str | None:
    if metric is None or "InstanceId" not in metric.dimensions:
        return None
    instance_id = metric.dimensions["InstanceId"]
    try:
        reply = ec2.describe_instances(InstanceIds=[instance_id])
    except (ClientError, BotoCoreError):
        return None
    for reservation in reply.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            for tag in instance.get("Tags", []):
                if tag.get("Key") == "Name" and tag.get("Value"):
                    return str(tag["Value"])
    return None
