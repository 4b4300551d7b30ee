"""The run against moto's EC2: selection, idempotence, retention, copies, error isolation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from ebs_snapshot_backup import backup
from ebs_snapshot_backup import tags as t
from ebs_snapshot_backup.backup import run_backup
from ebs_snapshot_backup.config import Config, Selection
from ebs_snapshot_backup.retention import Retention
from lbp_testing.moto_images import MOTO_AMI

REGIONS = ("eu-west-1", "us-east-1")
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


DENIED = {"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}


class Clients:
    def __init__(self) -> None:
        self.cache: dict[str, Any] = {}
        self.broken: set[str] = set()
        self.denied_volumes: set[str] = set()  # CreateSnapshot of these fails

    def __call__(self, region: str) -> Any:
        if region in self.broken:
            raise ClientError(DENIED, "X")
        if region not in self.cache:
            client = boto3.client("ec2", region_name=region)
            create_snapshot = client.create_snapshot

            def denied_or_created(**params: Any) -> Any:
                if params.get("VolumeId") in self.denied_volumes:
                    raise ClientError(DENIED, "CreateSnapshot")
                return create_snapshot(**params)

            client.create_snapshot = denied_or_created
            self.cache[region] = client
        return self.cache[region]


@pytest.fixture
def ec2() -> Iterator[Clients]:
    with mock_aws():
        yield Clients()


def make_volume(ec2: Any, region: str, **tags: str) -> str:
    spec = [{"ResourceType": "volume", "Tags": t.tag_list(tags)}] if tags else []
    reply = ec2(region).create_volume(AvailabilityZone=f"{region}a", Size=1, TagSpecifications=spec)
    return str(reply["VolumeId"])


def attach(ec2: Any, region: str, volume_id: str) -> None:
    client = ec2(region)
    instance = client.run_instances(
        ImageId=MOTO_AMI, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": f"{region}a"}
    )["Instances"][0]["InstanceId"]
    client.attach_volume(VolumeId=volume_id, InstanceId=instance, Device="/dev/sdf")


def snapshots(ec2: Any, region: str, **filters: str) -> list[dict[str, Any]]:
    reply = ec2(region).describe_snapshots(
        OwnerIds=["self"],
        Filters=[{"Name": f"tag:{k}", "Values": [v]} for k, v in filters.items()],
    )
    return list(reply["Snapshots"])


def config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "name": "unit",
        "retention": Retention(days=7),
        "regions": REGIONS,
        "selection": Selection(
            include_in_use=False, target_tags={"Backup": "true"}, exclude_tags={"NoBackup": "*"}
        ),
        "copy_wait": timedelta(0),
    }
    return Config(**(settings | overrides))


def logs() -> tuple[list[tuple[str, dict[str, Any]]], Any]:
    seen: list[tuple[str, dict[str, Any]]] = []
    return seen, lambda message, **fields: seen.append((message, fields))


def test_selected_volumes_are_snapshotted_once_per_window_with_tags(ec2: Clients) -> None:
    chosen = {r: make_volume(ec2, r, Name=f"data-{r}", Backup="true", Team="x") for r in REGIONS}
    make_volume(ec2, "eu-west-1", Backup="true", NoBackup="1")  # excluded
    make_volume(ec2, "eu-west-1", Name="untagged")  # not selected
    _, log = logs()

    first = run_backup(config(), NOW, ec2, "eu-west-1", log).as_dict()
    assert first["totals"] == {
        "volumes": 2,
        "created": 2,
        "already_done": 0,
        "copied": 0,
        "pruned": 0,
        "failed": 0,
    }
    for region, volume_id in chosen.items():
        (snapshot,) = snapshots(ec2, region, **{t.MANAGED_BY: "unit"})
        tags = t.tag_map(snapshot["Tags"])
        assert snapshot["VolumeId"] == volume_id
        assert tags == {
            t.MANAGED_BY: "unit",
            t.KIND: "snapshot",
            t.SOURCE_VOLUME: volume_id,
            t.SOURCE_REGION: region,
            t.WINDOW: "2026-11-23T00:00Z",
            t.EXPIRES_AT: "2026-11-30T03:00:00Z",
            t.RETAIN: "7 days",
            "Name": f"data-{region}",
            "Backup": "true",
            "Team": "x",
        }
        assert f"backup of {volume_id} (data-{region})" in snapshot["Description"]

    # a retry / re-run later the same day: nothing new
    again = run_backup(config(), NOW + timedelta(hours=5), ec2, "eu-west-1", log).as_dict()
    assert again["totals"]["created"] == 0 and again["totals"]["already_done"] == 2
    assert all(len(snapshots(ec2, r, **{t.MANAGED_BY: "unit"})) == 1 for r in REGIONS)

    # the next day: one more each
    nxt = run_backup(config(), NOW + timedelta(days=1), ec2, "eu-west-1", log).as_dict()
    assert nxt["totals"]["created"] == 2


def test_in_use_selection_is_the_textbook_default(ec2: Clients) -> None:
    attached = make_volume(ec2, "eu-west-1")
    attach(ec2, "eu-west-1", attached)
    idle = make_volume(ec2, "eu-west-1")
    _, log = logs()
    run_backup(config(selection=Selection(), regions=("eu-west-1",)), NOW, ec2, "eu-west-1", log)
    backed_up = {s["VolumeId"] for s in snapshots(ec2, "eu-west-1", **{t.MANAGED_BY: "unit"})}
    assert attached in backed_up and idle not in backed_up


def test_expired_managed_snapshots_are_pruned_and_others_never_touched(ec2: Clients) -> None:
    volume_id = make_volume(ec2, "eu-west-1", Backup="true")
    client = ec2("eu-west-1")
    manual = client.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    other = client.create_snapshot(
        VolumeId=volume_id,
        TagSpecifications=[
            {
                "ResourceType": "snapshot",
                "Tags": t.tag_list(
                    {t.MANAGED_BY: "another-deployment", t.EXPIRES_AT: "2000-01-01T00:00:00Z"}
                ),
            }
        ],
    )["SnapshotId"]
    _, log = logs()
    run_backup(config(), NOW, ec2, "eu-west-1", log)
    (first,) = snapshots(ec2, "eu-west-1", **{t.MANAGED_BY: "unit"})

    # 6 days later: kept; 8 days later: the first expired (and a new one taken)
    six = run_backup(config(), NOW + timedelta(days=6), ec2, "eu-west-1", log).as_dict()
    assert six["regions"]["eu-west-1"]["pruned"] == 0
    eight = run_backup(config(), NOW + timedelta(days=8), ec2, "eu-west-1", log).as_dict()
    assert eight["regions"]["eu-west-1"]["pruned"] == 1
    remaining = {s["SnapshotId"] for s in snapshots(ec2, "eu-west-1")}
    assert first["SnapshotId"] not in remaining
    assert {manual, other} <= remaining
    assert len(snapshots(ec2, "eu-west-1", **{t.MANAGED_BY: "unit"})) == 2


def test_count_retention_keeps_the_newest_n(ec2: Clients) -> None:
    make_volume(ec2, "eu-west-1", Backup="true")
    _, log = logs()
    cfg = config(retention=Retention(count=2), regions=("eu-west-1",))
    for day in range(4):
        run_backup(cfg, NOW + timedelta(days=day), ec2, "eu-west-1", log)
    windows = sorted(
        t.tag_map(s["Tags"])[t.WINDOW]
        for s in snapshots(ec2, "eu-west-1", **{t.MANAGED_BY: "unit"})
    )
    assert windows == ["2026-11-25T00:00Z", "2026-11-26T00:00Z"]


def test_copies_carry_managed_tags_and_expiry_and_are_pruned_too(ec2: Clients) -> None:
    volume_id = make_volume(ec2, "eu-west-1", Backup="true")
    _, log = logs()
    cfg = config(regions=("eu-west-1",), copy_region="eu-central-1")
    first = run_backup(cfg, NOW, ec2, "eu-west-1", log).as_dict()
    assert first["regions"]["eu-west-1"]["copied"] == 1
    (source,) = snapshots(ec2, "eu-west-1", **{t.MANAGED_BY: "unit"})
    (copy,) = snapshots(ec2, "eu-central-1", **{t.MANAGED_BY: "unit"})
    copy_tags = t.tag_map(copy["Tags"])
    assert copy_tags[t.KIND] == "copy"
    assert copy_tags[t.COPY_OF] == source["SnapshotId"]
    assert copy_tags[t.SOURCE_VOLUME] == volume_id
    assert copy_tags[t.EXPIRES_AT] == t.tag_map(source["Tags"])[t.EXPIRES_AT]

    again = run_backup(cfg, NOW + timedelta(hours=1), ec2, "eu-west-1", log).as_dict()
    assert again["totals"]["copied"] == 0
    assert len(snapshots(ec2, "eu-central-1", **{t.MANAGED_BY: "unit"})) == 1

    late = run_backup(cfg, NOW + timedelta(days=8), ec2, "eu-west-1", log).as_dict()
    assert late["regions"]["eu-central-1"]["pruned"] == 1
    remaining = {
        t.tag_map(s["Tags"])[t.WINDOW]
        for s in snapshots(ec2, "eu-central-1", **{t.MANAGED_BY: "unit"})
    }
    assert remaining == {"2026-12-01T00:00Z"}


def test_a_missing_copy_is_made_by_a_later_run(ec2: Clients) -> None:
    make_volume(ec2, "eu-west-1", Backup="true")
    _, log = logs()
    ec2.broken.add("eu-central-1")
    cfg = config(regions=("eu-west-1",), copy_region="eu-central-1")
    failed = run_backup(cfg, NOW, ec2, "eu-west-1", log)
    assert failed.failed >= 1 and failed.regions["eu-west-1"].created == 1
    ec2.broken.clear()
    healed = run_backup(cfg, NOW + timedelta(hours=1), ec2, "eu-west-1", log).as_dict()
    assert healed["regions"]["eu-west-1"]["copied"] == 1 and healed["totals"]["failed"] == 0


def test_one_broken_region_and_one_failing_volume_do_not_stop_the_rest(ec2: Clients) -> None:
    good = make_volume(ec2, "us-east-1", Backup="true")
    ec2.denied_volumes.add(make_volume(ec2, "us-east-1", Backup="true"))
    make_volume(ec2, "eu-west-1", Backup="true")
    ec2.broken.add("eu-west-1")
    seen, log = logs()
    summary = run_backup(config(), NOW, ec2, "us-east-1", log).as_dict()
    assert summary["regions"]["eu-west-1"]["failed"] == 1
    assert summary["regions"]["us-east-1"]["created"] == 1
    assert summary["regions"]["us-east-1"]["failed"] == 1
    assert summary["totals"]["failed"] == 2
    assert [s["VolumeId"] for s in snapshots(ec2, "us-east-1", **{t.MANAGED_BY: "unit"})] == [good]
    assert {m for m, _ in seen} >= {"region failed", "snapshot failed", "snapshot created"}


def test_all_enabled_regions_when_none_listed(
    ec2: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled = backup.enabled_regions(ec2("us-east-1"), "us-east-1")
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(enabled)
    # moto builds a full backend per region touched: run over two of them only
    monkeypatch.setattr(
        backup, "enabled_regions", lambda _ec2, _home: ["ap-southeast-2", "us-east-1"]
    )
    make_volume(ec2, "ap-southeast-2", Backup="true")
    _, log = logs()
    summary = run_backup(config(regions=()), NOW, ec2, "us-east-1", log).as_dict()
    assert summary["regions"]["ap-southeast-2"]["created"] == 1
    assert set(summary["regions"]) == {"ap-southeast-2", "us-east-1"}


def test_enabled_regions_stay_in_the_home_partition() -> None:
    """An emulator lists cn-* and us-gov-* regions too; AWS never mixes partitions."""

    class Ec2:
        def describe_regions(self, Filters: Any) -> dict[str, Any]:
            names = ["us-east-1", "cn-north-1", "us-gov-west-1", "eu-west-1"]
            return {"Regions": [{"RegionName": name} for name in names]}

    assert backup.enabled_regions(Ec2(), "us-east-1") == ["eu-west-1", "us-east-1"]
    assert backup.enabled_regions(Ec2(), "cn-north-1") == ["cn-north-1"]


def test_handler_takes_now_from_the_event_and_raises_on_failures(
    ec2: Clients, load_handler: Any, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_volume(ec2, "eu-west-1", Backup="true")
    handler = load_handler(
        "ebs_snapshot_backup.handler",
        BACKUP_NAME="unit",
        REGIONS="eu-west-1",
        INCLUDE_IN_USE="false",
        TARGET_TAGS=json.dumps({"Backup": "true"}),
        RETENTION_DAYS="3",
    )
    event = {
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "time": "2030-02-01T03:00:00Z",
    }
    result = handler.lambda_handler(event, lambda_context)
    assert result["window"] == "2030-02-01T00:00Z" and result["totals"]["created"] == 1
    (snapshot,) = snapshots(ec2, "eu-west-1", **{t.MANAGED_BY: "unit"})
    assert t.tag_map(snapshot["Tags"])[t.EXPIRES_AT] == "2030-02-04T03:00:00Z"

    assert handler.lambda_handler({"time": "not a time"}, lambda_context) == {
        "skipped": "event time is not ISO-8601: 'not a time'"
    }

    broken = make_volume(ec2, "eu-west-1", Backup="true")
    client = handler.ec2_client("eu-west-1")
    create_snapshot = client.create_snapshot

    def denied_for_broken(**params: Any) -> Any:
        if params["VolumeId"] == broken:
            error = {"Error": {"Code": "UnauthorizedOperation", "Message": "denied"}}
            raise ClientError(error, "CreateSnapshot")
        return create_snapshot(**params)

    monkeypatch.setattr(client, "create_snapshot", denied_for_broken)
    with pytest.raises(handler.BackupRunError, match='"failed": 1'):
        handler.lambda_handler({**event, "time": "2030-02-02T03:00:00Z"}, lambda_context)
    handler.ec2_client.cache_clear()
