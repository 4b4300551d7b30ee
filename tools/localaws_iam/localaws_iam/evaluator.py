"""AWS's evaluation of identity-based policies for one request.

Within the identity-based policies of one principal (no SCPs, boundaries, session or
resource-based policies): an explicit Deny in any matching statement wins; otherwise any
matching Allow allows; otherwise the request is implicitly denied.

A statement matches when its Action (or NotAction), its Resource (or NotResource) and every
condition of its Condition block match. Actions compare case-insensitively, ARNs
case-sensitively; ``*`` and ``?`` are wildcards in both (see :mod:`.patterns` for the ARN
segment rules). Policies are compiled once per distinct policy set and cached.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .conditions import Conditions, InvalidConditionError
from .model import AuthzRequest, ContextValue, Decision, PolicyDocument, Principal, StatementRef
from .patterns import ContextLookup, Matcher, arn_regex, parse_template, plain_regex

VARIABLES_VERSION = "2012-10-17"


class InvalidPolicyError(ValueError):
    """A policy AWS would reject: the message names the policy and the statement."""


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    ref: StatementRef
    deny: bool
    statement: Mapping[str, Any]  # the statement as written, for the report
    _actions: Matcher
    _not_action: bool
    _resources: Matcher
    _not_resource: bool
    _conditions: Conditions | None
    # the services its actions can name (lower-case); None when any ("*", "s*:Get", NotAction)
    services: frozenset[str] | None = None

    def applies(self, action: str, resource: str, lookup: ContextLookup) -> bool:
        if self._actions(action, lookup) == self._not_action:
            return False
        if self._resources(resource, lookup) == self._not_resource:
            return False
        return self._conditions is None or self._conditions(lookup)


def _as_list(value: Any, what: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) for i in items):
        raise InvalidPolicyError(f"{what} must be a string or a non-empty list of strings")
    return items


def _services(actions: list[str]) -> frozenset[str] | None:
    services: set[str] = set()
    for a in actions:
        prefix, colon, _ = a.partition(":")
        if not colon or "*" in prefix or "?" in prefix:
            return None
        services.add(prefix.lower())
    return frozenset(services)


def _compile_statement(
    policy: PolicyDocument, index: int, st: Any, variables: bool
) -> CompiledStatement:
    where = f"policy {policy.name!r} statement {index}"
    if not isinstance(st, Mapping):
        raise InvalidPolicyError(f"{where}: a statement must be an object")
    sid = st.get("Sid")
    where += f" (Sid {sid!r})" if sid else ""
    effect = st.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise InvalidPolicyError(f"{where}: Effect must be Allow or Deny, not {effect!r}")

    def one_of(a: str, b: str) -> tuple[list[str], bool]:
        if (a in st) == (b in st):
            raise InvalidPolicyError(f"{where}: needs exactly one of {a} and {b}")
        key = a if a in st else b
        return _as_list(st[key], f"{where}: {key}"), key == b

    actions, not_action = one_of("Action", "NotAction")
    resources, not_resource = one_of("Resource", "NotResource")
    # Actions never take variables; they compare case-insensitively.
    action_matcher = Matcher(
        [parse_template(a, variables=False) for a in actions], plain_regex, ignore_case=True
    )
    resource_matcher = Matcher(
        [parse_template(r, variables=variables) for r in resources], arn_regex
    )
    conditions = None
    if st.get("Condition"):
        try:
            conditions = Conditions(st["Condition"], variables=variables)
        except InvalidConditionError as exc:
            raise InvalidPolicyError(f"{where}: Condition: {exc}") from None
    return CompiledStatement(
        ref=StatementRef(policy.name, index, sid if isinstance(sid, str) else None),
        deny=effect == "Deny",
        statement=st,
        _actions=action_matcher,
        _not_action=not_action,
        _resources=resource_matcher,
        _not_resource=not_resource,
        _conditions=conditions,
        services=None if not_action else _services(actions),
    )


def statements_of(document: Mapping[str, Any]) -> list[Any]:
    """A policy's Statement element as a list (AWS accepts a single object too)."""
    raw = document.get("Statement")
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


