"""S3 event notifications → one typed object event per record, or a rejection with its reason.

Every record is read, not only the first. Keys
arrive form-encoded (`+` for a space, `%2B` for `+`) and are decoded with `unquote_plus`.
Records that are not object creations or removals (the `s3:TestEvent` S3 sends when a
notification is configured, another source) are ignored, described. A creation or removal that
lacks what a handler needs is rejected with a reason: retrying the same bytes cannot repair it,
so it must never block the valid records of the same event.

Plain dict access, not Powertools' S3Event data class: importing any data class imports the whole
data_classes package (41 modules, about 17% of these functions' cold import), and every field
here is validated by hand anyway to give a precise reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

CREATED = "ObjectCreated:"
REMOVED = "ObjectRemoved:"


class MalformedRecordError(ValueError):
    """A record that can never be processed; its message is the reason."""


@dataclass(frozen=True)
class Rejection:
    index: int  # the record's position in the event; -1 for the event itself
    reason: str


@dataclass(frozen=True)
class ObjectEvent:
    index: int
    bucket: str
    key: str
    event_name: str
    event_time: str | None
    size: int | None
    etag: str | None
    version_id: str | None
    sequencer: str | None

    @property
    def created(self) -> bool:
        return self.event_name.startswith(CREATED)


@dataclass(frozen=True)
class S3Notification:
    objects: list[ObjectEvent] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def parse_s3_event(event: Any, kinds: tuple[str, ...] = (CREATED, REMOVED)) -> S3Notification:
    """The object events of `kinds` (event name prefixes); other records are ignored."""
    if not isinstance(event, Mapping):
        return S3Notification(rejections=[Rejection(-1, "event is not a JSON object")])
    records = event.get("Records")
    if records is None:
        return S3Notification(ignored=[str(event.get("Event", "event without Records"))])
    if not isinstance(records, list):
        return S3Notification(rejections=[Rejection(-1, "'Records' is not a list")])
    parsed = S3Notification()
    for index, record in enumerate(records):
        if not _is_object_event(record, kinds):
            parsed.ignored.append(describe(record))
            continue
        try:
            parsed.objects.append(_object_event(index, record))
        except MalformedRecordError as error:
            parsed.rejections.append(Rejection(index, str(error)))
    return parsed


def describe(record: Any) -> str:
    if not isinstance(record, Mapping):
        return f"record of type {type(record).__name__}"
    return f"{record.get('eventSource', '?')} {record.get('eventName', '?')}"


def _is_object_event(record: Any, kinds: tuple[str, ...]) -> bool:
    if not isinstance(record, Mapping) or record.get("eventSource", "aws:s3") != "aws:s3":
        return False
    name = record.get("eventName")
    return isinstance(name, str) and name.startswith(kinds)


def _object_event(index: int, record: Mapping[str, Any]) -> ObjectEvent:
    s3 = _mapping(record.get("s3"), "s3")
    bucket = _text(_mapping(s3.get("bucket"), "s3.bucket").get("name"), "s3.bucket.name")
    obj = _mapping(s3.get("object"), "s3.object")
    key = unquote_plus(_text(obj.get("key"), "s3.object.key"))
    if not key:
        raise MalformedRecordError("s3.object.key decodes to an empty key")
    etag = _optional_text(obj.get("eTag")) or _optional_text(obj.get("etag"))
    return ObjectEvent(
        index=index,
        bucket=bucket,
        key=key,
        event_name=str(record["eventName"]),
        event_time=_optional_text(record.get("eventTime")),
        size=_size(obj.get("size")),
        etag=etag.strip('"') if etag else None,
        version_id=_optional_text(obj.get("versionId")),
        sequencer=_optional_text(obj.get("sequencer")),
    )


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
