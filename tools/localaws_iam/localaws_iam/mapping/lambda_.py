"""Lambda: FunctionName as name, partial ARN or ARN, with a qualifier; Invoke -> InvokeFunction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Context, Mapper, ServiceMapping, arn_parts, request_tags
from localaws_iam.model import AuthzRequest


def function_values(name: str, qualifier: str | None = None) -> dict[str, str]:
    """name | name:qual | ACCOUNT:function:name[:qual] | arn:...:function:name[:qual]."""
    out: dict[str, str] = {}
    if name.startswith("arn:"):
        _, region, account, resource = arn_parts(name)
        out.update({"Region": region, "Account": account})
        parts = resource.split(":")[1:]
    elif ":function:" in name:
        account, _, rest = name.split(":", 2)
        out["Account"] = account
        parts = rest.split(":")
    else:
        parts = name.split(":")
    out["FunctionName"] = parts[0]
    qual = qualifier or (parts[1] if len(parts) > 1 else None)
    if qual:
        out["Qualifier"] = qual
    return out


def values(params: Mapping[str, Any]) -> dict[str, str]:
    name = params.get("FunctionName")
    if name:
        return function_values(str(name), params.get("Qualifier"))
    if params.get("Resource"):  # TagResource & co take the function ARN
        return function_values(str(params["Resource"]))
    if params.get("LayerName"):
        return {"LayerName": str(params["LayerName"])}
    return {}


def function_arn(m: Mapper) -> str:
    """The function ARN AWS authorizes: qualified (":alias"/":version") when the call is."""
    qualifier = m.values.get("Qualifier")
    if qualifier is None:
        return m.arn("function")
    if qualifier.isdigit() or qualifier == "$LATEST":
        return m.arn("function version", {"Version": qualifier})
    return m.arn("function alias", {"Alias": qualifier})


def on_function(action: str) -> Any:
    def handler(m: Mapper) -> list[AuthzRequest]:
        arn = function_arn(m)
        return [m.request(action, arn, m.resource_tags(m.arn("function")))]

    return handler


def create_function(m: Mapper) -> list[AuthzRequest]:
    """CreateFunction (+ iam:PassRole of its role to lambda.amazonaws.com; tags)."""
    tags = {str(k): str(v) for k, v in (m.params.get("Tags") or {}).items()}
    function = m.arn("function")
    requests = [m.request("CreateFunction", function, request_tags(tags))]
    if tags:
        requests.append(m.request("TagResource", function, request_tags(tags)))
    if m.params.get("Role"):
        requests.append(pass_role(m, str(m.params["Role"]), "lambda.amazonaws.com"))
    return requests


def pass_role(m: Mapper, role_arn: str, service: str) -> AuthzRequest:
    context: Context = {"iam:PassedToService": service}
    return m.request("PassRole", role_arn, context, prefix="iam")


def update_configuration(m: Mapper) -> list[AuthzRequest]:
    requests: list[AuthzRequest] = on_function("UpdateFunctionConfiguration")(m)
    if m.params.get("Role"):
        requests.append(pass_role(m, str(m.params["Role"]), "lambda.amazonaws.com"))
    return requests


def event_source_mapping(m: Mapper) -> list[AuthzRequest]:
    """Create/Update/DeleteEventSourceMapping: authorized with lambda:FunctionArn."""
    context: Context = {}
    if m.values.get("FunctionName"):
        context["lambda:FunctionArn"] = function_arn(m)
    uuid = m.params.get("UUID")
    if uuid:
        arn = m.arn("eventSourceMapping", {"UUID": str(uuid)})
        return [m.request(m.call.operation, arn, context)]
    return [m.request(m.call.operation, "*", context)]


_INVOKE = on_function("InvokeFunction")

HANDLERS = {
    "Invoke": _INVOKE,
    "InvokeWithResponseStream": _INVOKE,
    "InvokeAsync": on_function("InvokeAsync"),
    "CreateFunction": create_function,
    "UpdateFunctionConfiguration": update_configuration,
    "CreateEventSourceMapping": event_source_mapping,
    "UpdateEventSourceMapping": event_source_mapping,
    "DeleteEventSourceMapping": event_source_mapping,
    "GetEventSourceMapping": event_source_mapping,
}
for _op in (
    "GetFunction",
    "GetFunctionConfiguration",
    "DeleteFunction",
    "UpdateFunctionCode",
    "PublishVersion",
    "AddPermission",
    "RemovePermission",
    "GetPolicy",
    "GetAlias",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "ListAliases",
    "ListVersionsByFunction",
    "PutFunctionConcurrency",
    "GetFunctionConcurrency",
    "DeleteFunctionConcurrency",
    "PutFunctionEventInvokeConfig",
    "GetFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
    "CreateFunctionUrlConfig",
    "GetFunctionUrlConfig",
    "UpdateFunctionUrlConfig",
    "DeleteFunctionUrlConfig",
    "PutProvisionedConcurrencyConfig",
    "GetProvisionedConcurrencyConfig",
    "DeleteProvisionedConcurrencyConfig",
):
    HANDLERS.setdefault(_op, on_function(_op))

MAPPING = ServiceMapping(prefix="lambda", values=values, handlers=HANDLERS)
