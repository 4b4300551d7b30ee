"""Pure rules: selection, tags, the backup window, expiry and count retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ebs_snapshot_backup import tags as t
from ebs_snapshot_backup.config import ConfigError, Selection, load_config
from ebs_snapshot_backup.retention import ManagedSnapshot, Retention, expired
from ebs_snapshot_backup.selection import select
from ebs_snapshot_backup.windows import (
    window_key,
    window_start,
)
from lambda_common.scheduled import BadEventTimeError, parse_time


def volume(state: str = "available", **tags: str) -> dict[str, object]:
    return {
        "VolumeId": "vol-1",
        "State": state,
        "Tags": [{"Key": k.replace("__", ":"), "Value": v} for k, v in tags.items()],
    }


@pytest.mark.parametrize(
    ("vol", "rules", "expected"),
    [
        (volume("in-use"), Selection(), (True, "in use")),
        (volume("available"), Selection(), (False, "not selected")),
        (
            volume("available", Backup="daily"),
            Selection(target_tags={"Backup": "daily"}),
            (True, "target tag"),
        ),
        (
            volume("available", Backup="weekly"),
            Selection(target_tags={"Backup": "daily"}),
            (False, "not selected"),
        ),
        (
            volume("available", Backup="x"),
            Selection(target_tags={"Backup": "*"}),
            (True, "target tag"),
        ),
        (
            volume("in-use"),
            Selection(include_in_use=False, target_tags={"Backup": "*"}),
            (False, "not selected"),
        ),
        (
            volume("in-use", NoBackup="yes"),
            Selection(exclude_tags={"NoBackup": "*"}),
            (False, "excluded by tag"),
        ),
        (
            volume("available", Backup="daily", NoBackup="true"),
            Selection(target_tags={"Backup": "daily"}, exclude_tags={"NoBackup": "true"}),
            (False, "excluded by tag"),
        ),
        (
            volume("in-use", NoBackup="false"),
            Selection(exclude_tags={"NoBackup": "true"}),
            (True, "in use"),
        ),
    ],
)
def test_selection_rules(
    vol: dict[str, object], rules: Selection, expected: tuple[bool, str]
) -> None:
    assert select(vol, rules) == expected


def test_snapshot_tags_copy_volume_tags_but_never_aws_or_own_namespace() -> None:
    managed = {t.MANAGED_BY: "prod", t.SOURCE_VOLUME: "vol-1"}
    volume_tags = {
        "Name": "db-data",
        "Team": "payments",
        "aws:cloudformation:stack-name": "s",
        t.MANAGED_BY: "forged",
    }
    tags = t.snapshot_tags(volume_tags, managed, {"CostCenter": "42"}, copy_volume_tags=True)
    assert tags == {
        t.MANAGED_BY: "prod",
        t.SOURCE_VOLUME: "vol-1",
        "CostCenter": "42",
        "Name": "db-data",
        "Team": "payments",
    }
    only_name = t.snapshot_tags(volume_tags, managed, {}, copy_volume_tags=False)
    assert set(only_name) == {t.MANAGED_BY, t.SOURCE_VOLUME, "Name"}


def test_snapshot_tags_respect_the_50_tag_limit_and_keep_name() -> None:
    volume_tags = {f"k{i:02}": "v" for i in range(49)} | {"Name": "n"}
    tags = t.snapshot_tags(volume_tags, {t.MANAGED_BY: "x", t.WINDOW: "w"}, {}, True)
    assert len(tags) == 50
    assert tags["Name"] == "n" and tags[t.MANAGED_BY] == "x"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-23T03:00:00Z", datetime(2026, 11, 23, 3, tzinfo=UTC)),
        ("2026-11-23T04:00:00+01:00", datetime(2026, 11, 23, 3, tzinfo=UTC)),
    ],
)
def test_event_time_parsing(raw: str, expected: datetime) -> None:
    assert parse_time(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "yesterday", 12, None, "2026-13-01T00:00:00Z", "2026-11-23T03:00:00"]
)
def test_bad_event_time(raw: object) -> None:
    with pytest.raises(BadEventTimeError):
        parse_time(raw)


def test_daily_window_groups_a_day_and_a_retry_lands_in_the_same_window() -> None:
    day = timedelta(days=1)
    scheduled = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert window_key(scheduled, day) == "2026-11-23T00:00Z"
    # a retry 2 h later, the last minute of the day: same window
    assert window_key(scheduled + timedelta(hours=2), day) == window_key(scheduled, day)
    assert window_key(datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC), day) == "2026-11-23T00:00Z"
    # the next day's run: a new window
    assert window_key(scheduled + day, day) == "2026-11-24T00:00Z"


def test_hourly_and_odd_windows_align_on_the_epoch() -> None:
    moment = datetime(2026, 11, 23, 3, 59, tzinfo=UTC)
    assert window_key(moment, timedelta(hours=1)) == "2026-11-23T03:00Z"
    assert window_start(moment, timedelta(hours=6)) == datetime(2026, 11, 23, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="positive"):
        window_start(moment, timedelta(0))


def snap(
    sid: str,
    window: str,
    volume_id: str = "vol-1",
    kind: str = "snapshot",
    expires: datetime | None = None,
) -> ManagedSnapshot:
    return ManagedSnapshot(
        sid, "eu-west-1", kind, volume_id, "eu-west-1", window, "completed", expires, None
    )


def test_age_retention_tags_expiry_and_deletes_only_what_has_passed() -> None:
    retention = Retention(days=7)
    created = datetime(2026, 11, 23, 3, tzinfo=UTC)
    assert retention.managed_tags(created) == {
        t.RETAIN: "7 days",
        t.EXPIRES_AT: "2026-11-30T03:00:00Z",
    }
    expiry = retention.expiry(created)
    assert expiry is not None
    old, new, unknown = (
        snap("a", "w1", expires=expiry),
        snap("b", "w2", expires=expiry + timedelta(days=1)),
        snap("c", "w0"),
    )
    assert expired([old, new, unknown], retention, expiry - timedelta(seconds=1)) == []
    assert expired([old, new, unknown], retention, expiry) == [old]
    assert expired([old, new, unknown], retention, expiry + timedelta(days=30)) == [old, new]


def test_count_retention_keeps_the_newest_windows_per_volume_and_kind() -> None:
    retention = Retention(count=2)
    assert retention.managed_tags(datetime(2026, 1, 1, tzinfo=UTC)) == {t.RETAIN: "newest 2"}
    snaps = [snap(f"s{d}", f"2026-11-2{d}T00:00Z") for d in range(1, 5)]
    other = [snap("o1", "2026-11-21T00:00Z", volume_id="vol-2")]
    copies = [snap(f"c{d}", f"2026-11-2{d}T00:00Z", kind="copy") for d in range(3, 5)]
    doomed = expired(snaps + other + copies, retention, datetime(2030, 1, 1, tzinfo=UTC))
    assert sorted(s.snapshot_id for s in doomed) == ["s1", "s2"]


@pytest.mark.parametrize(("days", "count"), [(None, None), (7, 3), (0, None), (None, -1)])
def test_retention_needs_exactly_one_positive_rule(days: int | None, count: int | None) -> None:
    with pytest.raises(ValueError):
        Retention(days=days, count=count)


def test_config_from_environment() -> None:
    config = load_config(
        {
            "BACKUP_NAME": "prod",
            "REGIONS": "eu-west-1, us-east-1",
            "INCLUDE_IN_USE": "false",
            "TARGET_TAGS": '{"Backup": "daily"}',
            "EXCLUDE_TAGS": '{"NoBackup": "*"}',
            "RETENTION_COUNT": "5",
            "WINDOW_MINUTES": "60",
            "COPY_REGION": "eu-central-1",
        }
    )
    assert config.regions == ("eu-west-1", "us-east-1")
    assert config.selection == Selection(False, {"Backup": "daily"}, {"NoBackup": "*"})
    assert config.retention == Retention(count=5)
    assert config.window == timedelta(hours=1)
    assert config.copy_region == "eu-central-1"
    assert config.copy_wait == timedelta(seconds=60)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"BACKUP_NAME": "x"},  # no retention
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "7", "RETENTION_COUNT": "7"},
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "seven"},
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "7", "REGIONS": "Europe"},
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "7", "COPY_REGION": "moon-1"},
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "7", "INCLUDE_IN_USE": "false"},
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "7", "TARGET_TAGS": "[1]"},
        {"BACKUP_NAME": "x", "RETENTION_DAYS": "7", "WINDOW_MINUTES": "0"},
    ],
)
def test_config_rejects(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_config(env)
