"""Pure pieces of the LocalStack adapter: credentials, modes, AWS's denial messages."""

from __future__ import annotations

import pytest

from localaws_iam.credentials import access_key_id, is_session_key
from localaws_iam.denials import denial_error
from localaws_iam.model import AuthzRequest, Decision, StatementRef
from localaws_iam.settings import InvalidModeError, Mode, parse_mode

SESSION = "arn:aws:sts::000000000000:assumed-role/fn-role/fn"
SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=LSIAQAAAAAAAGXXXXXXX/20261201/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


def test_access_key_from_sigv4_header() -> None:
    assert access_key_id({"Authorization": SIGV4}, {}) == "LSIAQAAAAAAAGXXXXXXX"


def test_access_key_from_presigned_query_wins_over_header() -> None:
    query = {"X-Amz-Credential": "ASIAEXAMPLEEXAMPLE12/20261201/us-east-1/s3/aws4_request"}
    assert access_key_id({"Authorization": SIGV4}, query) == "ASIAEXAMPLEEXAMPLE12"
    assert access_key_id({}, {"AWSAccessKeyId": "LSIAV2KEYV2KEYV2KEY"}) == "LSIAV2KEYV2KEYV2KEY"


def test_access_key_from_sigv2_header_and_none() -> None:
    assert access_key_id({"Authorization": "AWS test:signature"}, {}) == "test"
    assert access_key_id({}, {}) is None


@pytest.mark.parametrize(
    ("key", "session"),
    [
        ("LSIAQAAAAAAAGXXXXXXX", True),
        ("ASIAQAAAAAAAGXXXXXXX", True),
        ("test", False),
        ("000000000000", False),
        ("LKIAQAAAAAAAGXXXXXXX", False),
        ("AKIAQAAAAAAAGXXXXXXX", False),
        ("__internal_call__", False),
        (None, False),
    ],
)
def test_only_sts_session_keys_are_authorized(key: str | None, session: bool) -> None:
    assert is_session_key(key) is session


def test_modes() -> None:
    assert parse_mode(None) is Mode.ENFORCE
    assert parse_mode("") is Mode.ENFORCE
    assert parse_mode(" Report ") is Mode.REPORT
    assert parse_mode("off") is Mode.OFF
    with pytest.raises(InvalidModeError, match=r"enforce\|report\|off"):
        parse_mode("permissive")


def _decision(kind: str, action: str, resource: str) -> Decision:
    ref = StatementRef("p", 0) if kind != "implicit_deny" else None
    return Decision(kind, AuthzRequest(action, resource), ref)  # type: ignore[arg-type]


def test_implicit_deny_message_and_code_per_service() -> None:
    error = denial_error(
        SESSION,
        _decision("implicit_deny", "dynamodb:PutItem", "arn:aws:dynamodb:r:a:table/t"),
        "dynamodb",
    )
    assert (error.code, error.status) == ("AccessDeniedException", 400)
    assert error.message == (
        f"User: {SESSION} is not authorized to perform: dynamodb:PutItem on resource: "
        "arn:aws:dynamodb:r:a:table/t because no identity-based policy allows the "
        "dynamodb:PutItem action"
    )


def test_explicit_deny_message() -> None:
    error = denial_error(SESSION, _decision("explicit_deny", "sqs:SendMessage", "arn:q"), "sqs")
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message.endswith(
        "sqs:SendMessage on resource: arn:q with an explicit deny in an identity-based policy"
    )


def test_s3_quotes_the_resource_ec2_prefixes_its_sentence_sns_capitalises() -> None:
    s3 = denial_error(SESSION, _decision("implicit_deny", "s3:GetObject", "arn:aws:s3:::b/k"), "s3")
    assert (s3.code, s3.status) == ("AccessDenied", 403)
    assert 'on resource: "arn:aws:s3:::b/k" because' in s3.message
    ec2 = denial_error(SESSION, _decision("implicit_deny", "ec2:StartInstances", "arn:i"), "ec2")
    assert ec2.code == "UnauthorizedOperation"
    assert ec2.message.startswith("You are not authorized to perform this operation. User: ")
    sns = denial_error(SESSION, _decision("implicit_deny", "sns:Publish", "arn:t"), "sns")
    assert sns.code == "AuthorizationError"
    assert sns.message.endswith(
        "perform: SNS:Publish on resource: arn:t because no identity-based policy allows the "
        "SNS:Publish action"
    )


def test_actions_without_resource_type_name_no_resource() -> None:
    error = denial_error(SESSION, _decision("implicit_deny", "ec2:DescribeInstances", "*"), "ec2")
    assert "perform: ec2:DescribeInstances because no identity-based policy" in error.message


def test_kms_refusals_use_the_service_kms_error_where_it_has_one() -> None:
    key = "arn:aws:kms:us-east-1:000000000000:key/k"
    sqs = denial_error(SESSION, _decision("implicit_deny", "kms:GenerateDataKey", key), "sqs")
    assert (sqs.code, sqs.status) == ("KMS.AccessDeniedException", 400)
    kinesis = denial_error(
        SESSION, _decision("implicit_deny", "kms:GenerateDataKey", key), "kinesis"
    )
    assert kinesis.code == "KMSAccessDeniedException"
    s3 = denial_error(SESSION, _decision("implicit_deny", "kms:Decrypt", key), "s3")
    assert (s3.code, s3.status) == ("AccessDenied", 403)
    assert "kms:Decrypt on resource" in s3.message
