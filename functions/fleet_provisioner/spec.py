"""The desired fleet: a JSON document of server specs, validated as a whole before any launch.

Document shape (kept in SSM Parameter Store by modules/fleet-provisioner):

    {"servers": [{"name": "web", "instance_type": "t3.micro", "image_id": "ami-...",
                  "subnet_id": "subnet-...", "security_group_ids": ["sg-..."],
                  "tags": {"Role": "web"}, "count": 2}, ...]}

A bare list of servers is accepted too. Every problem is reported with the entry's name (or
`#<position>` when the name itself is unusable) and a reason; one bad entry rejects the document,
so an operator's typo never leaves a half-applied fleet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
IMAGE_ID = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")
SUBNET_ID = re.compile(r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$")
SECURITY_GROUP_ID = re.compile(r"^sg-([0-9a-f]{8}|[0-9a-f]{17})$")
FIELDS = {"name", "instance_type", "image_id", "subnet_id", "security_group_ids", "tags", "count"}
PATTERNS = {
    "name": (NAME, "name must be 1-32 characters of a-z, 0-9 and '-', not starting with '-'"),
    "instance_type": (INSTANCE_TYPE, "instance_type must look like <family>.<size>, e.g. t3.micro"),
    "image_id": (IMAGE_ID, "image_id must look like ami-0123456789abcdef0"),
    "subnet_id": (SUBNET_ID, "subnet_id must look like subnet-0123456789abcdef0"),
}
REQUIRED = ("name", "instance_type", "image_id", "subnet_id", "security_group_ids")
MAX_COUNT_PER_SPEC = 100
MAX_SECURITY_GROUPS = 5
# EC2 allows 50 tags per resource; the provisioner adds its own (owner, spec, index, Name) and the
# deployment's common tags.
MAX_USER_TAGS = 40


@dataclass(frozen=True)
class ServerSpec:
    name: str
    instance_type: str
    image_id: str
    subnet_id: str
    security_group_ids: tuple[str, ...]
    count: int = 1
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SpecError:
    spec: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"spec": self.spec, "reason": self.reason}


@dataclass(frozen=True)
class ParsedFleet:
    servers: tuple[ServerSpec, ...]
    errors: tuple[SpecError, ...]

    @property
    def total(self) -> int:
        return sum(server.count for server in self.servers)


def parse_fleet(
    document: str,
    reserved_tag_keys: Sequence[str] = (),
    max_instances: int | None = None,
    allowed_instance_types: Sequence[str] = (),
) -> ParsedFleet:
    """Parses and validates the whole fleet; `servers` is empty whenever `errors` is not.

    `allowed_instance_types` (empty = any): the types the role may launch (IAM enforces them with
    ec2:InstanceType); an entry asking for another type is named instead of failing at launch.
    """
    try:
        raw = json.loads(document)
    except ValueError as error:
        return _rejected(SpecError("<document>", f"not valid JSON: {error}"))
    entries = raw.get("servers") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        return _rejected(SpecError("<document>", 'must be a list of servers or {"servers": [...]}'))

    servers: list[ServerSpec] = []
    errors: list[SpecError] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        label = _label(entry, position)
        problems = _problems(entry, reserved_tag_keys)
        problems.extend(_instance_type_problems(entry, allowed_instance_types))
        if label in seen:
            problems.append("duplicate name (spec names must be unique)")
        seen.add(label)
        if problems:
            errors.extend(SpecError(label, problem) for problem in problems)
        else:
            servers.append(_spec(entry))

    total = sum(server.count for server in servers)
    if not errors and max_instances is not None and total > max_instances:
        reason = f"asks for {total} instances; the limit is {max_instances}"
        errors.append(SpecError("<fleet>", reason))
    if errors:
        return ParsedFleet((), tuple(errors))
    return ParsedFleet(tuple(servers), ())


def _rejected(error: SpecError) -> ParsedFleet:
    return ParsedFleet((), (error,))


def _label(entry: Any, position: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]:
        return str(entry["name"])
    return f"#{position}"


def _problems(entry: Any, reserved_tag_keys: Sequence[str]) -> list[str]:
    if not isinstance(entry, dict):
        return ["must be an object"]
    problems = [f"missing {key}" for key in REQUIRED if key not in entry]
    unknown = sorted(set(entry) - FIELDS)
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    problems.extend(
        reason
        for key, (pattern, reason) in PATTERNS.items()
        if key in entry and not _matches(pattern, entry[key])
    )
    if "security_group_ids" in entry:
        problems.extend(_security_group_problems(entry["security_group_ids"]))
    if "count" in entry:
        problems.extend(_count_problems(entry["count"]))
    if "tags" in entry:
        problems.extend(_tag_problems(entry["tags"], reserved_tag_keys))
    return problems


def _instance_type_problems(entry: Any, allowed: Sequence[str]) -> list[str]:
    if not allowed or not isinstance(entry, dict):
        return []
    wanted = entry.get("instance_type")
    if not _matches(INSTANCE_TYPE, wanted) or wanted in allowed:
        return []
    return [f"instance_type {wanted!r} is not allowed (allowed: {', '.join(allowed)})"]


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _security_group_problems(value: Any) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_SECURITY_GROUPS:
        return [f"security_group_ids must be a list of 1-{MAX_SECURITY_GROUPS} security group ids"]
    if not all(_matches(SECURITY_GROUP_ID, group) for group in value):
        return ["security_group_ids entries must look like sg-0123456789abcdef0"]
    if len(set(value)) != len(value):
        return ["security_group_ids must not repeat a group"]
    return []


def _count_problems(value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return ["count must be a whole number"]
    if not 0 <= value <= MAX_COUNT_PER_SPEC:
        return [f"count must be between 0 and {MAX_COUNT_PER_SPEC}, got {value}"]
    return []


def _tag_problems(value: Any, reserved_tag_keys: Sequence[str]) -> list[str]:
    if not isinstance(value, dict):
        return ["tags must be an object of string keys and values"]
    problems: list[str] = []
    if len(value) > MAX_USER_TAGS:
        problems.append(f"at most {MAX_USER_TAGS} tags per spec")
    for key, tag_value in value.items():
        if not isinstance(tag_value, str) or not 1 <= len(key) <= 128 or len(tag_value) > 256:
            problems.append(f"tag {key!r}: keys are 1-128 characters, values strings of <= 256")
        elif key.lower().startswith("aws:"):
            problems.append(f"tag {key!r}: the aws: prefix is reserved by AWS")
        elif key in reserved_tag_keys:
            problems.append(f"tag {key!r} is set by the provisioner and cannot be overridden")
    return problems


def _spec(entry: dict[str, Any]) -> ServerSpec:
    return ServerSpec(
        name=entry["name"],
        instance_type=entry["instance_type"],
        image_id=entry["image_id"],
        subnet_id=entry["subnet_id"],
        security_group_ids=tuple(entry["security_group_ids"]),
        count=entry.get("count", 1),
        tags=dict(entry.get("tags", {})),
    )
