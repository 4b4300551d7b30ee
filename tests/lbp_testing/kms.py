"""Customer managed keys made by a test, and the IAM report's denials for a stack's functions.

The scenarios' `kms_key_arn` tests create a symmetric key with the policy an operator would write:
the account administers it through IAM (the roles' statements then decide who uses it), plus the
statements a module says services need (e.g. alarm-notifier's service_key_policy_json).

The denials come from the local AWS's IAM report (LocalStack: /_lbp/iam/report) or, on MiniStack
(its own enforcement, AUTH=true), from the refusals localaws.ministack_server records.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3
import pytest


def account_root_statement() -> dict[str, Any]:
    account = boto3.client("sts").get_caller_identity()["Account"]
    partition = "aws"
    return {
        "Sid": "AccountAdministersKeyThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def key_policy(*documents: str) -> str:
    """The account statement merged with the statements of policy documents (JSON)."""
    statements = [account_root_statement()]
    for document in documents:
        statements += list(json.loads(document)["Statement"])
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@contextmanager
def customer_managed_key(description: str) -> Iterator[str]:
    """A new symmetric key (its ARN), scheduled for deletion afterwards."""
    kms = boto3.client("kms")
    arn = str(kms.create_key(Description=description, Policy=key_policy())["KeyMetadata"]["Arn"])
    try:
        yield arn
    finally:
        kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)


def iam_report() -> dict[str, Any]:
    """The local AWS's IAM report (GET /_lbp/iam/report); skips where there is none.

    A real account has no such report (CloudTrail plays that part); an endpoint without the
    project's IAM extension authorizes everything, so there is nothing to read either.
    """
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "").rstrip("/")
    if not endpoint:
        pytest.skip("no IAM report on a real account (CloudTrail plays that part)")
    try:
        with urllib.request.urlopen(f"{endpoint}/_lbp/iam/report", timeout=10) as response:
            report: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as error:
        pytest.skip(f"{endpoint} has no IAM report (/_lbp/iam/report answered {error.code})")
    return report


def denials(name_prefix: str) -> list[dict[str, Any]]:
    """Every denial the report holds for the stack's principals (functions, and roles such as a
    schedule's), i.e. those whose function or role name starts with the stack's name prefix.

    Fails unless the local AWS enforces IAM: in report or off mode a missing permission would not
    have broken the scenario, so "no denial" would prove less than it says.
    """
    if os.environ.get("LBP_TARGET") == "ministack":
        return ministack_denials(name_prefix)
    report = iam_report()
    assert report["mode"] == "enforce", f"IAM is not enforced (mode {report['mode']!r})"
    return [
        {"function": entry["function"], **denial}
        for entry in report["functions"]
        if str(entry["function"]).startswith(f"{name_prefix}-")
        or f"/{name_prefix}-" in str(entry.get("role") or "")
        for denial in entry["denied"]
    ]


def ministack_denials(name_prefix: str) -> list[dict[str, Any]]:
    """MiniStack's refusals of the stack's principals (`assumed-role/<prefix>-…/<prefix>-…`),
    read from the file localaws.ministack_server writes; fails unless AUTH=true enforces IAM."""
    from lbp_testing.stack import ROOT  # noqa: PLC0415
    from localaws.ministack import (  # noqa: PLC0415 — the MiniStack target only
        MiniStackLayout,
        fetch_health,
        function_of,
        read_denials,
    )

    layout = MiniStackLayout.resolve(ROOT)
    health = fetch_health(layout.port, timeout=5) or {}
    assert health.get("auth") == "enabled", f"MiniStack does not enforce IAM ({health})"
    return [
        {
            "function": function_of(str(entry["principal"])),
            "action": entry["action"],
            "resource": entry["resource"],
            "kind": entry["decision"],
        }
        for entry in read_denials(layout.denials_file)
        if f"/{name_prefix}-" in str(entry.get("principal") or "")
    ]


def name_prefix_of(function_name: str) -> str:
    """The stack's name prefix: every name the root stack gives starts with "<prefix>-"."""
    return function_name.split("-", 1)[0]


def only_injected(found: Iterable[Mapping[str, Any]], actions: Iterable[str]) -> list[str]:
    """Denials other than the injected ones (by action), as readable lines."""
    allowed = set(actions)
    return [
        f"{d['function']}: {d['action']} on {d['resource']} ({d.get('kind')})"
        for d in found
        if d["action"] not in allowed
    ]
