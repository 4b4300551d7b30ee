from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from s3_object_index.config import ConfigError, load_config

HANDLER = "s3_object_index.handler"
TABLE = "object-index"


@pytest.fixture
def indexer(load_handler: Any, dynamodb: Any) -> Iterator[Any]:
    yield load_handler(HANDLER, TABLE_NAME=TABLE)


def rows(dynamodb: Any) -> dict[str, dict[str, Any]]:
    return {item["key"]["S"]: item for item in dynamodb.scan(TableName=TABLE)["Items"]}


@pytest.mark.parametrize(
    ("fixture", "summary", "key"),
    [
        ("put", {"indexed": 1}, "photos/my photoé.jpg"),
        ("copy", {"indexed": 1}, "reports/2024 Q1+Q2.csv"),
        ("complete_multipart_upload", {"indexed": 1}, "backups/100% done.tar"),
        ("delete", {"tombstoned": 1}, "tmp/a b.txt"),
        ("delete_marker_created", {"tombstoned": 1}, "docs/report.pdf"),
        (
            "multi_record",
            {"indexed": 2, "tombstoned": 1, "skipped_stale": 1},
            "inbox/second file.txt",
        ),
        ("test_event", {"ignored": 1}, None),
        ("malformed", {"indexed": 1, "rejected": 2}, "good/one.txt"),
    ],
)
def test_handler_on_each_fixture(
    indexer: Any,
    dynamodb: Any,
    lambda_context: Any,
    load_event: Any,
    fixture: str,
    summary: dict[str, int],
    key: str | None,
) -> None:
    expected = {"indexed": 0, "tombstoned": 0, "skipped_stale": 0, "ignored": 0, "rejected": 0}
    assert indexer.lambda_handler(load_event(fixture), lambda_context) == expected | summary
    if key is not None:
        assert key in rows(dynamodb)


def test_handler_logs_one_summary_and_each_rejection(
    indexer: Any, lambda_context: Any, load_event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    indexer.lambda_handler(load_event("malformed"), lambda_context)
    records = [record.__dict__ for record in caplog.records]
    rejected = [record for record in records if record["msg"] == "rejected record"]
    assert [record["reason"] for record in rejected] == [
        "missing s3.object.key",
        "sequencer must be a hexadecimal string, got 'not-hex!'",
    ]
    [summary] = [record for record in records if record["msg"] == "indexed event"]
    assert (summary["indexed"], summary["rejected"]) == (1, 2)


def test_redelivered_event_is_skipped(indexer: Any, lambda_context: Any, load_event: Any) -> None:
    event = load_event("multi_record")
    indexer.lambda_handler(event, lambda_context)
    again = indexer.lambda_handler(event, lambda_context)
    assert again == {
        "indexed": 0,
        "tombstoned": 0,
        "skipped_stale": 4,
        "ignored": 0,
        "rejected": 0,
    }


def test_aws_errors_propagate(
    load_handler: Any, dynamodb: Any, lambda_context: Any, load_event: Any
) -> None:
    indexer = load_handler(HANDLER, TABLE_NAME="no-such-table")
    with pytest.raises(Exception, match="ResourceNotFound"):
        indexer.lambda_handler(load_event("put"), lambda_context)


def test_the_table_client_leaves_request_validation_to_dynamodb(indexer: Any) -> None:
    """botocore's client-side check of every attribute is skipped (store.CLIENT_CONFIG): a
    request it would stop (a number given as an int) reaches DynamoDB, which refuses it.
    test_store shows such a refusal still fails the event."""
    malformed = {"bucket": {"S": "b"}, "key": {"S": "k"}, "size": {"N": 5}}
    with pytest.raises(ClientError, match="SerializationException"):
        indexer.dynamodb_client().put_item(TableName=TABLE, Item=malformed)


def test_content_type_is_fetched_when_enabled(
    load_handler: Any, dynamodb: Any, lambda_context: Any, load_event: Any
) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket="lbp-uploads", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_object(
        Bucket="lbp-uploads", Key="photos/my photoé.jpg", Body=b"x", ContentType="image/jpeg"
    )
    indexer = load_handler(HANDLER, TABLE_NAME=TABLE, FETCH_CONTENT_TYPE="true")
    indexer.lambda_handler(load_event("put"), lambda_context)
    indexer.lambda_handler(load_event("copy"), lambda_context)  # object gone: no content type
    found = rows(dynamodb)
    assert found["photos/my photoé.jpg"]["content_type"] == {"S": "image/jpeg"}
    assert "content_type" not in found["reports/2024 Q1+Q2.csv"]


def test_content_type_is_not_fetched_by_default(
    indexer: Any, dynamodb: Any, lambda_context: Any, load_event: Any
) -> None:
    indexer.lambda_handler(load_event("put"), lambda_context)
    assert "content_type" not in rows(dynamodb)["photos/my photoé.jpg"]


def test_missing_table_name_fails_at_cold_start(load_handler: Any) -> None:
    with pytest.raises(ConfigError, match="TABLE_NAME is required"):
        load_handler(HANDLER, TABLE_NAME="")


def test_config_defaults_and_values() -> None:
    assert load_config({"TABLE_NAME": "t"}).tombstone_ttl == timedelta(days=7)
    config = load_config(
        {"TABLE_NAME": "t", "TOMBSTONE_TTL_DAYS": "2", "FETCH_CONTENT_TYPE": "TRUE"}
    )
    assert (config.tombstone_ttl, config.fetch_content_type) == (timedelta(days=2), True)


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({}, "TABLE_NAME is required"),
        ({"TABLE_NAME": "t", "TOMBSTONE_TTL_DAYS": "0"}, "TOMBSTONE_TTL_DAYS"),
        ({"TABLE_NAME": "t", "TOMBSTONE_TTL_DAYS": "week"}, "TOMBSTONE_TTL_DAYS"),
        ({"TABLE_NAME": "t", "FETCH_CONTENT_TYPE": "maybe"}, "FETCH_CONTENT_TYPE"),
    ],
)
def test_bad_config_is_named(env: dict[str, str], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        load_config(env)
