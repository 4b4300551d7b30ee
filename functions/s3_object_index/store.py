"""Conditional writes of object changes into the index table.

Row identity is bucket + key, and every write is a whole-item Put guarded by
`attribute_not_exists(sequencer_sort) OR sequencer_sort < :seq`: a re-delivered event (equal
sequencer) or an older one (lower sequencer) never replaces what a newer event wrote. A refused
write is counted as `skipped_stale`, not treated as an error.

One change goes out as a single PutItem. Several go out as TransactWriteItems of up to 100 Puts,
which cost twice the write capacity of plain puts but keep the condition on every item (a
BatchWriteItem cannot carry conditions). When DynamoDB cancels a transaction, its
CancellationReasons say why, item by item: `ConditionalCheckFailed` items are stale and dropped,
items with reason `None` were only collateral and are sent again; any other reason (throttling,
conflict with a concurrent writer, validation) raises, so Lambda's asynchronous retries and the
on-failure destination keep the event.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from s3_object_index.records import ObjectChange

TRANSACTION_LIMIT = 100
CONDITION = "attribute_not_exists(sequencer_sort) OR sequencer_sort < :seq"
STALE = "ConditionalCheckFailed"
COLLATERAL = "None"

# For the writer's DynamoDB client. Every request is built here from typed values, and DynamoDB
# validates what arrives (a malformed one still fails: ValidationException, SerializationException).
# botocore's own check walks every attribute of every item first: ~40 % of the client's CPU for a
# 100-Put transaction (measured), which a Lambda's fraction of a vCPU pays in wall time.
CLIENT_CONFIG = Config(parameter_validation=False)

_serializer = TypeSerializer()


class IndexWriteError(RuntimeError):
    """DynamoDB refused a write for a reason a retry of the event may fix."""


@dataclass
class WriteCounts:
    indexed: int = 0
    tombstoned: int = 0
    skipped_stale: int = 0

    def add_written(self, change: ObjectChange) -> None:
        if change.deleted:
            self.tombstoned += 1
        else:
            self.indexed += 1


def to_item(change: ObjectChange, now: datetime, tombstone_ttl: timedelta) -> dict[str, Any]:
    item: dict[str, Any] = {
        "bucket": change.bucket,
        "key": change.key,
        "event_name": change.event_name,
        "event_time": change.event_time,
        "sequencer": change.sequencer,
        "sequencer_sort": change.sequencer_sort,
        "deleted": change.deleted,
        "indexed_at": now.isoformat(timespec="milliseconds"),
    }
    optional = {
        "size": change.size,
        "etag": change.etag,
        "version_id": change.version_id,
        "content_type": change.content_type,
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    if change.deleted:
        item["expires_at"] = int((now + tombstone_ttl).timestamp())
    return item


def serialise(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def conditional_put(table_name: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "TableName": table_name,
        "Item": serialise(item),
        "ConditionExpression": CONDITION,
        "ExpressionAttributeValues": {":seq": {"S": item["sequencer_sort"]}},
    }


def write_changes(
    client: Any,
    table_name: str,
    changes: Sequence[ObjectChange],
    now: datetime,
    tombstone_ttl: timedelta,
) -> WriteCounts:
    counts = WriteCounts()
    puts = [
        (change, conditional_put(table_name, to_item(change, now, tombstone_ttl)))
        for change in changes
    ]
    if len(puts) == 1:
        _put_one(client, *puts[0], counts)
        return counts
    for chunk in chunked(puts, TRANSACTION_LIMIT):
        _transact(client, chunk, counts)
    return counts


def chunked(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _put_one(client: Any, change: ObjectChange, put: dict[str, Any], counts: WriteCounts) -> None:
    try:
        client.put_item(**put)
    except ClientError as error:
        if _code(error) != "ConditionalCheckFailedException":
            raise
        counts.skipped_stale += 1
        return
    counts.add_written(change)


def _transact(
    client: Any, puts: list[tuple[ObjectChange, dict[str, Any]]], counts: WriteCounts
) -> None:
    pending = puts
    while pending:
        try:
            client.transact_write_items(TransactItems=[{"Put": put} for _, put in pending])
        except ClientError as error:
            if _code(error) != "TransactionCanceledException":
                raise
            pending = _retryable(pending, _reasons(error, len(pending)), counts)
            continue
        for change, _ in pending:
            counts.add_written(change)
        return


def _retryable(
    pending: list[tuple[ObjectChange, dict[str, Any]]], reasons: list[str], counts: WriteCounts
) -> list[tuple[ObjectChange, dict[str, Any]]]:
    unexpected = sorted({reason for reason in reasons if reason not in (STALE, COLLATERAL)})
    if unexpected:
        raise IndexWriteError(f"transaction cancelled: {', '.join(unexpected)}")
    stale = reasons.count(STALE)
    if stale == 0:
        raise IndexWriteError("transaction cancelled without a reason for any item")
    counts.skipped_stale += stale
    return [put for put, reason in zip(pending, reasons, strict=True) if reason == COLLATERAL]


def _reasons(error: ClientError, expected: int) -> list[str]:
    reasons = error.response.get("CancellationReasons")
    if not isinstance(reasons, list) or len(reasons) != expected:
        raise IndexWriteError(f"transaction cancelled without usable reasons: {error}") from error
    return [str(reason.get("Code", COLLATERAL)) for reason in reasons]


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
