"""Scenario 4 applied with a customer managed key created here: uploads, renditions, results and
failures all use it, under IAM enforcement.

Both buckets (SSE-KMS with a bucket key), the results table and the on-failure queue are
encrypted with the key. The processor reads the SSE-KMS upload and writes SSE-KMS renditions; the
chained report function writes the table; Lambda delivers a failed event to the queue with the
processor's role. Each of these needs kms:Decrypt / kms:GenerateDataKey on the key: the IAM
report must show no denial for the stack. The emulator does not check the key policy (AWS does):
the key's policy here is the account statement only, which is what the module needs.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from PIL import Image

from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

DENIED_PREFIX = "denied/"  # the processor's role is denied reading these (the fault test's policy)
RENDITIONS = {"thumb": {"max_width": 100, "max_height": 100, "format": "jpeg", "quality": 70}}
READS = ("s3:GetObject", "s3:GetObjectVersion")
ON_SUCCESS_NOT_ROUTED = (
    "an async invocation from an event source (here S3) never reaches its on-success destination "
    "(MiniStack routes only OnFailure), so the chained report function never runs and no result "
    "is recorded"
)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: image-renditions CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, key_arn: str) -> dict[str, Any]:
    stack = deploy_stack(
        ["image_renditions"],
        kms_key_arn=key_arn,
        image_renditions={
            "renditions": RENDITIONS,
            "functions": {
                "renditions": {"maximum_retry_attempts": 0},
                "report": {"maximum_retry_attempts": 0},
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["image_renditions"]
    return outputs


def png(width: int = 320, height: int = 200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 140, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def queue_url(scenario: dict[str, Any]) -> str:
    name = scenario["on_failure_queue_url"].rsplit("/", 1)[-1]
    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def test_buckets_table_and_queue_are_encrypted_with_the_key(
    scenario: dict[str, Any], key_arn: str
) -> None:
    s3 = boto3.client("s3")
    for bucket in (scenario["source_bucket_name"], scenario["destination_bucket_name"]):
        [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
        default = rule["ApplyServerSideEncryptionByDefault"]
        assert (default["SSEAlgorithm"], default["KMSMasterKeyID"]) == ("aws:kms", key_arn)
        assert rule["BucketKeyEnabled"] is True
    table = boto3.client("dynamodb").describe_table(TableName=scenario["results_table_name"])
    assert table["Table"]["SSEDescription"]["KMSMasterKeyArn"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario), AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_an_sse_kms_upload_is_rendered_into_sse_kms_objects_and_recorded(
    scenario: dict[str, Any], key_arn: str
) -> None:
    s3 = boto3.client("s3")
    source, destination = scenario["source_bucket_name"], scenario["destination_bucket_name"]
    key = f"cmk-{secrets.token_hex(4)}/logo.png"
    s3.put_object(Bucket=source, Key=key, Body=png())
    head = s3.head_object(Bucket=source, Key=key)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key_arn)

    table = boto3.resource("dynamodb").Table(scenario["results_table_name"])
    item = eventually(
        lambda: table.get_item(Key={"bucket": source, "key": key}, ConsistentRead=True).get("Item"),
        timeout=90,
        what=f"the result item of {key}",
    )
    assert item["status"] == "rendered"
    [thumb] = item["renditions"]
    assert max(int(thumb["width"]), int(thumb["height"])) == 100
    rendition = s3.head_object(Bucket=destination, Key=str(thumb["key"]))
    assert (rendition["ServerSideEncryption"], rendition["SSEKMSKeyId"]) == ("aws:kms", key_arn)


def test_the_iam_report_shows_no_denial_for_the_stack(scenario: dict[str, Any]) -> None:
    found = denials(name_prefix_of(scenario["renditions_function_name"]))
    assert found == [], found


def test_a_failed_event_reaches_the_encrypted_queue(scenario: dict[str, Any]) -> None:
    """An AWS error fails the processor; Lambda parks the event in the SSE-KMS queue.

    Injected from outside: while this test runs, the processor's role carries an explicit Deny on
    reading uploads under DENIED_PREFIX. Needs IAM enforcement: without it the upload is
    rendered and the wait for the failure record times out. The delivery to the queue is made
    with the processor's role, so it also proves the role may use the queue's key.
    """
    key = f"{DENIED_PREFIX}{secrets.token_hex(4)}.png"
    sqs = boto3.client("sqs")
    url = queue_url(scenario)
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
        for message in reply.get("Messages", []):
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return [r for r in seen if key in json.dumps(r.get("requestPayload", {}))]

    uploads = f"arn:aws:s3:::{scenario['source_bucket_name']}/{DENIED_PREFIX}*"
    with denied(scenario["renditions_function_name"], {"Action": list(READS), "Resource": uploads}):
        boto3.client("s3").put_object(
            Bucket=scenario["source_bucket_name"], Key=key, Body=png(10, 10)
        )
        [record] = eventually(failure_records, timeout=120, interval=0, what=f"failure of {key}")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "AccessDenied" in json.dumps(record["responsePayload"])
    unexpected = only_injected(denials(name_prefix_of(scenario["renditions_function_name"])), READS)
    assert unexpected == [], unexpected
