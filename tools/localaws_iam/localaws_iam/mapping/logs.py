"""CloudWatch Logs: log-group and log-stream ARNs as the dataset spells them.

Log streams: arn:aws:logs:R:A:log-group:G:log-stream:S (CreateLogStream, PutLogEvents).
Log groups: arn:aws:logs:R:A:log-group:G (the ":*" form DescribeLogGroups returns is not the
resource AWS authorizes; policies usually grant "...:log-group:G:*" for streams).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping, arn_parts, request_tags
from localaws_iam.model import AuthzRequest


def values(params: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    group = params.get("logGroupName") or params.get("logGroupIdentifier")
    if group:
        text = str(group)
        if text.startswith("arn:"):
            _, region, account, resource = arn_parts(text)
            text = resource.split(":")[1]
            out.update({"Region": region, "Account": account})
        out["LogGroupName"] = text
    if params.get("logStreamName"):
        out["LogStreamName"] = str(params["logStreamName"])
    if params.get("destinationName"):
        out["DestinationName"] = str(params["destinationName"])
    return out


def create_log_group(m: Mapper) -> list[AuthzRequest]:
    tags = {str(k): str(v) for k, v in (m.params.get("tags") or {}).items()}
    group = m.arn("log-group")
    requests = [m.request("CreateLogGroup", group, request_tags(tags))]
    if tags:
        requests.append(m.request("TagResource", group, request_tags(tags)))
    key = m.params.get("kmsKeyId")
    if key:
        requests += m.kms(m.key_arn(str(key)), ["Encrypt", "Decrypt", "GenerateDataKey"])
    return requests


HANDLERS = {"CreateLogGroup": create_log_group}
RENAMES = {"TagLogGroup": "TagResource", "UntagLogGroup": "UntagResource"}

MAPPING = ServiceMapping(prefix="logs", values=values, renames=RENAMES, handlers=HANDLERS)
