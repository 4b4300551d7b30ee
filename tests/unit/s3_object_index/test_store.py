"""Conditional writes against moto's DynamoDB.

moto 5.2.5 evaluates ConditionExpression inside TransactWriteItems and returns
CancellationReasons (ConditionalCheckFailed / None per item), so the transaction paths run
against it. Reasons moto cannot produce on demand (throttling, a cancellation without usable
reasons) are driven with a botocore Stubber.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from benchmarks.s3_object_index_textbook import put_item_per_record
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from s3_object_index.records import ObjectChange, parse_event
from s3_object_index.store import CLIENT_CONFIG, IndexWriteError, to_item, write_changes

TABLE = "object-index"
BUCKET = "lbp-uploads"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(days=7)


class CountingClient:
    """Delegates to a boto3 client and counts the calls of each operation."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def counted(**kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return method(**kwargs)

        return counted


def changes(s3_record: Any, *specs: tuple[str, str] | tuple[str, str, str]) -> list[ObjectChange]:
    """(key, sequencer[, event name]) → parsed changes."""
    records = [s3_record(*spec[:2], *(spec[2:] or ())) for spec in specs]
    return parse_event({"Records": records}).changes


def item(client: Any, key: str) -> dict[str, Any] | None:
    response = client.get_item(TableName=TABLE, Key={"bucket": {"S": BUCKET}, "key": {"S": key}})
    found: dict[str, Any] | None = response.get("Item")
    return found


