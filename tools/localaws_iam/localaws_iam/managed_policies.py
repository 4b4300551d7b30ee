"""AWS managed policies (arn:aws:iam::aws:policy/...) resolved to their real documents.

The documents come from moto's copy of AWS's managed policies (moto is MIT-licensed and
installed both in the project's venv and, as moto-ext, in LocalStack's). Only that one data
file is loaded, from its path: importing ``moto.iam`` would pull in all of moto.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from .model import PolicyDocument

_ARN = re.compile(
    r"^arn:(?P<partition>[\w-]+):iam::aws:policy(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)$"
)


class UnknownManagedPolicyError(LookupError):
    """An AWS managed policy ARN that the bundled dataset does not know."""

    def __init__(self, arn: str, source: str) -> None:
        super().__init__(
            f"unknown AWS managed policy {arn}: it is not in {source}; "
            "check the ARN's name and path (service-role/ policies keep their path)"
        )
        self.arn = arn


class ManagedPolicyDataError(RuntimeError):
    """moto's managed-policy dataset cannot be found or read."""


_lock = threading.Lock()
_by_path: dict[str, Mapping[str, Any]] | None = None  # "/service-role/Name" -> document
_source = "moto/iam/aws_managed_policies.py"


def _data_file() -> Path:
    spec = importlib.util.find_spec("moto")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ManagedPolicyDataError(
            "AWS managed policies need moto's dataset (moto/iam/aws_managed_policies.py), "
            "but moto is not installed in this Python environment"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / "iam" / "aws_managed_policies.py"
        if path.is_file():
            return path
    raise ManagedPolicyDataError(f"moto is installed but has no {_source}")


def _load() -> dict[str, Mapping[str, Any]]:
    global _by_path, _source  # noqa: PLW0603 - loaded once, lazily (≈5 MB of JSON)
    if _by_path is not None:
        return _by_path
    with _lock:
        if _by_path is None:
            path = _data_file()
            spec = importlib.util.spec_from_file_location("_lbp_moto_managed_policies", path)
            if spec is None or spec.loader is None:
                raise ManagedPolicyDataError(f"cannot load {path}")
            module = ModuleType(spec.name)
            spec.loader.exec_module(module)
            data = json.loads(module.aws_managed_policies_data)
            _by_path = {
                f"{entry.get('Path', '/')}{name}": entry["Document"] for name, entry in data.items()
            }
            _source = str(path)
    return _by_path


def is_aws_managed(arn: str) -> bool:
    return _ARN.match(arn) is not None


def aws_managed_policy(arn: str) -> Mapping[str, Any] | None:
    """The policy document of an AWS managed policy, None if the ARN is not one AWS ships."""
    m = _ARN.match(arn)
    if m is None:
        return None
    return _load().get(m.group("path") + m.group("name"))


def resolve_managed_policy(arn: str) -> PolicyDocument:
    """The AWS managed policy as a PolicyDocument; a clear error naming the ARN if unknown."""
    document = aws_managed_policy(arn)
    if document is None:
        raise UnknownManagedPolicyError(arn, _source)
    return PolicyDocument(name=arn, document=document, managed=True)
