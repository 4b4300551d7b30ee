"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_MAX_PAGE_SIZE = 100
PAGE_SIZE_CEILING = 1000


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs."""


@dataclass(frozen=True)
class Config:
    table_name: str
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE


def load_config(env: Mapping[str, str]) -> Config:
    table_name = env.get("TABLE_NAME", "").strip()
    if not table_name:
        raise ConfigError("environment variable TABLE_NAME is required (the index table's name)")
    return Config(table_name=table_name, max_page_size=_max_page_size(env.get("MAX_PAGE_SIZE")))


def _max_page_size(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_MAX_PAGE_SIZE
    if raw.strip().isdigit() and 1 <= int(raw) <= PAGE_SIZE_CEILING:
        return int(raw)
    raise ConfigError(f"MAX_PAGE_SIZE must be an integer in 1..{PAGE_SIZE_CEILING}, got {raw!r}")
