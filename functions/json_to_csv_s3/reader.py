"""Streaming reader: S3 body chunks → JSON values with their line numbers, in bounded memory.

Accepted layouts (after optional gzip, detected by its magic bytes, and an optional UTF-8 BOM):
- a JSON array of records: elements are decoded one at a time; a syntax error inside the array
  makes the rest of the array unreadable (reported once, with its line);
- anything else is read as a sequence of JSON values separated by whitespace, which covers a
  single (pretty-printed) object, JSON Lines and concatenated JSON. After a syntax error the
  reader resynchronises at the next line starting in column 1 with neither whitespace nor a
  closing bracket (where JSON Lines records and top-level values begin), reporting the skipped
  text as one bad item.

Memory holds one decoded chunk plus the record being decoded, never the whole object.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CHUNK_SIZE = 1 << 20
DEFAULT_MAX_RECORD_CHARS = 8 << 20
SNIPPET_CHARS = 1000
GZIP_MAGIC = b"\x1f\x8b"
# A decode error this close to the end of the buffer may only mean the record continues in the
# next chunk (a cut literal such as `tru`, or a cut `\uXXXX` escape).
_TRUNCATION_MARGIN = 16
_WHITESPACE = " \t\r\n"
_RECORD_START = re.compile(r"\n(?=[^\s}\]])")


class UnreadableObjectError(Exception):
    """The object as a whole cannot be read (bad gzip, not UTF-8); it is quarantined."""


@dataclass(frozen=True)
class Item:
    """One top-level record (value set) or one unreadable span (error set), by starting line."""

    line: int
    value: object = None
    error: str | None = None
    text: str | None = None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def decompressed(chunks: Iterable[bytes], chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The bytes of the object, gunzipped (all members) when it starts with the gzip magic."""
    source = iter(chunks)
    head = b""
    while len(head) < len(GZIP_MAGIC):
        piece = next(source, None)
        if piece is None:
            break
        head += piece
    if not head.startswith(GZIP_MAGIC):
        if head:
            yield head
        yield from source
        return
    yield from _gunzip(head, source, chunk_size)


