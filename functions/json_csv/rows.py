"""A JSON object → one CSV row (RFC 4180 text) under a column list that is fixed or grows.

Flattening: nested objects become dotted columns (`{"a": {"b": 1}}` → `a.b`), lists and empty
objects JSON-encoded cells, null an empty cell, numbers and literals their JSON spelling, strings
themselves. Two paths reaching one column (`{"a.b": 1, "a": {"b": 2}}`) are a RecordError.

Formula neutralisation (OWASP "CSV injection"), on by default: a string cell or column name that
starts with = + - @ tab or CR gets a leading `'`, so spreadsheets show it as text instead of
evaluating it. JSON numbers are left alone: their text (`-1.5e3`) is a number to a spreadsheet.

Column cap: with no explicit list, a record that would take the column count beyond
`max_columns` is a RecordError (quarantined) instead of widening every later row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import orjson

from json_csv.parse import dumps

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
_orjson_dumps = orjson.dumps
DEFAULT_MAX_COLUMNS = 1000
# Distinct record shapes remembered; a hostile stream of ever-new shapes only empties the cache.
_MAX_PLANS = 4096
MAX_UNLISTED_NAMES = 1000

Plan = int | list[int] | str


class RecordError(ValueError):
    """A record that cannot become a CSV row (quarantined with this reason, never retried)."""


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


def quote(text: str) -> str:
    """RFC 4180: a field holding , " CR or LF is enclosed in quotes, its quotes doubled."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def header_line(columns: Iterable[str], neutralise_formulas: bool) -> str:
    if neutralise_formulas:
        return ",".join(quote(neutralise(name)) for name in columns)
    return ",".join(quote(name) for name in columns)


# In a record's shape, a nested object is _NESTED, its key, the shape of its members, _END.
_NESTED = object()
_END = object()


def flatten(
    obj: dict[str, object], cells: list[str], shape: list[object], neutralise: bool
) -> None:
    """Appends the CSV-ready (quoted) cells of a JSON object, in its order, and its shape: the
    keys, with nested objects marked (column names are made once per shape, see column_names)."""
    # The hot loop of the conversion: checks are inlined and ordered by how common each type is.
    for key, value in obj.items():
        kind = type(value)
        if kind is str:
            text: str = value  # type: ignore[assignment]
            if neutralise and text[:1] in _FORMULA_STARTS:
                text = "'" + text
            if '"' in text or "," in text or "\n" in text or "\r" in text:
                text = '"' + text.replace('"', '""') + '"'
        elif kind is dict:
            if value:
                shape.append(_NESTED)
                shape.append(key)
                flatten(value, cells, shape, neutralise)  # type: ignore[arg-type]
                shape.append(_END)
                continue
            text = "{}"
        elif kind is int:
            text = str(value)
        elif kind is float:
            # In this range orjson spells a float as repr() does, at a third of the cost (repr's
            # dtoa took a tenth of the conversion); elsewhere they differ (1e-05, inf).
            in_range = 1e-4 <= abs(value) < 1e16  # type: ignore[arg-type]
            text = _orjson_dumps(value).decode() if in_range else repr(value)
        elif value is None:
            text = ""
        elif kind is bool:
            text = "true" if value else "false"
        else:
            text = quote(dumps(value))
        shape.append(key)
        cells.append(text)


def column_names(shape: Iterable[object]) -> list[str]:
    """The dotted column names of a shape made by flatten."""
    names: list[str] = []
    prefixes = [""]
    opening = False
    for item in shape:
        if item is _NESTED:
            opening = True
        elif item is _END:
            prefixes.pop()
        elif opening:
            prefixes.append(f"{prefixes[-1]}{item}.")
            opening = False
        else:
            names.append(f"{prefixes[-1]}{item}")
    return names


class RowBuilder:
    """Turns records into CSV lines (no line terminator) under `columns`.

    Fixed columns (`columns` given): cells of other columns are dropped and their names
    counted in `unlisted`. Discovered columns (`columns` empty): the union of the records'
    columns in first-seen order, at most `max_columns`; each line has `width` fields, the
    column count after its record, so earlier lines are shorter than later ones (padded when
    copied out, see json_csv.spool).
    """

    def __init__(
        self,
        columns: Sequence[str] = (),
        *,
        max_columns: int = DEFAULT_MAX_COLUMNS,
        neutralise_formulas: bool = True,
    ) -> None:
        if max_columns < 1:
            raise ValueError("max_columns must be at least 1")
        self.fixed = bool(columns)
        self.columns: list[str] = list(columns)
        self.max_columns = max_columns
        self.neutralise_formulas = neutralise_formulas
        self.unlisted: set[str] = set()
        self._index = {name: position for position, name in enumerate(self.columns)}
        # shape (see flatten) → the number of leading columns it fills in order (int), the
        # position of each cell (list; -1 = dropped) or why it is refused (str)
        self._plans: dict[tuple[object, ...], Plan] = {}
        # Consecutive records mostly share a shape: comparing with the last one skips hashing it.
        self._last_shape: list[object] = []
        self._last_plan: Plan = 0

    @property
    def width(self) -> int:
        return len(self.columns)

    def header(self) -> str:
        return header_line(self.columns, self.neutralise_formulas)

    def row(self, record: object) -> str:
        if type(record) is not dict:
            raise RecordError(f"not a JSON object but a JSON {json_type(record)}")
        cells: list[str] = []
        shape: list[object] = []
        flatten(record, cells, shape, self.neutralise_formulas)
        plan = self._last_plan if shape == self._last_shape else self._plan(shape)
        width = len(self.columns)
        if plan == width:
            line = ",".join(cells)
        elif type(plan) is int:
            line = ",".join(cells) + "," * (width - plan) if plan else "," * (width - 1)
        elif type(plan) is list:
            row = [""] * width
            for position, text in zip(plan, cells, strict=True):
                if position >= 0:
                    row[position] = text
            line = ",".join(row)
        else:
            raise RecordError(str(plan))
        # A lone empty field is written "" so the row is not a blank line (RFC 4180 readers
        # skip those).
        return line if line or not width else '""'

    def _plan(self, shape: list[object]) -> Plan:
        key = tuple(shape)
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= _MAX_PLANS:
                self._plans.clear()
            plan = self._plans[key] = self._make_plan(column_names(shape))
        self._last_shape, self._last_plan = shape, plan
        return plan

    def _make_plan(self, names: list[str]) -> Plan:
        if len(set(names)) != len(names):
            twice = _first_repeated(names)
            return f"column {twice!r} appears twice after flattening nested objects"
        index = self._index
        if self.fixed:
            if len(self.unlisted) < MAX_UNLISTED_NAMES:
                self.unlisted.update(name for name in names if name not in index)
        else:
            new = [name for name in names if name not in index]
            if len(self.columns) + len(new) > self.max_columns:
                return (
                    f"would add {len(new)} column(s) to the {len(self.columns)} seen so far, "
                    f"beyond the limit of {self.max_columns} columns: {', '.join(new[:5])}"
                    + (", ..." if len(new) > 5 else "")
                )
            for name in new:
                index[name] = len(self.columns)
                self.columns.append(name)
        if names == self.columns[: len(names)]:
            return len(names)
        return [index.get(name, -1) for name in names]


def _first_repeated(names: Sequence[str]) -> str:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    raise ValueError("no name repeats")
