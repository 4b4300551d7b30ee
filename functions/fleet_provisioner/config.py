"""Settings read from the environment once, at cold start."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs."""


@dataclass(frozen=True)
class Config:
    parameter_name: str
    owner: str
    owner_tag_key: str = "FleetOwner"
    spec_tag_key: str = "FleetSpec"
    index_tag_key: str = "FleetIndex"
    max_instances: int = 20
    instance_tags: Mapping[str, str] = field(default_factory=dict)
    # Instance types the role may launch (ec2:InstanceType); empty = not checked here.
    allowed_instance_types: tuple[str, ...] = ()

    @property
    def reserved_tag_keys(self) -> tuple[str, str, str]:
        return (self.owner_tag_key, self.spec_tag_key, self.index_tag_key)


def load_config(env: Mapping[str, str]) -> Config:
    missing = [name for name in ("FLEET_PARAMETER_NAME", "FLEET_OWNER") if not env.get(name)]
    if missing:
        raise ConfigError(f"environment variable(s) {', '.join(missing)} required")
    try:
        max_instances = int(env.get("MAX_INSTANCES", "20"))
        instance_tags = json.loads(env.get("INSTANCE_TAGS") or "{}")
    except ValueError as error:
        raise ConfigError(f"MAX_INSTANCES or INSTANCE_TAGS is malformed: {error}") from error
    if max_instances < 0 or not isinstance(instance_tags, dict):
        raise ConfigError("MAX_INSTANCES must be >= 0 and INSTANCE_TAGS a JSON object")
    allowed_types = _allowed_instance_types(env.get("ALLOWED_INSTANCE_TYPES"))
    return Config(
        parameter_name=env["FLEET_PARAMETER_NAME"],
        owner=env["FLEET_OWNER"],
        owner_tag_key=env.get("OWNER_TAG_KEY") or "FleetOwner",
        spec_tag_key=env.get("SPEC_TAG_KEY") or "FleetSpec",
        index_tag_key=env.get("INDEX_TAG_KEY") or "FleetIndex",
        max_instances=max_instances,
        instance_tags={str(k): str(v) for k, v in instance_tags.items()},
        allowed_instance_types=allowed_types,
    )


def _allowed_instance_types(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return ()
    try:
        types = json.loads(raw)
    except ValueError as error:
        raise ConfigError(f"ALLOWED_INSTANCE_TYPES is not JSON: {error}") from error
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise ConfigError("ALLOWED_INSTANCE_TYPES must be a JSON list of instance type names")
    return tuple(types)
