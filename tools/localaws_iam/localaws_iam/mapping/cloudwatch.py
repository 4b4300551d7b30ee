"""CloudWatch (botocore "monitoring"): alarms by name, metric data with cloudwatch:namespace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping, request_tags, tag_list
from localaws_iam.model import AuthzRequest


def values(params: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    if params.get("AlarmName"):
        out["AlarmName"] = str(params["AlarmName"])
    if params.get("DashboardName"):
        out["DashboardName"] = str(params["DashboardName"])
    return out


def put_metric_data(m: Mapper) -> list[AuthzRequest]:
    context = {"cloudwatch:namespace": str(m.params.get("Namespace") or "")}
    return [m.request("PutMetricData", "*", context)]


def per_alarm(m: Mapper) -> list[AuthzRequest]:
    """DeleteAlarms, Enable/DisableAlarmActions, DescribeAlarms by name: per alarm ARN."""
    names = [str(n) for n in m.params.get("AlarmNames") or []]
    if not names:
        return m.default()
    return [r for name in names for r in m.default(values={"AlarmName": name})]


def put_alarm(m: Mapper) -> list[AuthzRequest]:
    tags = tag_list(m.params.get("Tags"))
    requests = m.default(context=request_tags(tags))
    if tags:
        requests.append(m.request("TagResource", requests[0].resource, request_tags(tags)))
    return requests


HANDLERS = {
    "PutMetricData": put_metric_data,
    "DeleteAlarms": per_alarm,
    "EnableAlarmActions": per_alarm,
    "DisableAlarmActions": per_alarm,
    "DescribeAlarms": per_alarm,
    "PutMetricAlarm": put_alarm,
    "PutCompositeAlarm": put_alarm,
}

MAPPING = ServiceMapping(prefix="cloudwatch", values=values, handlers=HANDLERS)
