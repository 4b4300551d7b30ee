"""Who signed a request (an STS assumed-role session) and which policies its role has.

Reads moto's STS and IAM backends, which LocalStack's STS and IAM providers use; runs inside
LocalStack only. Parsed policies are cached by their text, so a changed policy takes effect on the
next request.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from .evaluator import CompiledPolicies, compile_policies
from .managed_policies import is_aws_managed, resolve_managed_policy
from .model import PolicyDocument, Principal

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class RolePolicies:
    """The policies that decide a session's requests."""

    documents: tuple[PolicyDocument, ...]  # inline + attached managed (identity-based)
    compiled: CompiledPolicies
    boundary: CompiledPolicies | None = None  # the role's permissions boundary
    session: CompiledPolicies | None = None  # the AssumeRole call's session policy


@lru_cache(maxsize=1024)
def _parse(text: str) -> Mapping[str, Any]:
    document = json.loads(text if text.lstrip().startswith("{") else unquote(text))
    if not isinstance(document, dict):
        raise ValueError("a policy document must be a JSON object")
    return document


class Identities:
    """Access key -> Principal, role -> policies; both cached (sessions never change)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, Principal] = {}
        self._session_policies: dict[str, str | None] = {}
        self._compiled: dict[tuple[Any, ...], RolePolicies] = {}

    def principal(self, access_key_id: str, account: str) -> Principal | None:
        """The assumed-role session that owns the key; None if the key is no such session."""
        cached = self._sessions.get(access_key_id)
        if cached is not None:
            return cached
        session = _assumed_role(access_key_id, account)
        if session is None:
            return None
        role_arn = str(session.role_arn)
        role_name = role_arn.rsplit("/", 1)[-1]
        session_account = str(session.account_id)
        role = _role(role_arn, session_account)
        principal = Principal(
            arn=str(session.arn),
            role_arn=role_arn,
            role_name=role_name,
            session_name=str(session.session_name),
            account=session_account,
            role_id=str(role.id) if role is not None else None,
        )
        with self._lock:
            self._sessions[access_key_id] = principal
            self._session_policies[access_key_id] = str(session.policy) if session.policy else None
        return principal

    def session_policy(self, access_key_id: str) -> str | None:
        """The AssumeRole call's session policy (known once ``principal`` found the session)."""
        return self._session_policies.get(access_key_id)

    def policies(self, principal: Principal, session_policy: str | None = None) -> RolePolicies:
        """The role's identity-based policies as they are now (a deleted role has none)."""
        role = _role(principal.role_arn, principal.account)
        inline = tuple(sorted(role.policies.items())) if role is not None else ()
        managed = (
            tuple(
                sorted(
                    (arn, str(policy.default_version_id))
                    for arn, policy in role.managed_policies.items()
                )
            )
            if role is not None
            else ()
        )
        boundary = role.permissions_boundary_arn if role is not None else None
        key = (principal.role_arn, inline, managed, boundary, session_policy)
        cached = self._compiled.get(key)
        if cached is not None:
            return cached
        documents = [PolicyDocument(name, _parse(text)) for name, text in inline]
        if role is not None:
            for arn, _version in managed:
                documents.append(_managed(arn, role.managed_policies[arn]))
        compiled = RolePolicies(
            documents=tuple(documents),
            compiled=compile_policies(documents),
            boundary=(
                compile_policies([_managed(boundary, _any_policy(boundary, principal.account))])
                if boundary
                else None
            ),
            session=(
                compile_policies([PolicyDocument("session policy", _parse(session_policy))])
                if session_policy
                else None
            ),
        )
        with self._lock:
            if len(self._compiled) > 4096:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled


def _assumed_role(access_key_id: str, account: str) -> Any:
    from moto.sts.models import sts_backends  # noqa: PLC0415

    for partition in ("aws", "aws-cn", "aws-us-gov"):
        try:
            backend = sts_backends[account][partition]
        except KeyError:
            continue
        found = backend.get_assumed_role_from_access_key(access_key_id)
        if found is not None:
            return found
    return None


def _iam_backend(account: str, arn: str) -> Any:
    from moto.iam.models import iam_backends  # noqa: PLC0415

    partition = arn.split(":", 2)[1] if arn.startswith("arn:") else "aws"
    return iam_backends[account][partition]


def _role(role_arn: str, account: str) -> Any:
    backend = _iam_backend(role_arn.split(":")[4] or account, role_arn)
    name = role_arn.rsplit("/", 1)[-1]
    for role in backend.roles.values():
        if role.name == name and role.arn == role_arn:
            return role
    return None


def _any_policy(arn: str, account: str) -> Any:
    if is_aws_managed(arn):
        return None
    backend = _iam_backend(arn.split(":")[4] or account, arn)
    return backend.managed_policies.get(arn)


def _managed(arn: str, policy: Any) -> PolicyDocument:
    if is_aws_managed(arn):
        return resolve_managed_policy(arn)
    if policy is None:
        return PolicyDocument(arn, {"Version": "2012-10-17", "Statement": []}, managed=True)
    version = next(
        (v for v in policy.versions if v.version_id == policy.default_version_id),
        policy.versions[0],
    )
    return PolicyDocument(arn, _parse(version.document), managed=True)
