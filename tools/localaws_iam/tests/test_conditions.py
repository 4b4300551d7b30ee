"""Every condition operator, with AWS's rules for absent keys, IfExists and set qualifiers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from localaws_iam.conditions import Conditions, InvalidConditionError

ABSENT = object()


def check(block: dict[str, Any], context: dict[str, Any]) -> bool:
    normalised = {k.lower(): (v if isinstance(v, str) else tuple(v)) for k, v in context.items()}
    return Conditions(block)(normalised.get)


def one(operator: str, policy_value: Any, request_value: Any, key: str = "k") -> bool:
    context = {} if request_value is ABSENT else {key: request_value}
    return check({operator: {key: policy_value}}, context)


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        # String
        ("StringEquals", "abc", "abc", True),
        ("StringEquals", "abc", "ABC", False),
        ("StringEquals", ["x", "abc"], "abc", True),  # values of one key OR
        ("StringEquals", "abc", ABSENT, False),
        ("StringEquals", "a*", "abc", False),  # no wildcards in Equals
        ("StringNotEquals", "abc", "abd", True),
        ("StringNotEquals", "abc", "abc", False),
        ("StringNotEquals", ["x", "abc"], "abc", False),  # must match none of the values
        ("StringNotEquals", "abc", ABSENT, True),  # negated + absent key = true
        ("StringEqualsIgnoreCase", "AbC", "aBc", True),
        ("StringEqualsIgnoreCase", "abc", "abd", False),
        ("StringEqualsIgnoreCase", "abc", ABSENT, False),
        ("StringNotEqualsIgnoreCase", "AbC", "abc", False),
        ("StringNotEqualsIgnoreCase", "abc", "abd", True),
        ("StringNotEqualsIgnoreCase", "abc", ABSENT, True),
        ("StringLike", "home/*", "home/a/b", True),
        ("StringLike", "ho?e", "home", True),
        ("StringLike", "ho?e", "hoome", False),
        ("StringLike", "Home/*", "home/a", False),  # case-sensitive
        ("StringLike", "a.c", "abc", False),  # regex characters are literal
        ("StringLike", "home/*", ABSENT, False),
        ("StringNotLike", "home/*", "other/a", True),
        ("StringNotLike", "home/*", "home/a", False),
        ("StringNotLike", "home/*", ABSENT, True),
        # Numeric
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "11", False),
        ("NumericEquals", "10", "ten", False),
        ("NumericEquals", 10, "10", True),  # JSON numbers in the policy
        ("NumericEquals", "10", ABSENT, False),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", "10", "10", False),
        ("NumericNotEquals", "10", ABSENT, True),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericLessThanEquals", "10", "11", False),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", "10", "10", True),
        ("NumericGreaterThanEquals", "10", "-3", False),
        # Date: ISO 8601 and epoch seconds on either side
        ("DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", True),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", False),
        ("DateLessThan", "2020-01-01T00:00:00Z", "1577836799", True),
        ("DateLessThanEquals", "2020-01-01T00:00:00Z", "1577836800", True),
        ("DateGreaterThan", "1577836800", "2020-01-01T00:00:01Z", True),
        ("DateGreaterThan", "2020-01-01T00:00:00Z", "2019-01-01T00:00:00Z", False),
        ("DateGreaterThanEquals", "2020-01-01", "2020-01-01T00:00:00+00:00", True),
        ("DateEquals", "2020-01-01T01:00:00+01:00", "2020-01-01T00:00:00Z", True),
        ("DateEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", False),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", True),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "1577836800", False),
        ("DateLessThan", "2020-01-01T00:00:00Z", ABSENT, False),
        ("DateLessThan", "2020-01-01T00:00:00Z", "not a date", False),
        # Bool
        ("Bool", "true", "true", True),
        ("Bool", True, "true", True),  # JSON booleans in the policy
        ("Bool", "false", "true", False),
        ("Bool", "true", "TRUE", True),
        ("Bool", "false", ABSENT, False),
        # BinaryEquals (base64)
        ("BinaryEquals", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", True),
        ("BinaryEquals", "QmluYXJ5VmFsdWU=", "T3RoZXI=", False),
        ("BinaryEquals", "QmluYXJ5VmFsdWU=", ABSENT, False),
        # IpAddress
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.1", False),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
        ("IpAddress", "2001:DB8:1234:5678::/64", "203.0.113.7", False),
        ("IpAddress", "203.0.113.0/24", ABSENT, False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", False),
        ("NotIpAddress", "203.0.113.0/24", ABSENT, True),
        # Arn
        (
            "ArnEquals",
            "arn:aws:sns:us-east-1:111122223333:t",
            "arn:aws:sns:us-east-1:111122223333:t",
            True,
        ),
        ("ArnEquals", "arn:aws:sns:*:111122223333:t", "arn:aws:sns:eu-west-1:111122223333:t", True),
        (
            "ArnEquals",
            "arn:aws:sns:*:111122223333:t",
            "arn:aws:sns:eu-west-1:444455556666:t",
            False,
        ),
        ("ArnLike", "arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", True),
        ("ArnLike", "arn:aws:s3:::B/*", "arn:aws:s3:::b/x", False),  # case-sensitive
        ("ArnLike", "*", "not-an-arn", False),  # a non-ARN value never matches
        # each of the six components is matched on its own: all six must be in the policy
        ("ArnLike", "arn:aws:sns:*:*:*", "arn:aws:sns:us-east-1:111122223333:t", True),
        ("ArnLike", "arn:aws:sns:*", "arn:aws:sns:us-east-1:111122223333:t", False),
        ("ArnLike", "*", "arn:aws:sns:us-east-1:111122223333:t", False),
        ("ArnLike", "arn:aws:sns:us-*:*:t", "arn:aws:sns:us-east-1:111122223333:t", True),
        ("ArnLike", "arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b/c", True),  # resource id: anything
        ("ArnLike", "arn:aws:s3:::b/*", ABSENT, False),
        (
            "ArnNotEquals",
            "arn:aws:sns:us-east-1:111122223333:t",
            "arn:aws:sns:us-east-1:111122223333:u",
            True,
        ),
        ("ArnNotEquals", "arn:aws:sns:us-east-1:111122223333:t", ABSENT, True),
        ("ArnNotLike", "arn:aws:s3:::b/*", "arn:aws:s3:::b/x", False),
        ("ArnNotLike", "arn:aws:s3:::b/*", "arn:aws:s3:::c/x", True),
        ("ArnNotLike", "arn:aws:s3:::b/*", ABSENT, True),
        # Null: true = the key is absent
        ("Null", "true", ABSENT, True),
        ("Null", "true", "x", False),
        ("Null", "false", "x", True),
        ("Null", "false", ABSENT, False),
        ("Null", True, [], True),  # an empty multivalued key counts as absent
        # ...IfExists: an absent key matches; a present one is compared
        ("StringEqualsIfExists", "abc", ABSENT, True),
        ("StringEqualsIfExists", "abc", "abd", False),
        ("StringEqualsIfExists", "abc", "abc", True),
        ("StringLikeIfExists", "a*", "xyz", False),
        ("NumericLessThanIfExists", "10", ABSENT, True),
        ("NumericLessThanIfExists", "10", "12", False),
        ("DateGreaterThanIfExists", "2020-01-01", ABSENT, True),
        ("BoolIfExists", "false", ABSENT, True),
        ("BoolIfExists", "false", "true", False),
        ("ArnLikeIfExists", "arn:aws:s3:::b", "arn:aws:s3:::c", False),
        ("ArnLikeIfExists", "arn:aws:s3:::b", ABSENT, True),
        ("IpAddressIfExists", "10.0.0.0/8", ABSENT, True),
        ("StringNotEqualsIfExists", "abc", "abc", False),
        ("StringNotEqualsIfExists", "abc", ABSENT, True),
        # a multivalued key without a set qualifier: positive = any value matches
        ("StringEquals", "a", ["x", "a"], True),
        ("StringEquals", "a", ["x", "y"], False),
        ("StringNotEquals", "a", ["x", "a"], False),
    ],
)
def test_operator(operator: str, policy_value: Any, request_value: Any, expected: bool) -> None:
    assert one(operator, policy_value, request_value) is expected


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        # ForAllValues: every request value matches one policy value; absent/empty = true
        ("ForAllValues:StringEquals", ["a", "b"], ["a"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
        ("ForAllValues:StringEquals", ["a", "b"], ABSENT, True),
        ("ForAllValues:StringEquals", ["a", "b"], [], True),
        ("ForAllValues:StringEquals", ["a", "b"], "a", True),  # single value = a set of one
        ("ForAllValues:StringLike", "Created*", ["CreatedBy", "CreatedAt"], True),
        # AWS's example: ForAllValues:StringNotLike "key1*" - every tag key must not start key1
        ("ForAllValues:StringNotLike", "key1*", ["key2", "key3"], True),
        ("ForAllValues:StringNotLike", "key1*", ["key1a", "key2"], False),
        ("ForAllValues:StringNotLike", "key1*", ABSENT, True),
        ("ForAllValues:StringEqualsIgnoreCase", ["A", "b"], ["a", "B"], True),
        # ForAnyValue: at least one request value matches; absent/empty = false
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "a"], True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c"], False),
        ("ForAnyValue:StringEquals", ["a", "b"], ABSENT, False),
        ("ForAnyValue:StringEquals", ["a", "b"], [], False),
        # IfExists does not rescue ForAnyValue on an absent key (observed on AWS; re:Post
        # "ForAnyValue:StringEqualsIfExists behaving unexpectedly")
        ("ForAnyValue:StringEqualsIfExists", ["a"], ABSENT, False),
        ("ForAnyValue:StringEqualsIfExists", ["a"], ["a", "b"], True),
        ("ForAllValues:StringEqualsIfExists", ["a"], ABSENT, True),
        ("ForAnyValue:StringNotEquals", "a", ["a", "b"], True),  # "b" is not "a"
        ("ForAnyValue:StringNotEquals", "a", ["a"], False),
        ("ForAnyValue:StringLike", "ec2:*", ["ec2:RunInstances", "x"], True),
        ("ForAnyValue:NumericGreaterThan", "5", ["1", "7"], True),
        ("ForAllValues:NumericGreaterThan", "5", ["1", "7"], False),
        ("ForAnyValue:ArnLike", "arn:aws:iam::*:role/a*", ["arn:aws:iam::1:role/abc"], True),
    ],
)
def test_set_qualifiers(
    operator: str, policy_value: Any, request_value: Any, expected: bool
) -> None:
    assert one(operator, policy_value, request_value) is expected


def test_keys_under_an_operator_and_operators_in_a_block_are_anded() -> None:
    block = {
        "StringEquals": {"aws:ResourceTag/Env": "prod", "aws:ResourceTag/Team": ["a", "b"]},
        "Bool": {"aws:SecureTransport": "true"},
    }
    base = {
        "aws:ResourceTag/Env": "prod",
        "aws:ResourceTag/Team": "b",
        "aws:SecureTransport": "true",
    }
    assert check(block, base)
    assert not check(block, {**base, "aws:ResourceTag/Team": "c"})
    assert not check(block, {**base, "aws:SecureTransport": "false"})
    assert not check(block, {k: v for k, v in base.items() if k != "aws:ResourceTag/Env"})


def test_condition_key_names_are_case_insensitive() -> None:
    assert check({"StringEquals": {"AWS:SourceAccount": "1"}}, {"aws:sourceaccount": "1"})
    assert check({"stringequals": {"aws:SourceAccount": "1"}}, {"aws:sourceaccount": "1"})


def test_variables_only_substituted_in_string_and_arn_operators() -> None:
    ctx = {"aws:principalaccount": "111122223333", "s3:prefix": "111122223333/x"}
    assert check({"StringLike": {"s3:prefix": "${aws:PrincipalAccount}/*"}}, ctx)
    assert check({"StringEquals": {"k": "${aws:PrincipalAccount}"}}, {**ctx, "k": "111122223333"})
    assert check(
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:PrincipalAccount}-*"}},
        {**ctx, "aws:sourcearn": "arn:aws:s3:::111122223333-bucket"},
    )
    # an unresolvable variable matches nothing (and its negation matches)
    assert not check({"StringEquals": {"k": "${aws:username}"}}, {"k": ""})
    assert check({"StringNotEquals": {"k": "${aws:username}"}}, {"k": "x"})
    assert check({"StringEquals": {"k": "${aws:username, 'nobody'}"}}, {"k": "nobody"})
    # spaces around the key and default; '' is a quote inside the default
    assert check({"StringEquals": {"k": "${ aws:username , 'it''s' }"}}, {"k": "it's"})
    # an unterminated variable is plain text
    assert check({"StringEquals": {"k": "${aws:username"}}, {"k": "${aws:username"})
    assert check(
        {"Bool": {"k": "${aws:SecureTransport}"}}, {"aws:securetransport": "true", "k": "true"}
    )
    # a numeric operator takes no variables: its value is not a number
    with pytest.raises(InvalidConditionError):
        Conditions({"NumericEquals": {"k": "${aws:EpochTime}"}})


@pytest.mark.parametrize(
    "block",
    [
        {"StringEqualz": {"k": "v"}},
        {"ForSomeValues:StringEquals": {"k": "v"}},
        {"NullIfExists": {"k": "true"}},
        {"Null": {"k": "maybe"}},
        {"NumericLessThan": {"k": "ten"}},
        {"DateLessThan": {"k": "yesterday"}},
        {"IpAddress": {"k": "300.1.1.1/8"}},
        {"BinaryEquals": {"k": "not base64!"}},
        {"StringEquals": "not an object"},
        {"StringEquals": {"k": {"nested": 1}}},
    ],
)
def test_invalid_conditions_are_rejected(block: dict[str, Any]) -> None:
    with pytest.raises(InvalidConditionError):
        Conditions(block)


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: local time is not UTC here
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_from_utc")
def test_dates_without_an_offset_are_utc_whatever_the_local_time_zone() -> None:
    assert one("DateEquals", "2020-01-01T00:00:00", "1577836800", key="aws:CurrentTime")
    assert one("DateEquals", "2020-01-01", "2020-01-01T00:00:00Z", key="aws:CurrentTime")
