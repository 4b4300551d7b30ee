from __future__ import annotations

import csv
import io
import random

import pytest

from json_csv.rows import RecordError, RowBuilder


def rows(records: list[object], **options: object) -> tuple[list[str], list[str]]:
    builder = RowBuilder(**options)  # type: ignore[arg-type]
    lines = [builder.row(record) for record in records]
    return builder.columns, lines


def parse(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line, newline="")))


def test_nested_objects_become_dotted_columns_and_lists_json_cells() -> None:
    record = {"a": {"b": {"c": 1}, "d": "x"}, "l": [1, {"k": "é"}], "e": {}, "n": None}
    columns, [line] = rows([record])
    assert columns == ["a.b.c", "a.d", "l", "e", "n"]
    assert parse(line) == ["1", "x", '[1,{"k":"é"}]', "{}", ""]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (None, ""),
        (0, "0"),
        (-7, "-7"),
        (1.5, "1.5"),
        (1e16, "1e+16"),
        (12345678901234567890123, "12345678901234567890123"),
        ("plain", "plain"),
        ([], "[]"),
        ([2**70], "[1180591620717411303424]"),
    ],
)
def test_cells_use_json_spelling(value: object, text: str) -> None:
    _, [line] = rows([{"v": value, "w": 0}])
    assert parse(line)[0] == text


def test_floats_are_spelled_as_repr_across_their_range() -> None:
    """orjson spells most floats (faster); its spelling differs from repr below 1e-4."""
    rng = random.Random(5)
    edges = [1e-4, 9.999999999999999e-05, 1e-05, 1e-07, 1e-300, 5e-324, 0.0, -0.0, 0.1, 2.5]
    edges += [9999999999999998.0, 1e16, 1.5e16, 1e22, 1.7976931348623157e308, float("inf")]
    samples = [rng.uniform(1, 2) * 2.0**exponent for exponent in range(-20, 60) for _ in range(200)]
    builder = RowBuilder()
    for value in [*edges, *samples]:
        for signed in (value, -value):
            assert builder.row({"v": signed}) == repr(signed)


@pytest.mark.parametrize("value", [1, "s", [1], None, True])
def test_non_objects_are_record_errors(value: object) -> None:
    with pytest.raises(RecordError, match="not a JSON object"):
        RowBuilder().row(value)


def test_two_paths_to_one_column_are_rejected_not_overwritten() -> None:
    builder = RowBuilder()
    for _ in range(2):  # the second time from the remembered shape
        with pytest.raises(RecordError, match=r"'a\.b' appears twice"):
            builder.row({"a.b": 1, "a": {"b": 2}})
    assert builder.columns == []


def test_the_same_keys_nested_differently_are_other_columns() -> None:
    columns, lines = rows(
        [
            {"a": {"b": 1}, "c": 2},
            {"a": {"b": 3, "c": 4}},
            {"a": {"b": {"c": 5}}},
            {"a": {"b": 6}, "c": 7},
        ]
    )
    assert columns == ["a.b", "c", "a.c", "a.b.c"]
    assert lines == ["1,2", "3,,4", ",,,5", "6,7,,"]


def test_columns_keep_first_seen_order_and_rows_their_width_at_the_time() -> None:
    columns, lines = rows([{"b": 1, "a": 2}, {"c": 3, "a": 4}, {"a": 5, "b": 6}, {"d": 7}])
    assert columns == ["b", "a", "c", "d"]
    assert lines == ["1,2", ",4,3", "6,5,", ",,,7"]


def test_explicit_columns_drop_and_remember_other_fields() -> None:
    builder = RowBuilder(["b", "a"])
    assert [builder.row({"a": 1, "b": 2}), builder.row({"c": 3})] == ["2,1", ","]
    assert builder.columns == ["b", "a"] and builder.unlisted == {"c"}


def test_a_lone_empty_field_is_quoted_so_the_row_is_not_blank() -> None:
    assert rows([{"a": None}, {"a": ""}, {}])[1] == ['""', '""', '""']


def test_rfc4180_quoting_round_trips() -> None:
    fields = ["plain", "com,ma", 'quo"te', "new\nline", "cr\rlf", "crlf\r\n", "ünï 文", " s ", ""]
    record = {str(n): value for n, value in enumerate(fields)}
    _, [line] = rows([record])
    assert line == 'plain,"com,ma","quo""te","new\nline","cr\rlf","crlf\r\n",ünï 文, s ,'
    assert parse(line) == fields


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formulas_are_neutralised_in_cells_and_header(start: str) -> None:
    text = f'{start}HYPERLINK("http://x")'
    _, [line] = rows([{text: text, "n": -3.5}])
    assert parse(line) == ["'" + text, "-3.5"]  # numbers are never formulas
    builder = RowBuilder()
    builder.row({text: 1})
    assert parse(builder.header()) == ["'" + text]


def test_neutralising_can_be_turned_off() -> None:
    builder = RowBuilder(neutralise_formulas=False)
    assert parse(builder.row({"=a": "=1+2"})) == ["=1+2"]
    assert builder.header() == "=a"


def test_safe_text_is_left_alone() -> None:
    assert rows([{"a": "a=1", "b": " =x", "c": "", "d": "'quoted"}])[1] == ["a=1, =x,,'quoted"]


def test_records_that_would_pass_the_column_cap_are_refused_whole() -> None:
    builder = RowBuilder(max_columns=3)
    assert builder.row({"a": 1, "b": 2}) == "1,2"
    with pytest.raises(RecordError, match=r"would add 2 column.* beyond the limit of 3"):
        builder.row({"a": 1, "c": 3, "d": 4})
    assert builder.row({"c": 3}) == ",,3"
    with pytest.raises(RecordError, match="beyond the limit of 3"):
        builder.row({"a": 1, "c": 3, "d": 4})  # refused again, from the remembered shape
    assert builder.columns == ["a", "b", "c"]
    assert builder.row({"b": 9, "a": 8}) == "8,9,"


def test_the_cap_does_not_apply_to_an_explicit_column_list() -> None:
    builder = RowBuilder(["a", "b", "c"], max_columns=1)
    assert builder.row({"c": 1, "z": 2}) == ",,1"
