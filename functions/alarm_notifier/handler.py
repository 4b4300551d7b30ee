"""Lambda entry point: CloudWatch alarm notifications (from SNS) to email, SNS and a webhook.

Environment (set by modules/alarm-notifier):
- EMAIL_SENDER, EMAIL_RECIPIENTS (comma-separated): send with SES from a verified identity.
- NOTIFICATION_TOPIC_ARN: publish to an SNS topic (its email/SMS subscribers).
- WEBHOOK_URL_PARAMETER: SSM SecureString parameter holding the (secret) webhook URL; POSTs a
  Slack-compatible JSON body. WEBHOOK_TIMEOUT_SECONDS (default 5).
- LOOKUP_RESOURCE_NAMES (default true): EC2 Name tag lookup for InstanceId dimensions.
At least one channel must be configured (ConfigError at cold start).

Records that are not CloudWatch alarm state changes are logged with the reason and dropped.
An alarm whose every channel failed raises DeliveryFailedError, so Lambda's asynchronous retries
and the on-failure destination keep the event; a partial failure is logged and not retried.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from alarm_notifier.alarms import parse_event
from alarm_notifier.channels import (
    Channel,
    EmailChannel,
    TopicChannel,
    WebhookChannel,
    deliver,
)
from alarm_notifier.config import Config, load_config
from alarm_notifier.formatting import format_notification
from alarm_notifier.resources import resource_name

logger = Logger()
CONFIG = load_config(os.environ)


class DeliveryFailedError(RuntimeError):
    """Every configured channel failed for at least one alarm; Lambda will retry the event."""


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
        report = deliver(notification, channels)
        outcome = {
            "record_index": index,
            "alarm": alarm.name,
            "state": alarm.state,
            "subject": notification.subject,
            "delivered": report.delivered,
            "failed": report.failed,
        }
        if report.all_failed:
            logger.error("every channel failed", extra=outcome)
            undelivered.append(alarm.name)
        elif report.failed:
            logger.warning("some channels failed", extra=outcome)
        else:
            logger.info("notification sent", extra=outcome)
        notified.append(outcome)
    if undelivered:
        raise DeliveryFailedError(f"no channel delivered the notification for {undelivered}")
    return {"notified": notified, "dropped": [r.reason for r in parsed.rejections]}
