"""AWS managed policies resolve to the documents AWS publishes (moto's copy of them)."""

from __future__ import annotations

from typing import Any

import pytest

from localaws_iam.evaluator import evaluate
from localaws_iam.managed_policies import (
    UnknownManagedPolicyError,
    aws_managed_policy,
    is_aws_managed,
    resolve_managed_policy,
)
from localaws_iam.model import AuthzRequest, Principal

SERVICE_ROLE = "arn:aws:iam::aws:policy/service-role/"
PRINCIPAL = Principal(
    "arn:aws:sts::111122223333:assumed-role/r/fn",
    "arn:aws:iam::111122223333:role/r",
    "r",
    "fn",
    "111122223333",
)


def allowed_actions(document: Any) -> set[str]:
    statements = document["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    actions: set[str] = set()
    for st in statements:
        assert st["Effect"] == "Allow"
        assert st["Resource"] == "*"
        listed = st["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def test_basic_execution_role_allows_logs_writes_on_everything() -> None:
    doc = aws_managed_policy(SERVICE_ROLE + "AWSLambdaBasicExecutionRole")
    assert doc is not None
    assert allowed_actions(doc) == {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }


def test_sqs_queue_execution_role() -> None:
    doc = aws_managed_policy(SERVICE_ROLE + "AWSLambdaSQSQueueExecutionRole")
    assert doc is not None
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= (
        allowed_actions(doc)
    )
    assert "sqs:SendMessage" not in allowed_actions(doc)


def test_kinesis_execution_role() -> None:
    doc = aws_managed_policy(SERVICE_ROLE + "AWSLambdaKinesisExecutionRole")
    assert doc is not None
    actions = allowed_actions(doc)
    assert {
        "kinesis:DescribeStream",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
        "logs:PutLogEvents",
    } <= actions
    assert "kinesis:PutRecord" not in actions


@pytest.mark.parametrize(
    "name", ["AWSLambdaDynamoDBExecutionRole", "AWSLambdaVPCAccessExecutionRole"]
)
def test_other_lambda_service_role_policies_resolve(name: str) -> None:
    doc = aws_managed_policy(SERVICE_ROLE + name)
    assert doc is not None
    assert "logs:CreateLogStream" in allowed_actions(doc)


def test_resolved_policy_is_evaluated_with_its_arn_as_name() -> None:
    arn = SERVICE_ROLE + "AWSLambdaBasicExecutionRole"
    policy = resolve_managed_policy(arn)
    assert policy.managed
    assert policy.name == arn
    logs = AuthzRequest("logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:g")
    decision = evaluate(PRINCIPAL, [policy], logs)
    assert decision.kind == "allow"
    assert decision.statement is not None
    assert decision.statement.policy == arn
    read = AuthzRequest("s3:GetObject", "arn:aws:s3:::b/k")
    assert evaluate(PRINCIPAL, [policy], read).kind == "implicit_deny"


def test_the_path_is_part_of_the_arn() -> None:
    # AWSLambdaBasicExecutionRole lives under service-role/: without it, it is unknown.
    assert aws_managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") is None
    with pytest.raises(UnknownManagedPolicyError, match="policy/AWSLambdaBasicExecutionRole"):
        resolve_managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")


def test_unknown_and_customer_policies() -> None:
    unknown = "arn:aws:iam::aws:policy/service-role/NoSuchPolicyAtAll"
    with pytest.raises(UnknownManagedPolicyError) as err:
        resolve_managed_policy(unknown)
    assert unknown in str(err.value)
    assert err.value.arn == unknown
    customer = "arn:aws:iam::111122223333:policy/mine"
    assert not is_aws_managed(customer)
    assert aws_managed_policy(customer) is None
    assert is_aws_managed(SERVICE_ROLE + "AWSLambdaBasicExecutionRole")
