"""The chained step: destination record → DynamoDB result item, replica copies (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from image_renditions_report.config import ConfigError, load_config
from image_renditions_report.record import NotAResult, item_for, parse_result

TABLE, DEST, REPLICA = "results", "renditions", "replica-eu"

RENDERED = {
    "bucket": "uploads",
    "key": "a/pic.png",
    "status": "rendered",
    "etag": "e1",
    "source_bytes": 1234,
    "renditions": [
        {"name": "large", "bucket": DEST, "key": "large/a/pic.png", "width": 200, "height": 150,
         "format": "PNG", "content_type": "image/png", "bytes": 99},
    ],
}  # fmt: skip
SKIPPED = {"bucket": "uploads", "key": "bad.jpg", "status": "skipped", "reason": "not an image"}


def destination_record(
    objects: list[dict[str, Any]], timestamp: Any = "2024-05-01T10:00:00.000Z"
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "timestamp": timestamp,
        "requestContext": {
            "requestId": "req-1",
            "condition": "Success",
            "approximateInvokeCount": 1,
        },
        "requestPayload": {"Records": []},
        "responseContext": {"statusCode": 200},
        "responsePayload": {"summary": {}, "objects": objects, "rejected": []},
    }


def test_item_holds_locations_sizes_and_bytes() -> None:
    item = item_for(RENDERED, parse_result(destination_record([RENDERED])))
    assert item["bucket"] == "uploads" and item["key"] == "a/pic.png"
    assert item["updated_at"] == "2024-05-01T10:00:00.000+00:00"
    [rendition] = item["renditions"]
    assert rendition["location"] == f"s3://{DEST}/large/a/pic.png"
    assert (rendition["width"], rendition["height"], rendition["bytes"]) == (200, 150, 99)


def test_epoch_millisecond_timestamps_are_accepted() -> None:
    result = parse_result(destination_record([], timestamp=1714557600000))
    assert result.recorded_at == "2024-05-01T10:00:00.000+00:00"


@pytest.mark.parametrize(
    "event",
    [
        "text",
        {"responsePayload": {"objects": []}},
        destination_record([]) | {"requestContext": {"condition": "RetriesExhausted"}},
        destination_record([]) | {"responsePayload": {"errorMessage": "boom"}},
    ],
)
def test_not_a_result(event: Any) -> None:
    with pytest.raises(NotAResult):
        parse_result(event)


def test_replica_settings_come_together() -> None:
    with pytest.raises(ConfigError):
        load_config({"TABLE_NAME": TABLE, "REPLICA_BUCKET": REPLICA})
    with pytest.raises(ConfigError):
        load_config({})


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE,
            AttributeDefinitions=[
                {"AttributeName": "bucket", "AttributeType": "S"},
                {"AttributeName": "key", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "bucket", "KeyType": "HASH"},
                {"AttributeName": "key", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=DEST, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket=DEST, Key="large/a/pic.png", Body=b"png-bytes")
        boto3.client("s3", region_name="us-west-2").create_bucket(
            Bucket=REPLICA, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
        yield


def get(bucket: str, key: str) -> dict[str, Any] | None:
    item = (
        boto3.resource("dynamodb")
        .Table(TABLE)
        .get_item(Key={"bucket": bucket, "key": key})
        .get("Item")
    )
    return dict(item) if item else None


def test_handler_records_results_and_replicates(
    aws: None, load_handler: Any, lambda_context: Any
) -> None:
    handler = load_handler(
        "image_renditions_report.handler",
        TABLE_NAME=TABLE,
        REPLICA_BUCKET=REPLICA,
        REPLICA_REGION="us-west-2",
    )
    counts = handler.lambda_handler(destination_record([RENDERED, SKIPPED]), lambda_context)
    assert counts == {"recorded": 2, "stale": 0, "replicated": 1, "rejected": 0}
    item = get("uploads", "a/pic.png")
    assert (
        item is not None
        and item["renditions"][0]["replica_location"] == f"s3://{REPLICA}/large/a/pic.png"
    )
    copied = boto3.client("s3", region_name="us-west-2").get_object(
        Bucket=REPLICA, Key="large/a/pic.png"
    )
    assert copied["Body"].read() == b"png-bytes"
    skipped = get("uploads", "bad.jpg")
    assert (
        skipped is not None
        and skipped["status"] == "skipped"
        and skipped["reason"] == "not an image"
    )


def test_an_older_result_does_not_replace_a_newer_one(
    aws: None, load_handler: Any, lambda_context: Any
) -> None:
    handler = load_handler("image_renditions_report.handler", TABLE_NAME=TABLE)
    handler.lambda_handler(destination_record([RENDERED], "2024-05-01T10:00:00Z"), lambda_context)
    older = dict(RENDERED, etag="e0")
    counts = handler.lambda_handler(
        destination_record([older], "2024-05-01T09:00:00Z"), lambda_context
    )
    assert counts["stale"] == 1
    item = get("uploads", "a/pic.png")
    assert item is not None and item["etag"] == "e1"


def test_handler_rejects_a_non_result_without_raising(
    aws: None, load_handler: Any, lambda_context: Any
) -> None:
    handler = load_handler("image_renditions_report.handler", TABLE_NAME=TABLE)
    assert handler.lambda_handler({"hello": 1}, lambda_context)["rejected"] == 1
