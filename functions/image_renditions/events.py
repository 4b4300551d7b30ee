"""S3 event notifications → one typed upload per created object. Pure code.

Keys arrive form-encoded (`+` for a space) and are decoded with unquote_plus. Every record is
read. Records that are not object creations (s3:TestEvent, removals) are ignored; a creation
record missing its bucket or key is rejected with a reason instead of failing the batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str
    size: int | None
    etag: str | None
    version_id: str | None


@dataclass(frozen=True)
class ParsedEvent:
    uploads: list[Upload] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def parse_event(event: Any) -> ParsedEvent:
    if not isinstance(event, Mapping):
        return ParsedEvent(rejected=["event is not a JSON object"])
    records = event.get("Records")
    if records is None:
        return ParsedEvent(ignored=[str(event.get("Event", "event without Records"))])
    if not isinstance(records, list):
        return ParsedEvent(rejected=["'Records' is not a list"])
    parsed = ParsedEvent()
    for index, record in enumerate(records):
        name = str(record.get("eventName", "")) if isinstance(record, Mapping) else ""
        if not name.startswith("ObjectCreated:"):
            parsed.ignored.append(f"record {index}: {name or 'not an S3 record'}")
            continue
        try:
            parsed.uploads.append(_upload(record))
        except (KeyError, TypeError, ValueError) as error:
            parsed.rejected.append(f"record {index}: malformed ObjectCreated record ({error!r})")
    return parsed


def _upload(record: Mapping[str, Any]) -> Upload:
    s3 = record["s3"]
    bucket = str(s3["bucket"]["name"])
    obj = s3["object"]
    key = unquote_plus(str(obj["key"]))
    if not bucket or not key:
        raise ValueError("empty bucket or key")
    size = obj.get("size")
    etag = obj.get("eTag") or obj.get("etag")
    return Upload(
        bucket=bucket,
        key=key,
        size=int(size) if size is not None else None,
        etag=str(etag).strip('"') if etag else None,
        version_id=str(obj["versionId"]) if obj.get("versionId") else None,
    )
