"""Lambda entry point of the S3 object index (invoked asynchronously by S3 notifications).

Environment:
- TABLE_NAME (required): the index table, partition key `bucket`, sort key `key`, TTL attribute
  `expires_at`. Missing → ConfigError at cold start.
- TOMBSTONE_TTL_DAYS (default 7): how long a deleted key's tombstone is kept.
- FETCH_CONTENT_TYPE (default false): HeadObject per created object, see s3_object_index.enrich.
- LOG_LEVEL: Powertools log level.

Removals (ObjectRemoved:Delete, ObjectRemoved:DeleteMarkerCreated) are written as tombstones
(deleted=true, expires_at set, DynamoDB TTL deletes them later) rather than deleting the row: S3
delivers events at least once and in no particular order, and a deleted row would let a late,
older ObjectCreated event resurrect a deleted object. The tombstone keeps the sequencer that
refuses it. Known limit: in a versioned bucket, permanently deleting one version
(ObjectRemoved:Delete with a versionId) tombstones the key even if other versions remain.

Never returns an error payload: AWS errors raise, so asynchronous retries and the on-failure
destination see them.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from s3_object_index.config import load_config
from s3_object_index.indexer import index_event
from s3_object_index.store import CLIENT_CONFIG

logger = Logger()
CONFIG = load_config(os.environ)


@cache
def dynamodb_client() -> Any:
    return boto3.client("dynamodb", config=CLIENT_CONFIG)


@cache
def s3_client() -> Any:
    return boto3.client("s3")


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, int]:
    s3 = s3_client() if CONFIG.fetch_content_type else None
    outcome = index_event(event, CONFIG, dynamodb_client(), s3, datetime.now(UTC))
    for description in outcome.ignored:
        logger.info("ignored record", extra={"record": description})
    for rejection in outcome.rejections:
        logger.error(
            "rejected record", extra={"record_index": rejection.index, "reason": rejection.reason}
        )
    summary = outcome.summary()
    logger.info("indexed event", extra=summary)
    return summary
