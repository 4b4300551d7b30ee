"""The mapping machinery every service module uses: ARNs from the dataset, requests, tags, KMS."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from localaws_iam.mapping.dataset import ServiceSpec, service
from localaws_iam.model import (
    Authorization,
    AuthzRequest,
    ContextValue,
    ResourceLookup,
    ServiceCall,
    UnmappedOperationError,
)

Context = dict[str, ContextValue]
_CALL_PLACEHOLDERS = frozenset({"Partition", "Region", "Account"})
# kms:ViaService names the service endpoint, which differs from botocore's name for some.
_VIA = {"dynamodbstreams": "dynamodb"}


def _squash(name: str) -> str:
    return name.replace("-", "").replace("_", "").replace(" ", "").lower()


class MappingError(UnmappedOperationError):
    """A mapped operation whose request lacks what its resource ARN is built from."""

    def __init__(self, service: str, operation: str, detail: str) -> None:
        super().__init__(service, operation)
        self.args = (
            f"IAM enforcement cannot map {service}:{operation}: {detail}; "
            "see tools/localaws_iam/README.md (mapping)",
        )


class Mapper:
    """One call being mapped: builds ARNs and requests for the call's service prefix."""

    __slots__ = ("call", "lookup", "params", "prefix", "spec", "values")

    def __init__(
        self,
        call: ServiceCall,
        lookup: ResourceLookup,
        prefix: str,
        values: Mapping[str, str],
    ) -> None:
        self.call = call
        self.lookup = lookup
        self.params: Mapping[str, Any] = call.params
        self.prefix = prefix
        self.spec: ServiceSpec = service(prefix)
        self.values = values

    # ------------------------------------------------------------------ errors
    def fail(self, detail: str) -> MappingError:
        return MappingError(self.call.service, self.call.operation, detail)

    # ------------------------------------------------------------------ ARNs
    def try_arn(
        self,
        rtype: str,
        values: Mapping[str, str] | None = None,
        *,
        prefix: str | None = None,
    ) -> str | None:
        spec = self.spec if prefix is None else service(prefix)
        fmt = spec.arns.get(rtype)
        if fmt is None:
            raise self.fail(f"the dataset has no resource type {rtype!r} for {spec.prefix}")
        merged = {
            "Partition": self.call.partition,
            "Region": self.call.region,
            "Account": self.call.account,
            **self.values,
            **(values or {}),
        }
        return fmt.fill(merged)

    def arn(
        self,
        rtype: str,
        values: Mapping[str, str] | None = None,
        *,
        prefix: str | None = None,
    ) -> str:
        built = self.try_arn(rtype, values, prefix=prefix)
        if built is None:
            spec = self.spec if prefix is None else service(prefix)
            known = {*_CALL_PLACEHOLDERS, *self.values, *(values or {})}
            needed = ", ".join(p for p in spec.arns[rtype].placeholders if p not in known)
            raise self.fail(f"no value for the {rtype} ARN ({needed}) in the request")
        return built

    # ------------------------------------------------------------------ requests
    def action(self, name: str, *, prefix: str | None = None) -> str:
        spec = self.spec if prefix is None else service(prefix)
        found = spec.action(name)
        if found is None:
            raise self.fail(f"the dataset has no action {spec.prefix}:{name}")
        return f"{spec.prefix}:{found.name}"

    def request(
        self,
        action: str,
        resource: str,
        context: Mapping[str, ContextValue] | None = None,
        *,
        prefix: str | None = None,
    ) -> AuthzRequest:
        return AuthzRequest(self.action(action, prefix=prefix), resource, dict(context or {}))

    def default(
        self,
        action: str | None = None,
        context: Mapping[str, ContextValue] | None = None,
        *,
        values: Mapping[str, str] | None = None,
        types: Iterable[str] | None = None,
        new: bool = False,
    ) -> list[AuthzRequest]:
        """The dataset's rule: one request per resource type of the action that can be filled.

        Required types are used when the request names them (at least one must be); optional
        ones when they can be filled; an action without (fillable) resource types is
        authorized on "*". With ``new``, a required type that cannot be filled is a resource
        the call creates: its missing ids become "*" (ec2:CreateVolume on volume/*).
        """
        name = action or self.call.operation
        spec = self.spec.action(name)
        if spec is None:
            raise UnmappedOperationError(self.call.service, self.call.operation)
        full = f"{self.prefix}:{spec.name}"
        chosen = list(types) if types is not None else None
        if chosen is None:
            chosen = list(spec.required_types) or [t for t, _ in spec.resource_types]
            required = bool(spec.required_types)
        else:
            required = True
        arns: list[str] = []
        unfilled: list[str] = []
        for rtype in chosen:
            built = self.try_arn(rtype, values)
            if built is None and new and required:
                wildcard = {
                    p: "*"
                    for p in self.spec.arns[rtype].placeholders
                    if p not in _CALL_PLACEHOLDERS
                }
                built = self.try_arn(rtype, {**wildcard, **self.values, **(values or {})})
            if built is None and required:
                built = self._arn_parameter(rtype)
            if built is not None:
                arns.append(built)
            else:
                unfilled.append(rtype)
        if required and not arns:
            # The reference marks alternatives as required too (dynamodb:GetResourcePolicy:
            # stream* or table*): the request must name at least one of them.
            rtype = unfilled[0]
            raise self.fail(
                f"{full} needs a {rtype} ARN and the request has no "
                + ", ".join(self._missing(rtype, values))
            )
        if not arns:
            return [AuthzRequest(full, "*", dict(context or {}))]
        return [
            AuthzRequest(full, arn, {**self.resource_tags(arn), **(context or {})}) for arn in arns
        ]

    def _arn_parameter(self, rtype: str) -> str | None:
        """A parameter that already is an ARN of this type: named for it (BackupArn for
        backup, anomalyDetectorArn for anomaly-detector) or ResourceArn, in its format."""
        fmt = self.spec.arns[rtype]
        wanted = _squash(rtype)
        for name, value in self.params.items():
            if not (isinstance(value, str) and value.startswith("arn:")):
                continue
            base = _squash(name)
            if not base.endswith("arn"):
                continue
            base = base[: -len("arn")]
            if (base == wanted or base in ("", "resource")) and fmt.matches(value):
                return value
        return None

    def _missing(self, rtype: str, values: Mapping[str, str] | None) -> list[str]:
        known = {*_CALL_PLACEHOLDERS, *self.values, *(values or {})}
        return [p for p in self.spec.arns[rtype].placeholders if p not in known]

    # ------------------------------------------------------------------ tags
    def resource_tags(self, arn: str, *, ec2: bool = False) -> Context:
        """aws:ResourceTag/* (and ec2:ResourceTag/*) from the lookup, for taggable resources."""
        if self.prefix == "s3":
            return {}  # S3 evaluates object/bucket tags through its own keys, not looked up here
        tags = self.lookup.tags(arn)
        if not tags:
            return {}
        context: Context = {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
        if ec2 or self.prefix == "ec2":
            context.update({f"ec2:ResourceTag/{k}": v for k, v in tags.items()})
        return context

    # ------------------------------------------------------------------ KMS
    def key_arn(self, key: str, *, region: str | None = None) -> str:
        """A KeyId/alias/ARN parameter as the key ARN AWS authorizes (aliases via the lookup)."""
        region = region or self.call.region
        if key.startswith("arn:"):
            if ":alias/" in key:
                return self.lookup.kms_key(key) or key
            return key
        base = f"arn:{self.call.partition}:kms:{region}:{self.call.account}"
        if key.startswith("alias/"):
            alias = f"{base}:{key}"
            return self.lookup.kms_key(alias) or alias
        return f"{base}:key/{key}"

    def kms(
        self,
        key_arn: str | None,
        actions: Iterable[str],
        *,
        via: str | None = None,
        region: str | None = None,
        encryption_context: Mapping[str, str] | None = None,
        extra: Mapping[str, ContextValue] | None = None,
    ) -> list[AuthzRequest]:
        """The KMS requests a service makes with the caller's credentials on a customer key."""
        if key_arn is None:
            return []
        region = region or self.call.region
        context: Context = {
            "kms:ViaService": f"{via or _VIA.get(self.call.service, self.call.service)}"
            f".{region}.amazonaws.com",
            "kms:CallerAccount": self.call.account,
        }
        for k, v in (encryption_context or {}).items():
            context[f"kms:EncryptionContext:{k}"] = v
        if encryption_context:
            context["kms:EncryptionContextKeys"] = list(encryption_context)
        context.update(extra or {})
        return [self.request(a, key_arn, context, prefix="kms") for a in actions]


def request_tags(tags: Mapping[str, str]) -> Context:
    """aws:RequestTag/* and aws:TagKeys for tags given on a create/tag call."""
    if not tags:
        return {}
    context: Context = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    context["aws:TagKeys"] = list(tags)
    return context


def tag_list(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """[{"Key": k, "Value": v}, ...] (or a plain mapping) as a dict."""
    if isinstance(items, Mapping):
        return {str(k): str(v) for k, v in items.items()}
    out: dict[str, str] = {}
    for item in items or ():
        if isinstance(item, Mapping) and key in item:
            out[str(item[key])] = str(item.get(value, ""))
    return out


Handler = Callable[[Mapper], "Authorization | list[AuthzRequest]"]


@dataclass(frozen=True)
class ServiceMapping:
    """How one botocore service maps: its IAM prefix, parameter values, renames, handlers.

    ``values(params)`` returns the dataset's ARN placeholder values found in the request
    (e.g. {"QueueName": ..., "Account": ...}); ``renames`` maps an operation to the IAM action
    AWS checks when the names differ; ``handlers`` hold the special cases.
    """

    prefix: str
    values: Callable[[Mapping[str, Any]], dict[str, str]]
    renames: Mapping[str, str] = field(default_factory=dict)
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    free: frozenset[str] = frozenset()  # operations AWS authorizes for everyone (no request)
    fallback: Handler | None = None  # replaces the default rule for operations without handler


def no_values(params: Mapping[str, Any]) -> dict[str, str]:
    return {}


def arn_parts(arn: str) -> tuple[str, str, str, str]:
    """(service, region, account, resource) of an ARN string."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {arn!r}")
    return parts[2], parts[3], parts[4], parts[5]
