"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from json_csv.options import CsvOptions, load_csv_options
from json_to_csv_s3.reader import DEFAULT_MAX_RECORD_CHARS
from lambda_common.env import ConfigError, integer, optional, required

_JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
__all__ = ["Config", "ConfigError", "load_config", "overlaps"]


def overlaps(prefix_a: str, prefix_b: str) -> bool:
    """True when some key could lie under both prefixes."""
    return prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a)


@dataclass(frozen=True)
class Config:
    input_bucket: str
    output_bucket: str
    input_prefix: str = ""
    output_prefix: str = "csv/"
    quarantine_prefix: str = "quarantine/"
    csv: CsvOptions = field(default_factory=CsvOptions)
    max_record_chars: int = DEFAULT_MAX_RECORD_CHARS

    def __post_init__(self) -> None:
        if self.input_bucket != self.output_bucket:
            return
        for name, prefix in (
            ("OUTPUT_PREFIX", self.output_prefix),
            ("QUARANTINE_PREFIX", self.quarantine_prefix),
        ):
            if overlaps(prefix, self.input_prefix):
                raise ConfigError(
                    f"{name} {prefix!r} overlaps INPUT_PREFIX {self.input_prefix!r} in the same "
                    "bucket: converted objects would be converted again (a loop)"
                )

    def is_output(self, bucket: str, key: str) -> bool:
        """Objects this function writes itself (the runtime loop guard)."""
        return bucket == self.output_bucket and key.startswith(
            (self.output_prefix, self.quarantine_prefix)
        )

    def stem(self, key: str) -> str:
        relative = key[len(self.input_prefix) :]
        if relative.lower().endswith(".gz"):
            relative = relative[:-3]
        for suffix in _JSON_SUFFIXES:
            if relative.lower().endswith(suffix):
                return relative[: -len(suffix)]
        return relative

    def csv_key(self, key: str) -> str:
        return f"{self.output_prefix}{self.stem(key)}.csv"

    def quarantine_key(self, key: str) -> str:
        return f"{self.quarantine_prefix}{self.stem(key)}.quarantine.jsonl"


def load_config(env: Mapping[str, str]) -> Config:
    input_bucket = required(env, "INPUT_BUCKET")
    return Config(
        input_bucket=input_bucket,
        output_bucket=optional(env, "OUTPUT_BUCKET") or input_bucket,
        input_prefix=env.get("INPUT_PREFIX", ""),
        output_prefix=env.get("OUTPUT_PREFIX", "csv/"),
        quarantine_prefix=env.get("QUARANTINE_PREFIX", "quarantine/"),
        csv=load_csv_options(env),
        max_record_chars=integer(env, "MAX_RECORD_CHARS", DEFAULT_MAX_RECORD_CHARS),
    )
