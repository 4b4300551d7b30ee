"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from ebs_snapshot_backup.retention import Retention

REGION_SHAPE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs, or with a malformed one."""


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
    regions = tuple(r.strip() for r in env.get("REGIONS", "").split(",") if r.strip())
    copy_region = env.get("COPY_REGION", "").strip() or None
    for region in (*regions, *([copy_region] if copy_region else [])):
        if not REGION_SHAPE.match(region):
            raise ConfigError(f"not a region name: {region!r}")
    selection = Selection(
        include_in_use=_flag(env, "INCLUDE_IN_USE", default=True),
        target_tags=_tags(env, "TARGET_TAGS"),
        exclude_tags=_tags(env, "EXCLUDE_TAGS"),
    )
    if not selection.include_in_use and not selection.target_tags:
        raise ConfigError("nothing selected: set INCLUDE_IN_USE=true or TARGET_TAGS")
    try:
        retention = Retention(
            days=_optional_int(env, "RETENTION_DAYS"), count=_optional_int(env, "RETENTION_COUNT")
        )
    except ValueError as error:
        raise ConfigError(f"RETENTION_DAYS / RETENTION_COUNT: {error}") from error
    window_minutes = _optional_int(env, "WINDOW_MINUTES")
    window_minutes = 1440 if window_minutes is None else window_minutes
    if window_minutes < 1:
        raise ConfigError("WINDOW_MINUTES must be >= 1")
    return Config(
        name=name,
        retention=retention,
        window=timedelta(minutes=window_minutes),
        regions=regions,
        selection=selection,
        copy_region=copy_region,
        copy_volume_tags=_flag(env, "COPY_VOLUME_TAGS", default=True),
        snapshot_tags=_tags(env, "SNAPSHOT_TAGS"),
        copy_wait=timedelta(seconds=_non_negative(env, "COPY_WAIT_SECONDS", default=60)),
    )


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from error


def _non_negative(env: Mapping[str, str], name: str, default: int) -> int:
    value = _optional_int(env, name)
    if value is None:
        return default
    if value < 0:
        raise ConfigError(f"{name} must be >= 0, got {value}")
    return value


def _tags(env: Mapping[str, str], name: str) -> dict[str, str]:
    raw = env.get(name, "").strip()
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{name} must be a JSON object of tag key -> value") from error
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
    ):
        raise ConfigError(f"{name} must be a JSON object of tag key -> value")
    return parsed


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")
