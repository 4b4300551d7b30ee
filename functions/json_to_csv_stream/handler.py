"""Lambda entry point: a Kinesis batch → one CSV object (+ a quarantine object for poison).

Environment: OUTPUT_BUCKET, OUTPUT_PREFIX, QUARANTINE_PREFIX, CSV_COLUMNS (JSON list; empty = the
batch's union of keys, at most CSV_MAX_COLUMNS), CSV_NEUTRALISE_FORMULAS (true by default, see
json_csv.rows), LOG_LEVEL.

Objects: <OUTPUT_PREFIX>dt=<date>/<shard>/<first sequence number>.csv and the same stem under
QUARANTINE_PREFIX with .jsonl; the date is the first record's arrival date, so a replay of the
same records writes the same keys. Returns the ReportBatchItemFailures shape: poison records are
quarantined (never retried); a transient failure reports that record and the rest of the batch,
and an S3 write failure reports the whole batch (retried from its first record, overwriting).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from json_to_csv_stream.batch import (
    Batch,
    convert_batch,
    object_stem,
    partial_response,
    render_quarantine,
)
from json_to_csv_stream.config import Config, load_config

logger = Logger()
CONFIG = load_config(os.environ)


@cache
def s3_client() -> Any:
    return boto3.client("s3")


def write_batch(s3: Any, config: Config, batch: Batch) -> dict[str, Any]:
    """Writes the CSV (when rows) and quarantine (when poison) objects; removes stale ones."""
    stem = object_stem(batch.first)
    csv_key = f"{config.output_prefix}{stem}.csv"
    quarantine_key = f"{config.quarantine_prefix}{stem}.jsonl"
    written = batch.records[: batch.cut]
    metadata = {
        "first-sequence-number": str(written[0]["kinesis"]["sequenceNumber"]),
        "last-sequence-number": str(written[-1]["kinesis"]["sequenceNumber"]),
        "records": str(len(written)),
    }
    if batch.poison:
        s3.put_object(
            Bucket=config.output_bucket,
            Key=quarantine_key,
            Body=render_quarantine(batch.poison).encode("utf-8"),
            ContentType="application/x-ndjson; charset=utf-8",
            Metadata=metadata,
        )
    else:
        s3.delete_object(Bucket=config.output_bucket, Key=quarantine_key)
    if batch.rows:
        s3.put_object(
            Bucket=config.output_bucket,
            Key=csv_key,
            Body=batch.csv,
            ContentType="text/csv; charset=utf-8",
            Metadata=metadata,
        )
    else:
        s3.delete_object(Bucket=config.output_bucket, Key=csv_key)
    return {
        "csv_key": csv_key if batch.rows else None,
        "quarantine_key": quarantine_key if batch.poison else None,
    }


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records", [])
    if not records:
        return partial_response([])
    batch = convert_batch(records, CONFIG.csv)
    counts = {
        "records_in": len(records),
        "rows_out": batch.rows,
        "quarantined": len(batch.poison),
        "retried": len(records) - batch.cut,
    }
    if batch.cut == 0:
        logger.warning(
            "first record failed; whole batch retried", extra={**counts, "failure": batch.failure}
        )
        return partial_response(batch.failed_sequence_numbers())
    try:
        keys = write_batch(s3_client(), CONFIG, batch)
    except (ClientError, BotoCoreError) as error:
        logger.exception("writing the batch failed; whole batch retried", extra=counts)
        batch.cut, batch.failure = 0, str(error)
        return partial_response(batch.failed_sequence_numbers())
    log = logger.warning if batch.failure else logger.info
    log("batch converted", extra={**counts, **keys, "failure": batch.failure})
    return partial_response(batch.failed_sequence_numbers())
