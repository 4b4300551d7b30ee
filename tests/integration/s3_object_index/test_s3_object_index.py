"""Scenario 2 end to end: S3 events → indexer → DynamoDB, and the query API over HTTP.

The stack runs with a customer managed key created here (kms_key_arn): the bucket (SSE-KMS),
the index table and the on-failure queue are encrypted with it. That is the path with the most
IAM to get right: under IAM enforcement (LBP_IAM=enforce) the indexer's writes, the API's reads
and Lambda's delivery of a failed event to the queue (made with the function's role) need
kms:GenerateDataKey / kms:Decrypt on the key, and without them these tests fail. The default
encryption (AWS managed keys, no KMS grant needed) is applied and driven end to end by
test_content_type_lookup.py, tests/integration/arm64 and tests/integration/examples.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from botocore.exceptions import ClientError

from lbp_testing.faults import denied
from lbp_testing.queues import drain, queue_url
from lbp_testing.stack import DeployStack, Stack
from scenario_client.http import function_url_base, rest_api_base, signed_get
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget

AWKWARD_KEYS = [
    "my photoé.jpg",
    "a+b=c.txt",
    "100% done.txt",
    "dir/sub dir/ünïcødé 文件.txt",
    "spaces  twice .csv",
    "semi;colon&amp.txt",
]


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    kms = boto3.client("kms")
    arn: str = kms.create_key(Description="lambda-blueprints test: s3-object-index CMK")[
        "KeyMetadata"
    ]["Arn"]
    yield arn
    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)


@pytest.fixture(scope="module")
def stack(deploy_stack: DeployStack, key_arn: str) -> Stack:
    return deploy_stack(
        ["s3_object_index"],
        kms_key_arn=key_arn,
        s3_object_index={
            "functions": {
                "indexer": {
                    # No retries in the test stack, so a failed event reaches the queue at once.
                    "maximum_retry_attempts": 0,
                }
            },
        },
    )


@pytest.fixture(scope="module")
def scenario(stack: Stack) -> dict[str, Any]:
    outputs: dict[str, Any] = stack.outputs["s3_object_index"]
    return outputs


def live_rows(table_name: str, bucket: str, prefix: str) -> dict[str, tuple[int, str]]:
    table = boto3.resource("dynamodb").Table(table_name)
    rows: dict[str, tuple[int, str]] = {}
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "#b = :b AND begins_with(#k, :p)",
        "ExpressionAttributeNames": {"#b": "bucket", "#k": "key"},
        "ExpressionAttributeValues": {":b": bucket, ":p": prefix},
        "ConsistentRead": True,
    }
    while True:
        page = table.query(**kwargs)
        for item in page["Items"]:
            if not item.get("deleted"):
                rows[str(item["key"])] = (int(item["size"]), str(item["etag"]))
        if "LastEvaluatedKey" not in page:
            return rows
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def bucket_listing(bucket: str, prefix: str) -> dict[str, tuple[int, str]]:
    listing: dict[str, tuple[int, str]] = {}
    paginator = boto3.client("s3").get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            listing[obj["Key"]] = (obj["Size"], obj["ETag"].strip('"'))
    return listing


def get_row(table_name: str, bucket: str, key: str) -> dict[str, Any] | None:
    table = boto3.resource("dynamodb").Table(table_name)
    item = table.get_item(Key={"bucket": bucket, "key": key}, ConsistentRead=True).get("Item")
    return dict(item) if item else None


def test_data_index_and_failures_are_encrypted_with_the_key(
    scenario: dict[str, Any], key_arn: str
) -> None:
    bucket, key = scenario["bucket_name"], f"cmk/{secrets.token_hex(4)}.txt"
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=b"secret")
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key_arn
    table = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"]
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario["on_failure_queue_url"]), AttributeNames=["KmsMasterKeyId"]
    )
    assert attributes["Attributes"]["KmsMasterKeyId"] == key_arn


def test_table_equals_the_bucket_listing_after_uploads_overwrites_and_deletes(
    scenario: dict[str, Any],
) -> None:
    s3 = boto3.client("s3")
    bucket, prefix = scenario["bucket_name"], f"sync-{secrets.token_hex(3)}/"
    keys = [f"{prefix}{name}" for name in AWKWARD_KEYS] + [
        f"{prefix}plain/object-{n:03}.txt" for n in range(50)
    ]
    for index, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * (index + 1))
    for key in keys[:10]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"overwritten, longer than before " * 3)
    for key in keys[10:20]:
        s3.delete_object(Bucket=bucket, Key=key)

    expected = bucket_listing(bucket, prefix)
    assert len(expected) == len(keys) - 10
    eventually(
        lambda: live_rows(scenario["table_name"], bucket, prefix),
        accept=lambda rows: rows == expected,
        timeout=90,
        interval=1.0,
        what="index equal to the bucket listing",
    )
    for key in keys[10:20]:
        tombstone = get_row(scenario["table_name"], bucket, key)
        assert tombstone is not None and tombstone["deleted"] is True
        assert int(tombstone["expires_at"]) > 0


def _event_for(row: dict[str, Any], sequencer: str, event_time: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": event_time,
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": row["bucket"], "arn": f"arn:aws:s3:::{row['bucket']}"},
                    "object": {
                        "key": quote(row["key"]).replace("%20", "+"),
                        "size": 1,
                        "eTag": "0" * 32,
                        "sequencer": sequencer,
                    },
                },
            }
        ]
    }


def invoke_indexer(function_name: str, event: dict[str, Any]) -> dict[str, Any]:
    response = boto3.client("lambda").invoke(
        FunctionName=function_name, Payload=json.dumps(event).encode()
    )
    body: dict[str, Any] = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def test_redelivered_and_older_events_change_nothing(scenario: dict[str, Any]) -> None:
    s3 = boto3.client("s3")
    bucket, key = scenario["bucket_name"], f"redelivery-{secrets.token_hex(3)}/a file+é.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"original")
    row = eventually(
        lambda: get_row(scenario["table_name"], bucket, key),
        timeout=60,
        what=f"row for {key}",
    )
    assert row is not None

    redelivered = invoke_indexer(
        scenario["indexer_function_name"],
        _event_for(row, str(row["sequencer"]), str(row["event_time"])),
    )
    older = invoke_indexer(
        scenario["indexer_function_name"],
        _event_for(row, "0000000000000001", "2000-01-01T00:00:00.000Z"),
    )

    assert redelivered["skipped_stale"] == 1 and older["skipped_stale"] == 1
    assert get_row(scenario["table_name"], bucket, key) == row


def test_a_failing_event_ends_in_the_on_failure_queue(scenario: dict[str, Any]) -> None:
    """An AWS error fails the invocation; the event lands in the on-failure queue.

    The failure is injected from outside: while the upload is delivered, the indexer's role
    carries an explicit Deny on the index table. This needs IAM enforcement (a real account, or
    the local AWS with LBP_IAM=enforce): without it the write succeeds and this test fails.
    The queue is encrypted with the stack's key, so the delivery also needs the function role's
    grant on the key.
    """
    bucket = scenario["bucket_name"]
    key = f"denied/{secrets.token_hex(4)}.txt"
    url = queue_url(scenario["on_failure_queue_url"])
    table_arn = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"][
        "TableArn"
    ]
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        return [
            record
            for record in drain(url, seen)
            if key in json.dumps(record.get("requestPayload", {}), ensure_ascii=False)
            or quote(key) in json.dumps(record.get("requestPayload", {}))
        ]

    with denied(scenario["indexer_function_name"], {"Action": "dynamodb:*", "Resource": table_arn}):
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=b"boom")
        records = eventually(
            failure_records, timeout=120, interval=0, what=f"failure record for {key}"
        )
    record = records[0]
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert (
        record["requestContext"]["functionArn"].split(":")[6] == scenario["indexer_function_name"]
    )
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert "AccessDenied" in json.dumps(record["responsePayload"])
    assert get_row(scenario["table_name"], bucket, key) is None


@pytest.fixture(scope="module")
def indexed_objects(scenario: dict[str, Any]) -> tuple[str, list[str]]:
    s3 = boto3.client("s3")
    bucket, prefix = scenario["bucket_name"], f"api-{secrets.token_hex(3)}/"
    keys = sorted(f"{prefix}{name}" for name in [*AWKWARD_KEYS, "b/1.txt", "b/2.txt", "b/3.txt"])
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    eventually(
        lambda: live_rows(scenario["table_name"], bucket, prefix),
        accept=lambda rows: len(rows) == len(keys),
        timeout=60,
        what="API fixture objects indexed",
    )
    return prefix, keys


def api_get(scenario: dict[str, Any], target: AwsTarget, path: str, via: str) -> Any:
    if via == "function-url":
        base, host = function_url_base(scenario["function_url"], target)
        return signed_get(f"{base}{path}", "lambda", target.region, host)
    base = rest_api_base(
        scenario["rest_api_id"], scenario["rest_api_stage"], scenario["rest_api_url"], target
    )
    return signed_get(f"{base}{path}", "execute-api", target.region)


VIAS = ["function-url", "rest-api"]


@pytest.mark.parametrize("via", VIAS)
def test_api_lists_a_prefix_page_by_page(
    scenario: dict[str, Any],
    aws_target: AwsTarget,
    indexed_objects: tuple[str, list[str]],
    via: str,
) -> None:
    prefix, keys = indexed_objects
    bucket = scenario["bucket_name"]
    listed: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = f"bucket={bucket}&prefix={quote(prefix)}&limit=4"
        if cursor:
            query += f"&cursor={quote(cursor)}"
        response = api_get(scenario, aws_target, f"/objects?{query}", via)
        assert response.status == 200, response.body
        assert len(response.body["items"]) <= 4
        listed += [item["key"] for item in response.body["items"]]
        pages += 1
        cursor = response.body["next_cursor"]
        if not cursor:
            break
    assert listed == keys
    assert pages == -(-len(keys) // 4)


@pytest.mark.parametrize("via", VIAS)
def test_api_gets_one_record_and_404s_unknown_keys(
    scenario: dict[str, Any],
    aws_target: AwsTarget,
    indexed_objects: tuple[str, list[str]],
    via: str,
) -> None:
    _, keys = indexed_objects
    bucket = scenario["bucket_name"]
    awkward = next(key for key in keys if "文件" in key)
    found = api_get(scenario, aws_target, f"/objects/{bucket}/{quote(awkward)}", via)
    assert found.status == 200, found.body
    assert found.body["key"] == awkward and found.body["size"] == len(awkward.encode())
    missing = api_get(scenario, aws_target, f"/objects/{bucket}/{quote(awkward)}.nope", via)
    assert missing.status == 404 and "error" in missing.body


@pytest.mark.parametrize("via", VIAS)
def test_api_rejects_bad_parameters_with_a_reason(
    scenario: dict[str, Any], aws_target: AwsTarget, via: str
) -> None:
    no_bucket = api_get(scenario, aws_target, "/objects?prefix=x", via)
    bad_limit = api_get(
        scenario, aws_target, f"/objects?bucket={scenario['bucket_name']}&limit=zero", via
    )
    assert no_bucket.status == 400 and "bucket" in no_bucket.body["error"]
    assert bad_limit.status == 400 and "limit" in bad_limit.body["error"]


@pytest.mark.emulator_difference(
    ministack=(
        "ListObjectVersions ignores encoding-type=url: keys come back raw, so Terraform's "
        "force_destroy fails to decode '100% done.txt' (invalid URL escape) and the bucket is not "
        "emptied"
    )
)
def test_destroy_empties_the_versioned_bucket_whatever_its_keys(
    stack: Stack, scenario: dict[str, Any]
) -> None:
    """Last in this file: the bucket now holds awkward keys, overwritten versions and delete
    markers; force_destroy must remove them all, then the bucket itself."""
    stack.destroy()
    with pytest.raises(ClientError) as gone:
        boto3.client("s3").head_bucket(Bucket=scenario["bucket_name"])
    assert gone.value.response["Error"]["Code"] in {"404", "NoSuchBucket"}
