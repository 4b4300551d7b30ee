"""SSM Parameter Store: parameter ARNs (names with or without a leading slash), SecureString KMS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping, arn_parts, request_tags, tag_list
from localaws_iam.model import AuthzRequest


def parameter_values(name: str) -> dict[str, str]:
    """A parameter name, name:version/label selector, or ARN -> the parameter ARN placeholders."""
    if name.startswith("arn:"):
        _, region, account, resource = arn_parts(name)
        path = resource.split("/", 1)[1] if "/" in resource else resource
        return {"ParameterNameWithoutLeadingSlash": path, "Region": region, "Account": account}
    base = name.split(":", 1)[0]  # GetParameter accepts Name:version and Name:label
    return {"ParameterNameWithoutLeadingSlash": base.lstrip("/")}


def values(params: Mapping[str, Any]) -> dict[str, str]:
    if params.get("Name"):
        return parameter_values(str(params["Name"]))
    if params.get("Path"):
        return parameter_values(str(params["Path"]).rstrip("/") or "/")
    if params.get("ResourceType") == "Parameter" and params.get("ResourceId"):
        return parameter_values(str(params["ResourceId"]))
    if params.get("DocumentName"):
        return {"DocumentName": str(params["DocumentName"])}
    return {}


def _decrypt(m: Mapper, parameter: str) -> list[AuthzRequest]:
    if not m.params.get("WithDecryption"):
        return []
    return m.kms(
        m.lookup.kms_key(parameter), ["Decrypt"], encryption_context={"PARAMETER_ARN": parameter}
    )


def get_parameter(m: Mapper) -> list[AuthzRequest]:
    """GetParameter; WithDecryption on a customer-key SecureString also needs kms:Decrypt."""
    parameter = m.arn("parameter")
    return [
        m.request("GetParameter", parameter, m.resource_tags(parameter)),
        *_decrypt(m, parameter),
    ]


def per_name(action: str) -> Any:
    def handler(m: Mapper) -> list[AuthzRequest]:
        requests: list[AuthzRequest] = []
        for name in m.params.get("Names") or []:
            parameter = m.arn("parameter", parameter_values(str(name)))
            requests.append(m.request(action, parameter, m.resource_tags(parameter)))
            if action == "GetParameters":
                requests += _decrypt(m, parameter)
        if not requests:
            raise m.fail("no Names")
        return requests

    return handler


def put_parameter(m: Mapper) -> list[AuthzRequest]:
    """PutParameter (+ AddTagsToResource with Tags; + kms:Encrypt for a SecureString's key)."""
    parameter = m.arn("parameter")
    tags = tag_list(m.params.get("Tags"))
    requests = [m.request("PutParameter", parameter, request_tags(tags))]
    if tags:
        requests.append(m.request("AddTagsToResource", parameter, request_tags(tags)))
    if m.params.get("Type") == "SecureString":
        key = m.params.get("KeyId")
        key_arn = m.key_arn(str(key)) if key else m.lookup.kms_key(parameter)
        requests += m.kms(key_arn, ["Encrypt"], encryption_context={"PARAMETER_ARN": parameter})
    return requests


HANDLERS = {
    "GetParameter": get_parameter,
    "GetParameters": per_name("GetParameters"),
    "DeleteParameters": per_name("DeleteParameters"),
    "PutParameter": put_parameter,
}

MAPPING = ServiceMapping(prefix="ssm", values=values, handlers=HANDLERS)
