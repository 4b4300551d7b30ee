"""S3 event notifications → one typed upload per created object. Pure code.

Parsed by the shared parser (lambda_common.s3_events): keys decoded, every record read; records
that are not object creations (s3:TestEvent, removals) are ignored; a creation record missing
its bucket or key is rejected with a reason instead of failing the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambda_common.s3_events import CREATED, parse_s3_event


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
    notification = parse_s3_event(event, kinds=(CREATED,))
    return ParsedEvent(
        uploads=[
            Upload(obj.bucket, obj.key, obj.size, obj.etag, obj.version_id)
            for obj in notification.objects
        ],
        ignored=notification.ignored,
        rejected=[
            f"record {rejection.index}: {rejection.reason}" for rejection in notification.rejections
        ],
    )
