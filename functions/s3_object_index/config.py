"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

DEFAULT_TOMBSTONE_TTL_DAYS = 7
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs."""


@dataclass(frozen=True)
class Config:
    table_name: str
    tombstone_ttl: timedelta = timedelta(days=DEFAULT_TOMBSTONE_TTL_DAYS)
    fetch_content_type: bool = False


def load_config(env: Mapping[str, str]) -> Config:
    table_name = env.get("TABLE_NAME", "").strip()
    if not table_name:
        raise ConfigError("environment variable TABLE_NAME is required (the index table's name)")
    return Config(
        table_name=table_name,
        tombstone_ttl=timedelta(days=_ttl_days(env.get("TOMBSTONE_TTL_DAYS"))),
        fetch_content_type=_flag(env, "FETCH_CONTENT_TYPE"),
    )


def _ttl_days(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_TOMBSTONE_TTL_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if days < 1:
        raise ConfigError(f"TOMBSTONE_TTL_DAYS must be a positive integer, got {raw!r}")
    return days


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {env[name]!r}")
