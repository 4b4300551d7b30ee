"""One JSON text → one value, with orjson, and integers exact at any size.

orjson parses integers of up to 64 bits exactly and turns larger ones into floats (rounded). A
text holding a run of 19 or more digits that starts a number (not the fraction of one) may hold
such an integer; it is parsed by the standard library instead, which keeps every integer exact.
Everything else takes orjson, which also rejects NaN, Infinity and invalid UTF-8 (RFC 8259).
"""

from __future__ import annotations

import json

import orjson

# Each byte → b"0" for a digit, b"." for a dot, b" " otherwise: a run of 19 digits that starts
# the text or follows a non-digit, non-dot byte is then a find() in C, no per-character Python.
_DIGIT_MASK = bytes(48 if 48 <= byte <= 57 else 46 if byte == 46 else 32 for byte in range(256))
_DIGIT_RUN = b"0" * 19
_LONG_INTEGER = b" " + _DIGIT_RUN


class JsonError(ValueError):
    """The text is not one valid JSON value; the message says where and why."""


class NotUtf8Error(JsonError):
    """The bytes are not UTF-8 text."""


def may_hold_long_integer(data: bytes) -> bool:
    """True when `data` may hold an integer outside orjson's exact 64-bit range."""
    masked = data.translate(_DIGIT_MASK)
    # Most texts hold no 19-digit run at all (the quick find); fractions may.
    if _DIGIT_RUN not in masked:
        return False
    return masked.startswith(_DIGIT_RUN) or _LONG_INTEGER in masked


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


_STRICT_STDLIB = json.JSONDecoder(parse_constant=_reject_constant)


def loads(data: bytes) -> object:
    """The value of a UTF-8 JSON text; JsonError when it is not exactly one valid JSON value."""
    if may_hold_long_integer(data):
        try:
            return _STRICT_STDLIB.decode(data.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise NotUtf8Error(error.reason) from error
        except (ValueError, RecursionError) as error:
            raise JsonError(str(error)) from error
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _explained(data, error) from error


def _explained(data: bytes, error: orjson.JSONDecodeError) -> JsonError:
    """The standard library's wording (what earlier versions logged) when it agrees the text is
    invalid; orjson's otherwise (it is stricter: lone surrogates, out-of-range floats)."""
    try:
        _STRICT_STDLIB.decode(data.decode("utf-8"))
    except UnicodeDecodeError as decode_error:
        return NotUtf8Error(decode_error.reason)
    except (ValueError, RecursionError) as stdlib_error:
        return JsonError(str(stdlib_error))
    return JsonError(str(error))


def dumps(value: object) -> str:
    """Compact JSON text (no spaces, non-ASCII kept), integers exact at any size."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
