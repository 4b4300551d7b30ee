"""One S3 event in, one summary out: parse, collapse, optionally enrich, write.

Malformed records are rejected (counted and returned with their reasons) and never block the
valid records of the same event: retrying cannot repair them. AWS errors propagate, so Lambda's
asynchronous retries and the on-failure destination keep the whole event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from s3_object_index.config import Config
from s3_object_index.enrich import with_content_type
from s3_object_index.records import Rejection, collapse_by_key, parse_event
from s3_object_index.store import write_changes


@dataclass(frozen=True)
class Outcome:
    indexed: int = 0
    tombstoned: int = 0
    skipped_stale: int = 0
    ignored: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "indexed": self.indexed,
            "tombstoned": self.tombstoned,
            "skipped_stale": self.skipped_stale,
            "ignored": len(self.ignored),
            "rejected": len(self.rejections),
        }


def index_event(
    event: Any, config: Config, dynamodb: Any, s3: Any | None, now: datetime
) -> Outcome:
    parsed = parse_event(event)
    changes, superseded = collapse_by_key(parsed.changes)
    if config.fetch_content_type and s3 is not None:
        changes = [with_content_type(s3, change) for change in changes]
    counts = write_changes(dynamodb, config.table_name, changes, now, config.tombstone_ttl)
    return Outcome(
        indexed=counts.indexed,
        tombstoned=counts.tombstoned,
        skipped_stale=counts.skipped_stale + superseded,
        ignored=parsed.ignored,
        rejections=parsed.rejections,
    )
