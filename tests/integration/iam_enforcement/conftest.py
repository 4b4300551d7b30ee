"""Fixtures for IAM enforcement tests: one role (one policy) and one function per rule class.

The tests hold on a real account (AWS enforces IAM) and on the embedded local AWS with
LBP_IAM=enforce (tools/localaws_iam). A plain LocalStack community container authorizes every
call, so there they would fail without proving anything about the code: only for such a target
(an endpoint without the /_lbp/iam enforcement endpoint, and not real AWS) are they skipped, with
that reason. With the local AWS started as LBP_IAM=off or report, they fail (and
test_enforcement_is_on says why). On MiniStack (LBP_TARGET=ministack) they run against its own
enforcement (AUTH=true); where it differs from AWS the test carries an emulator_difference marker.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from lbp_testing.buckets import create_bucket, delete_bucket
from lbp_testing.lambdas import (
    BASIC_EXECUTION,
    LAMBDA_TRUST_POLICY,
    RUNTIME,
    create_active_function,
    zip_files,
)

# One handler for every test: it makes the SDK call the event names and reports the outcome.
CALLER = """
import json

import boto3
from botocore.exceptions import ClientError


def handler(event, context):
    if "Records" in event:  # a notification (SNS, S3): its content goes to the log
        print(json.dumps(event))
        return {"ok": True}
    if event.get("print"):
        print(event["print"])
    if event.get("fail"):
        raise RuntimeError(event["fail"])
    if "service" not in event:
        return {"ok": True}
    client = boto3.client(event["service"])
    try:
        result = getattr(client, event["method"])(**event.get("params", {}))
    except ClientError as error:
        return {
            "ok": False,
            "code": error.response["Error"].get("Code"),
            "message": error.response["Error"].get("Message", ""),
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    result.pop("ResponseMetadata", None)
    if "Body" in result:
        result["Body"] = result["Body"].read().decode()
    return {"ok": True, "result": json.loads(json.dumps(result, default=str))}
"""


@dataclass(frozen=True)
class Enforcement:
    kind: str  # "aws" (real account), "local" (the local AWS's /_lbp/iam) or "ministack"
    endpoint: str | None
    mode: str

    def report(self) -> dict[str, Any]:
        """The local AWS's IAM report (real AWS has none: CloudTrail plays that part)."""
        assert self.endpoint is not None
        with urllib.request.urlopen(f"{self.endpoint}/_lbp/iam/report", timeout=10) as r:
            return dict(json.loads(r.read()))


def ministack_mode(endpoint: str) -> str:
    """MiniStack has no /_lbp/iam: its health document says whether AUTH=true enforces IAM."""
    with urllib.request.urlopen(f"{endpoint}/_ministack/health", timeout=5) as response:
        return "enforce" if json.loads(response.read()).get("auth") == "enabled" else "off"


@pytest.fixture(scope="session")
def enforcement() -> Enforcement:
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        if os.environ.get("LBP_TARGET") == "aws":
            return Enforcement("aws", None, "enforce")
        pytest.fail("no AWS target: set AWS_ENDPOINT_URL, or LBP_TARGET=aws for a real account")
    endpoint = endpoint.rstrip("/")
    try:
        with urllib.request.urlopen(f"{endpoint}/_lbp/iam", timeout=5) as response:
            status = json.loads(response.read())
    except urllib.error.HTTPError as error:
        if os.environ.get("LBP_TARGET") == "ministack":  # its own enforcement (AUTH=true)
            return Enforcement("ministack", endpoint, ministack_mode(endpoint))
        pytest.skip(
            f"{endpoint} has no IAM enforcement endpoint (/_lbp/iam answered {error.code}): a "
            "plain LocalStack authorizes every call, so these tests cannot hold there"
        )
    return Enforcement("local", endpoint, str(status["mode"]))


@pytest.fixture(scope="session")
def account(session: boto3.session.Session) -> str:
    return str(session.client("sts").get_caller_identity()["Account"])


@pytest.fixture(scope="session")
def iam(session: boto3.session.Session) -> Any:
    return session.client("iam")


# IAM is eventually consistent on AWS: a new policy takes seconds to apply everywhere.
AWS_IAM_PROPAGATION_SECONDS = 10


@pytest.fixture
def make_role(iam: Any, run_id: str, enforcement: Enforcement) -> Iterator[Callable[..., str]]:
    """``make_role(*statements, logs=True)``: a Lambda role with one inline policy."""
    created: list[tuple[str, bool, bool]] = []

    def create(*statements: dict[str, Any], logs: bool = True) -> str:
        name = f"lbp-iam-{run_id}-{uuid.uuid4().hex[:6]}"
        role = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_POLICY)
        )
        if logs:
            iam.attach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION)
        if statements:
            document = {"Version": "2012-10-17", "Statement": list(statements)}
            iam.put_role_policy(
                RoleName=name, PolicyName="under-test", PolicyDocument=json.dumps(document)
            )
        created.append((name, logs, bool(statements)))
        if enforcement.kind == "aws":
            time.sleep(AWS_IAM_PROPAGATION_SECONDS)
        return str(role["Role"]["Arn"])

    yield create
    for name, logs, inline in created:
        if logs:
            iam.detach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION)
        if inline:
            iam.delete_role_policy(RoleName=name, PolicyName="under-test")
        iam.delete_role(RoleName=name)


