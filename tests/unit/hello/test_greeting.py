from __future__ import annotations

import pytest

from hello.greeting import BadRequestError, greeting, parse_name


@pytest.mark.parametrize(
    ("event", "name"), [({}, "world"), ({"name": " Ada "}, "Ada"), ({"name": "é"}, "é")]
)
def test_parse_name(event: dict[str, str], name: str) -> None:
    assert parse_name(event) == name


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ([], "must be a JSON object, got list"),
        ({"name": ""}, "non-empty string"),
        ({"name": 5}, "non-empty string"),
        ({"name": "x" * 65}, "longer than 64"),
    ],
)
def test_bad_requests_are_named(event: object, reason: str) -> None:
    with pytest.raises(BadRequestError, match=reason):
        parse_name(event)


def test_greeting_carries_runtime_facts() -> None:
    assert greeting("Ada", {"python": "3.12.1"}) == {
        "message": "hello, Ada",
        "runtime": {"python": "3.12.1"},
    }
