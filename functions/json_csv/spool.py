"""CSV rows → CSV bytes with one header and every row as wide as the header.

With discovered columns the header is known only after the last record, and a row written early
has fewer fields than the final header. Rows are therefore spooled (to a temporary file, so
memory stays bounded whatever the input size) and copied out after the header, each padded with
empty fields to the final width. Quoted cells may hold CR LF, so a row ends at a CR LF preceded
by an even number of quote characters (RFC 4180 quotes come in pairs).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import IO

from json_csv.rows import RecordError, RowBuilder

CRLF = b"\r\n"
BLOCK_BYTES = 1 << 20
_FLUSH_ROWS = 2048

Write = Callable[[bytes], object]


def padding(width: int, final_width: int) -> bytes:
    """The bytes that widen a row of `width` fields to `final_width` fields."""
    if width == 0:
        # A row with no fields is an empty line; as one field it must read `""` (RFC 4180).
        return b'""' if final_width == 1 else b"," * (final_width - 1)
    return b"," * (final_width - width)


def pad_rows(blocks: Iterator[bytes], pad: bytes) -> Iterator[bytes]:
    """The CR LF-terminated rows of `blocks` with `pad` inserted before each row's CR LF."""
    carry = b""
    inside_quotes = False
    for block in blocks:
        data = carry + block
        end = data.rfind(CRLF)
        if end < 0:
            carry = data
            continue
        carry = data[end + 2 :]
        out: list[bytes] = []
        for piece in data[:end].split(CRLF):
            if piece.count(b'"') & 1:
                inside_quotes = not inside_quotes
            out.append(piece + CRLF if inside_quotes else piece + pad + CRLF)
        yield b"".join(out)
    if carry:
        raise ValueError("spooled rows do not end with CR LF")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pauses the cycle collector: parsed records are trees that reference counting frees, and
    collections triggered by their allocations would walk every object of the process (boto3's
    included) again and again. Measured: ≈ 25 % of a conversion's CPU time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CsvWriter:
    """Writes the CSV of a sequence of records to `write`: the header, then one row each.

    Fixed columns: rows go straight through. Discovered columns: rows go to `spool` (a binary
    file opened for reading and writing) and are copied out by finish().
    """

    def __init__(self, builder: RowBuilder, write: Write, spool: IO[bytes] | None = None) -> None:
        if not builder.fixed and spool is None:
            raise ValueError("discovered columns need a spool file")
        self.builder = builder
        self._flushed_rows = 0
        self._row = builder.row
        self._columns = builder.columns
        self._write = write
        self._spool = spool
        self._pending: list[str] = []
        self._pending_width = builder.width
        # (offset in the spool, width of the rows from there on)
        self._segments: list[tuple[int, int]] = []
        self._spooled = 0
        if builder.fixed:
            write(builder.header().encode() + CRLF)

    def add(self, record: object) -> None:
        """Adds one record's row; RecordError when the record cannot be one (nothing written)."""
        line = self._row(record)
        width = len(self._columns)
        pending = self._pending
        if width != self._pending_width or len(pending) >= _FLUSH_ROWS:
            self._flush()
            self._pending_width = width
        pending.append(line)

    @property
    def rows(self) -> int:
        """Rows added so far."""
        return self._flushed_rows + len(self._pending)

    def _flush(self) -> None:
        if not self._pending:
            return
        self._flushed_rows += len(self._pending)
        self._pending.append("")
        data = "\r\n".join(self._pending).encode()
        self._pending.clear()
        if self._spool is None:
            self._write(data)
            return
        if not self._segments or self._segments[-1][1] != self._pending_width:
            self._segments.append((self._spooled, self._pending_width))
        self._spool.write(data)
        self._spooled += len(data)

    def finish(self) -> None:
        """Writes what is pending; with a spool, the header and every padded row."""
        self._flush()
        if self._spool is None or not self._segments:
            return
        final_width = self.builder.width
        if final_width:
            self._write(self.builder.header().encode() + CRLF)
        self._spool.seek(0)
        bounds = [offset for offset, _ in self._segments[1:]] + [self._spooled]
        for (start, width), end in zip(self._segments, bounds, strict=True):
            blocks = self._read(end - start)
            if width == final_width:
                for block in blocks:
                    self._write(block)
            else:
                for block in pad_rows(blocks, padding(width, final_width)):
                    self._write(block)

    def _read(self, size: int) -> Iterator[bytes]:
        assert self._spool is not None
        while size > 0:
            block = self._spool.read(min(BLOCK_BYTES, size))
            if not block:
                raise OSError("the spool file is shorter than what was written to it")
            size -= len(block)
            yield block


__all__ = ["CsvWriter", "RecordError", "pad_rows", "padding", "paused_gc"]
