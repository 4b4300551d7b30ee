"""Lambda entry point: a scheduled (EventBridge) run of the EBS snapshot backup.

Environment (set by modules/ebs-snapshot-backup):
- BACKUP_NAME (required): this deployment's name; written to every snapshot it creates as
  `ebs-backup:managed-by`, and the only snapshots it ever deletes carry it.
- REGIONS: comma-separated regions; empty = every region enabled for the account.
- INCLUDE_IN_USE (default true), TARGET_TAGS, EXCLUDE_TAGS (JSON objects, "*" = any value):
  volume selection, see ebs_snapshot_backup.selection.
- RETENTION_DAYS or RETENTION_COUNT (exactly one), WINDOW_MINUTES (default 1440).
- COPY_REGION (optional), COPY_WAIT_SECONDS (default 60), COPY_VOLUME_TAGS (default true),
  SNAPSHOT_TAGS (JSON object of extra tags).

"Now" is the scheduled event's `time`, so a retry of the same event lands in the same backup
window (and creates nothing twice), and tests can replay any moment. An event without `time`
(a manual invoke with `{}`) runs at the current time; a malformed `time` is logged and skipped.

If any region, volume, copy or deletion failed, the invocation raises after logging the full
summary, so EventBridge's asynchronous retries and the on-failure queue see it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config as BotoConfig

from ebs_snapshot_backup.backup import run_backup
from ebs_snapshot_backup.config import load_config
from lambda_common.scheduled import BadEventTimeError, scheduled_time

logger = Logger()
CONFIG = load_config(os.environ)
_BOTO_CONFIG = BotoConfig(retries={"mode": "standard", "max_attempts": 5})


class BackupRunError(RuntimeError):
    """Some part of the run failed; the message carries the run's summary."""


@cache
def ec2_client(region: str) -> Any:
    return boto3.client("ec2", region_name=region, config=_BOTO_CONFIG)


def _log(message: str, **fields: Any) -> None:
    level = logger.error if "error" in fields else logger.info
    level(message, extra=fields)


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        moment = scheduled_time(event)
    except BadEventTimeError as error:
        # Retrying cannot fix the event: report it and do nothing.
        logger.error("bad event, skipped", extra={"reason": str(error)})
        return {"skipped": str(error)}
    if moment is None:
        moment = datetime.now(UTC)
        logger.info("event has no time; running at the current time", extra={"now": str(moment)})
    now = moment
    home_region = os.environ.get("AWS_REGION", "us-east-1")
    summary = run_backup(CONFIG, now, ec2_client, home_region, _log)
    report = summary.as_dict()
    if summary.failed:
        logger.error("backup run finished with failures", extra={"summary": report})
        raise BackupRunError(json.dumps(report, sort_keys=True))
    logger.info("backup run finished", extra={"summary": report})
    return report
