"""Faults injected from outside a deployed function: an explicit Deny on its execution role.

The handlers carry no test hooks. A test that needs an AWS call to fail puts an inline Deny
policy on the function's role with its own (administrator) credentials, and removes it after.
This needs IAM to be enforced for execution roles: a real account, or the local AWS started with
LBP_IAM=enforce (the default of `make test`); with LBP_IAM=off or report the call succeeds and
the test that relies on the denial fails — it never passes for the wrong reason.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3

# IAM is eventually consistent on AWS; the local AWS reads role policies on every request.
AWS_IAM_PROPAGATION_SECONDS = 10


def role_name_of(function_name: str) -> str:
    role_arn = boto3.client("lambda").get_function_configuration(FunctionName=function_name)["Role"]
    return str(role_arn).rsplit("/", 1)[-1]


@contextmanager
def denied(function_name: str, *statements: dict[str, Any]) -> Iterator[str]:
    """While the block runs, the function's role carries these Deny statements (Effect added).

    Yields the inline policy's name. The policy is removed even when the block fails.
    """
    iam = boto3.client("iam")
    role = role_name_of(function_name)
    policy_name = f"lbp-test-fault-{secrets.token_hex(3)}"
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", **statement} for statement in statements],
    }
    iam.put_role_policy(RoleName=role, PolicyName=policy_name, PolicyDocument=json.dumps(document))
    try:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            time.sleep(AWS_IAM_PROPAGATION_SECONDS)
        yield policy_name
    finally:
        iam.delete_role_policy(RoleName=role, PolicyName=policy_name)
