"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lambda_common.env import ConfigError, flag, integer, listed, number, optional

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


__all__ = ["Config", "ConfigError", "load_config"]


@dataclass(frozen=True)
class Config:
    email_sender: str | None = None
    email_recipients: tuple[str, ...] = ()
    notification_topic_arn: str | None = None
    webhook_url_parameter: str | None = None
    webhook_timeout_seconds: float = 5.0
    lookup_resource_names: bool = True
    delivery_table_name: str = ""
    delivery_record_seconds: int = 15 * 86400

    @property
    def channel_names(self) -> list[str]:
        names = []
        if self.email_sender:
            names.append("email")
        if self.notification_topic_arn:
            names.append("sns_topic")
        if self.webhook_url_parameter:
            names.append("webhook")
        return names


def load_config(env: Mapping[str, str]) -> Config:
    sender = optional(env, "EMAIL_SENDER")
    recipients = listed(env, "EMAIL_RECIPIENTS")
    if sender and not recipients:
        raise ConfigError("EMAIL_RECIPIENTS is required when EMAIL_SENDER is set")
    for address in (sender, *recipients) if sender else recipients:
        if address and not _EMAIL.match(address):
            raise ConfigError(f"not an email address: {address!r}")
    config = Config(
        email_sender=sender,
        email_recipients=recipients if sender else (),
        notification_topic_arn=optional(env, "NOTIFICATION_TOPIC_ARN"),
        webhook_url_parameter=optional(env, "WEBHOOK_URL_PARAMETER"),
        webhook_timeout_seconds=number(env, "WEBHOOK_TIMEOUT_SECONDS", 5.0, above=0, at_most=60),
        lookup_resource_names=flag(env, "LOOKUP_RESOURCE_NAMES", default=True),
        delivery_table_name=optional(env, "DELIVERY_TABLE_NAME") or "",
        delivery_record_seconds=integer(env, "DELIVERY_RECORD_DAYS", 15, maximum=365) * 86400,
    )
    if not config.channel_names:
        raise ConfigError(
            "no delivery channel configured: set EMAIL_SENDER + EMAIL_RECIPIENTS, "
            "NOTIFICATION_TOPIC_ARN and/or WEBHOOK_URL_PARAMETER"
        )
    if not config.delivery_table_name:
        raise ConfigError(
            "DELIVERY_TABLE_NAME is required: the table that records each delivery once "
            "(SNS delivers at least once; without it a re-delivery notifies again)"
        )
    return config
