"""IAM enforcement: the cost of authorizing a role session's request in the local AWS.

The same boto3 calls (S3 GetObject, SQS SendMessage, DynamoDB GetItem), interleaved, made with an
assumed-role session of a role allowed to make them (authorized by tools/localaws_iam) and with
the account's own credentials (never authorized: the baseline). Client-side latency per request
p50/p99 for both, their difference, and the local AWS's own measure of the authorization step
(GET /_lbp/iam). Needs the local AWS with LBP_IAM=enforce or report.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3

from benchmarks.empty_function import LAMBDA_TRUST
from benchmarks.report import Result, percentile

ROUNDS = 300


def _iam_status(endpoint: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{endpoint}/_lbp/iam", timeout=5) as response:  # noqa: S310
            return dict(json.loads(response.read()))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _post(endpoint: str, path: str) -> None:
    request = urllib.request.Request(f"{endpoint}{path}", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310
        pass


def _policy(bucket: str, queue_arn: str, table_arn: str) -> dict[str, Any]:
    # A realistic execution-role policy: a few scoped statements plus some that do not apply.
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
            {
                "Sid": "List",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": ["bench/*"]}},
            },
            {
                "Sid": "Queue",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"],
                "Resource": queue_arn,
            },
            {
                "Sid": "Table",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": [table_arn, f"{table_arn}/index/*"],
            },
            {
                "Sid": "NoDeletes",
                "Effect": "Deny",
                "Action": ["s3:DeleteObject", "dynamodb:DeleteItem"],
                "Resource": "*",
            },
        ],
    }


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def authorization_overhead(endpoint: str | None, region: str = "us-east-1") -> list[Result]:
    if not endpoint:
        print("iam_enforcement: skipped (real AWS: its authorization cost is not ours to measure)")
        return []
    status = _iam_status(endpoint)
    if status is None or status.get("mode") == "off":
        print(f"iam_enforcement: skipped ({endpoint} does not enforce IAM: {status})")
        return []
    account = boto3.session.Session(region_name=region)
    iam, s3, sqs, ddb = (account.client(n) for n in ("iam", "s3", "sqs", "dynamodb"))
    suffix = secrets.token_hex(3)
    bucket, table, role_name = f"bench-iam-{suffix}", f"bench-iam-{suffix}", f"bench-iam-{suffix}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="bench/object", Body=b"x" * 1024)
    queue_url = sqs.create_queue(QueueName=f"bench-iam-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    table_arn = ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )["TableDescription"]["TableArn"]
    ddb.get_waiter("table_exists").wait(TableName=table)
    role_arn = iam.create_role(
        RoleName=role_name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="bench",
        PolicyDocument=json.dumps(_policy(bucket, queue_arn, table_arn)),
    )
    iam.attach_role_policy(
        RoleName=role_name,
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    try:
        creds = account.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="bench")[
            "Credentials"
        ]
        role = boto3.session.Session(
            region_name=region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        clients = {
            "account": (s3, sqs, ddb),
            "role": (role.client("s3"), role.client("sqs"), role.client("dynamodb")),
        }

        def calls(who: str) -> list[Callable[[], Any]]:
            c_s3, c_sqs, c_ddb = clients[who]

            def read() -> bytes:
                return bytes(c_s3.get_object(Bucket=bucket, Key="bench/object")["Body"].read())

            return [
                read,
                lambda: c_sqs.send_message(QueueUrl=queue_url, MessageBody="m"),
                lambda: c_ddb.get_item(TableName=table, Key={"pk": {"S": "k"}}),
            ]

        for who in clients:  # warm up connections, caches, DynamoDB Local
            for fn in calls(who) * 5:
                fn()
        _post(endpoint, "/_lbp/iam/timings/reset")
        samples: dict[str, list[float]] = {"account": [], "role": []}
        for _ in range(ROUNDS):
            for index in range(3):
                for who in ("account", "role"):
                    samples[who].append(_timed(calls(who)[index]))
        server = (_iam_status(endpoint) or {}).get("authorization_us", {})
    finally:
        iam.detach_role_policy(
            RoleName=role_name,
            PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        )
        iam.delete_role_policy(RoleName=role_name, PolicyName="bench")
        iam.delete_role(RoleName=role_name)
        s3.delete_object(Bucket=bucket, Key="bench/object")
        s3.delete_bucket(Bucket=bucket)
        sqs.delete_queue(QueueUrl=queue_url)
        ddb.delete_table(TableName=table)

    results = []
    for name, fraction in (("p50", 0.50), ("p99", 0.99)):
        role_ms = percentile(samples["role"], fraction)
        account_ms = percentile(samples["account"], fraction)
        results.append(
            Result(
                name=f"IAM-enforced request latency {name} (role session)",
                unit="ms",
                value=round(role_ms, 3),
                baseline_name="account credentials (not authorized)",
                baseline_value=round(account_ms, 3),
                notes={
                    "overhead_ms": round(role_ms - account_ms, 3),
                    "server_authorization_us": server.get(f"{name}_us", "n/a"),
                    "requests_each": len(samples["role"]),
                    "goal": "overhead <= 1 ms at p50",
                },
            )
        )
    return results
