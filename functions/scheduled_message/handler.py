"""Lambda entry point: the daily scheduled message (a birthday greeting) run.

Invoked by an EventBridge Scheduler schedule whose input is
`{"scheduled_time": "<aws.scheduler.scheduled-time>", ...}`: "today" comes from the event, so a
test or an operator can replay any day by invoking with another time. An EventBridge rule event
(`time`) works too.

Environment (set by modules/scheduled-message): TABLE_NAME, SENDER (verified SES identity),
SUBJECT_TEMPLATE, BODY_TEMPLATE, HTML_TEMPLATE (optional), DEFAULT_TIME_ZONE (IANA, for
recipients without a time_zone). Templates use $name, $first_name and $age.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduled_message.config import load_config
from scheduled_message.run import InvalidEventError, send_due_messages
from scheduled_message.sending import Sender

logger = Logger()
CONFIG = load_config(os.environ)


class SendFailedError(RuntimeError):
    """Some sends failed with AWS errors; the retry sends only those (the rest are claimed)."""


@cache
def client(service: str) -> Any:
    return boto3.client(service)


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        outcome = send_due_messages(
            event,
            CONFIG,
            client("dynamodb"),
            Sender(client("ses"), CONFIG.sender),
            datetime.now(UTC),
        )
    except InvalidEventError as error:
        logger.error("event rejected", extra={"reason": str(error)})
        return {"error": str(error)}
    for invalid in outcome.invalid:
        logger.error("recipient skipped: invalid data", extra=invalid)
    for recipient_id in outcome.stale_claims:
        logger.warning(
            "claimed but never confirmed: the message may not have been sent",
            extra={"recipient_id": recipient_id},
        )
    for failure in outcome.failed:
        logger.error("send failed", extra=failure)
    summary = outcome.summary()
    logger.info("scheduled run done", extra=summary)
    if outcome.failed:
        raise SendFailedError(f"{len(outcome.failed)} send(s) failed; see the log")
    return summary
