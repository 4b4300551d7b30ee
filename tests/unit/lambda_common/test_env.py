from __future__ import annotations

import pytest

from lambda_common import env
from lambda_common.env import ConfigError


def test_required_names_the_variable_and_what_it_is() -> None:
    assert env.required({"T": " t "}, "T") == "t"
    with pytest.raises(ConfigError, match=r"environment variable T is required \(the table\)"):
        env.required({"T": " "}, "T", "the table")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), ("on", True), ("0", False), ("false", False), ("No", False)],
)
def test_flag_values(raw: str, expected: bool) -> None:
    assert env.flag({"F": raw}, "F") is expected


def test_flag_default_and_bad_value() -> None:
    assert env.flag({}, "F", default=True) is True
    assert env.flag({"F": ""}, "F") is False
    with pytest.raises(ConfigError, match="F must be true or false, got 'maybe'"):
        env.flag({"F": "maybe"}, "F")


def test_integers_are_range_checked_and_named() -> None:
    assert env.integer({}, "N", 7) == 7
    assert env.integer({"N": "3"}, "N", 7) == 3
    assert env.optional_integer({"N": "-2"}, "N") == -2
    with pytest.raises(ConfigError, match="N must be a positive integer, got '0'"):
        env.integer({"N": "0"}, "N", 7)
    with pytest.raises(ConfigError, match=r"N must be an integer in 1\.\.5, got '6'"):
        env.integer({"N": "6"}, "N", 1, maximum=5)
    with pytest.raises(ConfigError, match="N must be a whole number, got 'x'"):
        env.optional_integer({"N": "x"}, "N")


def test_number_range() -> None:
    assert env.number({}, "S", 5.0, above=0, at_most=60) == 5.0
    assert env.number({"S": "0.5"}, "S", 5.0, above=0, at_most=60) == 0.5
    for raw in ("0", "61", "soon"):
        with pytest.raises(ConfigError, match=r"S must be a number in \(0, 60\]"):
            env.number({"S": raw}, "S", 5.0, above=0, at_most=60)


def test_string_map_and_lists() -> None:
    assert env.string_map({}, "TAGS") == {}
    assert env.string_map({"TAGS": '{"a": "b"}'}, "TAGS") == {"a": "b"}
    for raw in ("[1]", '{"a": 1}', "{nope"):
        with pytest.raises(ConfigError, match="TAGS"):
            env.string_map({"TAGS": raw}, "TAGS")
    assert env.listed({"L": " a, ,b "}, "L") == ("a", "b")
    assert env.optional({"O": "  "}, "O") is None
