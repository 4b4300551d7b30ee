"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lambda_common.env import ConfigError, integer, required

__all__ = ["Config", "ConfigError", "load_config"]
DEFAULT_MAX_PAGE_SIZE = 100
PAGE_SIZE_CEILING = 1000


@dataclass(frozen=True)
class Config:
    table_name: str
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE


def load_config(env: Mapping[str, str]) -> Config:
    return Config(
        table_name=required(env, "TABLE_NAME", "the index table's name"),
        max_page_size=integer(
            env, "MAX_PAGE_SIZE", DEFAULT_MAX_PAGE_SIZE, maximum=PAGE_SIZE_CEILING
        ),
    )
