"""The textbook write path: the benchmark baseline (never deployed; the handler never uses it).

One unconditional PutItem per record: a re-delivered or late, older event overwrites whatever
a newer event wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from s3_object_index.records import ObjectChange
from s3_object_index.store import serialise, to_item


def put_item_per_record(
    client: Any,
    table_name: str,
    changes: Iterable[ObjectChange],
    now: datetime,
    tombstone_ttl: timedelta = timedelta(days=7),
) -> int:
    written = 0
    for change in changes:
        client.put_item(TableName=table_name, Item=serialise(to_item(change, now, tombstone_ttl)))
        written += 1
    return written