@pytest.fixture
def make_function(
    lambda_client: Any, session: boto3.session.Session, run_id: str
) -> Iterator[Callable[..., str]]:
    """``make_function(role_arn)``: the CALLER handler running with that role, Active."""
    created: list[str] = []
    logs = session.client("logs")

    def create(role_arn: str, **extra: Any) -> str:
        name = f"lbp-iam-{run_id}-{uuid.uuid4().hex[:6]}"
        kwargs = {
            "FunctionName": name,
            "Runtime": RUNTIME,
            "Role": role_arn,
            "Handler": "app.handler",
            "Code": {"ZipFile": zip_files({"app.py": CALLER})},
            "Timeout": 30,
            **extra,
        }
        create_active_function(lambda_client, **kwargs)
        created.append(name)
        return name

    yield create
    for name in created:
        lambda_client.delete_function(FunctionName=name)
        with contextlib.suppress(ClientError):
            logs.delete_log_group(logGroupName=f"/aws/lambda/{name}")


@pytest.fixture
def call(lambda_client: Any) -> Callable[..., dict[str, Any]]:
    """``call(function, service, method, **params)``: the SDK call made by the function."""

    def invoke(function: str, service: str, method: str, **params: Any) -> dict[str, Any]:
        event = {"service": service, "method": method, "params": params}
        response = lambda_client.invoke(FunctionName=function, Payload=json.dumps(event))
        payload = json.loads(response["Payload"].read())
        assert "FunctionError" not in response, payload
        return dict(payload)

    return invoke


@pytest.fixture
def bucket(session: boto3.session.Session, region: str, run_id: str) -> Iterator[str]:
    s3 = session.client("s3")
    name = create_bucket(s3, f"lbp-iam-{run_id}-{uuid.uuid4().hex[:6]}", region)
    yield name
    delete_bucket(s3, name)


@pytest.fixture
def make_queue(
    session: boto3.session.Session, run_id: str
) -> Iterator[Callable[[], tuple[str, str]]]:
    sqs = session.client("sqs")
    created: list[str] = []

    def create() -> tuple[str, str]:
        url = sqs.create_queue(QueueName=f"lbp-iam-{run_id}-{uuid.uuid4().hex[:6]}")["QueueUrl"]
        created.append(url)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        return str(url), str(arn["QueueArn"])

    yield create
    for url in created:
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def make_table(
    session: boto3.session.Session, run_id: str
) -> Iterator[Callable[[], tuple[str, str]]]:
    dynamodb = session.client("dynamodb")
    created: list[str] = []

    def create() -> tuple[str, str]:
        name = f"lbp-iam-{run_id}-{uuid.uuid4().hex[:6]}"
        table = dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        created.append(name)
        dynamodb.get_waiter("table_exists").wait(TableName=name)
        return name, str(table["TableDescription"]["TableArn"])

    yield create
    for name in created:
        dynamodb.delete_table(TableName=name)


@pytest.fixture
def make_instance(
    session: boto3.session.Session, enforcement: Enforcement
) -> Iterator[Callable[[dict[str, str]], str]]:
    """A stopped instance with these tags (the smallest type; terminated afterwards)."""
    ec2 = session.client("ec2")
    created: list[str] = []
    if enforcement.kind == "aws":
        parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
        image = session.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"]
    else:
        image = ec2.describe_images()["Images"][0]["ImageId"]

    def create(tags: dict[str, str]) -> str:
        kwargs: dict[str, Any] = {
            "ImageId": image,
            "InstanceType": "t3.micro",
            "MinCount": 1,
            "MaxCount": 1,
        }
        if tags:
            kwargs["TagSpecifications"] = [
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
                }
            ]
        instance = ec2.run_instances(**kwargs)["Instances"][0]["InstanceId"]
        created.append(instance)
        ec2.get_waiter("instance_running").wait(InstanceIds=[instance])
        ec2.stop_instances(InstanceIds=[instance])
        ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance])
        return str(instance)

    yield create
    if created:
        ec2.terminate_instances(InstanceIds=created)
