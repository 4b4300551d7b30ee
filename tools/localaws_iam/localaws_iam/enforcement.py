"""Authorize one request of a role session: map it, evaluate it, record it, decide.

No LocalStack import here: the gateway adapter (localstack_plugin.py) supplies the principal, its
policies, the parsed call and the resource lookup, and turns a refusal into the service's error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .denials import ServiceError, denial_error, error_code
from .evaluator import CompiledPolicies, evaluate
from .identity import RolePolicies
from .mapping import authorization
from .model import (
    AuthzRequest,
    Decision,
    PolicyDocument,
    Principal,
    ResourceLookup,
    ServiceCall,
    UnmappedOperationError,
)
from .report import IamReport
from .settings import Mode

LOG = logging.getLogger("localaws_iam")


@dataclass(frozen=True)
class Refusal:
    """A request AWS would refuse, and the error to answer in the service's protocol."""

    error: ServiceError
    decision: Decision | None


class Timings:
    """Authorization time per request (µs), for `make bench` (bounded, thread-safe)."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: list[float] = []

    def add(self, seconds: float) -> None:
        with self._lock:
            if len(self._samples) < self.LIMIT:
                self._samples.append(seconds * 1e6)

    def summary(self) -> dict[str, Any]:
        with self._lock:
            samples = sorted(self._samples)
        if not samples:
            return {"count": 0}

        def pct(p: float) -> float:
            return round(samples[min(len(samples) - 1, int(p * len(samples)))], 1)

        return {"count": len(samples), "p50_us": pct(0.50), "p99_us": pct(0.99)}


def _decide(
    principal: Principal, policies: RolePolicies, request: AuthzRequest, secure: bool
) -> Decision:
    decision = evaluate(principal, policies.compiled, request, secure_transport=secure)
    if not decision.allowed:
        return decision
    # A permissions boundary or a session policy can only narrow what the role allows.
    for limit in (policies.boundary, policies.session):
        if limit is not None:
            bounded = evaluate(principal, limit, request, secure_transport=secure)
            if not bounded.allowed:
                return Decision(bounded.kind, request, bounded.statement)
    return decision


class Enforcer:
    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.report = IamReport(mode.value)
        self.timings = Timings()
        self._lock = threading.Lock()
        self._registered: dict[str, RolePolicies] = {}

    def reset(self) -> None:
        with self._lock:
            self.report = IamReport(self.mode.value)
            self.timings = Timings()
            self._registered = {}

    def _register(self, principal: Principal, policies: RolePolicies, function: str | None) -> None:
        # The report lists each role's statements; re-read only when the policies changed.
        key = function or principal.session_name
        if self._registered.get(key) is not policies:
            self.report.register_policies(principal, policies.documents, function)
            self._registered[key] = policies

    def _record(self, principal: Principal, decision: Decision, function: str | None) -> None:
        self.report.record(principal, decision, function)

    def authorize(
        self,
        principal: Principal,
        policies: RolePolicies,
        call: ServiceCall,
        lookup: ResourceLookup,
        *,
        function: str | None = None,
        secure_transport: bool = True,
        started: float | None = None,
    ) -> tuple[Refusal | None, Sequence[AuthzRequest]]:
        """The refusal (None when allowed or not enforced) and the if_missing requests.

        ``started``: perf_counter() when the caller began (identity lookup included in the
        timing); now if not given."""
        started = time.perf_counter() if started is None else started
        self._register(principal, policies, function)
        try:
            authz = authorization(call, lookup)
        except UnmappedOperationError as exc:
            request = AuthzRequest(f"{call.service}:{call.operation}", "*")
            self._record(principal, Decision("implicit_deny", request), function)
            code, status = error_code(call.service)
            unmapped = Refusal(ServiceError(code, status, str(exc)), None)
            self.timings.add(time.perf_counter() - started)
            return self._outcome(principal, unmapped, call), ()
        refusal: Refusal | None = None
        for request in authz.requests:
            decision = _decide(principal, policies, request, secure_transport)
            self._record(principal, decision, function)
            if refusal is None and not decision.allowed:
                refusal = Refusal(denial_error(principal.arn, decision, call.service), decision)
        self.timings.add(time.perf_counter() - started)
        return self._outcome(principal, refusal, call), authz.if_missing

    def authorize_missing(
        self,
        principal: Principal,
        policies: RolePolicies,
        call: ServiceCall,
        requests: Sequence[AuthzRequest],
        *,
        function: str | None = None,
        secure_transport: bool = True,
    ) -> Refusal | None:
        """The target does not exist: AWS says so only to callers allowed these requests."""
        refusal: Refusal | None = None
        for request in requests:
            decision = _decide(principal, policies, request, secure_transport)
            self._record(principal, decision, function)
            if refusal is None and not decision.allowed:
                refusal = Refusal(denial_error(principal.arn, decision, call.service), decision)
        return self._outcome(principal, refusal, call)

    def _outcome(
        self, principal: Principal, refusal: Refusal | None, call: ServiceCall
    ) -> Refusal | None:
        if refusal is None:
            return None
        verb = "denied" if self.mode == Mode.ENFORCE else "would deny (LBP_IAM=report)"
        LOG.warning(
            "IAM %s %s.%s for %s: %s",
            verb,
            call.service,
            call.operation,
            principal.arn,
            refusal.error.message,
        )
        return refusal if self.mode == Mode.ENFORCE else None


def service_principal_allows(
    resource_policy: Mapping[str, Any] | None,
    *,
    service_principal: str,
    action: str,
    resource: str,
    source_arn: str | None,
    source_account: str | None,
) -> Decision:
    """Does a resource-based policy let an AWS service principal (s3.amazonaws.com) act?

    Keeps the statements whose Principal names that service (or "*") and evaluates them as
    identity statements of the service, with aws:SourceArn / aws:SourceAccount in the context.
    """
    statements = []
    for statement in _statements(resource_policy):
        if _names_service(statement.get("Principal"), service_principal):
            kept = {k: v for k, v in statement.items() if k not in ("Principal", "NotPrincipal")}
            statements.append(kept)
    context: dict[str, str] = {}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    if source_account:
        context["aws:SourceAccount"] = source_account
    request = AuthzRequest(action, resource, context)
    document = PolicyDocument("resource-based policy", {"Statement": statements})
    service = Principal(
        arn=service_principal,
        role_arn=service_principal,
        role_name=service_principal,
        session_name=service_principal,
        account=source_account or "",
    )
    return evaluate(service, [document], request)


def _statements(policy: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not policy:
        return []
    raw = policy.get("Statement", [])
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, Mapping)]


def _names_service(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    if principal.get("AWS") == "*":
        return True
    named = principal.get("Service")
    values = named if isinstance(named, list) else [named]
    return service in values


__all__ = [
    "CompiledPolicies",
    "Enforcer",
    "Refusal",
    "service_principal_allows",
]
