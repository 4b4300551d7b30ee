"""The enforcer over the real mapper and evaluator, with an in-memory resource lookup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.enforcement import Enforcer, service_principal_allows
from localaws_iam.evaluator import compile_policies
from localaws_iam.identity import RolePolicies
from localaws_iam.model import PolicyDocument, Principal, ServiceCall
from localaws_iam.settings import Mode

PRINCIPAL = Principal(
    arn="arn:aws:sts::000000000000:assumed-role/fn-role/fn",
    role_arn="arn:aws:iam::000000000000:role/fn-role",
    role_name="fn-role",
    session_name="fn",
    account="000000000000",
)


class NoFacts:
    def tags(self, arn: str) -> Mapping[str, str] | None:
        return None

    def kms_key(self, arn: str) -> str | None:
        return None


def _policies(*statements: dict[str, Any]) -> RolePolicies:
    documents = (
        PolicyDocument("inline", {"Version": "2012-10-17", "Statement": list(statements)}),
    )
    return RolePolicies(documents=documents, compiled=compile_policies(documents))


GET_ONLY = _policies(
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}
)


def _get(key: str = "k") -> ServiceCall:
    return ServiceCall(
        "s3", "GetObject", {"Bucket": "bucket", "Key": key}, "us-east-1", "000000000000"
    )


def test_allowed_request_passes_and_keeps_the_missing_key_check() -> None:
    enforcer = Enforcer(Mode.ENFORCE)
    refusal, if_missing = enforcer.authorize(PRINCIPAL, GET_ONLY, _get(), NoFacts())
    assert refusal is None
    assert [r.action for r in if_missing] == ["s3:ListBucket"]
    missing = enforcer.authorize_missing(PRINCIPAL, GET_ONLY, _get(), if_missing)
    assert missing is not None
    assert missing.error.code == "AccessDenied"
    assert "s3:ListBucket" in missing.error.message


def test_denied_request_is_refused_in_enforce_and_only_recorded_in_report() -> None:
    put = ServiceCall("s3", "PutObject", {"Bucket": "bucket", "Key": "k"}, "us-east-1", "0" * 12)
    enforcing = Enforcer(Mode.ENFORCE)
    refusal, _ = enforcing.authorize(PRINCIPAL, GET_ONLY, put, NoFacts())
    assert refusal is not None
    assert refusal.error.status == 403
    assert (
        "because no identity-based policy allows the s3:PutObject action" in refusal.error.message
    )

    reporting = Enforcer(Mode.REPORT)
    refusal, _ = reporting.authorize(PRINCIPAL, GET_ONLY, put, NoFacts())
    assert refusal is None
    denied = reporting.report.to_json()["functions"][0]["denied"]
    assert [(d["action"], d["enforced"]) for d in denied] == [("s3:PutObject", False)]


def test_explicit_deny_wins() -> None:
    policies = _policies(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/secret/*"},
    )
    refusal, _ = Enforcer(Mode.ENFORCE).authorize(PRINCIPAL, policies, _get("secret/x"), NoFacts())
    assert refusal is not None
    assert "with an explicit deny in an identity-based policy" in refusal.error.message


def test_unmapped_operation_is_denied_with_its_name() -> None:
    call = ServiceCall("glacier", "ListVaults", {}, "us-east-1", "000000000000")
    refusal, _ = Enforcer(Mode.ENFORCE).authorize(PRINCIPAL, GET_ONLY, call, NoFacts())
    assert refusal is not None
    assert "glacier:ListVaults" in refusal.error.message


def test_permissions_boundary_narrows_what_the_role_allows() -> None:
    boundary = compile_policies(
        [
            PolicyDocument(
                "b", {"Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]}
            )
        ]
    )
    bounded = RolePolicies(GET_ONLY.documents, GET_ONLY.compiled, boundary=boundary)
    refusal, _ = Enforcer(Mode.ENFORCE).authorize(PRINCIPAL, bounded, _get(), NoFacts())
    assert refusal is not None


def test_reset_clears_the_report() -> None:
    enforcer = Enforcer(Mode.ENFORCE)
    enforcer.authorize(PRINCIPAL, GET_ONLY, _get(), NoFacts())
    assert enforcer.report.to_json()["totals"]["allowed"] == 1
    assert enforcer.timings.summary()["count"] == 1
    enforcer.reset()
    assert enforcer.report.to_json()["totals"]["functions"] == 0
    assert enforcer.timings.summary() == {"count": 0}


FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:fn"
S3_PERMISSION = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "s3",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": FUNCTION,
            "Condition": {
                "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"},
                "StringEquals": {"AWS:SourceAccount": "000000000000"},
            },
        }
    ],
}


def _invoke(policy: Any, principal: str, source: str) -> bool:
    return service_principal_allows(
        policy,
        service_principal=principal,
        action="lambda:InvokeFunction",
        resource=FUNCTION,
        source_arn=source,
        source_account="000000000000",
    ).allowed


def test_resource_policy_admits_only_the_named_service_and_source() -> None:
    assert _invoke(S3_PERMISSION, "s3.amazonaws.com", "arn:aws:s3:::uploads")
    assert not _invoke(S3_PERMISSION, "s3.amazonaws.com", "arn:aws:s3:::other")
    assert not _invoke(S3_PERMISSION, "sns.amazonaws.com", "arn:aws:s3:::uploads")
    assert not _invoke(None, "s3.amazonaws.com", "arn:aws:s3:::uploads")
