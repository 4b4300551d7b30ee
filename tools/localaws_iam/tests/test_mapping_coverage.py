"""Every AWS call the project's handlers make (found by reading functions/) has a mapping.

A handler that gains a boto3 call fails here until the operation has an example request below
and maps without UnmappedOperationError. The Lambda service's own calls with the function's role
(logs, event source mappings, destinations) are listed explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest

from localaws_iam.mapping import SERVICES, authorization, mapped_operations
from localaws_iam.mapping.dataset import service
from localaws_iam.model import ServiceCall

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
ACCOUNT = "111122223333"
REGION = "eu-west-1"
QUEUE_URL = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/q"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:t"
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
DDB_STREAM = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t/stream/2026-01-01T00:00:00.000"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"

# One realistic request per operation (botocore input shapes).
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("s3", "GetObject"): {"Bucket": "b", "Key": "k"},
    ("s3", "HeadObject"): {"Bucket": "b", "Key": "k", "VersionId": "v"},
    ("s3", "PutObject"): {"Bucket": "b", "Key": "k", "Body": b""},
    ("s3", "CopyObject"): {"Bucket": "b", "Key": "k", "CopySource": "src/k?versionId=v"},
    ("s3", "DeleteObject"): {"Bucket": "b", "Key": "k"},
    ("s3", "CreateMultipartUpload"): {"Bucket": "b", "Key": "k"},
    ("s3", "UploadPart"): {"Bucket": "b", "Key": "k", "UploadId": "u", "PartNumber": 1},
    ("s3", "CompleteMultipartUpload"): {"Bucket": "b", "Key": "k", "UploadId": "u"},
    ("s3", "AbortMultipartUpload"): {"Bucket": "b", "Key": "k", "UploadId": "u"},
    ("s3", "ListObjectsV2"): {"Bucket": "b", "Prefix": "p/"},
    ("dynamodb", "PutItem"): {"TableName": "t", "Item": {}},
    ("dynamodb", "GetItem"): {"TableName": "t", "Key": {}},
    ("dynamodb", "UpdateItem"): {"TableName": "t", "Key": {}},
    ("dynamodb", "DeleteItem"): {"TableName": "t", "Key": {}},
    ("dynamodb", "Query"): {"TableName": "t", "IndexName": "i"},
    ("dynamodb", "Scan"): {"TableName": "t"},
    ("dynamodb", "TransactWriteItems"): {
        "TransactItems": [{"Put": {"TableName": "t", "Item": {}}}]
    },
    ("dynamodb", "BatchWriteItem"): {"RequestItems": {"t": []}},
    ("ssm", "GetParameter"): {"Name": "/app/p", "WithDecryption": True},
    ("ses", "SendEmail"): {
        "Source": "Alarms <alarms@example.com>",
        "Destination": {"ToAddresses": ["ops@example.com"]},
        "Message": {},
    },
    ("sesv2", "SendEmail"): {"FromEmailAddress": "a@example.com", "Content": {}},
    ("sns", "Publish"): {"TopicArn": TOPIC, "Message": "m"},
    ("ec2", "DescribeInstances"): {},
    ("ec2", "DescribeRegions"): {},
    ("ec2", "DescribeSnapshots"): {"OwnerIds": ["self"]},
    ("ec2", "DescribeVolumes"): {},
    ("ec2", "StartInstances"): {"InstanceIds": ["i-1"]},
    ("ec2", "StopInstances"): {"InstanceIds": ["i-1"]},
    ("ec2", "TerminateInstances"): {"InstanceIds": ["i-1"]},
    ("ec2", "RunInstances"): {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1},
    ("ec2", "CreateSnapshot"): {"VolumeId": "vol-1"},
    ("ec2", "CopySnapshot"): {"SourceRegion": "us-east-1", "SourceSnapshotId": "snap-1"},
    ("ec2", "DeleteSnapshot"): {"SnapshotId": "snap-1"},
    ("ec2", "CreateTags"): {"Resources": ["snap-1"], "Tags": [{"Key": "k", "Value": "v"}]},
    # What the Lambda service does with the function's role.
    ("logs", "CreateLogGroup"): {"logGroupName": "/aws/lambda/f"},
    ("logs", "CreateLogStream"): {"logGroupName": "/aws/lambda/f", "logStreamName": "s"},
    ("logs", "PutLogEvents"): {"logGroupName": "/aws/lambda/f", "logStreamName": "s"},
    ("sqs", "ReceiveMessage"): {"QueueUrl": QUEUE_URL},
    ("sqs", "DeleteMessage"): {"QueueUrl": QUEUE_URL, "ReceiptHandle": "r"},
    ("sqs", "DeleteMessageBatch"): {"QueueUrl": QUEUE_URL, "Entries": []},
    ("sqs", "ChangeMessageVisibility"): {"QueueUrl": QUEUE_URL, "ReceiptHandle": "r"},
    ("sqs", "GetQueueAttributes"): {"QueueUrl": QUEUE_URL},
    ("sqs", "SendMessage"): {"QueueUrl": QUEUE_URL, "MessageBody": "m"},
    ("kinesis", "DescribeStream"): {"StreamName": "s"},
    ("kinesis", "DescribeStreamSummary"): {"StreamARN": STREAM},
    ("kinesis", "GetShardIterator"): {"StreamARN": STREAM, "ShardId": "0"},
    ("kinesis", "GetRecords"): {"ShardIterator": "it", "StreamARN": STREAM},
    ("kinesis", "ListShards"): {"StreamARN": STREAM},
    ("kinesis", "PutRecord"): {"StreamName": "s", "Data": b"", "PartitionKey": "p"},
    ("kinesis", "PutRecords"): {"StreamARN": STREAM, "Records": []},
    ("dynamodbstreams", "DescribeStream"): {"StreamArn": DDB_STREAM},
    ("dynamodbstreams", "GetShardIterator"): {"StreamArn": DDB_STREAM, "ShardId": "s"},
    ("dynamodbstreams", "GetRecords"): {"ShardIterator": "it", "StreamArn": DDB_STREAM},
    ("dynamodbstreams", "ListStreams"): {},
    ("lambda", "Invoke"): {"FunctionName": FUNCTION},
    ("events", "PutEvents"): {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]},
    ("kms", "Decrypt"): {"KeyId": "alias/aws-lambda-env", "CiphertextBlob": b""},
    ("monitoring", "PutMetricData"): {"Namespace": "App", "MetricData": []},
    ("scheduler", "GetSchedule"): {"Name": "s"},
    ("sts", "GetCallerIdentity"): {},
}


class NoResources:
    def tags(self, arn: str) -> Mapping[str, str] | None:
        return None

    def kms_key(self, arn: str) -> str | None:
        return None


@cache
def _api_names(botocore_service: str) -> dict[str, str]:
    client = boto3.client(
        botocore_service,
        region_name=REGION,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    return dict(client.meta.method_to_api_mapping)


def handler_calls() -> set[tuple[str, str]]:
    """(botocore service, operation) for every client call in functions/ (tests excluded)."""
    found: set[tuple[str, str]] = set()
    for folder in sorted(p for p in FUNCTIONS.iterdir() if p.is_dir()):
        sources = [p for p in folder.rglob("*.py") if "tests" not in p.parts]
        text = "\n".join(p.read_text() for p in sources)
        services = set(re.findall(r"(?:client|resource)\(\s*\"([a-z0-9-]+)\"", text))
        names = set(re.findall(r"\.([a-z][a-z0-9_]*)\(", text))
        names |= set(re.findall(r"get_paginator\(\s*\"([a-z0-9_]+)\"", text))
        for svc in services:
            for name, operation in _api_names(svc).items():
                if name in names:
                    found.add((svc, operation))
    return found


HANDLER_CALLS = sorted(handler_calls())


def test_the_scan_finds_the_handlers_calls() -> None:
    # Guards the scan itself: if it found nothing, the table below would pass vacuously.
    assert ("s3", "HeadObject") in HANDLER_CALLS
    assert ("dynamodb", "TransactWriteItems") in HANDLER_CALLS
    assert ("ec2", "CopySnapshot") in HANDLER_CALLS
    assert ("ses", "SendEmail") in HANDLER_CALLS
    assert len({svc for svc, _ in HANDLER_CALLS}) >= 5


@pytest.mark.parametrize(("svc", "operation"), HANDLER_CALLS, ids="{0[0]}:{0[1]}".format)
def test_every_handler_call_has_an_example(svc: str, operation: str) -> None:
    assert (svc, operation) in EXAMPLES, (
        f"functions/ calls {svc}:{operation}: add an example request here and a mapping in "
        "tools/localaws_iam/localaws_iam/mapping/ if the default rule does not fit"
    )


@pytest.mark.parametrize(("svc", "operation"), sorted(EXAMPLES), ids="{0[0]}:{0[1]}".format)
def test_example_maps_to_dataset_actions(svc: str, operation: str) -> None:
    call = ServiceCall(svc, operation, EXAMPLES[(svc, operation)], REGION, ACCOUNT)
    authz = authorization(call, NoResources())
    if operation == "GetCallerIdentity":
        assert authz.requests == ()
        return
    assert authz.requests
    for request in authz.requests:
        prefix, _, action = request.action.partition(":")
        assert service(prefix).action(action) is not None, request.action
        assert request.resource == "*" or request.resource.startswith("arn:aws:"), request


def test_renames_point_at_dataset_actions() -> None:
    for name, mapping in SERVICES.items():
        spec = service(mapping.prefix)
        for operation, action in mapping.renames.items():
            assert spec.action(action) is not None, f"{name}:{operation} -> {action}"


def test_mapped_operations_lists_what_has_an_action() -> None:
    assert mapped_operations("s3", ["HeadObject", "ListObjectsV2", "MakeCoffee"]) == [
        "HeadObject",
        "ListObjectsV2",
    ]
    assert mapped_operations("sts", ["GetCallerIdentity"]) == ["GetCallerIdentity"]
    assert mapped_operations("glacier", ["ListVaults"]) == []
