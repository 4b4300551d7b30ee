"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lambda_common.env import ConfigError, required

PLACEHOLDERS = frozenset({"name", "first_name", "age"})
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")


__all__ = ["Config", "ConfigError", "load_config", "template"]


@dataclass(frozen=True)
class Config:
    table_name: str
    sender: str
    subject_template: Template
    body_template: Template
    default_time_zone: ZoneInfo
    html_template: Template | None = None


def load_config(env: Mapping[str, str]) -> Config:
    sender = required(env, "SENDER")
    if not EMAIL.match(sender):
        raise ConfigError(f"SENDER is not an email address: {sender!r}")
    zone_name = env.get("DEFAULT_TIME_ZONE", "").strip() or "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"DEFAULT_TIME_ZONE is not an IANA time zone: {zone_name!r}") from error
    html = env.get("HTML_TEMPLATE", "")
    return Config(
        table_name=required(env, "TABLE_NAME"),
        sender=sender,
        subject_template=template("SUBJECT_TEMPLATE", required(env, "SUBJECT_TEMPLATE")),
        body_template=template("BODY_TEMPLATE", required(env, "BODY_TEMPLATE")),
        default_time_zone=zone,
        html_template=template("HTML_TEMPLATE", html) if html.strip() else None,
    )


def template(name: str, text: str) -> Template:
    compiled = Template(text)
    if not compiled.is_valid():
        raise ConfigError(f"{name}: a '$' not followed by a placeholder name (write $$ for '$')")
    unknown = set(compiled.get_identifiers()) - PLACEHOLDERS
    if unknown:
        raise ConfigError(
            f"{name}: unknown placeholders {sorted(unknown)}; known: {sorted(PLACEHOLDERS)}"
        )
    return compiled
