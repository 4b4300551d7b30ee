"""Lambda entry point: CloudWatch alarm notifications (from SNS) to email, SNS and a webhook.

Environment (set by modules/alarm-notifier):
- EMAIL_SENDER, EMAIL_RECIPIENTS (comma-separated): send with SES from a verified identity.
- NOTIFICATION_TOPIC_ARN: publish to an SNS topic (its email/SMS subscribers).
- WEBHOOK_URL_PARAMETER: SSM SecureString parameter holding the (secret) webhook URL; POSTs a
  Slack-compatible JSON body. WEBHOOK_TIMEOUT_SECONDS (default 5).
- LOOKUP_RESOURCE_NAMES (default true): EC2 Name tag lookup for InstanceId dimensions.
- DELIVERY_TABLE_NAME (required): DynamoDB table (key `id`, TTL `expiration`) of Powertools
  idempotency records, one per alarm state change and channel; DELIVERY_RECORD_DAYS (default
  15) how long they are kept.
At least one channel must be configured (ConfigError at cold start).

Records that are not CloudWatch alarm state changes are logged with the reason and dropped.
Each channel delivers each state change once: SNS re-deliveries, Lambda retries and redrives of
the same change find the channel's record and skip it. A record still in progress in another
invocation counts as a failure here (ChannelBusyError): the retry sees whether that invocation
delivered, or, once its record expired with its timeout, delivers. If any channel failed,
DeliveryFailedError names the channels and their reasons: Lambda retries the event, repeating
only those channels, and finally parks it in the on-failure destination, from which a redrive
repeats only what never delivered.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from alarm_notifier.alarms import change_key, parse_event
from alarm_notifier.channels import (
    AlreadyHandledError,
    Channel,
    EmailChannel,
    TopicChannel,
    WebhookChannel,
    deliver,
)
from alarm_notifier.config import Config, load_config
from alarm_notifier.formatting import Notification, format_notification
from alarm_notifier.resources import resource_name

logger = Logger()
CONFIG = load_config(os.environ)
# The record's key hashes the state change and the channel only (not the request id, which is
# stored with the result to tell a replay from this invocation's own send).
DELIVERY_RECORDS = IdempotencyConfig(
    event_key_jmespath="[change, channel]",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=CONFIG.delivery_record_seconds,
)
# Its client comes from the default session, as every other client here: a client made in a
# session of its own (Powertools' default) leaves that session's endpoint and model data unshared,
# and the first SNS/SES/SSM client of the execution environment reads it all again (≈ 60 ms).
DELIVERIES = DynamoDBPersistenceLayer(
    table_name=CONFIG.delivery_table_name, boto3_client=boto3.client("dynamodb")
)


class ChannelBusyError(RuntimeError):
    """The channel's delivery record is held by another (live or dead) invocation."""


class DeliveryFailedError(RuntimeError):
    """A channel failed for at least one alarm; Lambda retries the event (that channel only)."""


def send_on(
    *, delivery: dict[str, str], channel: Channel, notification: Notification
) -> dict[str, str]:
    """Sends on one channel; deliver_once makes it happen once per (state change, channel)."""
    return {"reference": channel.send(notification), "request_id": delivery["request_id"]}


deliver_once: Callable[..., dict[str, str]] = idempotent_function(
    data_keyword_argument="delivery",
    config=DELIVERY_RECORDS,
    persistence_store=DELIVERIES,
)(send_on)


def once_per_change(change: str, request_id: str) -> Callable[[Channel, Notification], str]:
    def send(channel: Channel, notification: Notification) -> str:
        try:
            result = deliver_once(
                delivery={"change": change, "channel": channel.name, "request_id": request_id},
                channel=channel,
                notification=notification,
            )
        except IdempotencyAlreadyInProgressError as busy:
            # Another invocation holds this channel's record: it may finish, or may have died
            # (its record expires with its timeout). Failing here lets the retry find out.
            raise ChannelBusyError(
                "another invocation is delivering this state change; a retry will see its outcome"
            ) from busy
        if result["request_id"] != request_id:
            raise AlreadyHandledError(
                f"delivered by request {result['request_id']}: {result['reference']}"
            )
        return str(result["reference"])

    return send


@cache
def client(service: str) -> Any:
    return boto3.client(service)


@cache
def webhook_url() -> str:
    """The webhook URL, read once per execution environment (a failed read is retried)."""
    reply = client("ssm").get_parameter(Name=CONFIG.webhook_url_parameter, WithDecryption=True)
    return str(reply["Parameter"]["Value"])


def build_channels(config: Config) -> list[Channel]:
    channels: list[Channel] = []
    if config.email_sender:
        channels.append(EmailChannel(client("ses"), config.email_sender, config.email_recipients))
    if config.notification_topic_arn:
        channels.append(TopicChannel(client("sns"), config.notification_topic_arn))
    if config.webhook_url_parameter:
        channels.append(WebhookChannel(webhook_url, config.webhook_timeout_seconds))
    return channels


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    DELIVERY_RECORDS.register_lambda_context(context)
    parsed = parse_event(event)
    for rejection in parsed.rejections:
        logger.warning(
            "dropped message that is not an alarm notification",
            extra={
                "record_index": rejection.index,
                "message_id": rejection.message_id,
                "reason": rejection.reason,
            },
        )
    channels = build_channels(CONFIG)
    notified: list[dict[str, Any]] = []
    undelivered: list[str] = []
    for index, alarm in parsed.alarms:
        name = resource_name(client("ec2"), alarm.metric) if CONFIG.lookup_resource_names else None
        notification = format_notification(alarm, name)
        change = change_key(alarm)
        report = deliver(notification, channels, once_per_change(change, context.aws_request_id))
        outcome = {
            "record_index": index,
            "alarm": alarm.name,
            "state": alarm.state,
            "change": change,
            "subject": notification.subject,
            "delivered": report.delivered,
            "already_delivered": report.already,
            "failed": report.failed,
        }
        if report.all_failed:
            logger.error("every channel failed", extra=outcome)
        elif report.failed:
            logger.error("some channels failed; the retry repeats only those", extra=outcome)
        elif report.delivered:
            logger.info("notification sent", extra=outcome)
        else:
            logger.info("notification already sent", extra=outcome)
        if report.failed:
            reasons = "; ".join(f"{channel}: {why}" for channel, why in report.failed.items())
            undelivered.append(f"{alarm.name} [{alarm.state}] ({reasons})")
        notified.append(outcome)
    if undelivered:
        raise DeliveryFailedError(f"undelivered: {' | '.join(undelivered)}")
    return {"notified": notified, "dropped": [r.reason for r in parsed.rejections]}
