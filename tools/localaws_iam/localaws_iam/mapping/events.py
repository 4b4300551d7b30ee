"""EventBridge: PutEvents per event bus, rules on the default or a custom bus, PassRole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Context, Mapper, ServiceMapping, arn_parts
from localaws_iam.model import AuthzRequest


def bus_values(bus: str) -> dict[str, str]:
    if bus.startswith("arn:"):
        _, region, account, resource = arn_parts(bus)
        return {"EventBusName": resource.split("/", 1)[1], "Region": region, "Account": account}
    return {"EventBusName": bus}


def values(params: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    if params.get("EventBusName"):
        out.update(bus_values(str(params["EventBusName"])))
    rule = params.get("Rule") or params.get("Name")
    if rule:
        out["RuleName"] = str(rule)
    for key, placeholder in (("ArchiveName", "ArchiveName"), ("ConnectionName", "ConnectionName")):
        if params.get(key):
            out[placeholder] = str(params[key])
    return out


def _rule_arn(m: Mapper) -> str:
    bus = m.values.get("EventBusName", "default")
    if bus == "default":
        return m.arn("rule-on-default-event-bus")
    return m.arn("rule-on-custom-event-bus")


def put_events(m: Mapper) -> list[AuthzRequest]:
    """events:PutEvents on each entry's bus (default: "default") with events:source/detail-type."""
    by_bus: dict[str, tuple[list[str], list[str]]] = {}
    for entry in m.params.get("Entries") or []:
        arn = m.arn("event-bus", bus_values(str(entry.get("EventBusName") or "default")))
        sources, detail_types = by_bus.setdefault(arn, ([], []))
        if entry.get("Source"):
            sources.append(str(entry["Source"]))
        if entry.get("DetailType"):
            detail_types.append(str(entry["DetailType"]))
    if not by_bus:
        raise m.fail("no Entries")
    requests = []
    for arn, (sources, detail_types) in by_bus.items():
        context: Context = {}
        if sources:
            context["events:source"] = list(dict.fromkeys(sources))
        if detail_types:
            context["events:detail-type"] = list(dict.fromkeys(detail_types))
        requests.append(m.request("PutEvents", arn, {**m.resource_tags(arn), **context}))
    return requests


def on_rule(m: Mapper) -> list[AuthzRequest]:
    arn = _rule_arn(m)
    context: Context = {**m.resource_tags(arn)}
    if m.call.operation == "PutRule":
        context["events:creatorAccount"] = m.call.account
    requests = [m.request(m.call.operation, arn, context)]
    if m.call.operation == "PutRule" and m.params.get("RoleArn"):
        requests.append(_pass_role(m, str(m.params["RoleArn"])))
    return requests


def _pass_role(m: Mapper, role: str) -> AuthzRequest:
    return m.request(
        "PassRole", role, {"iam:PassedToService": "events.amazonaws.com"}, prefix="iam"
    )


def put_targets(m: Mapper) -> list[AuthzRequest]:
    arn = _rule_arn(m)
    targets = m.params.get("Targets") or []
    context: Context = {**m.resource_tags(arn)}
    if targets:
        context["events:TargetArn"] = [str(t.get("Arn")) for t in targets if t.get("Arn")]
    requests = [m.request("PutTargets", arn, context)]
    roles = {str(t["RoleArn"]) for t in targets if t.get("RoleArn")}
    requests += [_pass_role(m, role) for role in sorted(roles)]
    return requests


HANDLERS = {
    "PutEvents": put_events,
    "PutTargets": put_targets,
    **dict.fromkeys(
        [
            "PutRule",
            "DeleteRule",
            "DescribeRule",
            "EnableRule",
            "DisableRule",
            "RemoveTargets",
            "ListTargetsByRule",
        ],
        on_rule,
    ),
}

MAPPING = ServiceMapping(prefix="events", values=values, handlers=HANDLERS)
