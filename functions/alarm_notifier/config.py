"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs."""


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
    sender = env.get("EMAIL_SENDER", "").strip() or None
    recipients = tuple(r.strip() for r in env.get("EMAIL_RECIPIENTS", "").split(",") if r.strip())
    if sender and not recipients:
        raise ConfigError("EMAIL_RECIPIENTS is required when EMAIL_SENDER is set")
    for address in (sender, *recipients) if sender else recipients:
        if address and not _EMAIL.match(address):
            raise ConfigError(f"not an email address: {address!r}")
    config = Config(
        email_sender=sender,
        email_recipients=recipients if sender else (),
        notification_topic_arn=env.get("NOTIFICATION_TOPIC_ARN", "").strip() or None,
        webhook_url_parameter=env.get("WEBHOOK_URL_PARAMETER", "").strip() or None,
        webhook_timeout_seconds=_seconds(env.get("WEBHOOK_TIMEOUT_SECONDS")),
        lookup_resource_names=_flag(env, "LOOKUP_RESOURCE_NAMES", default=True),
        delivery_table_name=env.get("DELIVERY_TABLE_NAME", "").strip(),
        delivery_record_seconds=_days(env.get("DELIVERY_RECORD_DAYS")) * 86400,
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


def _days(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return 15
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 365:
        raise ConfigError(f"DELIVERY_RECORD_DAYS must be a whole number in [1, 365], got {raw!r}")
    return int(raw)


def _seconds(raw: str | None) -> float:
    if raw is None or not raw.strip():
        return 5.0
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 60:
        raise ConfigError(f"WEBHOOK_TIMEOUT_SECONDS must be a number in (0, 60], got {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")
