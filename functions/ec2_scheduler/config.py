"""Settings read from the environment once, at cold start.

SCHEDULER_CONFIG (required) is JSON written by the Terraform module:

    {"tag_key": "Schedule", "regions": ["eu-west-1"],
     "schedules": {"office-hours": {"time_zone": "Europe/Berlin",
                                    "periods": [{"weekdays": ["mon", ...],
                                                 "begin": "08:00", "end": "19:00"}]}},
     "instances": {"i-0123...": {"region": "eu-west-1", "schedule": "office-hours"}}}

A document that is not this shape (not JSON, no tag key, no regions...) fails the cold start with
ConfigError: nothing could be scheduled. A single schedule with a malformed period or an unknown
time zone does not: it is kept in `invalid_schedules` with the reason, its instances are skipped
and reported as errors on every run, and the other schedules keep working.

DRY_RUN (default false): log the actions, change nothing. ENFORCED (default false), see
ec2_scheduler.reconcile. RUN_INTERVAL_MINUTES (default 5): the rate of the schedule rule; a
non-enforced run acts only when a period began or ended within the last interval.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ec2_scheduler.schedules import Schedule, ScheduleError, parse_schedule
from lambda_common.env import ConfigError, flag, integer, json_value, required

__all__ = ["Config", "ConfigError", "ExplicitInstance", "load_config", "parse_document"]
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$")
_INSTANCE_ID = re.compile(r"^i-[0-9a-f]{8,17}$")


@dataclass(frozen=True)
class ExplicitInstance:
    region: str
    schedule: str


@dataclass(frozen=True)
class Config:
    tag_key: str
    regions: tuple[str, ...]
    schedules: Mapping[str, Schedule]
    # Where tagged instances are searched (and may be started/stopped by tag); `regions` adds the
    # regions of explicitly listed instances, which are searched by id only.
    tag_regions: tuple[str, ...] = ()
    invalid_schedules: Mapping[str, str] = field(default_factory=dict)
    instances: Mapping[str, ExplicitInstance] = field(default_factory=dict)
    dry_run: bool = False
    enforced: bool = False
    interval: timedelta = timedelta(minutes=5)


def load_config(env: Mapping[str, str]) -> Config:
    required(env, "SCHEDULER_CONFIG", "schedules as JSON")
    document = json_value(env, "SCHEDULER_CONFIG", None)
    if not isinstance(document, dict):
        raise ConfigError("SCHEDULER_CONFIG must be a JSON object")
    return parse_document(document, env)


def parse_document(document: Mapping[str, Any], env: Mapping[str, str]) -> Config:
    tag_key = document.get("tag_key")
    if not isinstance(tag_key, str) or not tag_key.strip():
        raise ConfigError("SCHEDULER_CONFIG.tag_key must be a non-empty string")
    regions = document.get("regions")
    if (
        not isinstance(regions, list)
        or not regions
        or not all(isinstance(r, str) and _REGION.match(r) for r in regions)
    ):
        raise ConfigError(
            f"SCHEDULER_CONFIG.regions must be a non-empty list of region names, got {regions!r}"
        )
    raw_schedules = document.get("schedules")
    if not isinstance(raw_schedules, dict) or not raw_schedules:
        raise ConfigError("SCHEDULER_CONFIG.schedules must be a non-empty object name -> schedule")
    schedules: dict[str, Schedule] = {}
    invalid: dict[str, str] = {}
    for name, raw in raw_schedules.items():
        try:
            schedules[name] = parse_schedule(name, raw)
        except ScheduleError as error:
            invalid[name] = str(error)
    instances = _explicit_instances(document.get("instances") or {}, regions)
    return Config(
        tag_key=tag_key,
        regions=tuple(dict.fromkeys([*regions, *(i.region for i in instances.values())])),
        schedules=schedules,
        tag_regions=tuple(dict.fromkeys(regions)),
        invalid_schedules=invalid,
        instances=instances,
        dry_run=flag(env, "DRY_RUN"),
        enforced=flag(env, "ENFORCED"),
        interval=timedelta(minutes=integer(env, "RUN_INTERVAL_MINUTES", 5)),
    )


def _explicit_instances(raw: Any, regions: list[str]) -> dict[str, ExplicitInstance]:
    if not isinstance(raw, dict):
        raise ConfigError("SCHEDULER_CONFIG.instances must be an object instance id -> settings")
    instances: dict[str, ExplicitInstance] = {}
    for instance_id, settings in raw.items():
        if not _INSTANCE_ID.match(instance_id):
            raise ConfigError(f"SCHEDULER_CONFIG.instances: {instance_id!r} is not an instance id")
        if not isinstance(settings, dict) or not isinstance(settings.get("schedule"), str):
            raise ConfigError(f"SCHEDULER_CONFIG.instances[{instance_id!r}] needs a schedule")
        region = settings.get("region") or regions[0]
        if not isinstance(region, str) or not _REGION.match(region):
            raise ConfigError(f"SCHEDULER_CONFIG.instances[{instance_id!r}].region is invalid")
        instances[instance_id] = ExplicitInstance(region, settings["schedule"])
    return instances
