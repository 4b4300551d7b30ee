"""The pure conversion: records → CSV rows and quarantine entries, with counts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from json_to_csv_s3.flatten import (
    RecordError,
    TextSink,
    columns_of,
    csv_writer,
    flatten,
    merge_columns,
)
from json_to_csv_s3.reader import Item


@dataclass
class Counts:
    records_in: int = 0
    rows_out: int = 0
    quarantined: int = 0
    unlisted_columns: set[str] = field(default_factory=set)

    def summary(self) -> dict[str, int]:
        return {
            "records_in": self.records_in,
            "rows_out": self.rows_out,
            "quarantined": self.quarantined,
            "unlisted_columns": len(self.unlisted_columns),
        }


def collect_columns(items: Iterable[Item]) -> list[str]:
    """The union of the good records' columns, in first-seen order (the first pass)."""
    columns: dict[str, None] = {}
    for item in items:
        if item.error is not None:
            continue
        try:
            merge_columns(columns, columns_of(item.value))
        except RecordError:
            continue
    return list(columns)


def quarantine_entry(item: Item, reason: str) -> str:
    entry: dict[str, object] = {"line": item.line, "reason": reason}
    if item.error is None:
        entry["record"] = item.value
    else:
        entry["text"] = item.text
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_csv(
    items: Iterable[Item],
    columns: Sequence[str],
    csv_sink: TextSink,
    quarantine: TextSink,
) -> Counts:
    """Writes the header and one row per good record; bad ones go to quarantine as JSON Lines.

    Columns outside `columns` (an explicit list) are dropped and counted in unlisted_columns.
    """
    counts = Counts()
    writer = csv_writer(csv_sink)
    known = set(columns)
    if columns:
        writer.writerow(columns)
    for item in items:
        counts.records_in += 1
        if item.error is not None:
            counts.quarantined += 1
            quarantine.write(quarantine_entry(item, item.error))
            continue
        try:
            row = flatten(item.value)
        except RecordError as error:
            counts.quarantined += 1
            quarantine.write(quarantine_entry(item, str(error)))
            continue
        if len(row) > len(known) or not known.issuperset(row):
            counts.unlisted_columns.update(name for name in row if name not in known)
        writer.writerow([row.get(name, "") for name in columns])
        counts.rows_out += 1
    return counts
