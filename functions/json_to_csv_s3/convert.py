"""The pure conversion: items → CSV bytes and quarantine entries, with counts (one pass)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from json_csv.rows import RecordError, RowBuilder
from json_csv.spool import CsvWriter, Write, paused_gc
from json_to_csv_s3.reader import Item


@dataclass
class Counts:
    records_in: int = 0
    rows_out: int = 0
    quarantined: int = 0
    columns: int = 0
    unlisted_columns: set[str] = field(default_factory=set)

    def summary(self) -> dict[str, int]:
        return {
            "records_in": self.records_in,
            "rows_out": self.rows_out,
            "quarantined": self.quarantined,
            "columns": self.columns,
            "unlisted_columns": len(self.unlisted_columns),
        }


def quarantine_entry(item: Item, reason: str) -> bytes:
    entry: dict[str, object] = {"line": item.line, "reason": reason}
    if item.error is None:
        entry["record"] = item.value
    else:
        entry["text"] = item.text
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
    return text.encode("utf-8", "backslashreplace")


def write_csv(
    items: Iterable[Item],
    builder: RowBuilder,
    csv_out: Write,
    quarantine: Write,
    spool: IO[bytes] | None = None,
) -> Counts:
    """Writes the header and one row per good record to `csv_out`; bad records go to
    `quarantine` as JSON Lines with their line and reason.

    Fixed columns (builder.fixed): other fields are dropped and counted in unlisted_columns.
    Discovered columns: rows wait in `spool` until the last record fixes the header.
    """
    counts = Counts()
    writer = CsvWriter(builder, csv_out, spool)
    add = writer.add
    records_in = quarantined = 0
    with paused_gc():
        for item in items:
            records_in += 1
            if item.error is not None:
                quarantined += 1
                quarantine(quarantine_entry(item, item.error))
                continue
            try:
                add(item.value)
            except RecordError as error:
                quarantined += 1
                quarantine(quarantine_entry(item, str(error)))
        writer.finish()
    counts.records_in, counts.quarantined = records_in, quarantined
    counts.rows_out = writer.rows
    counts.columns = builder.width
    counts.unlisted_columns = builder.unlisted
    return counts
