from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from json_to_csv_s3.flatten import (
    RecordError,
    cell,
    columns_of,
    csv_writer,
    flatten,
    merge_columns,
)

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"


def test_the_two_functions_ship_the_same_flatten_module() -> None:
    s3_copy = (FUNCTIONS / "json_to_csv_s3" / "flatten.py").read_bytes()
    stream_copy = (FUNCTIONS / "json_to_csv_stream" / "flatten.py").read_bytes()
    assert s3_copy == stream_copy


def test_nested_objects_become_dotted_columns_and_lists_json_cells() -> None:
    record = {"a": {"b": {"c": 1}, "d": "x"}, "l": [1, {"k": "é"}], "e": {}, "n": None}
    assert flatten(record) == {"a.b.c": "1", "a.d": "x", "l": '[1,{"k":"é"}]', "e": "{}", "n": ""}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (None, ""),
        (0, "0"),
        (1.5, "1.5"),
        (1e16, "1e+16"),
        (12345678901234567890, "12345678901234567890"),
        ("plain", "plain"),
        ([], "[]"),
    ],
)
def test_cells_use_json_spelling(value: object, text: str) -> None:
    assert cell(value) == text


@pytest.mark.parametrize("value", [1, "s", [1], None, True])
def test_non_objects_are_record_errors(value: object) -> None:
    with pytest.raises(RecordError, match="not a JSON object"):
        flatten(value)


def test_two_paths_to_one_column_are_rejected_not_overwritten() -> None:
    with pytest.raises(RecordError, match=r"'a\.b' appears twice"):
        flatten({"a.b": 1, "a": {"b": 2}})


def test_columns_keep_first_seen_order() -> None:
    columns: dict[str, None] = {}
    for row in ({"b": "", "a": ""}, {"c": "", "a": ""}, {"b": "", "d": ""}):
        merge_columns(columns, row)
    assert list(columns) == ["b", "a", "c", "d"]


def test_rfc4180_quoting_round_trips() -> None:
    fields = ["plain", "com,ma", 'quo"te', "new\nline", "cr\rlf", "ünï 文", " spaced ", ""]
    out = io.StringIO()
    csv_writer(out).writerow(fields)
    text = out.getvalue()
    assert text == 'plain,"com,ma","quo""te","new\nline","cr\rlf",ünï 文, spaced ,\r\n'
    assert next(csv.reader(io.StringIO(text, newline=""))) == fields


@pytest.mark.parametrize(
    "record",
    [{"a": {"b": {"c": 1}}, "l": [1], "e": {}}, {"x": None}, {}, {"a.b": 1, "a": {"b": 2}}, 3],
)
def test_columns_of_agrees_with_flatten(record: object) -> None:
    try:
        expected: object = list(flatten(record))
    except RecordError as error:
        expected = str(error)
    try:
        found: object = columns_of(record)
    except RecordError as error:
        found = str(error)
    assert found == expected
