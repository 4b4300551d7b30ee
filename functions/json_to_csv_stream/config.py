"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """The function is deployed with missing or invalid settings."""


@dataclass(frozen=True)
class Config:
    output_bucket: str
    output_prefix: str = "stream/"
    quarantine_prefix: str = "stream-quarantine/"
    columns: tuple[str, ...] = ()
    transient_failure_field: str | None = None


def load_config(env: Mapping[str, str]) -> Config:
    bucket = env.get("OUTPUT_BUCKET", "").strip()
    if not bucket:
        raise ConfigError("environment variable OUTPUT_BUCKET is required")
    output_prefix = env.get("OUTPUT_PREFIX", "stream/")
    quarantine_prefix = env.get("QUARANTINE_PREFIX", "stream-quarantine/")
    if output_prefix == quarantine_prefix:
        raise ConfigError("OUTPUT_PREFIX and QUARANTINE_PREFIX must differ")
    return Config(
        output_bucket=bucket,
        output_prefix=output_prefix,
        quarantine_prefix=quarantine_prefix,
        columns=_columns(env.get("CSV_COLUMNS", "")),
        transient_failure_field=env.get("TRANSIENT_FAILURE_FIELD") or None,
    )


def _columns(raw: str) -> tuple[str, ...]:
    if not raw.strip():
        return ()
    try:
        columns = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"CSV_COLUMNS must be a JSON list of strings: {error}") from error
    if not isinstance(columns, list) or not all(isinstance(c, str) and c for c in columns):
        raise ConfigError("CSV_COLUMNS must be a JSON list of non-empty strings")
    if len(set(columns)) != len(columns):
        raise ConfigError("CSV_COLUMNS must not repeat a column")
    return tuple(columns)
