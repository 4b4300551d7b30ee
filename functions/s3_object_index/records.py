"""S3 event notifications → one typed change per object, for the index.

Parsed by the shared S3 event parser (lambda_common.s3_events: keys decoded, every record read,
non-object records ignored, malformed ones rejected with a reason). The index also needs each
record's sequencer and event time to order changes of one key; a record without them is
rejected too: retrying the same bytes cannot fix it, so it must not block the valid records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lambda_common.s3_events import ObjectEvent, Rejection, parse_s3_event
from s3_object_index.ordering import InvalidSequencerError, order_key

__all__ = ["ObjectChange", "ParsedEvent", "Rejection", "collapse_by_key", "parse_event"]


@dataclass(frozen=True)
class ObjectChange:
    bucket: str
    key: str
    event_name: str
    event_time: str
    sequencer: str
    sequencer_sort: str
    deleted: bool
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class ParsedEvent:
    changes: list[ObjectChange] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def parse_event(event: Any) -> ParsedEvent:
    notification = parse_s3_event(event)
    parsed = ParsedEvent(ignored=notification.ignored, rejections=list(notification.rejections))
    for obj in notification.objects:
        try:
            parsed.changes.append(_change(obj))
        except InvalidSequencerError as error:
            parsed.rejections.append(Rejection(obj.index, str(error)))
    parsed.rejections.sort(key=lambda rejection: rejection.index)
    return parsed


def _change(obj: ObjectEvent) -> ObjectChange:
    if obj.sequencer is None:
        raise InvalidSequencerError("missing s3.object.sequencer")
    if obj.event_time is None:
        raise InvalidSequencerError("missing eventTime")
    deleted = not obj.created
    return ObjectChange(
        bucket=obj.bucket,
        key=obj.key,
        event_name=obj.event_name,
        event_time=obj.event_time,
        sequencer=obj.sequencer,
        sequencer_sort=order_key(obj.sequencer, obj.event_time),
        deleted=deleted,
        size=None if deleted else obj.size,
        etag=None if deleted else obj.etag,
        version_id=obj.version_id,
    )


def collapse_by_key(changes: Iterable[ObjectChange]) -> tuple[list[ObjectChange], int]:
    """Keep the latest change of each bucket+key; also return how many were superseded.

    A DynamoDB transaction cannot touch one item twice, and only the latest change matters.
    """
    latest: dict[tuple[str, str], ObjectChange] = {}
    superseded = 0
    for change in changes:
        identity = (change.bucket, change.key)
        current = latest.get(identity)
        if current is not None:
            superseded += 1
            if change.sequencer_sort <= current.sequencer_sort:
                continue
        latest[identity] = change
    return list(latest.values()), superseded
