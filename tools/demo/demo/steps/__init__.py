"""One demo step per scenario, run when the root stack's output for it is present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demo.steps import (
    alarm_notifier,
    ebs_snapshot_backup,
    ec2_scheduler,
    fleet_provisioner,
    hello,
    image_renditions,
    json_to_csv,
    s3_object_index,
    scheduled_message,
)

Step = Callable[[dict[str, Any]], None]

# root-stack output name -> the step that exercises that scenario, in the README's order
STEPS: dict[str, tuple[str, Step]] = {
    "hello": ("Smoke test: the local runtime, the shared layer, logs", hello.run),
    "ec2_scheduler": (
        "Scenario 1: EC2 instances stopped and started on a time-zone schedule",
        ec2_scheduler.run,
    ),
    "s3_object_index": ("Scenario 2: S3 object events indexed into DynamoDB", s3_object_index.run),
    "ebs_snapshot_backup": (
        "Scenario 3: EBS snapshots across regions, once per window, pruned after retention",
        ebs_snapshot_backup.run,
    ),
    "image_renditions": (
        "Scenario 4: image renditions on upload, chained report step",
        image_renditions.run,
    ),
    "json_to_csv": (
        "Scenario 5: JSON in S3 and Kinesis records converted to CSV, bad records quarantined",
        json_to_csv.run,
    ),
    "alarm_notifier": (
        "Scenario 6: a forced CloudWatch alarm turned into a notification",
        alarm_notifier.run,
    ),
    "scheduled_message": (
        "Scenario 7: one day of birthday emails replayed (twice, sent once)",
        scheduled_message.run,
    ),
    "fleet_provisioner": (
        "Scenario 8: a desired EC2 fleet created once; a second run creates nothing",
        fleet_provisioner.run,
    ),
}
