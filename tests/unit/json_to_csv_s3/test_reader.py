from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator

import pytest

from json_csv.rows import RowBuilder
from json_to_csv_s3.convert import write_csv
from json_to_csv_s3.reader import (
    Item,
    UnreadableObjectError,
    decompressed,
    iter_items,
)


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    return (data[i : i + size] for i in range(0, len(data), size))


def items(data: bytes, size: int = 3, max_chars: int = 1 << 20) -> list[Item]:
    return list(iter_items(decompressed(chunked(data, size)), max_chars))


def convert(data: bytes, size: int = 3) -> tuple[str, list[dict[str, object]], dict[str, int]]:
    out, quarantine = io.BytesIO(), io.BytesIO()
    counts = write_csv(items(data, size), RowBuilder(), out.write, quarantine.write, io.BytesIO())
    entries = [json.loads(line) for line in quarantine.getvalue().splitlines()]
    summary = counts.summary()
    del summary["columns"]
    return out.getvalue().decode(), entries, summary


RECORDS = [{"id": 1, "a": {"b": "x"}}, {"id": 2, "c": [1, 2]}, {"id": 3, "a": {"b": "y"}}]
EXPECTED_CSV = 'id,a.b,c\r\n1,x,\r\n2,,"[1,2]"\r\n3,y,\r\n'


@pytest.mark.parametrize("size", [1, 2, 7, 64, 1 << 20])
@pytest.mark.parametrize(
    "data",
    [
        json.dumps(RECORDS).encode(),
        json.dumps(RECORDS, indent=2).encode(),
        b"".join(json.dumps(r).encode() + b"\n" for r in RECORDS),
        b"".join(json.dumps(r).encode() + b"\r\n" for r in RECORDS),
        gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in RECORDS)),
        gzip.compress(json.dumps(RECORDS).encode()),
        b"\xef\xbb\xbf" + json.dumps(RECORDS).encode(),
    ],
    ids=["array", "pretty-array", "jsonl", "jsonl-crlf", "gzip-jsonl", "gzip-array", "bom"],
)
def test_every_layout_gives_the_same_csv(data: bytes, size: int) -> None:
    assert convert(data, size) == (
        EXPECTED_CSV,
        [],
        {"records_in": 3, "rows_out": 3, "quarantined": 0, "unlisted_columns": 0},
    )


def test_single_pretty_object_is_one_row() -> None:
    data = b'{\n  "order": "A-1",\n  "total": 12.5,\n  "customer": {"name": "Ann"}\n}\n'
    assert convert(data)[0] == "order,total,customer.name\r\nA-1,12.5,Ann\r\n"


def test_concatenated_gzip_members_are_one_stream() -> None:
    data = gzip.compress(b'{"x": 1}\n') + gzip.compress(b'{"x": 2}\n')
    assert convert(data)[0] == "x\r\n1\r\n2\r\n"


def test_bad_lines_are_quarantined_with_line_and_reason_and_the_rest_converted() -> None:
    data = (
        b'{"k": "a"}\n{"k": "b",,}\n\n"just a string"\n{"k": "c", "n": NaN}\n'
        b'{"k":"d"} trailing junk\n{"k": "e"}\n[1]\n{"a.b": 1, "a": {"b": 2}}\n'
    )
    text, entries, counts = convert(data)
    assert text == "k\r\na\r\nd\r\ne\r\n"
    assert entries == [
        {
            "line": 2,
            "reason": "invalid JSON: Expecting property name enclosed in double quotes "
            "(line 2 column 11)",
            "text": '{"k": "b",,}',
        },
        {"line": 4, "reason": "not a JSON object but a JSON string", "record": "just a string"},
        {
            "line": 5,
            "reason": "invalid JSON: NaN is not valid JSON",
            "text": '{"k": "c", "n": NaN}',
        },
        {
            "line": 6,
            "reason": "invalid JSON: Expecting value (line 6 column 11)",
            "text": "trailing junk",
        },
        {"line": 8, "reason": "not a JSON object but a JSON array", "record": [1]},
        {
            "line": 9,
            "reason": "column 'a.b' appears twice after flattening nested objects",
            "record": {"a.b": 1, "a": {"b": 2}},
        },
    ]
    assert counts == {"records_in": 9, "rows_out": 3, "quarantined": 6, "unlisted_columns": 0}


def test_array_syntax_error_quarantines_the_rest_once() -> None:
    data = b'[\n {"id": 1},\n {"id": 2,, },\n {"id": 3}\n]'
    text, entries, _ = convert(data)
    assert text == "id\r\n1\r\n"
    assert len(entries) == 1 and entries[0]["line"] == 3
    assert entries[0]["reason"].endswith("the rest of the array is unreadable")


def test_array_non_objects_are_quarantined_individually() -> None:
    text, entries, _ = convert(b'[{"id": 1},\n 7,\n {"id": 2}]')
    assert text == "id\r\n1\r\n2\r\n"
    assert entries == [{"line": 2, "reason": "not a JSON object but a JSON number", "record": 7}]


def test_numbers_and_literals_cut_at_chunk_boundaries_are_whole() -> None:
    data = b'{"n": 123456789, "t": true, "u": "\\u00e9"}\n12345678\n'
    for size in range(1, 12):
        found = items(data, size)
        assert found[0].value == {"n": 123456789, "t": True, "u": "é"}
        assert found[1].value == 12345678


def test_integers_beyond_64_bits_cut_at_chunk_boundaries_stay_exact() -> None:
    big = 123456789012345678901234567890
    data = b'{"a": 1}\n{"n": %d, "f": 0.5}\n{"b": 2}\n' % big
    for size in range(1, len(data) + 1):
        found = items(data, size)
        assert [item.value for item in found] == [{"a": 1}, {"n": big, "f": 0.5}, {"b": 2}]


def test_a_record_longer_than_the_limit_is_quarantined_and_reading_goes_on() -> None:
    data = b'{"big": "' + b"x" * 5000 + b'"}\n{"ok": 1}\n'
    found = items(data, size=100, max_chars=1024)
    assert found[0].error == "record longer than 1024 characters"
    assert found[1].value == {"ok": 1}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x1f\x8b\x08\x00not deflate at all", "invalid gzip data"),
        (gzip.compress(b'{"a": 1}\n' * 100, mtime=0)[:-12], "gzip data is truncated"),
        (b'{"a": "\xff"}', "not UTF-8 text"),
    ],
    ids=["bad-deflate", "truncated-gzip", "not-utf8"],
)
def test_wholly_unreadable_objects_raise(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableObjectError, match=reason):
        items(data)


def test_empty_object_has_no_records() -> None:
    assert items(b"") == [] and items(b" \n\t ") == [] and items(b"[]") == []


def test_explicit_columns_drop_and_count_unlisted_fields() -> None:
    out, quarantine = io.BytesIO(), io.BytesIO()
    builder = RowBuilder(["b", "a"])
    blocks = items(b'{"a": 1, "b": 2}\n{"c": 3}\n')
    counts = write_csv(blocks, builder, out.write, quarantine.write)
    assert out.getvalue() == b"b,a\r\n2,1\r\n,\r\n"
    assert counts.unlisted_columns == {"c"}