def _gunzip(head: bytes, source: Iterator[bytes], chunk_size: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    in_member = False
    pending = head
    while True:
        while pending:
            in_member = True
            try:
                out = inflater.decompress(pending, chunk_size)
            except zlib.error as error:
                raise UnreadableObjectError(f"invalid gzip data: {error}") from error
            if out:
                yield out
            if inflater.eof:
                # Concatenated members (what `cat a.gz b.gz` makes) are one stream.
                pending = inflater.unused_data.lstrip(b"\x00")
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                in_member = False
            else:
                pending = inflater.unconsumed_tail
        piece = next(source, None)
        if piece is None:
            break
        pending = piece
    if in_member:
        raise UnreadableObjectError("gzip data is truncated")


def decoded(chunks: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 text (a leading BOM dropped); invalid UTF-8 makes the object unreadable."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    try:
        for chunk in chunks:
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise UnreadableObjectError(f"not UTF-8 text: {error.reason}") from error
    if tail:
        yield tail


class _Cursor:
    """A sliding window over the text with the 1-based line number of the read position."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._source = iter(chunks)
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self._base = 0  # offset of buf[0] in the whole text
        self._line_start = 0  # offset of the current line's first character

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = next(self._source, None)
        if chunk is None:
            self.eof = True
            return False
        self._base += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        newlines = self.buf.count("\n", self.pos, to)
        if newlines:
            self.line += newlines
            self._line_start = self._base + self.buf.rfind("\n", self.pos, to) + 1
        self.pos = to

    def where(self, index: int) -> tuple[int, int]:
        """(line, column) of buf[index], index >= pos."""
        newlines = self.buf.count("\n", self.pos, index)
        if not newlines:
            return self.line, self._base + index - self._line_start + 1
        return self.line + newlines, index - self.buf.rfind("\n", self.pos, index)

    def skip_whitespace(self) -> bool:
        """Moves past whitespace; False at the end of the text."""
        while True:
            end = len(self.buf)
            index = self.pos
            while index < end and self.buf[index] in _WHITESPACE:
                index += 1
            self.advance(index)
            if index < end:
                return True
            if not self.more():
                return False

    def peek(self) -> str:
        return self.buf[self.pos]

    def snippet(self, start: int) -> str:
        return self.buf[start : start + SNIPPET_CHARS]


class _DecodeError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _decode_value(cursor: _Cursor, max_chars: int) -> object:
    """Decodes the value at the cursor (reading more text as needed) and moves past it."""
    while True:
        buf, pos = cursor.buf, cursor.pos
        try:
            value, end = _DECODER.raw_decode(buf, pos)
        except json.JSONDecodeError as error:
            maybe_cut = error.pos >= len(buf) - _TRUNCATION_MARGIN or error.msg.startswith(
                "Unterminated string"
            )
            if maybe_cut and len(buf) - pos < max_chars and cursor.more():
                continue
            if len(buf) - pos >= max_chars:
                raise _DecodeError(f"record longer than {max_chars} characters") from error
            line, column = cursor.where(error.pos)
            raise _DecodeError(
                f"invalid JSON: {error.msg} (line {line} column {column})"
            ) from error
        except (ValueError, RecursionError) as error:
            raise _DecodeError(f"invalid JSON: {error}") from error
        # A number ending exactly at the end of the buffer may continue in the next chunk.
        if end == len(buf) and len(buf) - pos < max_chars and cursor.more():
            continue
        cursor.advance(end)
        return value


def _skip_to_next_record(cursor: _Cursor) -> str:
    """Moves to the next line that starts in column 1 with neither whitespace nor a closing
    bracket (where JSON Lines records and top-level values begin); returns the skipped text,
    cut at SNIPPET_CHARS."""
    skipped: list[str] = []
    kept = 0

    def skip_to(index: int) -> None:
        nonlocal kept
        if kept < SNIPPET_CHARS:
            piece = cursor.buf[cursor.pos : min(index, cursor.pos + SNIPPET_CHARS - kept)]
            skipped.append(piece)
            kept += len(piece)
        cursor.advance(index)

    while True:
        found = _RECORD_START.search(cursor.buf, cursor.pos)
        if found:
            skip_to(found.start() + 1)
            break
        # Keep the last character: it may be the newline of a marker cut in two.
        skip_to(max(cursor.pos, len(cursor.buf) - 1))
        if not cursor.more():
            skip_to(len(cursor.buf))
            break
    return "".join(skipped).rstrip()


def iter_items(
    chunks: Iterable[str], max_record_chars: int = DEFAULT_MAX_RECORD_CHARS
) -> Iterator[Item]:
    """Every record (or unreadable span) of the text, in order."""
    cursor = _Cursor(chunks)
    if not cursor.skip_whitespace():
        return
    if cursor.peek() == "[":
        yield from _array_items(cursor, max_record_chars)
    else:
        yield from _sequence_items(cursor, max_record_chars)


def _sequence_items(cursor: _Cursor, max_chars: int) -> Iterator[Item]:
    while cursor.skip_whitespace():
        line = cursor.line
        try:
            value = _decode_value(cursor, max_chars)
        except _DecodeError as error:
            yield Item(line, error=error.reason, text=_skip_to_next_record(cursor))
            continue
        yield Item(line, value=value)


def _array_items(cursor: _Cursor, max_chars: int) -> Iterator[Item]:
    cursor.advance(cursor.pos + 1)
    expect_value = True
    first = True
    while True:
        if not cursor.skip_whitespace():
            yield Item(cursor.line, error="invalid JSON: the array is not closed with ']'")
            return
        char, line = cursor.peek(), cursor.line
        if char == "]" and (first or not expect_value):
            cursor.advance(cursor.pos + 1)
            break
        if not expect_value:
            if char != ",":
                yield _rest_unreadable(cursor, f"expected ',' or ']' but found {char!r}")
                return
            cursor.advance(cursor.pos + 1)
            expect_value = True
            continue
        start_text = cursor.snippet(cursor.pos)
        try:
            value = _decode_value(cursor, max_chars)
        except _DecodeError as error:
            yield Item(
                line, error=f"{error.reason}; the rest of the array is unreadable", text=start_text
            )
            return
        yield Item(line, value=value)
        expect_value = False
        first = False
    if cursor.skip_whitespace():
        yield _rest_unreadable(cursor, "unexpected content after the JSON array")


def _rest_unreadable(cursor: _Cursor, reason: str) -> Item:
    return Item(cursor.line, error=f"invalid JSON: {reason}", text=cursor.snippet(cursor.pos))
