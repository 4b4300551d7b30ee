"""Lambda entry point: S3 ObjectCreated events → CSV objects (invoked asynchronously by S3).

Environment (see json_to_csv_s3.config): INPUT_BUCKET, INPUT_PREFIX, OUTPUT_BUCKET,
OUTPUT_PREFIX, QUARANTINE_PREFIX, CSV_COLUMNS (JSON list; empty = union of keys, at most
CSV_MAX_COLUMNS, rows spooled to /tmp), CSV_NEUTRALISE_FORMULAS (true by default, see
json_csv.rows), MAX_RECORD_CHARS, LOG_LEVEL.

Bad records and wholly unreadable objects are quarantined and the invocation succeeds (a retry
could not fix them); a malformed event record is rejected with a logged reason; AWS errors raise,
so asynchronous retries and the on-failure destination keep the event. Keys this function writes
are ignored (loop guard), as are keys outside INPUT_PREFIX.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from json_to_csv_s3.config import load_config
from json_to_csv_s3.processor import ObjectRef, convert_object
from lambda_common.s3_events import CREATED, parse_s3_event

logger = Logger()
CONFIG = load_config(os.environ)


@cache
def s3_client() -> Any:
    return boto3.client("s3")


def _skip_reason(ref: ObjectRef) -> str | None:
    if CONFIG.is_output(ref.bucket, ref.key):
        return "written by this function (loop guard)"
    if ref.bucket != CONFIG.input_bucket:
        return f"bucket is not the input bucket {CONFIG.input_bucket}"
    if not ref.key.startswith(CONFIG.input_prefix):
        return f"key is outside the input prefix {CONFIG.input_prefix!r}"
    if ref.key.endswith("/"):
        return "folder placeholder"
    return None


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    notification = parse_s3_event(event, kinds=(CREATED,))
    totals = {
        "converted": 0,
        "unreadable": 0,
        "superseded": 0,
        "skipped": len(notification.ignored),
        "rejected": len(notification.rejections),
    }
    for description in notification.ignored:
        logger.info("ignored record", extra={"record": description})
    for rejection in notification.rejections:
        logger.error(
            "rejected record", extra={"record_index": rejection.index, "reason": rejection.reason}
        )
    for obj in notification.objects:
        ref = ObjectRef(obj.bucket, obj.key, obj.etag)
        reason = _skip_reason(ref)
        if reason is not None:
            totals["skipped"] += 1
            logger.warning(
                "skipped object", extra={"bucket": ref.bucket, "key": ref.key, "reason": reason}
            )
            continue
        outcome = convert_object(s3_client(), CONFIG, ref)
        totals[outcome.status] += 1
        log = logger.error if outcome.status == "unreadable" else logger.info
        log("object processed", extra=outcome.log_fields())
    return totals
