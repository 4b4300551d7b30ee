"""One scheduled run: for each region, snapshot the selected volumes (once per window), prune
expired managed snapshots, copy new ones to the copy region. A failure in one region or on one
volume is recorded and the run goes on."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ebs_snapshot_backup import tags as t
from ebs_snapshot_backup.config import Config
from ebs_snapshot_backup.retention import ManagedSnapshot, expired
from ebs_snapshot_backup.selection import select
from ebs_snapshot_backup.windows import format_time, window_key

Ec2For = Callable[[str], Any]
Log = Callable[..., None]
AWS_ERRORS = (ClientError, BotoCoreError)
MAX_ERRORS_KEPT = 20


@dataclass
class RegionSummary:
    volumes: int = 0
    created: int = 0
    already_done: int = 0
    copied: int = 0
    pruned: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def fail(self, what: str, error: Exception) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(f"{what}: {error}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "volumes": self.volumes,
            "created": self.created,
            "already_done": self.already_done,
            "copied": self.copied,
            "pruned": self.pruned,
            "failed": self.failed,
            "errors": list(self.errors),
        }


@dataclass
class RunSummary:
    name: str
    now: datetime
    window: str
    regions: dict[str, RegionSummary] = field(default_factory=dict)

    def region(self, name: str) -> RegionSummary:
        return self.regions.setdefault(name, RegionSummary())

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.regions.values())

    def as_dict(self) -> dict[str, Any]:
        totals = {
            key: sum(getattr(r, key) for r in self.regions.values())
            for key in ("volumes", "created", "already_done", "copied", "pruned", "failed")
        }
        return {
            "name": self.name,
            "now": format_time(self.now),
            "window": self.window,
            "regions": {name: r.as_dict() for name, r in sorted(self.regions.items())},
            "totals": totals,
        }


def enabled_regions(ec2: Any, home_region: str) -> list[str]:
    """Enabled regions of the home region's partition (an emulator may list other partitions)."""
    reply = ec2.describe_regions(
        Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
    )
    partition_of = _partition_of()
    home = partition_of(home_region)
    return sorted(
        region["RegionName"]
        for region in reply["Regions"]
        if partition_of(region["RegionName"]) == home
    )


@cache
def _partition_of() -> Callable[[str], str]:
    """A region's partition, from botocore's endpoint data. One session per execution
    environment: a new Session reads that data again (≈ 30 ms on every run)."""
    partition_of: Callable[[str], str] = boto3.session.Session().get_partition_for_region
    return partition_of


def managed_snapshots(ec2: Any, region: str, name: str) -> list[ManagedSnapshot]:
    """Snapshots this deployment created in the region (its managed-by tag, owned by self)."""
    found: list[ManagedSnapshot] = []
    paginator = ec2.get_paginator("describe_snapshots")
    pages = paginator.paginate(
        OwnerIds=["self"], Filters=[{"Name": f"tag:{t.MANAGED_BY}", "Values": [name]}]
    )
    for page in pages:
        for snapshot in page["Snapshots"]:
            if t.tag_map(snapshot.get("Tags")).get(t.MANAGED_BY) == name:
                found.append(ManagedSnapshot.from_description(snapshot, region))
    return found


