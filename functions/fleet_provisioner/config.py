"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lambda_common.env import ConfigError, integer, json_value, required, string_map

__all__ = ["Config", "ConfigError", "load_config"]


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
    return Config(
        parameter_name=required(env, "FLEET_PARAMETER_NAME"),
        owner=required(env, "FLEET_OWNER"),
        owner_tag_key=env.get("OWNER_TAG_KEY") or "FleetOwner",
        spec_tag_key=env.get("SPEC_TAG_KEY") or "FleetSpec",
        index_tag_key=env.get("INDEX_TAG_KEY") or "FleetIndex",
        max_instances=integer(env, "MAX_INSTANCES", 20, minimum=0),
        instance_tags=string_map(env, "INSTANCE_TAGS"),
        allowed_instance_types=_allowed_instance_types(env),
    )


def _allowed_instance_types(env: Mapping[str, str]) -> tuple[str, ...]:
    types = json_value(env, "ALLOWED_INSTANCE_TYPES", [])
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise ConfigError("ALLOWED_INSTANCE_TYPES must be a JSON list of instance type names")
    return tuple(types)
