from __future__ import annotations

import pytest

from json_csv.parse import JsonError, NotUtf8Error, dumps, loads, may_hold_long_integer


@pytest.mark.parametrize(
    "text",
    [
        b'{"n": 123456789012345678901234567890}',
        b'{"n": -9223372036854775809}',
        b"[18446744073709551616, 1]",
        b"18446744073709551616",
    ],
)
def test_integers_beyond_64_bits_stay_exact(text: bytes) -> None:
    value = loads(text)
    assert may_hold_long_integer(text)
    assert dumps(value).replace(" ", "") == text.decode().replace(" ", "")


def test_long_fractions_and_short_integers_take_the_fast_path() -> None:
    assert not may_hold_long_integer(b'{"lat": 0.000123456789012345678901, "n": 18446744073}')
    assert loads(b"[18446744073709551615]") == [18446744073709551615]  # largest exact in orjson


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a",}', "Expecting ':' delimiter"),
        (b"1e400", "infinity"),
        (b'"\\ud800"', "surrogate"),
        (b"", "Expecting value"),
    ],
)
def test_invalid_json_is_refused_with_a_reason(text: bytes, message: str) -> None:
    with pytest.raises(JsonError, match=message):
        loads(text)


def test_bytes_that_are_not_utf8_say_so() -> None:
    with pytest.raises(NotUtf8Error):
        loads(b'{"a": "\xff"}')
    with pytest.raises(NotUtf8Error):
        loads(b'{"a": "\xff", "n": 12345678901234567890123}')


def test_dumps_is_compact_and_keeps_non_ascii() -> None:
    assert dumps({"k": ["é", 1.5, None, True]}) == '{"k":["é",1.5,null,true]}'