class CompiledPolicies:
    """A principal's identity-based policies, compiled for repeated evaluation."""

    __slots__ = ("_by_service", "policies", "statements")

    def __init__(self, policies: Sequence[PolicyDocument]) -> None:
        self.policies = tuple(policies)
        compiled: list[CompiledStatement] = []
        for policy in self.policies:
            doc = policy.document
            if not isinstance(doc, Mapping):
                raise InvalidPolicyError(f"policy {policy.name!r}: the document is not an object")
            variables = doc.get("Version") == VARIABLES_VERSION
            for i, st in enumerate(statements_of(doc)):
                compiled.append(_compile_statement(policy, i, st, variables))
        self.statements = tuple(compiled)
        self._by_service: dict[str, tuple[CompiledStatement, ...]] = {}

    def for_action(self, action: str) -> tuple[CompiledStatement, ...]:
        """The statements that can match an action of this service, in policy order."""
        service = action.partition(":")[0].lower()
        hit = self._by_service.get(service)
        if hit is None:
            hit = tuple(
                st for st in self.statements if st.services is None or service in st.services
            )
            self._by_service[service] = hit
        return hit

    def __iter__(self) -> Iterator[CompiledStatement]:
        return iter(self.statements)


_CACHE_SIZE = 512
_cache: dict[tuple[tuple[str, bool, str], ...], CompiledPolicies] = {}
_cache_lock = threading.Lock()


def compile_policies(policies: Sequence[PolicyDocument]) -> CompiledPolicies:
    """Compiled policies, cached by content (name, managed flag and the document's repr:
    equal JSON parsed the same way has the same repr). For the hottest paths, hold the
    :class:`CompiledPolicies` and pass it to :func:`evaluate` instead."""
    key = tuple((p.name, p.managed, repr(p.document)) for p in policies)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    compiled = CompiledPolicies(policies)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = compiled
    return compiled


def global_context(
    principal: Principal, *, now: datetime, secure_transport: bool
) -> dict[str, str | tuple[str, ...]]:
    """The global condition keys AWS sets for a request made with an assumed-role session.

    aws:PrincipalArn is the role's ARN (not the session's); aws:username is absent for roles;
    aws:userid is ``ROLEID:session`` and absent when the role id is unknown.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)
    ctx: dict[str, str | tuple[str, ...]] = {
        "aws:principalarn": principal.role_arn,
        "aws:principalaccount": principal.account,
        "aws:principaltype": "AssumedRole",
        "aws:principalisawsservice": "false",
        "aws:viaawsservice": "false",
        "aws:securetransport": "true" if secure_transport else "false",
        "aws:currenttime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:epochtime": str(int(now.timestamp())),
    }
    if principal.role_id:
        ctx["aws:userid"] = f"{principal.role_id}:{principal.session_name}"
    return ctx


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _normalise(value: ContextValue | bool | int | float) -> str | tuple[str, ...]:
    """Context values as strings: a mapper may hand over a bool or a number (max-keys)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return _scalar(value)
    return tuple(_scalar(v) for v in value)


class _RequestContext:
    """The request's condition context, built on first use (most statements need none)."""

    __slots__ = ("_ctx", "_now", "_principal", "_request", "_secure")

    def __init__(
        self, principal: Principal, request: AuthzRequest, now: datetime | None, secure: bool
    ) -> None:
        self._principal, self._request, self._now, self._secure = principal, request, now, secure
        self._ctx: dict[str, str | tuple[str, ...]] | None = None

    def __call__(self, key: str) -> str | tuple[str, ...] | None:
        ctx = self._ctx
        if ctx is None:
            ctx = global_context(
                self._principal, now=self._now or datetime.now(UTC), secure_transport=self._secure
            )
            for k, value in self._request.context.items():
                ctx[k.lower()] = _normalise(value)
            self._ctx = ctx
        return ctx.get(key)


def request_lookup(
    principal: Principal,
    request: AuthzRequest,
    *,
    now: datetime | None = None,
    secure_transport: bool = True,
) -> ContextLookup:
    """The request's condition context: global keys, overridden by the request's own keys.
    Lookups take lower-cased key names."""
    return _RequestContext(principal, request, now, secure_transport)


def evaluate(
    principal: Principal,
    policies: Sequence[PolicyDocument] | CompiledPolicies,
    request: AuthzRequest,
    *,
    now: datetime | None = None,
    secure_transport: bool = True,
) -> Decision:
    """Decide one request. The returned statement is the denying one (explicit deny) or the
    first allowing one in policy order (allow); None for an implicit deny.

    Raises :class:`InvalidPolicyError` for a policy AWS would have rejected.
    """
    compiled = policies if isinstance(policies, CompiledPolicies) else compile_policies(policies)
    lookup = request_lookup(principal, request, now=now, secure_transport=secure_transport)
    allowed_by: StatementRef | None = None
    action, resource = request.action, request.resource
    for st in compiled.for_action(action):
        if (st.deny or allowed_by is None) and st.applies(action, resource, lookup):
            if st.deny:
                return Decision("explicit_deny", request, st.ref)
            allowed_by = st.ref
    if allowed_by is not None:
        return Decision("allow", request, allowed_by)
    return Decision("implicit_deny", request)
