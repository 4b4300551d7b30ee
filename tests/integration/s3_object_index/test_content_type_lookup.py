"""Scenario 2 with the content-type lookup on (fetch_content_type): what its role must allow.

Under IAM enforcement (LBP_IAM=enforce, the default of `make test`) these fail when the indexer's
role lacks s3:GetObjectVersion (HeadObject carries the event's VersionId in a versioned bucket)
or s3:ListBucket (HeadObject of a key that is gone answers 403 instead of 404, and the event
fails instead of being indexed without a content type). With enforcement off they cannot fail
for those reasons.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack) -> dict[str, Any]:
    stack = deploy_stack(
        ["s3_object_index"],
        s3_object_index={
            "fetch_content_type": True,
            "functions": {"indexer": {"maximum_retry_attempts": 0}},
        },
    )
    outputs: dict[str, Any] = stack.outputs["s3_object_index"]
    return outputs


def get_row(table_name: str, bucket: str, key: str) -> dict[str, Any] | None:
    table = boto3.resource("dynamodb").Table(table_name)
    item = table.get_item(Key={"bucket": bucket, "key": key}, ConsistentRead=True).get("Item")
    return dict(item) if item else None


def test_an_upload_is_indexed_with_its_content_type(scenario: dict[str, Any]) -> None:
    bucket = scenario["bucket_name"]
    key = f"typed/{secrets.token_hex(4)}.png"
    reply = boto3.client("s3").put_object(
        Bucket=bucket, Key=key, Body=b"\x89PNG not really", ContentType="image/png"
    )
    assert reply.get("VersionId"), "the indexed bucket is versioned: events carry a versionId"
    row = eventually(
        lambda: get_row(scenario["table_name"], bucket, key),
        accept=lambda found: found is not None and "content_type" in found,
        timeout=60,
        what=f"an index row with the content type of {key}",
    )
    assert row is not None
    assert row["content_type"] == "image/png" and row["version_id"] == reply["VersionId"]


def test_an_object_gone_before_the_lookup_is_indexed_without_content_type(
    scenario: dict[str, Any],
) -> None:
    """The creation event of a key that no longer exists (deleted before the function ran).

    The event is crafted and the function invoked with it directly: the real race (an object
    deleted between its upload and the notification's delivery) cannot be timed reliably. The
    invocation is synchronous so a failure shows as the function's error, not a retry.
    """
    bucket = scenario["bucket_name"]
    key = f"gone/{secrets.token_hex(4)}.txt"
    now = datetime.now(UTC)
    event = {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": boto3.session.Session().region_name,
                "eventTime": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {
                        "key": key,
                        "size": 3,
                        "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                        "sequencer": f"{int(now.timestamp() * 1000):016X}",
                    },
                },
            }
        ]
    }
    reply = boto3.client("lambda").invoke(
        FunctionName=scenario["indexer_function_name"], Payload=json.dumps(event).encode()
    )
    payload = json.loads(reply["Payload"].read())
    assert "FunctionError" not in reply, payload
    assert payload["indexed"] == 1 and payload["rejected"] == 0
    row = get_row(scenario["table_name"], bucket, key)
    assert row is not None and "content_type" not in row and row["deleted"] is False
