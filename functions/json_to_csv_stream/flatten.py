"""JSON object → CSV row: nested objects become dotted columns, lists JSON-encoded cells.

This file is byte-identical in json_to_csv_s3/ and json_to_csv_stream/ (each function is packaged
on its own); tests/unit/json_to_csv_s3/test_flatten.py fails when the copies differ.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

CSV_LINE_TERMINATOR = "\r\n"


class RecordError(ValueError):
    """A record that cannot become a CSV row (quarantined with this reason, never retried)."""


class TextSink(Protocol):
    def write(self, text: str, /) -> Any: ...


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def cell(value: object) -> str:
    """The CSV text of one JSON value: JSON spelling for literals and numbers, raw strings."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | float):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def flatten(record: object) -> dict[str, str]:
    """Column → cell for one record; raises RecordError when it is not an object or is ambiguous.

    `{"a": {"b": 1}, "c": [1, 2], "d": {}}` → `{"a.b": "1", "c": "[1,2]", "d": "{}"}`. Two
    paths reaching the same column (`{"a.b": 1, "a": {"b": 2}}`) are rejected, not overwritten.
    """
    if not isinstance(record, dict):
        raise RecordError(f"not a JSON object but a JSON {json_type(record)}")
    row: dict[str, str] = {}
    _flatten_into(row, record, "")
    return row


def _flatten_into(row: dict[str, str], obj: Mapping[str, Any], prefix: str) -> None:
    for key, value in obj.items():
        name = prefix + key
        if isinstance(value, dict) and value:
            _flatten_into(row, value, name + ".")
            continue
        if name in row:
            raise RecordError(f"column {name!r} appears twice after flattening nested objects")
        row[name] = cell(value)


def columns_of(record: object) -> list[str]:
    """flatten(record)'s column names without encoding any cell (the column-collecting pass)."""
    if not isinstance(record, dict):
        raise RecordError(f"not a JSON object but a JSON {json_type(record)}")
    names: list[str] = []
    _names_into(names, record, "")
    if len(set(names)) != len(names):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise RecordError(f"column {name!r} appears twice after flattening nested objects")
            seen.add(name)
    return names


def _names_into(names: list[str], obj: Mapping[str, Any], prefix: str) -> None:
    for key, value in obj.items():
        if isinstance(value, dict) and value:
            _names_into(names, value, prefix + key + ".")
        else:
            names.append(prefix + key)


def merge_columns(columns: dict[str, None], row: Iterable[str]) -> None:
    """Adds the row's columns to an insertion-ordered set (first seen first)."""
    for name in row:
        if name not in columns:
            columns[name] = None


def csv_writer(sink: TextSink) -> Any:
    """RFC 4180: comma separated, CRLF line ends, fields quoted when they hold , " CR or LF."""
    return csv.writer(sink, lineterminator=CSV_LINE_TERMINATOR, quoting=csv.QUOTE_MINIMAL)
