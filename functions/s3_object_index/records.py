"""Parse S3 event notifications into one typed change per object.

S3 encodes object keys in notifications the way HTML forms do (`+` for a space, `%2B` for `+`,
UTF-8 percent escapes), so keys are decoded with `unquote_plus`. Every record of the event is
read, not only the first. Records that are not object creations or removals (for example the
`s3:TestEvent` S3 sends when a notification is configured) are ignored, described by their
event name. A record that
claims to be a creation or removal but lacks what the index needs is rejected with a reason:
retrying the same bytes cannot fix it, so it must not block the valid records of the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from s3_object_index.ordering import InvalidSequencerError, order_key

CREATED_PREFIX = "ObjectCreated:"
REMOVED_PREFIX = "ObjectRemoved:"


class MalformedRecordError(ValueError):
    """A creation or removal record the index cannot use."""


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
class Rejection:
    index: int
    reason: str


@dataclass(frozen=True)
class ParsedEvent:
    changes: list[ObjectChange] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def parse_event(event: Any) -> ParsedEvent:
    if not isinstance(event, Mapping):
        return ParsedEvent(rejections=[Rejection(-1, "event is not a JSON object")])
    records = event.get("Records")
    if records is None:
        # s3:TestEvent and anything else without records: nothing to index.
        return ParsedEvent(ignored=[str(event.get("Event", "event without Records"))])
    if not isinstance(records, list):
        return ParsedEvent(rejections=[Rejection(-1, "'Records' is not a list")])
    return _parse_records(records)


def _parse_records(records: Iterable[Any]) -> ParsedEvent:
    changes: list[ObjectChange] = []
    rejections: list[Rejection] = []
    ignored: list[str] = []
    for index, record in enumerate(records):
        if not is_object_change(record):
            ignored.append(describe(record))
            continue
        try:
            changes.append(parse_record(record))
        except MalformedRecordError as error:
            rejections.append(Rejection(index, str(error)))
    return ParsedEvent(changes=changes, ignored=ignored, rejections=rejections)


def is_object_change(record: Any) -> bool:
    if not isinstance(record, Mapping) or record.get("eventSource") != "aws:s3":
        return False
    name = record.get("eventName")
    return isinstance(name, str) and name.startswith((CREATED_PREFIX, REMOVED_PREFIX))


def describe(record: Any) -> str:
    if not isinstance(record, Mapping):
        return f"record of type {type(record).__name__}"
    return f"{record.get('eventSource', '?')} {record.get('eventName', '?')}"


def parse_record(record: Mapping[str, Any]) -> ObjectChange:
    s3 = _mapping(record.get("s3"), "s3")
    bucket = _text(_mapping(s3.get("bucket"), "s3.bucket").get("name"), "s3.bucket.name")
    obj = _mapping(s3.get("object"), "s3.object")
    key = unquote_plus(_text(obj.get("key"), "s3.object.key"))
    if not key:
        raise MalformedRecordError("s3.object.key decodes to an empty key")
    sequencer = _text(obj.get("sequencer"), "s3.object.sequencer")
    event_time = _text(record.get("eventTime"), "eventTime")
    try:
        sequencer_sort = order_key(sequencer, event_time)
    except InvalidSequencerError as error:
        raise MalformedRecordError(str(error)) from error
    event_name = str(record["eventName"])
    deleted = event_name.startswith(REMOVED_PREFIX)
    return ObjectChange(
        bucket=bucket,
        key=key,
        event_name=event_name,
        event_time=event_time,
        sequencer=sequencer,
        sequencer_sort=sequencer_sort,
        deleted=deleted,
        size=None if deleted else _size(obj.get("size")),
        etag=None if deleted else _optional_text(obj.get("eTag")),
        version_id=_optional_text(obj.get("versionId")),
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


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedRecordError(f"missing {name}")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedRecordError(f"missing {name}")
    return value


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _size(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedRecordError(f"s3.object.size must be a non-negative integer, got {value!r}")
    return value
