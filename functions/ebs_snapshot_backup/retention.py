"""Retention: which managed snapshots have outlived their rule (age- or count-based)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ebs_snapshot_backup import tags as t
from ebs_snapshot_backup.windows import format_time
from lambda_common.scheduled import BadEventTimeError, parse_time


@dataclass(frozen=True)
class Retention:
    """Exactly one of days (age) and count (newest N per volume) is set."""

    days: int | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if (self.days is None) == (self.count is None):
            raise ValueError("retention needs exactly one of days and count")
        for value in (self.days, self.count):
            if value is not None and value < 1:
                raise ValueError("retention days/count must be >= 1")

    def describe(self) -> str:
        return f"{self.days} days" if self.days is not None else f"newest {self.count}"

    def expiry(self, created: datetime) -> datetime | None:
        return None if self.days is None else created + timedelta(days=self.days)

    def managed_tags(self, created: datetime) -> dict[str, str]:
        expiry = self.expiry(created)
        tags = {t.RETAIN: self.describe()}
        if expiry is not None:
            tags[t.EXPIRES_AT] = format_time(expiry)
        return tags


@dataclass(frozen=True)
class ManagedSnapshot:
    snapshot_id: str
    region: str
    kind: str
    volume_id: str
    source_region: str
    window: str
    state: str
    expires_at: datetime | None
    copy_of: str | None

    @classmethod
    def from_description(cls, snapshot: Mapping[str, object], region: str) -> ManagedSnapshot:
        raw_tags = snapshot.get("Tags")
        tags = t.tag_map(raw_tags if isinstance(raw_tags, list) else None)
        expires_at: datetime | None
        try:
            expires_at = parse_time(tags[t.EXPIRES_AT]) if t.EXPIRES_AT in tags else None
        except BadEventTimeError:
            expires_at = None
        return cls(
            snapshot_id=str(snapshot["SnapshotId"]),
            region=region,
            kind=tags.get(t.KIND, t.KIND_SNAPSHOT),
            volume_id=tags.get(t.SOURCE_VOLUME, str(snapshot.get("VolumeId", ""))),
            source_region=tags.get(t.SOURCE_REGION, region),
            window=tags.get(t.WINDOW, ""),
            state=str(snapshot.get("State", "")),
            expires_at=expires_at,
            copy_of=tags.get(t.COPY_OF),
        )


def expired(
    snapshots: Iterable[ManagedSnapshot], retention: Retention, now: datetime
) -> list[ManagedSnapshot]:
    """Snapshots to delete. Age: those whose expires-at tag has passed (a snapshot without a
    readable expiry is kept). Count: all but the newest `count` windows of each source volume,
    counted separately for snapshots and for copies."""
    if retention.days is not None:
        return [s for s in snapshots if s.expires_at is not None and s.expires_at <= now]
    assert retention.count is not None
    groups: dict[tuple[str, str, str], list[ManagedSnapshot]] = defaultdict(list)
    for snapshot in snapshots:
        groups[(snapshot.kind, snapshot.source_region, snapshot.volume_id)].append(snapshot)
    doomed: list[ManagedSnapshot] = []
    for group in groups.values():
        newest_first = sorted(group, key=lambda s: (s.window, s.snapshot_id), reverse=True)
        doomed.extend(newest_first[retention.count :])
    return doomed
