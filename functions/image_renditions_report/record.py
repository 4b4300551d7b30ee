"""The on-success destination payload → one lookup item per source object. Pure code.

Lambda wraps the renditions function's result in a destination record:
`{"timestamp": ..., "requestContext": {"requestId", "functionArn", "condition", ...},
"requestPayload": <the S3 event>, "responsePayload": <the renditions function's result>}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class NotAResult(ValueError):
    """The event is not an on-success record of the renditions function."""


@dataclass(frozen=True)
class Result:
    recorded_at: str
    request_id: str
    objects: list[dict[str, Any]]


def parse_result(event: Any) -> Result:
    if not isinstance(event, Mapping):
        raise NotAResult("event is not a JSON object")
    context = event.get("requestContext")
    response = event.get("responsePayload")
    if not isinstance(context, Mapping) or not isinstance(response, Mapping):
        raise NotAResult("missing requestContext or responsePayload (not a destination record)")
    if context.get("condition") != "Success":
        raise NotAResult(f"condition is {context.get('condition')!r}, expected 'Success'")
    objects = response.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, Mapping) for o in objects):
        raise NotAResult("responsePayload.objects is not a list of objects")
    return Result(
        recorded_at=_timestamp(event.get("timestamp")),
        request_id=str(context.get("requestId", "")),
        objects=[dict(o) for o in objects],
    )


def _timestamp(raw: Any) -> str:
    """Destination records carry an ISO-8601 timestamp (AWS) or epoch milliseconds (emulators)."""
    if isinstance(raw, int | float):
        return datetime.fromtimestamp(raw / 1000, UTC).isoformat(timespec="milliseconds")
    if isinstance(raw, str) and raw:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).isoformat(timespec="milliseconds")
    raise NotAResult("destination record without a timestamp")


def item_for(obj: Mapping[str, Any], result: Result) -> dict[str, Any]:
    """The DynamoDB item a user looks up by source bucket + key."""
    item: dict[str, Any] = {
        "bucket": str(obj["bucket"]),
        "key": str(obj["key"]),
        "status": str(obj["status"]),
        "updated_at": result.recorded_at,
        "request_id": result.request_id,
    }
    for name in ("etag", "reason", "source_bytes", "quarantine_key"):
        if obj.get(name) is not None:
            item[name] = obj[name]
    renditions = []
    for rendition in obj.get("renditions", []):
        entry = {k: v for k, v in rendition.items() if v is not None}
        entry["location"] = f"s3://{rendition['bucket']}/{rendition['key']}"
        renditions.append(entry)
    if renditions:
        item["renditions"] = renditions
    return item
