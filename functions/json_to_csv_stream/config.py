"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from json_csv.options import CsvOptions, load_csv_options
from lambda_common.env import ConfigError, required

__all__ = ["Config", "ConfigError", "load_config"]


@dataclass(frozen=True)
class Config:
    output_bucket: str
    output_prefix: str = "stream/"
    quarantine_prefix: str = "stream-quarantine/"
    csv: CsvOptions = field(default_factory=CsvOptions)


def load_config(env: Mapping[str, str]) -> Config:
    bucket = required(env, "OUTPUT_BUCKET")
    output_prefix = env.get("OUTPUT_PREFIX", "stream/")
    quarantine_prefix = env.get("QUARANTINE_PREFIX", "stream-quarantine/")
    if output_prefix == quarantine_prefix:
        raise ConfigError("OUTPUT_PREFIX and QUARANTINE_PREFIX must differ")
    return Config(
        output_bucket=bucket,
        output_prefix=output_prefix,
        quarantine_prefix=quarantine_prefix,
        csv=load_csv_options(env),
    )