def scan(client: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.scan(TableName=TABLE)["Items"]
    return sorted(items, key=lambda found: found["key"]["S"])


def write(client: Any, batch: list[ObjectChange], now: datetime = NOW) -> Any:
    return write_changes(client, TABLE, batch, now, TTL)


def test_to_item_of_a_live_object_has_no_expiry(s3_record: Any) -> None:
    [change] = changes(s3_record, ("a.txt", "0A"))
    assert to_item(change, NOW, TTL) == {
        "bucket": BUCKET,
        "key": "a.txt",
        "event_name": "ObjectCreated:Put",
        "event_time": "2024-05-01T10:00:00.000Z",
        "sequencer": "0A",
        "sequencer_sort": "0A" + "0" * 30 + "@2024-05-01T10:00:00.000000Z",
        "deleted": False,
        "indexed_at": "2024-05-01T12:00:00.000+00:00",
        "size": 1,
        "etag": "etag-0A",
    }


def test_many_records_are_written_in_several_transactions(dynamodb: Any, s3_record: Any) -> None:
    batch = changes(s3_record, *[(f"bulk/{n:03}.txt", f"{n + 1:04X}") for n in range(150)])
    client = CountingClient(dynamodb)
    counts = write(client, batch)
    assert (counts.indexed, counts.tombstoned, counts.skipped_stale) == (150, 0, 0)
    assert client.calls == {"transact_write_items": 2}
    assert len(scan(dynamodb)) == 150


def test_redelivery_changes_nothing(dynamodb: Any, s3_record: Any) -> None:
    batch = changes(s3_record, *[(f"k{n:02}", f"{n + 1:02X}") for n in range(60)])
    write(dynamodb, batch)
    before = scan(dynamodb)
    counts = write(dynamodb, batch, now=NOW + timedelta(hours=1))
    assert (counts.indexed, counts.skipped_stale) == (0, 60)
    assert scan(dynamodb) == before


def test_redelivery_of_a_single_record_is_skipped(dynamodb: Any, s3_record: Any) -> None:
    batch = changes(s3_record, ("one", "0A"))
    write(dynamodb, batch)
    before = item(dynamodb, "one")
    counts = write(dynamodb, batch, now=NOW + timedelta(hours=1))
    assert (counts.indexed, counts.skipped_stale) == (0, 1)
    assert item(dynamodb, "one") == before


def test_older_event_never_overwrites_a_newer_one(dynamodb: Any, s3_record: Any) -> None:
    write(dynamodb, changes(s3_record, ("k", "0B")))
    counts = write(dynamodb, changes(s3_record, ("k", "0A")))
    assert counts.skipped_stale == 1
    assert item(dynamodb, "k")["sequencer"] == {"S": "0B"}  # type: ignore[index]


def test_stale_items_in_a_transaction_are_dropped_and_the_rest_retried(
    dynamodb: Any, s3_record: Any
) -> None:
    write(dynamodb, changes(s3_record, ("old", "0B")))
    client = CountingClient(dynamodb)
    counts = write(client, changes(s3_record, ("fresh-1", "01"), ("old", "0A"), ("fresh-2", "02")))
    assert (counts.indexed, counts.skipped_stale) == (2, 1)
    assert client.calls == {"transact_write_items": 2}
    assert item(dynamodb, "old")["sequencer"] == {"S": "0B"}  # type: ignore[index]
    assert item(dynamodb, "fresh-1") is not None
    assert item(dynamodb, "fresh-2") is not None


def test_sequencers_of_different_lengths_order_correctly(dynamodb: Any, s3_record: Any) -> None:
    write(dynamodb, changes(s3_record, ("k", "0A")))
    assert write(dynamodb, changes(s3_record, ("k", "0A0"))).skipped_stale == 1
    assert write(dynamodb, changes(s3_record, ("k", "0A01"))).indexed == 1


def test_delete_becomes_a_tombstone(dynamodb: Any, s3_record: Any) -> None:
    write(dynamodb, changes(s3_record, ("k", "01")))
    counts = write(dynamodb, changes(s3_record, ("k", "02", "ObjectRemoved:Delete")))
    assert counts.tombstoned == 1
    tombstone = item(dynamodb, "k")
    assert tombstone is not None
    assert tombstone["deleted"] == {"BOOL": True}
    assert tombstone["expires_at"] == {"N": str(int((NOW + TTL).timestamp()))}
    assert "size" not in tombstone
    assert "etag" not in tombstone


def test_late_older_create_cannot_resurrect_a_deleted_object(dynamodb: Any, s3_record: Any) -> None:
    write(dynamodb, changes(s3_record, ("k", "02", "ObjectRemoved:DeleteMarkerCreated")))
    assert write(dynamodb, changes(s3_record, ("k", "01"))).skipped_stale == 1
    assert item(dynamodb, "k")["deleted"] == {"BOOL": True}  # type: ignore[index]


def test_newer_create_after_a_tombstone_is_live_again(dynamodb: Any, s3_record: Any) -> None:
    write(dynamodb, changes(s3_record, ("k", "01", "ObjectRemoved:Delete")))
    assert write(dynamodb, changes(s3_record, ("k", "02"))).indexed == 1
    live = item(dynamodb, "k")
    assert live is not None
    assert live["deleted"] == {"BOOL": False}
    assert "expires_at" not in live
    assert live["size"] == {"N": "1"}


@pytest.mark.parametrize("records", [1, 3])
def test_a_missing_table_raises(dynamodb: Any, s3_record: Any, records: int) -> None:
    batch = changes(s3_record, *[(f"k{n}", "01") for n in range(records)])
    with pytest.raises((ClientError, IndexWriteError)):
        write_changes(dynamodb, "no-such-table", batch, NOW, TTL)


@pytest.mark.parametrize("records", [1, 3])
def test_a_request_dynamodb_refuses_raises_and_writes_nothing(
    dynamodb: Any, s3_record: Any, records: int
) -> None:
    """The writer's client (CLIENT_CONFIG) does not validate requests itself: DynamoDB does,
    and its refusal (an empty key) still fails the event instead of losing the batch."""
    client = boto3.client("dynamodb", config=CLIENT_CONFIG)
    *valid, last = changes(s3_record, *[(f"k{n}", "01") for n in range(records)])
    batch = [*valid, replace(last, key="")]
    with pytest.raises(ClientError, match="ValidationException"):
        write(client, batch)
    assert scan(dynamodb) == []


def test_textbook_path_lets_an_older_event_overwrite(dynamodb: Any, s3_record: Any) -> None:
    put_item_per_record(dynamodb, TABLE, changes(s3_record, ("k", "0B")), NOW)
    written = put_item_per_record(dynamodb, TABLE, changes(s3_record, ("k", "0A")), NOW)
    assert written == 1
    assert item(dynamodb, "k")["sequencer"] == {"S": "0A"}  # type: ignore[index]


def cancelled(stubber: Stubber, *codes: str) -> None:
    stubber.add_client_error(
        "transact_write_items",
        service_error_code="TransactionCanceledException",
        service_message="Transaction cancelled",
        http_status_code=400,
        modeled_fields={"CancellationReasons": [{"Code": code} for code in codes]}
        if codes
        else None,
    )


def stubbed_client() -> tuple[Any, Stubber]:
    client = boto3.client("dynamodb")
    return client, Stubber(client)


def test_a_throttled_transaction_raises(s3_record: Any) -> None:
    client, stubber = stubbed_client()
    cancelled(stubber, "None", "ThrottlingError")
    with stubber, pytest.raises(IndexWriteError, match="ThrottlingError"):
        write(client, changes(s3_record, ("a", "01"), ("b", "01")))


def test_a_conflicting_transaction_raises(s3_record: Any) -> None:
    client, stubber = stubbed_client()
    cancelled(stubber, "ConditionalCheckFailed", "TransactionConflict")
    with stubber, pytest.raises(IndexWriteError, match="TransactionConflict"):
        write(client, changes(s3_record, ("a", "01"), ("b", "01")))


def test_a_cancellation_with_no_failed_item_raises_instead_of_looping(s3_record: Any) -> None:
    client, stubber = stubbed_client()
    cancelled(stubber, "None", "None")
    with stubber, pytest.raises(IndexWriteError, match="without a reason"):
        write(client, changes(s3_record, ("a", "01"), ("b", "01")))


def test_a_cancellation_without_reasons_raises(s3_record: Any) -> None:
    client, stubber = stubbed_client()
    cancelled(stubber)
    with stubber, pytest.raises(IndexWriteError, match="usable reasons"):
        write(client, changes(s3_record, ("a", "01"), ("b", "01")))


def test_stale_items_are_counted_and_collateral_ones_resent(s3_record: Any) -> None:
    client, stubber = stubbed_client()
    cancelled(stubber, "None", "ConditionalCheckFailed", "None")
    stubber.add_response("transact_write_items", {})
    with stubber:
        counts = write(
            client,
            changes(s3_record, ("a", "01"), ("b", "01"), ("c", "01", "ObjectRemoved:Delete")),
        )
    stubber.assert_no_pending_responses()
    assert (counts.indexed, counts.tombstoned, counts.skipped_stale) == (1, 1, 1)


def test_other_put_errors_raise(s3_record: Any) -> None:
    client, stubber = stubbed_client()
    stubber.add_client_error(
        "put_item", service_error_code="ProvisionedThroughputExceededException"
    )
    with stubber, pytest.raises(ClientError, match="ProvisionedThroughputExceeded"):
        write(client, changes(s3_record, ("a", "01")))
