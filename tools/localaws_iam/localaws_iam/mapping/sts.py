"""STS: GetCallerIdentity needs no permission; AssumeRole on the role ARN."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping
from localaws_iam.model import AuthzRequest


def values(params: Mapping[str, Any]) -> dict[str, str]:
    return {}


def assume_role(m: Mapper) -> list[AuthzRequest]:
    role = str(m.params["RoleArn"])
    context = {"sts:RoleSessionName": str(m.params.get("RoleSessionName") or "")}
    requests = [m.request("AssumeRole", role, context)]
    if m.params.get("Tags"):
        requests.append(m.request("TagSession", role))
    if m.params.get("SourceIdentity"):
        requests.append(m.request("SetSourceIdentity", role))
    return requests


MAPPING = ServiceMapping(
    prefix="sts",
    values=values,
    handlers={"AssumeRole": assume_role},
    free=frozenset({"GetCallerIdentity"}),
)
