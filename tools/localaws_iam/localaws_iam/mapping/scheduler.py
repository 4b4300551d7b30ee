"""EventBridge Scheduler: schedule ARNs (group "default" unless named), PassRole of the target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping, request_tags, tag_list
from localaws_iam.model import AuthzRequest

_GROUP_OPERATIONS = {"CreateScheduleGroup", "DeleteScheduleGroup", "GetScheduleGroup"}


def values(params: Mapping[str, Any]) -> dict[str, str]:
    out = {"GroupName": str(params.get("GroupName") or "default")}
    if params.get("Name"):
        out["ScheduleName"] = str(params["Name"])
    return out


def schedule(m: Mapper) -> list[AuthzRequest]:
    """Create/UpdateSchedule: the schedule ARN, plus iam:PassRole of Target.RoleArn."""
    arn = m.arn("schedule")
    requests = [m.request(m.call.operation, arn, m.resource_tags(arn))]
    role = (m.params.get("Target") or {}).get("RoleArn")
    if role:
        context = {"iam:PassedToService": "scheduler.amazonaws.com"}
        requests.append(m.request("PassRole", str(role), context, prefix="iam"))
    return requests


def group(m: Mapper) -> list[AuthzRequest]:
    arn = m.arn("schedule-group", {"GroupName": str(m.params["Name"])})
    tags = tag_list(m.params.get("Tags"))
    requests = [m.request(m.call.operation, arn, request_tags(tags) or m.resource_tags(arn))]
    if tags:
        requests.append(m.request("TagResource", arn, request_tags(tags)))
    return requests


HANDLERS = {
    "CreateSchedule": schedule,
    "UpdateSchedule": schedule,
    **dict.fromkeys(_GROUP_OPERATIONS, group),
}

MAPPING = ServiceMapping(prefix="scheduler", values=values, handlers=HANDLERS)
