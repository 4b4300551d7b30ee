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
import itertools
import json
import re
import zlib
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from typing import NamedTuple

import orjson

from json_csv.parse import may_hold_long_integer

CHUNK_SIZE = 1 << 20
DEFAULT_MAX_RECORD_CHARS = 8 << 20
SNIPPET_CHARS = 1000
GZIP_MAGIC = b"\x1f\x8b"
# A decode error this close to the end of the buffer may only mean the record continues in the
# next chunk (a cut literal such as `tru`, or a cut `\uXXXX` escape).
_TRUNCATION_MARGIN = 16
_WHITESPACE = " \t\r\n"
_WHITESPACE_BYTES = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"
_BOM_AND_WHITESPACE = _BOM + _WHITESPACE_BYTES
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_RECORD_START = re.compile(r"\n(?=[^\s}\]])")


class UnreadableObjectError(Exception):
    """The object as a whole cannot be read (bad gzip, not UTF-8); it is quarantined."""


class Item(NamedTuple):
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
    chunks: Iterable[bytes], max_record_chars: int = DEFAULT_MAX_RECORD_CHARS
) -> Iterator[Item]:
    """Every record (or unreadable span) of the (decompressed) bytes, in order."""
    source = iter(chunks)
    head = b""
    for chunk in source:
        head += chunk
        if not _BOM.startswith(head) and head.removeprefix(_BOM).lstrip(_WHITESPACE_BYTES):
            break
    head = head.removeprefix(_BOM)
    rest = itertools.chain([head], source)
    start = head.lstrip(_WHITESPACE_BYTES)[:1]
    if not start:
        return
    if start == b"[":
        cursor = _Cursor(decoded(rest))
        cursor.skip_whitespace()
        yield from _array_items(cursor, max_record_chars)
    else:
        yield from _line_items(_Lines(rest, max_record_chars), max_record_chars)


class _Oversize:
    """Stands for a line longer than the record limit, which was skipped without being kept."""

    def __init__(self, snippet: str) -> None:
        self.snippet = snippet


class _Lines:
    """The text's lines (bytes without LF), read block by block, in bounded memory."""

    def __init__(self, chunks: Iterable[bytes], max_chars: int) -> None:
        self._chunks = iter(chunks)
        self._max_chars = max_chars
        self._tail = b""
        self._skipping: _Oversize | None = None
        self._ready: deque[bytes | _Oversize] = deque()
        self.exact = False  # the last block may hold integers orjson would round

    def block(self) -> list[bytes | _Oversize] | None:
        """The next complete lines; None after the last one."""
        if self._ready:
            lines = list(self._ready)
            self._ready.clear()
            return lines
        while True:
            chunk = next(self._chunks, None)
            if chunk is None:
                return self._last()
            lines = self._split(chunk)
            if lines:
                return lines

    def unread(self, lines: list[bytes | _Oversize]) -> None:
        self._ready.extendleft(reversed(lines))

    def pop(self) -> bytes | _Oversize | None:
        """One line at a time (the standard-library path takes only what it needs)."""
        if not self._ready:
            lines = self.block()
            if lines is None:
                return None
            self._ready.extend(lines)
        return self._ready.popleft()

    def _split(self, chunk: bytes) -> list[bytes | _Oversize]:
        if self._skipping is not None:
            newline = chunk.find(b"\n")
            if newline < 0:
                return []
            skipped, self._skipping = self._skipping, None
            return [skipped, *self._split(chunk[newline + 1 :])]
        pieces = chunk.split(b"\n")
        # The last chunk's unfinished line and this chunk's first piece make one line; the chunk
        # itself is not copied.
        pieces[0] = self._tail + pieces[0]
        self.exact = may_hold_long_integer(chunk) or may_hold_long_integer(pieces[0])
        lines: list[bytes | _Oversize] = list(pieces)
        tail = lines.pop()
        assert isinstance(tail, bytes)
        self._tail = tail
        if len(tail) > self._max_chars:
            if not tail.strip(_WHITESPACE_BYTES):
                self._tail = b""
            elif _char_count(tail) > self._max_chars:
                self._tail = b""
                self._skipping = _Oversize(tail[: 4 * SNIPPET_CHARS].decode(errors="replace"))
        return lines

    def _last(self) -> list[bytes | _Oversize] | None:
        if self._skipping is not None:
            skipped, self._skipping = self._skipping, None
            return [skipped]
        if self._tail:
            tail, self._tail = self._tail, b""
            self.exact = may_hold_long_integer(tail)
            return [tail]
        return None

    def text(self) -> Iterator[str]:
        """The remaining lines as text, each with its LF, pulled one at a time."""
        while (line := self.pop()) is not None:
            if isinstance(line, _Oversize):
                yield line.snippet[:SNIPPET_CHARS] + "\n"
                continue
            try:
                yield line.decode("utf-8") + "\n"
            except UnicodeDecodeError as error:
                raise UnreadableObjectError(f"not UTF-8 text: {error.reason}") from error


def _char_count(data: bytes) -> int:
    """Characters in UTF-8 bytes: every byte but continuation bytes starts one."""
    return len(data.translate(None, _CONTINUATION_BYTES))


def _line_items(lines: _Lines, max_chars: int) -> Iterator[Item]:
    """JSON Lines at orjson speed: each line that is one whole JSON value is one record. Any other
    line (a value spread over lines, several values on a line, invalid JSON, an integer beyond
    64 bits) is read from there by the standard library's decoder until a line ends a value."""
    loads = orjson.loads
    new = tuple.__new__  # Item(...) without NamedTuple's Python-level __new__ (hot loop)
    line_number = 1
    while (block := lines.block()) is not None:
        exact = lines.exact
        for index, line in enumerate(block):
            if not exact or (type(line) is bytes and not may_hold_long_integer(line)):
                try:
                    value = loads(line)  # type: ignore[arg-type]
                except orjson.JSONDecodeError:
                    pass
                else:
                    yield new(Item, (line_number, value, None, None))
                    line_number += 1
                    continue
            if isinstance(line, _Oversize):
                error = f"record longer than {max_chars} characters"
                yield Item(line_number, error=error, text=line.snippet[:SNIPPET_CHARS])
                line_number += 1
                continue
            if not line.strip(_WHITESPACE_BYTES):
                line_number += 1
                continue
            lines.unread(block[index:])
            line_number = yield from _standard_items(lines, line_number, max_chars)
            break


def _standard_items(lines: _Lines, line_number: int, max_chars: int) -> Generator[Item, None, int]:
    """Items read by the standard library's decoder from `line_number` on, until the text read
    so far is used up at the end of a line; returns the number of the next line."""
    cursor = _Cursor(lines.text())
    cursor.line = line_number
    cursor.more()
    while True:
        while cursor.pos < len(cursor.buf) and cursor.buf[cursor.pos] in _WHITESPACE:
            cursor.advance(cursor.pos + 1)
        if cursor.pos >= len(cursor.buf):
            return cursor.line
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
