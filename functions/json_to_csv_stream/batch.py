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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord

from json_csv.options import CsvOptions
from json_csv.parse import JsonError, NotUtf8Error, loads
from json_csv.rows import RecordError, json_type
from json_csv.spool import CsvWriter, paused_gc


@dataclass
class Batch:
    records: Sequence[dict[str, Any]]
    csv: bytes = b""  # header and rows, empty when no record made a row
    rows: int = 0
    poison: list[dict[str, Any]] = field(default_factory=list)
    cut: int = 0
    failure: str | None = None

    @property
    def first(self) -> dict[str, Any]:
        return self.records[0]

    def failed_sequence_numbers(self) -> list[str]:
        return [sequence_number(record) for record in self.records[self.cut :]]


def sequence_number(record: dict[str, Any]) -> str:
    return KinesisStreamRecord(record).kinesis.sequence_number


def shard_id(record: dict[str, Any]) -> str:
    return str(record.get("eventID", "shard")).split(":", 1)[0]


def arrival(record: dict[str, Any]) -> datetime:
    timestamp = KinesisStreamRecord(record).kinesis.approximate_arrival_timestamp
    return datetime.fromtimestamp(timestamp, UTC)


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
        raw = base64.b64decode(KinesisStreamRecord(record).kinesis.data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise RecordError(f"data is not base64: {error}") from error
    try:
        value = loads(raw)
    except NotUtf8Error as error:
        raise RecordError(f"data is not UTF-8: {error}") from error
    except JsonError as error:
        raise RecordError(f"invalid JSON: {error}") from error
    if not isinstance(value, dict):
        raise RecordError(f"not a JSON object but a JSON {json_type(value)}")
    return value


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


def convert_batch(records: Sequence[dict[str, Any]], options: CsvOptions | None = None) -> Batch:
    """The CSV and poison entries of the records before the first transient failure.

    Any error other than a poison record is transient: that record and the rest of the batch
    are left for the retry.
    """
    batch = Batch(records, cut=len(records))
    builder = (options or CsvOptions()).row_builder()
    out = io.BytesIO()
    writer = CsvWriter(builder, out.write, None if builder.fixed else io.BytesIO())
    with paused_gc():
        for index, record in enumerate(records):
            try:
                writer.add(decode_record(record))
            except RecordError as error:
                batch.poison.append(poison_entry(record, str(error)))
                continue
            except Exception as error:  # any other failure is retried, never dropped
                batch.cut, batch.failure = index, f"{type(error).__name__}: {error}"
                break
        writer.finish()
    batch.rows = writer.rows
    batch.csv = out.getvalue() if writer.rows else b""
    return batch


def render_quarantine(entries: Sequence[dict[str, Any]]) -> str:
    return "".join(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n" for entry in entries
    )


def partial_response(failed: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """The ReportBatchItemFailures response shape."""
    return {"batchItemFailures": [{"itemIdentifier": number} for number in failed]}
