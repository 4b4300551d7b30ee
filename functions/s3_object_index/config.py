"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from lambda_common.env import ConfigError, flag, integer, required

__all__ = ["Config", "ConfigError", "load_config"]
DEFAULT_TOMBSTONE_TTL_DAYS = 7


@dataclass(frozen=True)
class Config:
    table_name: str
    tombstone_ttl: timedelta = timedelta(days=DEFAULT_TOMBSTONE_TTL_DAYS)
    fetch_content_type: bool = False


def load_config(env: Mapping[str, str]) -> Config:
    return Config(
        table_name=required(env, "TABLE_NAME", "the index table's name"),
        tombstone_ttl=timedelta(
            days=integer(env, "TOMBSTONE_TTL_DAYS", DEFAULT_TOMBSTONE_TTL_DAYS)
        ),
        fetch_content_type=flag(env, "FETCH_CONTENT_TYPE"),
    )
