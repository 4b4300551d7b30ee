from __future__ import annotations

import contextlib
import csv
import gc
import io
from collections.abc import Iterator

import pytest

from json_csv.rows import RecordError, RowBuilder
from json_csv.spool import CsvWriter, pad_rows, padding, paused_gc


def convert(records: list[object], builder: RowBuilder | None = None) -> bytes:
    builder = builder or RowBuilder()
    out = io.BytesIO()
    writer = CsvWriter(builder, out.write, None if builder.fixed else io.BytesIO())
    for record in records:
        with contextlib.suppress(RecordError):
            writer.add(record)
    writer.finish()
    return out.getvalue()


def table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def test_early_rows_with_crlf_in_quoted_cells_are_padded_to_the_final_width() -> None:
    records: list[object] = [
        {"id": 1, "text": 'line one\r\nline "two"\r\n'},
        {"id": 2, "text": "\r\n"},
        {"id": 3, "text": 'ends with a quote"\r\n"', "more": "x,y"},
        {"id": 4, "late": {"col": "\r\nz"}},
    ]
    data = convert(records, RowBuilder(neutralise_formulas=False))
    assert table(data) == [
        ["id", "text", "more", "late.col"],
        ["1", 'line one\r\nline "two"\r\n', "", ""],
        ["2", "\r\n", "", ""],
        ["3", 'ends with a quote"\r\n"', "x,y", ""],
        ["4", "", "", "\r\nz"],
    ]
    assert data.startswith(b'id,text,more,late.col\r\n1,"line one\r\nline ""two""\r\n",,\r\n')


@pytest.mark.parametrize("block", [1, 2, 3, 5, 64])
def test_padding_is_the_same_whatever_the_block_boundaries(block: int) -> None:
    rows = b'a,"x\r\ny"\r\n"",b\r\n"q""\r\n""",c\r\n'
    blocks: Iterator[bytes] = (rows[i : i + block] for i in range(0, len(rows), block))
    assert b"".join(pad_rows(blocks, b",,")) == (b'a,"x\r\ny",,\r\n"",b,,\r\n"q""\r\n""",c,,\r\n')


def test_padding_of_rows_written_before_any_column() -> None:
    assert padding(0, 1) == b'""' and padding(0, 3) == b",," and padding(2, 5) == b",,,"
    assert table(convert([{}, {"a": 1}])) == [["a"], [""], ["1"]]


def test_no_row_at_all_makes_an_empty_csv() -> None:
    """Every record refused (or none): nothing spooled, nothing written, no error."""
    assert convert([]) == b""
    assert convert([{"a": 1, "b": 2}], RowBuilder(max_columns=1)) == b""


def test_explicit_columns_stream_straight_through_without_a_spool() -> None:
    out = io.BytesIO()
    writer = CsvWriter(RowBuilder(["b", "a"]), out.write)
    writer.add({"a": 1})
    assert out.getvalue() == b"b,a\r\n"  # header first; rows follow in blocks
    writer.finish()
    assert out.getvalue() == b"b,a\r\n,1\r\n"


def test_discovered_columns_need_a_spool() -> None:
    with pytest.raises(ValueError, match="spool"):
        CsvWriter(RowBuilder(), io.BytesIO().write)


def test_many_rows_and_widths_round_trip() -> None:
    records: list[object] = [{f"c{n % 7}": f"v{n}\r\n", "n": n} for n in range(5000)]
    rows = table(convert(records))
    assert rows[0] == ["c0", "n", "c1", "c2", "c3", "c4", "c5", "c6"]
    assert len(rows) == 5001 and all(len(row) == 8 for row in rows)
    last = dict(zip(rows[0], rows[5000], strict=True))
    assert last == {
        "c0": "",
        "n": "4999",
        "c1": "v4999\r\n",
        "c2": "",
        "c3": "",
        "c4": "",
        "c5": "",
        "c6": "",
    }


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
