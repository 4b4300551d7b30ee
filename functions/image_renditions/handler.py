"""Lambda entry point of image renditions (invoked asynchronously by S3 ObjectCreated events).

Environment:
- DESTINATION_BUCKET (required): where renditions go; never the source bucket.
- RENDITIONS (required): JSON object {name: {max_width, max_height, format, quality}}, see spec.
- MAX_OBJECT_BYTES (default 50 MiB), MAX_IMAGE_PIXELS (default 50 000 000).
- QUARANTINE_PREFIX (unset): copy skipped objects to <prefix>/<key> in the destination bucket.

The return value is the result of every object of the event; with the on-success destination it
is what the chained report function receives (as `responsePayload`). Objects that cannot be
rendered (non-images, truncated, bombs, empty, too large) are skipped with a logged reason and
are part of a successful result: retrying the same bytes cannot help. AWS errors raise, so the
asynchronous retries and then the on-failure queue keep the event.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_renditions.config import load_config
from image_renditions.events import parse_event
from image_renditions.processor import process_upload

logger = Logger()
CONFIG = load_config(os.environ)


@cache
def s3_client() -> Any:
    return boto3.client("s3")


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    parsed = parse_event(event)
    for reason in parsed.rejected:
        logger.error("rejected record", extra={"reason": reason})
    objects = []
    for upload in parsed.uploads:
        outcome = process_upload(s3_client(), CONFIG, upload)
        details = {"bucket": upload.bucket, "key": upload.key, "status": outcome.status}
        if outcome.status == "skipped":
            logger.warning("skipped object", extra=details | {"reason": outcome.reason})
        else:
            logger.info("renditions ready", extra=details | {"renditions": outcome.renditions})
        objects.append(outcome.as_dict())
    summary = {
        status: sum(1 for o in objects if o["status"] == status)
        for status in ("rendered", "unchanged", "skipped")
    }
    summary |= {"ignored": len(parsed.ignored), "rejected": len(parsed.rejected)}
    logger.info("event processed", extra=summary)
    return {"summary": summary, "objects": objects, "rejected": parsed.rejected}
