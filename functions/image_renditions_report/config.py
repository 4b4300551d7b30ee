"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lambda_common.env import ConfigError, optional, required

__all__ = ["Config", "ConfigError", "load_config"]


@dataclass(frozen=True)
class Config:
    table_name: str
    replica_bucket: str | None = None
    replica_region: str | None = None
    replica_prefix: str = ""


def load_config(env: Mapping[str, str]) -> Config:
    table_name = required(env, "TABLE_NAME", "the results table")
    bucket = optional(env, "REPLICA_BUCKET")
    region = optional(env, "REPLICA_REGION")
    if (bucket is None) != (region is None):
        raise ConfigError("REPLICA_BUCKET and REPLICA_REGION must be set together")
    return Config(table_name, bucket, region, env.get("REPLICA_PREFIX", "").strip())
