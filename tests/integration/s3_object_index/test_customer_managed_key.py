"""Scenario 2 applied with a customer managed key created here: data, index and failures use it.

The bucket (SSE-KMS), the index table and the on-failure queue are encrypted with the key.
Under IAM enforcement (LBP_IAM=enforce) the indexer's writes to the table and Lambda's delivery
of a failed event to the queue (made with the function's role) need kms:GenerateDataKey /
kms:Decrypt on the key: without them the row is never written and the failure is dropped.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lbp_testing.faults import denied
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    kms = boto3.client("kms")
    arn: str = kms.create_key(Description="lambda-blueprints test: s3-object-index CMK")[
        "KeyMetadata"
    ]["Arn"]
    yield arn
    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, key_arn: str) -> dict[str, Any]:
    stack = deploy_stack(
        ["s3_object_index"],
        kms_key_arn=key_arn,
        s3_object_index={
            "functions": {
                "indexer": {
                    "maximum_retry_attempts": 0,
                }
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["s3_object_index"]
    return outputs


def test_uploads_are_encrypted_with_the_key_and_indexed(
    scenario: dict[str, Any], key_arn: str
) -> None:
    bucket = scenario["bucket_name"]
    key = f"cmk/{secrets.token_hex(4)}.txt"
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=b"secret")
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key_arn
    table = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"]
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key_arn
    row = eventually(
        lambda: (
            boto3.resource("dynamodb")
            .Table(scenario["table_name"])
            .get_item(Key={"bucket": bucket, "key": key}, ConsistentRead=True)
            .get("Item")
        ),
        timeout=60,
        what=f"the index row of {key}",
    )
    assert row is not None and int(row["size"]) == 6


def test_a_failing_event_reaches_the_encrypted_queue(
    scenario: dict[str, Any], key_arn: str
) -> None:
    """The failure comes from an explicit Deny on the index table put on the indexer's role for
    the duration of the upload (needs IAM enforcement, see lbp_testing.faults)."""
    sqs = boto3.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=scenario["on_failure_queue_url"].rsplit("/", 1)[-1])[
        "QueueUrl"
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["KmsMasterKeyId"])
    assert attributes["Attributes"]["KmsMasterKeyId"] == key_arn
    key = f"denied/{secrets.token_hex(4)}.txt"
    table_arn = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"][
        "TableArn"
    ]
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        reply = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
        for message in reply.get("Messages", []):
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return [r for r in seen if key in json.dumps(r.get("requestPayload", {}))]

    with denied(scenario["indexer_function_name"], {"Action": "dynamodb:*", "Resource": table_arn}):
        boto3.client("s3").put_object(Bucket=scenario["bucket_name"], Key=key, Body=b"boom")
        [record] = eventually(failure_records, timeout=120, interval=0, what=f"failure of {key}")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
