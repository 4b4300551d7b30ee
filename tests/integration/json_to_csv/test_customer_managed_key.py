"""Scenario 5 applied with a customer managed key created here: the bucket, the stream and both
failure queues use it, under IAM enforcement.

The converter reads SSE-KMS objects and writes SSE-KMS CSVs; the stream function reads the
KMS-encrypted stream (through its event source mapping, with its role) and writes CSVs; Lambda
delivers failed S3 events and failed stream batches to SSE-KMS queues with the functions' roles.
Each needs kms:Decrypt / kms:GenerateDataKey on the key: the IAM report must show no denial
for the stack. The emulator does not check the key policy (AWS does): the key's policy here is
the account statement only, which is what the module needs.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

DENIED = "denied/"  # the fault tests deny the functions' access under this part of a key
INJECTED = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject")


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: json-to-csv CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, key_arn: str) -> dict[str, Any]:
    stack = deploy_stack(
        ["json_to_csv"],
        kms_key_arn=key_arn,
        json_to_csv={
            "stream": {"batch_size": 10, "maximum_batching_window_in_seconds": 1},
            "functions": {
                "s3": {"maximum_retry_attempts": 0},
                "stream": {"maximum_retry_attempts": 1},
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["json_to_csv"]
    return outputs


def queue(url_output: str) -> str:
    name = url_output.rsplit("/", 1)[-1]
    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def drain(url: str, seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
    for message in reply.get("Messages", []):
        seen.append(json.loads(message["Body"]))
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return seen


def read(bucket: str, key: str) -> bytes | None:
    s3 = boto3.client("s3")
    try:
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return body


def test_bucket_stream_and_queues_are_encrypted_with_the_key(
    scenario: dict[str, Any], key_arn: str
) -> None:
    s3 = boto3.client("s3")
    for bucket in {scenario["bucket_name"], scenario["output_bucket_name"]}:
        [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
        default = rule["ApplyServerSideEncryptionByDefault"]
        assert (default["SSEAlgorithm"], default["KMSMasterKeyID"]) == ("aws:kms", key_arn)
    stream = boto3.client("kinesis").describe_stream_summary(StreamName=scenario["stream_name"])
    summary = stream["StreamDescriptionSummary"]
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", key_arn)
    for output in ("s3_failures_queue_url", "stream_failures_queue_url"):
        attributes = boto3.client("sqs").get_queue_attributes(
            QueueUrl=queue(scenario[output]), AttributeNames=["KmsMasterKeyId"]
        )["Attributes"]
        assert attributes["KmsMasterKeyId"] == key_arn, output


def test_an_sse_kms_object_becomes_an_sse_kms_csv(scenario: dict[str, Any], key_arn: str) -> None:
    s3 = boto3.client("s3")
    bucket, prefixes = scenario["bucket_name"], scenario["prefixes"]
    stem = f"cmk-{secrets.token_hex(4)}"
    body = b'{"id": 1, "city": "K\xc3\xb6ln"}\n{"id": 2, "city": "Oslo"}\n'
    s3.put_object(Bucket=bucket, Key=f"{scenario['input_prefix']}{stem}.jsonl", Body=body)
    key = f"{prefixes['csv']}{stem}.csv"
    body_read = eventually(lambda: read(bucket, key), timeout=60, what=key)
    assert body_read is not None
    assert body_read.decode("utf-8") == "id,city\r\n1,Köln\r\n2,Oslo\r\n"
    head = s3.head_object(Bucket=bucket, Key=key)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key_arn)


def test_records_on_the_encrypted_stream_become_sse_kms_csv_rows(
    scenario: dict[str, Any], key_arn: str
) -> None:
    tag = secrets.token_hex(4)
    records = [{"id": f"{tag}-{n}", "n": n, "tag": tag} for n in range(5)]
    boto3.client("kinesis").put_records(
        StreamName=scenario["stream_name"],
        Records=[{"Data": json.dumps(r).encode(), "PartitionKey": r["id"]} for r in records],
    )
    bucket, prefix = scenario["output_bucket_name"], scenario["prefixes"]["stream"]
    s3 = boto3.client("s3")

    def rows() -> dict[str, list[dict[str, str]]]:
        found: dict[str, list[dict[str, str]]] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                text = (read(bucket, obj["Key"]) or b"").decode("utf-8")
                mine = [
                    row
                    for row in csv.DictReader(io.StringIO(text, newline=""))
                    if row.get("tag") == tag
                ]
                if mine:
                    found[obj["Key"]] = mine
        return found

    written = eventually(
        rows,
        accept=lambda found: sum(len(v) for v in found.values()) >= len(records),
        timeout=120,
        interval=2.0,
        what="the stream's rows in CSV objects",
    )
    assert sorted(row["id"] for v in written.values() for row in v) == sorted(
        str(r["id"]) for r in records
    )
    for key in written:
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key_arn)


def test_the_iam_report_shows_no_denial_for_the_stack(scenario: dict[str, Any]) -> None:
    found = denials(name_prefix_of(scenario["converter_function_name"]))
    assert found == [], found


def test_a_failed_s3_event_reaches_the_encrypted_queue(scenario: dict[str, Any]) -> None:
    """Injected from outside: the converter's role is denied reading one input object (an AWS
    error, not bad content), so the event fails and Lambda parks it in the SSE-KMS queue with the
    converter's role. Needs IAM enforcement: without it the object is converted and the wait for
    the failure record times out."""
    bucket = scenario["bucket_name"]
    key = f"{scenario['input_prefix']}{DENIED}{secrets.token_hex(4)}.json"
    url = queue(scenario["s3_failures_queue_url"])
    seen: list[dict[str, Any]] = []
    reads = {
        "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Resource": f"arn:aws:s3:::{bucket}/{scenario['input_prefix']}{DENIED}*",
    }
    with denied(scenario["converter_function_name"], reads):
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=b'{"a": 1}')
        [record] = eventually(
            lambda: [r for r in drain(url, seen) if key in json.dumps(r.get("requestPayload"))],
            timeout=120,
            interval=0,
            what=f"the failure record of {key}",
        )
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "AccessDenied" in json.dumps(record["responsePayload"])


@pytest.mark.emulator_difference(
    ministack=(
        "the Kinesis event source mapping ignores ReportBatchItemFailures and has no on-failure "
        "destination: the batch whose response lists the denied record is checkpointed past at "
        "once (one attempt, no retry), and no KinesisBatchInfo record ever reaches the queue; "
        "the record is lost"
    )
)
def test_a_failed_stream_batch_reaches_the_encrypted_queue(scenario: dict[str, Any]) -> None:
    """Injected from outside: the stream function's role is denied writing CSV objects, so the
    batch fails, is retried once (stream_retry_attempts) and the mapping sends its shard and
    sequence range to the SSE-KMS queue with the function's role."""
    stream_arn = boto3.client("kinesis").describe_stream_summary(
        StreamName=scenario["stream_name"]
    )["StreamDescriptionSummary"]["StreamARN"]
    url = queue(scenario["stream_failures_queue_url"])
    seen: list[dict[str, Any]] = []
    csv_objects = f"{scenario['output_bucket_name']}/{scenario['prefixes']['stream']}*"
    writes = {"Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{csv_objects}"}
    with denied(scenario["stream_function_name"], writes):
        reply = boto3.client("kinesis").put_record(
            StreamName=scenario["stream_name"],
            Data=json.dumps({"id": secrets.token_hex(4)}).encode(),
            PartitionKey="denied",
        )
        sequence = int(reply["SequenceNumber"])

        def batches() -> list[dict[str, Any]]:
            return [
                r["KinesisBatchInfo"]
                for r in drain(url, seen)
                if "KinesisBatchInfo" in r
                and r["KinesisBatchInfo"]["shardId"] == reply["ShardId"]
                and int(r["KinesisBatchInfo"]["startSequenceNumber"])
                <= sequence
                <= int(r["KinesisBatchInfo"]["endSequenceNumber"])
            ]

        [batch, *_] = eventually(batches, timeout=180, interval=0, what="the failed batch")
    assert batch["streamArn"] == stream_arn


def test_only_the_injected_denials_are_in_the_report(scenario: dict[str, Any]) -> None:
    unexpected = only_injected(
        denials(name_prefix_of(scenario["converter_function_name"])), INJECTED
    )
    assert unexpected == [], unexpected
