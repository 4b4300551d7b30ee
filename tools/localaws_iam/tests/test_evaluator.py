"""The evaluator on AWS's documented evaluation rules (identity-based policies only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from localaws_iam.evaluator import (
    CompiledPolicies,
    InvalidPolicyError,
    compile_policies,
    evaluate,
)
from localaws_iam.model import AuthzRequest, ContextValue, PolicyDocument, Principal

ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app-role"
PRINCIPAL = Principal(
    arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/app-role/my-fn",
    role_arn=ROLE_ARN,
    role_name="app-role",
    session_name="my-fn",
    account=ACCOUNT,
)


def policy(*statements: dict[str, Any], version: str = "2012-10-17") -> PolicyDocument:
    return PolicyDocument("inline", {"Version": version, "Statement": list(statements)})


def kind(
    policies: list[PolicyDocument] | PolicyDocument,
    action: str,
    resource: str = "*",
    context: dict[str, ContextValue] | None = None,
    principal: Principal = PRINCIPAL,
    **kwargs: Any,
) -> str:
    pols = policies if isinstance(policies, list) else [policies]
    return evaluate(principal, pols, AuthzRequest(action, resource, context or {}), **kwargs).kind


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# ------------------------------------------------------------------ the decision
def test_nothing_matches_is_an_implicit_deny_without_statement() -> None:
    decision = evaluate(
        PRINCIPAL,
        [policy(allow("s3:GetObject", "arn:aws:s3:::b/*"))],
        AuthzRequest("s3:PutObject", "arn:aws:s3:::b/k"),
    )
    assert decision.kind == "implicit_deny"
    assert decision.statement is None
    assert not decision.allowed


def test_no_policies_at_all_is_an_implicit_deny() -> None:
    assert kind([], "s3:GetObject", "arn:aws:s3:::b/k") == "implicit_deny"


def test_explicit_deny_overrides_an_allow_in_another_policy() -> None:
    allows = PolicyDocument("allow-all", {"Version": "2012-10-17", "Statement": allow("*")})
    denies = PolicyDocument(
        "no-delete",
        {"Version": "2012-10-17", "Statement": [deny("s3:DeleteObject", "*", Sid="NoDelete")]},
    )
    decision = evaluate(
        PRINCIPAL, [allows, denies], AuthzRequest("s3:DeleteObject", "arn:aws:s3:::b/k")
    )
    assert decision.kind == "explicit_deny"
    assert (decision.statement.policy, decision.statement.index, decision.statement.sid) == (
        "no-delete",
        0,
        "NoDelete",
    )
    assert kind([allows, denies], "s3:GetObject", "arn:aws:s3:::b/k") == "allow"


def test_allow_reports_the_first_allowing_statement() -> None:
    doc = policy(
        allow("s3:PutObject", Sid="Put"),
        allow("s3:Get*", "arn:aws:s3:::b/*", Sid="Read"),
        allow("s3:*", Sid="Everything"),
    )
    decision = evaluate(PRINCIPAL, [doc], AuthzRequest("s3:GetObject", "arn:aws:s3:::b/k"))
    assert decision.kind == "allow"
    assert (decision.statement.index, decision.statement.sid) == (1, "Read")


def test_a_deny_later_in_the_list_still_wins_after_an_allow() -> None:
    doc = policy(allow("s3:*"), deny("s3:GetObject", "arn:aws:s3:::b/secret/*", Sid="Secret"))
    decision = evaluate(PRINCIPAL, [doc], AuthzRequest("s3:GetObject", "arn:aws:s3:::b/secret/x"))
    assert decision.kind == "explicit_deny"
    assert decision.statement.sid == "Secret"


def test_statement_as_a_single_object_and_action_resource_as_strings() -> None:
    doc = PolicyDocument(
        "single",
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": "arn:aws:sqs:us-east-1:111122223333:q",
            },
        },
    )
    assert kind(doc, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q") == "allow"
    assert (
        kind(doc, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:other") == "implicit_deny"
    )


def test_managed_policies_evaluate_like_inline_ones() -> None:
    managed = PolicyDocument(
        "arn:aws:iam::aws:policy/X",
        {"Version": "2012-10-17", "Statement": [allow("logs:*")]},
        managed=True,
    )
    decision = evaluate(
        PRINCIPAL,
        [managed],
        AuthzRequest("logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:g"),
    )
    assert decision.kind == "allow"
    assert decision.statement.policy == "arn:aws:iam::aws:policy/X"


# ------------------------------------------------------------------ Action / NotAction
def test_actions_are_case_insensitive() -> None:
    doc = policy(allow("S3:getobject"), allow("DynamoDB:Get*"))
    assert kind(doc, "s3:GetObject") == "allow"
    assert kind(doc, "dynamodb:GETITEM") == "allow"
    assert kind(doc, "dynamodb:PutItem") == "implicit_deny"


def test_action_wildcards() -> None:
    doc = policy(allow(["ec2:Describe*", "s3:Get?bject", "kinesis:*"]))
    assert kind(doc, "ec2:DescribeInstances") == "allow"
    assert kind(doc, "s3:GetObject") == "allow"
    assert kind(doc, "s3:GetObjectAcl") == "implicit_deny"
    assert kind(doc, "kinesis:PutRecords") == "allow"
    assert kind(doc, "ec2:RunInstances") == "implicit_deny"
    assert kind(policy(allow("*")), "anything:AtAll") == "allow"


def test_wildcards_in_the_service_prefix() -> None:
    compiled = CompiledPolicies([policy(allow(["s?s:SendMessage", "dynamo*:Get*"]))])
    assert evaluate(PRINCIPAL, compiled, AuthzRequest("sqs:SendMessage", "*")).allowed
    assert evaluate(PRINCIPAL, compiled, AuthzRequest("sns:SendMessage", "*")).allowed
    assert evaluate(PRINCIPAL, compiled, AuthzRequest("dynamodb:GetItem", "*")).allowed
    assert not evaluate(PRINCIPAL, compiled, AuthzRequest("s3:SendMessage", "*")).allowed
    assert not evaluate(PRINCIPAL, compiled, AuthzRequest("sqs:DeleteQueue", "*")).allowed


def test_notaction_with_allow_allows_everything_else() -> None:
    doc = policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/k") == "allow"
    assert kind(doc, "iam:CreateUser") == "implicit_deny"
    assert kind(doc, "IAM:PassRole") == "implicit_deny"


def test_notaction_with_deny_denies_everything_else() -> None:
    # AWS's example shape: deny everything except the listed services.
    doc = policy(allow("*"), {"Effect": "Deny", "NotAction": ["s3:*", "logs:*"], "Resource": "*"})
    assert kind(doc, "s3:PutObject", "arn:aws:s3:::b/k") == "allow"
    assert kind(doc, "logs:PutLogEvents") == "allow"
    assert kind(doc, "ec2:RunInstances") == "explicit_deny"


# ------------------------------------------------------------------ Resource / NotResource
def test_arns_are_case_sensitive() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::bucket/Key") == "allow"
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::Bucket/key") == "implicit_deny"


def test_notresource_with_allow() -> None:
    doc = policy(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "NotResource": ["arn:aws:s3:::secret", "arn:aws:s3:::secret/*"],
        }
    )
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::public/k") == "allow"
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::secret/k") == "implicit_deny"
    assert kind(doc, "s3:ListBucket", "arn:aws:s3:::secret") == "implicit_deny"


def test_notresource_with_deny_denies_every_other_resource() -> None:
    doc = policy(
        allow("s3:*"),
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "NotResource": ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"],
        },
    )
    assert kind(doc, "s3:PutObject", "arn:aws:s3:::mine/k") == "allow"
    assert kind(doc, "s3:PutObject", "arn:aws:s3:::theirs/k") == "explicit_deny"


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", "arn:aws:sqs:us-east-1:111122223333:q", True),
        # `*` as a whole segment matches that segment
        ("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:111122223333:table/T", True),
        # in the resource id `*` crosses `/` ...
        (
            "arn:aws:dynamodb:us-east-1:*:table/T*",
            "arn:aws:dynamodb:us-east-1:1:table/T/index/I",
            True,
        ),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c.txt", True),
        # ... and `:` inside the resource id (S3 keys, log streams may contain colons)
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b/c", True),
        (
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*",
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:2024/01/01/[$LATEST]ab",
            True,
        ),
        (
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*",
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/other:log-stream:s",
            False,
        ),
        # a `*` that ends a segment extends across the following colons
        ("arn:aws:sqs:*", "arn:aws:sqs:us-east-1:111122223333:q", True),
        ("arn:aws:sqs:*", "arn:aws:sns:us-east-1:111122223333:q", False),
        # a `*` inside a segment stays in it
        ("arn:aws:sqs:us-*1:111122223333:q", "arn:aws:sqs:us-east-1:111122223333:q", True),
        ("arn:aws:sqs:us-*1:111122223333:q", "arn:aws:sqs:us-east:x1:111122223333:q", False),
        # `?` is exactly one character; in the first segments it does not match a colon
        ("arn:aws:sqs:us-east-?:*:q", "arn:aws:sqs:us-east-1:111122223333:q", True),
        ("arn:aws:sqs:us-east-?:*:q", "arn:aws:sqs:us-east-12:111122223333:q", False),
        ("arn:aws:sqs:us-east?1:*:q", "arn:aws:sqs:us-east:1:111122223333:q", False),
        ("arn:aws:s3:::b/a?c", "arn:aws:s3:::b/a/c", True),
        ("arn:aws:s3:::b/a?c", "arn:aws:s3:::b/a:c", True),
        ("arn:aws:s3:::b/a?c", "arn:aws:s3:::b/ac", False),
        # no wildcard: exact
        ("arn:aws:s3:::b", "arn:aws:s3:::b/k", False),
        # regex metacharacters are literal
        ("arn:aws:s3:::b/a.c", "arn:aws:s3:::b/abc", False),
        ("arn:aws:s3:::b/(x)+", "arn:aws:s3:::b/(x)+", True),
    ],
)
def test_resource_wildcards(pattern: str, resource: str, expected: bool) -> None:
    assert (
        kind(policy(allow("s3:GetObject", pattern)), "s3:GetObject", resource) == "allow"
    ) is expected


# ------------------------------------------------------------------ policy variables
def test_variables_in_resource() -> None:
    doc = policy(allow("s3:*", "arn:aws:s3:::home/${aws:PrincipalAccount}/*"))
    assert kind(doc, "s3:GetObject", f"arn:aws:s3:::home/{ACCOUNT}/k") == "allow"
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::home/999999999999/k") == "implicit_deny"


def test_variable_with_absent_key_matches_nothing_and_default_applies() -> None:
    # aws:username does not exist for assumed roles.
    no_default = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
    assert (
        kind(no_default, "s3:GetObject", "arn:aws:s3:::home/${aws:username}/k") == "implicit_deny"
    )
    assert kind(no_default, "s3:GetObject", "arn:aws:s3:::home//k") == "implicit_deny"
    with_default = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username, 'shared'}/*"))
    assert kind(with_default, "s3:GetObject", "arn:aws:s3:::home/shared/k") == "allow"
    assert kind(with_default, "s3:GetObject", "arn:aws:s3:::home/other/k") == "implicit_deny"


def test_variable_key_names_are_case_insensitive_and_values_are_literal() -> None:
    doc = policy(allow("sqs:SendMessage", "arn:aws:sqs:*:${AWS:SourceAccount}:q"))
    ctx: dict[str, ContextValue] = {"aws:SourceAccount": "444455556666"}
    assert kind(doc, "sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q", ctx) == "allow"
    # a substituted value is literal: a `*` in it is no wildcard
    star: dict[str, ContextValue] = {"aws:SourceAccount": "*"}
    assert (
        kind(doc, "sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q", star)
        == "implicit_deny"
    )
    # multivalued keys are not variables
    multi: dict[str, ContextValue] = {"aws:SourceAccount": ["444455556666"]}
    assert (
        kind(doc, "sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q", multi)
        == "implicit_deny"
    )


def test_escaped_special_characters() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::b/${*}${?}${$}x"))
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/*?$x") == "allow"
    # the escaped * and ? are literal characters, not wildcards
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/ab$x") == "implicit_deny"


def test_variables_are_literal_text_in_2008_policies() -> None:
    doc = policy(allow("s3:*", "arn:aws:s3:::home/${aws:PrincipalAccount}/*"), version="2008-10-17")
    assert kind(doc, "s3:GetObject", f"arn:aws:s3:::home/{ACCOUNT}/k") == "implicit_deny"
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::home/${aws:PrincipalAccount}/k") == "allow"


def test_variables_in_condition_values() -> None:
    doc = policy(
        allow(
            "s3:ListBucket",
            "arn:aws:s3:::b",
            Condition={
                "StringLike": {
                    "s3:prefix": ["${aws:PrincipalAccount}/*", "shared/${aws:username}/*"]
                }
            },
        )
    )
    assert kind(doc, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": f"{ACCOUNT}/x"}) == "allow"
    assert (
        kind(doc, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "shared//x"}) == "implicit_deny"
    )


# ------------------------------------------------------------------ global keys
def test_principal_arn_is_the_role_arn_not_the_session() -> None:
    doc = policy(allow("*", Condition={"ArnEquals": {"aws:PrincipalArn": ROLE_ARN}}))
    assert kind(doc, "s3:GetObject") == "allow"
    session = policy(allow("*", Condition={"StringEquals": {"aws:PrincipalArn": PRINCIPAL.arn}}))
    assert kind(session, "s3:GetObject") == "implicit_deny"


def test_principal_globals() -> None:
    doc = policy(
        allow(
            "*",
            Condition={
                "StringEquals": {
                    "aws:PrincipalAccount": ACCOUNT,
                    "aws:PrincipalType": "AssumedRole",
                },
                "Null": {"aws:username": "true"},
            },
        )
    )
    assert kind(doc, "s3:GetObject") == "allow"
    other = Principal(PRINCIPAL.arn, PRINCIPAL.role_arn, "r", "s", "000000000000")
    assert kind(doc, "s3:GetObject", principal=other) == "implicit_deny"


def test_userid_is_roleid_and_session_when_the_role_id_is_known() -> None:
    doc = policy(allow("*", Condition={"StringEquals": {"aws:userid": "AROAEXAMPLE:my-fn"}}))
    assert kind(doc, "s3:GetObject") == "implicit_deny"  # role id unknown: key absent
    with_id = Principal(
        PRINCIPAL.arn, ROLE_ARN, "app-role", "my-fn", ACCOUNT, role_id="AROAEXAMPLE"
    )
    assert kind(doc, "s3:GetObject", principal=with_id) == "allow"
    absent = policy(allow("*", Condition={"Null": {"aws:userid": "true"}}))
    assert kind(absent, "s3:GetObject") == "allow"


def test_current_time_and_epoch_time() -> None:
    doc = policy(
        allow(
            "*",
            Condition={
                "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
                "DateLessThan": {"aws:EpochTime": "1798761600"},  # 2027-01-01
            },
        )
    )
    inside = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert kind(doc, "s3:GetObject", now=inside) == "allow"
    assert kind(doc, "s3:GetObject", now=datetime(2025, 12, 31, tzinfo=UTC)) == "implicit_deny"
    assert kind(doc, "s3:GetObject", now=datetime(2027, 1, 2, tzinfo=UTC)) == "implicit_deny"


def test_secure_transport() -> None:
    doc = policy(allow("s3:*"), deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/k") == "allow"
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/k", secure_transport=False) == "explicit_deny"


def test_request_context_keys_are_case_insensitive_and_override_globals() -> None:
    doc = policy(allow("*", Condition={"StringEquals": {"aws:resourcetag/env": "prod"}}))
    assert kind(doc, "ec2:StopInstances", context={"AWS:ResourceTag/Env": "prod"}) == "allow"
    assert (
        kind(doc, "ec2:StopInstances", context={"aws:ResourceTag/Env": "Prod"}) == "implicit_deny"
    )
    https_only = policy(allow("*", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    assert (
        kind(https_only, "s3:GetObject", context={"aws:SecureTransport": "false"})
        == "implicit_deny"
    )


# ------------------------------------------------------------------ policies AWS would reject
@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ({"Effect": "allow", "Action": "*", "Resource": "*"}, "Effect"),
        ({"Effect": "Allow", "Resource": "*"}, "Action and NotAction"),
        (
            {"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"},
            "Action and NotAction",
        ),
        ({"Effect": "Allow", "Action": "*"}, "Resource and NotResource"),
        ({"Effect": "Allow", "Action": [], "Resource": "*"}, "Action"),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEqualz": {"k": "v"}},
            },
            "StringEqualz",
        ),
    ],
)
def test_invalid_policies_raise_naming_policy_and_statement(
    statement: dict[str, Any], message: str
) -> None:
    doc = PolicyDocument(
        "broken-policy", {"Version": "2012-10-17", "Statement": [allow("s3:*"), statement]}
    )
    with pytest.raises(InvalidPolicyError, match=message) as err:
        evaluate(PRINCIPAL, [doc], AuthzRequest("s3:GetObject", "*"))
    assert "'broken-policy' statement 1" in str(err.value)


# ------------------------------------------------------------------ compilation cache
def test_compiled_policies_are_cached_by_content() -> None:
    a = [policy(allow("s3:GetObject", "arn:aws:s3:::cache-test/*"))]
    b = [policy(allow("s3:GetObject", "arn:aws:s3:::cache-test/*"))]
    c = [policy(allow("s3:PutObject", "arn:aws:s3:::cache-test/*"))]
    assert compile_policies(a) is compile_policies(b)
    assert compile_policies(a) is not compile_policies(c)
    compiled = CompiledPolicies(c)
    assert evaluate(
        PRINCIPAL, compiled, AuthzRequest("s3:PutObject", "arn:aws:s3:::cache-test/k")
    ).allowed
    assert not evaluate(
        PRINCIPAL, compiled, AuthzRequest("s3:GetObject", "arn:aws:s3:::cache-test/k")
    ).allowed


def test_non_string_context_values_compare_as_their_string_form() -> None:
    doc = policy(
        allow(
            "s3:ListBucket",
            Condition={
                "NumericLessThanEquals": {"s3:max-keys": "100"},
                "Bool": {"lbp:flag": "true"},
                "ForAllValues:StringEquals": {"lbp:numbers": ["1", "2"]},
            },
        )
    )
    context: dict[str, Any] = {"s3:max-keys": 50, "lbp:flag": True, "lbp:numbers": [1, 2]}
    assert kind(doc, "s3:ListBucket", context=context) == "allow"
    assert kind(doc, "s3:ListBucket", context={**context, "s3:max-keys": 500}) == "implicit_deny"
    assert kind(doc, "s3:ListBucket", context={**context, "lbp:flag": False}) == "implicit_deny"


# ------------------------------------------------------------------ AWS's documented examples
def test_documented_mfa_guard_denies_role_sessions_everything_but_the_listed_actions() -> None:
    # AWS's "deny all but IAM self-service without MFA" example: role sessions carry no
    # aws:MultiFactorAuthPresent key, so BoolIfExists matches and the Deny applies.
    doc = policy(
        allow("*"),
        {
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": ["iam:ListVirtualMFADevices", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    )
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/k") == "explicit_deny"
    assert kind(doc, "sts:GetSessionToken") == "allow"
    mfa: dict[str, ContextValue] = {"aws:MultiFactorAuthPresent": "true"}
    assert kind(doc, "s3:GetObject", "arn:aws:s3:::b/k", mfa) == "allow"


def test_documented_home_folder_example_with_a_role() -> None:
    # AWS's per-user home folder example; aws:username does not exist for a role session.
    doc = policy(
        allow(
            "s3:ListBucket",
            "arn:aws:s3:::amzn-s3-demo-bucket",
            Condition={"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}},
        ),
        allow("s3:*", "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"),
    )
    bucket = "arn:aws:s3:::amzn-s3-demo-bucket"
    assert kind(doc, "s3:ListBucket", bucket, {"s3:prefix": ""}) == "allow"
    assert kind(doc, "s3:ListBucket", bucket, {"s3:prefix": "home/"}) == "allow"
    assert kind(doc, "s3:ListBucket", bucket, {"s3:prefix": "home/my-fn/"}) == "implicit_deny"
    assert kind(doc, "s3:GetObject", bucket + "/home/my-fn/x") == "implicit_deny"
