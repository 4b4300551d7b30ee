"""The mapping reads requests as LocalStack's own parser hands them to the IAM handler.

Requests are serialized by botocore and parsed by LocalStack's parser inside LocalStack's venv
(a subprocess: the project's venv has no LocalStack); the parsed parameters are then mapped
here. A parameter the parser names or shapes differently from botocore's input shape (S3
CopySource and Tagging headers, EC2 query lists, SQS JSON) shows up as a wrong ARN.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from localaws_iam.mapping import authorization
from localaws_iam.model import ServiceCall

ROOT = Path(__file__).resolve().parents[3]
LOCALSTACK_PYTHON = ROOT / ".tools" / "localstack-venv" / "bin" / "python"
REGION = "eu-west-1"
ACCOUNT = "000000000000"
E = f"{REGION}:{ACCOUNT}"

PARSE = r"""
import base64, datetime, json, sys
from urllib.parse import urlsplit

import boto3
from localstack.aws.protocol.parser import create_parser
from localstack.aws.spec import load_service
from localstack.http import Request


class Stop(Exception):
    pass


def default(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


out = []
for service, method, params in json.load(sys.stdin):
    client = boto3.client(service, region_name="eu-west-1", aws_access_key_id="x",
                          aws_secret_access_key="x", endpoint_url="http://localhost:4566")
    sent = {}

    def capture(request, **kwargs):
        sent["request"] = request
        raise Stop()

    client.meta.events.register("before-send", capture)
    try:
        getattr(client, method)(**params)
    except Stop:
        pass
    prepared = sent["request"]
    url = urlsplit(prepared.url)
    body = prepared.body.read() if hasattr(prepared.body, "read") else prepared.body
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    request = Request(method=prepared.method, path=url.path, query_string=url.query,
                      headers=headers, body=body or b"")
    operation, parsed = create_parser(load_service(service)).parse(request)
    out.append([service, operation.name, parsed])
json.dump(out, sys.stdout, default=default)
"""

# (botocore service, client method, params) -> the (action, resource) pairs AWS authorizes.
CASES: list[tuple[str, str, dict[str, Any], list[tuple[str, str]]]] = [
    (
        "s3",
        "head_object",
        {"Bucket": "b", "Key": "in/a b.jpg", "VersionId": "v1"},
        [("s3:GetObjectVersion", "arn:aws:s3:::b/in/a b.jpg")],
    ),
    (
        "s3",
        "copy_object",
        {
            "Bucket": "dst",
            "Key": "q/k",
            "CopySource": {"Bucket": "src", "Key": "up/a b.png", "VersionId": "v1"},
            "MetadataDirective": "REPLACE",
            "TaggingDirective": "REPLACE",
        },
        [
            ("s3:GetObjectVersion", "arn:aws:s3:::src/up/a b.png"),
            ("s3:PutObject", "arn:aws:s3:::dst/q/k"),
        ],
    ),
    (
        "s3",
        "put_object",
        {"Bucket": "b", "Key": "k", "Body": b"x", "Tagging": "a=b&c=d"},
        [("s3:PutObject", "arn:aws:s3:::b/k"), ("s3:PutObjectTagging", "arn:aws:s3:::b/k")],
    ),
    (
        "s3",
        "list_objects_v2",
        {"Bucket": "b", "Prefix": "in/", "MaxKeys": 5},
        [("s3:ListBucket", "arn:aws:s3:::b")],
    ),
    (
        "s3",
        "delete_objects",
        {"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}, {"Key": "c", "VersionId": "v"}]}},
        [("s3:DeleteObject", "arn:aws:s3:::b/a"), ("s3:DeleteObjectVersion", "arn:aws:s3:::b/c")],
    ),
    (
        "sqs",
        "send_message",
        {"QueueUrl": f"http://localhost:4566/{ACCOUNT}/q", "MessageBody": "m"},
        [("sqs:SendMessage", f"arn:aws:sqs:{E}:q")],
    ),
    (
        "dynamodb",
        "transact_write_items",
        {
            "TransactItems": [
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "x"}}}},
                {"Delete": {"TableName": "u", "Key": {"pk": {"S": "x"}}}},
            ]
        },
        [
            ("dynamodb:PutItem", f"arn:aws:dynamodb:{E}:table/t"),
            ("dynamodb:DeleteItem", f"arn:aws:dynamodb:{E}:table/u"),
        ],
    ),
    (
        "dynamodb",
        "query",
        {
            "TableName": "t",
            "IndexName": "by-day",
            "KeyConditionExpression": "d = :d",
            "ExpressionAttributeValues": {":d": {"S": "1"}},
        },
        [("dynamodb:Query", f"arn:aws:dynamodb:{E}:table/t/index/by-day")],
    ),
    (
        "ec2",
        "stop_instances",
        {"InstanceIds": ["i-1", "i-2"]},
        [
            ("ec2:StopInstances", f"arn:aws:ec2:{E}:instance/i-1"),
            ("ec2:StopInstances", f"arn:aws:ec2:{E}:instance/i-2"),
        ],
    ),
    (
        "ec2",
        "copy_snapshot",
        {
            "SourceRegion": "us-east-1",
            "SourceSnapshotId": "snap-1",
            "TagSpecifications": [
                {"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}
            ],
        },
        [
            ("ec2:CopySnapshot", "arn:aws:ec2:us-east-1::snapshot/snap-1"),
            ("ec2:CopySnapshot", f"arn:aws:ec2:{REGION}::snapshot/*"),
            ("ec2:CreateTags", f"arn:aws:ec2:{REGION}::snapshot/*"),
        ],
    ),
    (
        "ssm",
        "get_parameter",
        {"Name": "/a/b", "WithDecryption": True},
        [("ssm:GetParameter", f"arn:aws:ssm:{E}:parameter/a/b")],
    ),
    (
        "ses",
        "send_email",
        {
            "Source": "Bot <bot@example.com>",
            "Destination": {"ToAddresses": ["x@example.org"]},
            "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        },
        [("ses:SendEmail", f"arn:aws:ses:{E}:identity/bot@example.com")],
    ),
    (
        "logs",
        "put_log_events",
        {
            "logGroupName": "/aws/lambda/f",
            "logStreamName": "2026/01/01/[$LATEST]abc",
            "logEvents": [{"timestamp": 1, "message": "m"}],
        },
        [
            (
                "logs:PutLogEvents",
                f"arn:aws:logs:{E}:log-group:/aws/lambda/f:log-stream:2026/01/01/[$LATEST]abc",
            )
        ],
    ),
    (
        "lambda",
        "invoke",
        {"FunctionName": "f", "Qualifier": "live"},
        [("lambda:InvokeFunction", f"arn:aws:lambda:{E}:function:f:live")],
    ),
    (
        "events",
        "put_events",
        {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]},
        [("events:PutEvents", f"arn:aws:events:{E}:event-bus/default")],
    ),
    (
        "kinesis",
        "put_records",
        {"StreamName": "s", "Records": [{"Data": b"x", "PartitionKey": "p"}]},
        [("kinesis:PutRecords", f"arn:aws:kinesis:{E}:stream/s")],
    ),
]


class NoResources:
    def tags(self, arn: str) -> Mapping[str, str] | None:
        return None

    def kms_key(self, arn: str) -> str | None:
        return None


def _text(value: Any) -> Any:
    """bytes are not JSON: the child gets them as text (botocore accepts both)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


@pytest.fixture(scope="module")
def parsed() -> list[tuple[str, str, dict[str, Any]]]:
    if not LOCALSTACK_PYTHON.is_file():
        pytest.skip(f"LocalStack's venv is not installed ({LOCALSTACK_PYTHON}; make setup)")
    requests = [[svc, method, _text(params)] for svc, method, params, _ in CASES]
    result = subprocess.run(
        [str(LOCALSTACK_PYTHON), "-c", PARSE],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [tuple(item) for item in json.loads(result.stdout)]  # type: ignore[misc]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_localstack_parsed_request_maps(
    parsed: list[tuple[str, str, dict[str, Any]]], index: int
) -> None:
    service, operation, params = parsed[index]
    call = ServiceCall(service, operation, params, REGION, ACCOUNT)
    authz = authorization(call, NoResources())
    got = [(r.action, r.resource) for r in authz.requests]
    assert got == CASES[index][3], (params, got)
