from __future__ import annotations

import itertools

import pytest

from scenario_client.http import function_url_base, rest_api_base, signed_get
from scenario_client.polling import EffectNotSeenError, eventually
from scenario_client.target import AwsTarget, NoTargetError, from_environment

LOCAL = AwsTarget("emulator", "http://127.0.0.1:4566", "us-east-1")
REAL = AwsTarget("aws", None, "eu-west-1")
URL = "http://abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566/"


def test_target_comes_from_the_environment() -> None:
    assert from_environment({"AWS_ENDPOINT_URL": "http://127.0.0.1:4566/"}) == LOCAL
    assert from_environment({"LBP_TARGET": "aws", "AWS_REGION": "eu-west-1"}) == REAL
    with pytest.raises(NoTargetError, match="make test"):
        from_environment({})


def test_function_url_is_reached_through_the_emulator_with_its_host_header() -> None:
    assert function_url_base(URL, LOCAL) == (
        "http://127.0.0.1:4566",
        "abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566",
    )
    real = "https://abc123.lambda-url.eu-west-1.on.aws/"
    assert function_url_base(real, REAL) == ("https://abc123.lambda-url.eu-west-1.on.aws", None)


def test_rest_api_local_form() -> None:
    invoke_url = "https://api1.execute-api.us-east-1.amazonaws.com/v1"
    assert rest_api_base("api1", "v1", invoke_url, LOCAL) == (
        "http://127.0.0.1:4566/_aws/execute-api/api1/v1"
    )
    assert rest_api_base("api1", "v1", invoke_url, REAL) == invoke_url


def test_only_http_urls_are_requested() -> None:
    with pytest.raises(ValueError, match="only http"):
        signed_get("file:///etc/passwd", "lambda", "us-east-1")


def test_eventually_returns_the_first_accepted_result() -> None:
    counter = itertools.count()
    assert eventually(lambda: next(counter), accept=lambda n: n >= 3, interval=0) == 3


def test_eventually_fails_with_the_last_result() -> None:
    with pytest.raises(EffectNotSeenError, match=r"the row not seen within 0 s; last: 'nope'"):
        eventually(
            lambda: "nope", accept=lambda _: False, timeout=0.05, interval=0.01, what="the row"
        )
