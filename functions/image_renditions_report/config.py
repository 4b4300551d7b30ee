"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs."""


@dataclass(frozen=True)
class Config:
    table_name: str
    replica_bucket: str | None = None
    replica_region: str | None = None
    replica_prefix: str = ""


def load_config(env: Mapping[str, str]) -> Config:
    table_name = env.get("TABLE_NAME", "").strip()
    if not table_name:
        raise ConfigError("environment variable TABLE_NAME is required (the results table)")
    bucket = env.get("REPLICA_BUCKET", "").strip() or None
    region = env.get("REPLICA_REGION", "").strip() or None
    if (bucket is None) != (region is None):
        raise ConfigError("REPLICA_BUCKET and REPLICA_REGION must be set together")
    return Config(table_name, bucket, region, env.get("REPLICA_PREFIX", "").strip())
