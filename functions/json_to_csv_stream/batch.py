"""The pure part of the stream path: a Kinesis batch → CSV text, quarantine lines, the cut.

Kinesis retries a batch from the lowest reported sequence number, so the records after a
transient failure come back too. Only the records *before* the first failure are written; the
failed record and everything after it are reported, and the retry starts exactly there.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from json_to_csv_stream.flatten import RecordError, csv_writer, flatten, merge_columns

RecordCheck = Callable[[dict[str, Any]], None]


@dataclass
class Batch:
    records: Sequence[dict[str, Any]]
    rows: list[dict[str, str]] = field(default_factory=list)
    poison: list[dict[str, Any]] = field(default_factory=list)
    cut: int = 0
    failure: str | None = None

    @property
    def first(self) -> dict[str, Any]:
        return self.records[0]

    def failed_sequence_numbers(self) -> list[str]:
        return [sequence_number(record) for record in self.records[self.cut :]]


def sequence_number(record: dict[str, Any]) -> str:
    return str(record["kinesis"]["sequenceNumber"])


def shard_id(record: dict[str, Any]) -> str:
    return str(record.get("eventID", "shard")).split(":", 1)[0]


def arrival(record: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(record["kinesis"]["approximateArrivalTimestamp"]), UTC)


def object_stem(batch_first: dict[str, Any]) -> str:
    """`dt=<arrival date of the first record>/<shard>/<first sequence number>`.

    Derived from the first record only: a retry starts at the same record (whatever the size
    of the retried batch), so it overwrites the earlier object instead of adding one.
    """
    day = arrival(batch_first).strftime("%Y-%m-%d")
    return f"dt={day}/{shard_id(batch_first)}/{sequence_number(batch_first)}"


def decode_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record's JSON object; RecordError (poison) when it is not one."""
    try:
        raw = base64.b64decode(record["kinesis"]["data"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise RecordError(f"data is not base64: {error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecordError(f"data is not UTF-8: {error.reason}") from error
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise RecordError(f"invalid JSON: {error}") from error
    if not isinstance(value, dict):
        flatten(value)  # raises the "not a JSON object" RecordError
    return dict(value)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def poison_entry(record: dict[str, Any], reason: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "sequence_number": sequence_number(record),
        "partition_key": record["kinesis"].get("partitionKey"),
        "arrival": arrival(record).isoformat(),
        "reason": reason,
    }
    try:
        entry["data"] = base64.b64decode(record["kinesis"].get("data", "")).decode("utf-8")
    except (binascii.Error, ValueError):
        entry["data_base64"] = record["kinesis"].get("data")
    return entry


def convert_batch(records: Sequence[dict[str, Any]], check: RecordCheck | None = None) -> Batch:
    """Rows and poison entries of the records before the first transient failure.

    `check` runs on each decoded record; an exception from it (or any unexpected error) is
    transient: that record and the rest of the batch are left for the retry.
    """
    batch = Batch(records, cut=len(records))
    for index, record in enumerate(records):
        try:
            value = decode_record(record)
            if check is not None:
                check(value)
            row = flatten(value)
        except RecordError as error:
            batch.poison.append(poison_entry(record, str(error)))
            continue
        except Exception as error:  # any other failure is retried, never dropped
            batch.cut, batch.failure = index, f"{type(error).__name__}: {error}"
            break
        batch.rows.append(row)
    return batch


def render_csv(rows: Sequence[dict[str, str]], columns: Sequence[str] = ()) -> str:
    """CSV text: explicit columns, or the union of the rows' columns in first-seen order."""
    if not columns:
        union: dict[str, None] = {}
        for row in rows:
            merge_columns(union, row)
        columns = list(union)
    out = io.StringIO()
    writer = csv_writer(out)
    if columns:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue()


def render_quarantine(entries: Sequence[dict[str, Any]]) -> str:
    return "".join(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n" for entry in entries
    )


def partial_response(failed: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """The ReportBatchItemFailures response shape."""
    return {"batchItemFailures": [{"itemIdentifier": number} for number in failed]}