def volumes(ec2: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in ec2.get_paginator("describe_volumes").paginate():
        found.extend(page["Volumes"])
    return found


def run_backup(
    config: Config, now: datetime, ec2_for: Ec2For, home_region: str, log: Log
) -> RunSummary:
    run = _Run(
        config, now, ec2_for, log, RunSummary(config.name, now, window_key(now, config.window))
    )
    summary = run.summary
    if config.regions:
        regions = list(config.regions)
    else:
        try:
            regions = enabled_regions(ec2_for(home_region), home_region)
        except AWS_ERRORS as error:
            summary.region(home_region).fail("describe_regions", error)
            return summary
    for region in regions:
        try:
            run.backup_region(region)
        except AWS_ERRORS as error:
            log("region failed", region=region, error=str(error))
            summary.region(region).fail(f"region {region}", error)
    if config.copy_region and config.copy_region not in regions:
        target = config.copy_region
        try:
            run.prune(target)
        except AWS_ERRORS as error:
            log("region failed", region=target, error=str(error))
            summary.region(target).fail(f"prune copies in {target}", error)
    return summary


@dataclass
class _Run:
    config: Config
    now: datetime
    ec2_for: Ec2For
    log: Log
    summary: RunSummary

    def backup_region(self, region: str) -> None:
        config, window = self.config, self.summary.window
        ec2 = self.ec2_for(region)
        result = self.summary.region(region)
        existing = managed_snapshots(ec2, region, config.name)
        done = {(s.volume_id, s.window) for s in existing if s.kind == t.KIND_SNAPSHOT}
        created: list[str] = []
        for volume in volumes(ec2):
            chosen, reason = select(volume, config.selection)
            if not chosen:
                continue
            result.volumes += 1
            volume_id = volume["VolumeId"]
            if (volume_id, window) in done:
                result.already_done += 1
                continue
            try:
                snapshot_id = self.snapshot(region, volume)
            except AWS_ERRORS as error:
                self.log("snapshot failed", region=region, volume_id=volume_id, error=str(error))
                result.fail(f"snapshot of {volume_id}", error)
                continue
            created.append(snapshot_id)
            result.created += 1
            self.log(
                "snapshot created",
                region=region,
                volume_id=volume_id,
                reason=reason,
                snapshot_id=snapshot_id,
            )
        self.prune(region, existing)
        if config.copy_region:
            self.copy(region, created)

    def snapshot(self, region: str, volume: dict[str, Any]) -> str:
        config, window = self.config, self.summary.window
        volume_id = volume["VolumeId"]
        volume_tags = t.tag_map(volume.get("Tags"))
        managed = {
            t.MANAGED_BY: config.name,
            t.KIND: t.KIND_SNAPSHOT,
            t.SOURCE_VOLUME: volume_id,
            t.SOURCE_REGION: region,
            t.WINDOW: window,
            **config.retention.managed_tags(self.now),
        }
        tags = t.snapshot_tags(volume_tags, managed, config.snapshot_tags, config.copy_volume_tags)
        label = f" ({volume_tags['Name']})" if "Name" in volume_tags else ""
        reply = self.ec2_for(region).create_snapshot(
            VolumeId=volume_id,
            Description=f"{config.name}: backup of {volume_id}{label}, window {window}"[:255],
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": t.tag_list(tags)}],
        )
        return str(reply["SnapshotId"])

    def prune(self, region: str, known: list[ManagedSnapshot] | None = None) -> None:
        ec2, result = self.ec2_for(region), self.summary.region(region)
        # Re-read: snapshots created by this run count for count-based retention.
        if known is None or self.config.retention.count is not None:
            known = managed_snapshots(ec2, region, self.config.name)
        for snapshot in expired(known, self.config.retention, self.now):
            try:
                ec2.delete_snapshot(SnapshotId=snapshot.snapshot_id)
            except AWS_ERRORS as error:
                self.log(
                    "prune failed",
                    region=region,
                    snapshot_id=snapshot.snapshot_id,
                    error=str(error),
                )
                result.fail(f"delete {snapshot.snapshot_id}", error)
                continue
            result.pruned += 1
            self.log(
                "snapshot pruned",
                region=region,
                snapshot_id=snapshot.snapshot_id,
                volume_id=snapshot.volume_id,
                kind=snapshot.kind,
                window=snapshot.window,
            )

    def copy(self, region: str, created: list[str]) -> None:
        """Copies every live managed snapshot of this region that has no copy yet, so a copy
        that failed (or was not ready) in an earlier run is made by a later one."""
        config, result = self.config, self.summary.region(region)
        assert config.copy_region is not None
        ec2, target_ec2 = self.ec2_for(region), self.ec2_for(config.copy_region)
        _wait_for_completion(ec2, created, config.copy_wait.total_seconds())
        sources = [
            s
            for s in managed_snapshots(ec2, region, config.name)
            if s.kind == t.KIND_SNAPSHOT and not expired([s], config.retention, self.now)
        ]
        copied = {
            s.copy_of
            for s in managed_snapshots(target_ec2, config.copy_region, config.name)
            if s.kind == t.KIND_COPY
        }
        for source in sources:
            if source.snapshot_id in copied:
                continue
            if source.state != "completed":
                self.log(
                    "copy deferred: snapshot not completed",
                    region=region,
                    snapshot_id=source.snapshot_id,
                    state=source.state,
                )
                continue
            try:
                copy_id = self.copy_one(region, target_ec2, source)
            except AWS_ERRORS as error:
                self.log(
                    "copy failed", region=region, snapshot_id=source.snapshot_id, error=str(error)
                )
                result.fail(f"copy of {source.snapshot_id}", error)
                continue
            result.copied += 1
            self.log(
                "snapshot copied",
                region=region,
                snapshot_id=source.snapshot_id,
                copy_region=config.copy_region,
                copy_id=copy_id,
            )

    def copy_one(self, region: str, target_ec2: Any, source: ManagedSnapshot) -> str:
        config = self.config
        managed = {
            t.MANAGED_BY: config.name,
            t.KIND: t.KIND_COPY,
            t.SOURCE_VOLUME: source.volume_id,
            t.SOURCE_REGION: region,
            t.WINDOW: source.window,
            t.COPY_OF: source.snapshot_id,
            **config.retention.managed_tags(self.now),
        }
        if source.expires_at is not None:
            # The copy expires with its source, whatever day it was made.
            managed[t.EXPIRES_AT] = format_time(source.expires_at)
        reply = target_ec2.copy_snapshot(
            SourceRegion=region,
            SourceSnapshotId=source.snapshot_id,
            Description=f"{config.name}: copy of {source.snapshot_id} from {region}, "
            f"window {source.window}"[:255],
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": t.tag_list(managed)}],
        )
        return str(reply["SnapshotId"])


def _wait_for_completion(ec2: Any, snapshot_ids: list[str], budget_seconds: float) -> None:
    deadline = time.monotonic() + budget_seconds
    pending = list(snapshot_ids)
    while pending and time.monotonic() < deadline:
        reply = ec2.describe_snapshots(SnapshotIds=pending)
        pending = [s["SnapshotId"] for s in reply["Snapshots"] if s["State"] == "pending"]
        if pending:
            time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
