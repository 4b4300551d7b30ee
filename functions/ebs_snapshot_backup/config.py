"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from ebs_snapshot_backup.retention import Retention
from lambda_common.env import (
    ConfigError,
    flag,
    integer,
    listed,
    optional,
    optional_integer,
    string_map,
)

REGION_SHAPE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
__all__ = ["Config", "ConfigError", "Selection", "load_config"]


@dataclass(frozen=True)
class Selection:
    include_in_use: bool = True
    target_tags: Mapping[str, str] = field(default_factory=dict)
    exclude_tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    name: str
    retention: Retention
    window: timedelta = timedelta(days=1)
    regions: tuple[str, ...] = ()  # empty: every region enabled for the account
    selection: Selection = field(default_factory=Selection)
    copy_region: str | None = None
    copy_volume_tags: bool = True
    snapshot_tags: Mapping[str, str] = field(default_factory=dict)
    copy_wait: timedelta = timedelta(seconds=60)


def load_config(env: Mapping[str, str]) -> Config:
    name = env.get("BACKUP_NAME", "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,128}", name):
        raise ConfigError("BACKUP_NAME is required: 1-128 characters of A-Z a-z 0-9 _ . -")
    regions = listed(env, "REGIONS")
    copy_region = optional(env, "COPY_REGION")
    for region in (*regions, *([copy_region] if copy_region else [])):
        if not REGION_SHAPE.match(region):
            raise ConfigError(f"not a region name: {region!r}")
    selection = Selection(
        include_in_use=flag(env, "INCLUDE_IN_USE", default=True),
        target_tags=string_map(env, "TARGET_TAGS"),
        exclude_tags=string_map(env, "EXCLUDE_TAGS"),
    )
    if not selection.include_in_use and not selection.target_tags:
        raise ConfigError("nothing selected: set INCLUDE_IN_USE=true or TARGET_TAGS")
    try:
        retention = Retention(
            days=optional_integer(env, "RETENTION_DAYS"),
            count=optional_integer(env, "RETENTION_COUNT"),
        )
    except ValueError as error:
        raise ConfigError(f"RETENTION_DAYS / RETENTION_COUNT: {error}") from error
    window_minutes = integer(env, "WINDOW_MINUTES", 1440)
    return Config(
        name=name,
        retention=retention,
        window=timedelta(minutes=window_minutes),
        regions=regions,
        selection=selection,
        copy_region=copy_region,
        copy_volume_tags=flag(env, "COPY_VOLUME_TAGS", default=True),
        snapshot_tags=string_map(env, "SNAPSHOT_TAGS"),
        copy_wait=timedelta(seconds=integer(env, "COPY_WAIT_SECONDS", 60, minimum=0)),
    )
