"""Chained step of image renditions: the renditions function's on-success destination.

For each source object in the result it (optionally) copies the renditions to a replica bucket
in another region, then writes a DynamoDB item keyed by source bucket + key with the rendition
locations, sizes and bytes, or the reason the object was skipped.

Environment:
- TABLE_NAME (required): partition key `bucket`, sort key `key`.
- REPLICA_BUCKET, REPLICA_REGION (optional, together): copy every rendition there, same key
  under REPLICA_PREFIX.

An item is only replaced by a result recorded at the same time or later, so a late retry of an
older result cannot hide a newer one. AWS errors raise (async retries, then the on-failure queue).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from image_renditions_report.config import load_config
from image_renditions_report.record import NotAResult, item_for, parse_result

logger = Logger()
CONFIG = load_config(os.environ)


@cache
def table() -> Any:
    return boto3.resource("dynamodb").Table(CONFIG.table_name)


@cache
def replica_s3() -> Any:
    return boto3.client("s3", region_name=CONFIG.replica_region)


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, int]:
    try:
        result = parse_result(event)
    except NotAResult as error:
        logger.error("not a renditions result", extra={"reason": str(error)})
        return {"recorded": 0, "stale": 0, "replicated": 0, "rejected": 1}
    counts = {"recorded": 0, "stale": 0, "replicated": 0, "rejected": 0}
    for obj in result.objects:
        if CONFIG.replica_bucket:
            counts["replicated"] += replicate(obj)
        item = item_for(obj, result)
        try:
            table().put_item(
                Item=item,
                ConditionExpression="attribute_not_exists(updated_at) OR updated_at <= :t",
                ExpressionAttributeValues={":t": item["updated_at"]},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            counts["stale"] += 1
            logger.info("older result not recorded", extra={"bucket": obj["bucket"]})
            continue
        counts["recorded"] += 1
        logger.info(
            "result recorded",
            extra={"bucket": item["bucket"], "key": item["key"], "status": item["status"]},
        )
    logger.info("results processed", extra=counts)
    return counts


def replicate(obj: dict[str, Any]) -> int:
    """Copies the object's renditions to the replica bucket; adds replica_location to each."""
    copied = 0
    for rendition in obj.get("renditions", []):
        key = f"{CONFIG.replica_prefix}{rendition['key']}"
        replica_s3().copy_object(
            Bucket=CONFIG.replica_bucket,
            Key=key,
            CopySource={"Bucket": rendition["bucket"], "Key": rendition["key"]},
            MetadataDirective="COPY",
        )
        rendition["replica_location"] = f"s3://{CONFIG.replica_bucket}/{key}"
        copied += 1
    return copied
