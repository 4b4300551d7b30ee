"""The LocalStack side of IAM enforcement: gateway handlers, internal routes, startup hooks.

Loaded by LocalStack 4.8.1 (inside its own venv) through the plux entry points
``localstack.hooks.on_infra_start:lbp_iam`` and ``localstack.hooks.on_infra_shutdown:lbp_iam``.
Community LocalStack does not load ``localstack.extensions`` plugins, so the start hook appends a
request handler to ``serve_custom_service_request_handlers`` (after the request is parsed, before
the service runs) and a response handler to ``run_custom_response_handlers``.

Only requests signed with an STS assumed-role session key are authorized (Lambda execution roles,
and the Lambda service acting with a function's role: logs, destinations, event source pollers).
The account's own credentials and LocalStack's internal credentials stay unrestricted.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from localstack.aws.api import CommonServiceException, RequestContext
from localstack.aws.chain import HandlerChain
from localstack.aws.protocol.serializer import create_serializer
from localstack.http import Request, Resource, Response
from localstack.runtime import hooks

from .credentials import access_key_id, is_session_key
from .enforcement import Enforcer, Refusal, Timings, service_principal_allows
from .identity import Identities, RolePolicies
from .lookup import LocalStackLookup, forget_kinesis_keys, log_group_exists
from .model import AuthzRequest, Principal, ServiceCall
from .report import render_markdown
from .settings import VARIABLE, Mode, mode_from_environment

LOG = logging.getLogger("localaws_iam")
REPORT_DIR_VARIABLE = "LBP_IAM_REPORT_DIR"
ROUTE = "/_lbp/iam"

# LocalStack (botocore) service name -> the name the request mapping uses.
_MAPPING_NAMES = {"cloudwatch": "monitoring"}
# Services that invoke a function only when its resource-based policy allows them. (EventBridge
# Scheduler is not one: it invokes with the schedule's execution role, authorized like any
# role session.)
_INVOKING_SERVICES = {"s3", "sns", "events"}
_INVOKE_OPERATIONS = {"Invoke", "InvokeAsync", "InvokeWithResponseStream"}
_MISSING_STATUS = 404
# What delivering to a destination or DLQ needs from the function's role.
_DELIVERY_ACTIONS = {
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
    "s3": "s3:PutObject",
}
_INVOKE_CONFIG_OPERATIONS = {"PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig"}
_KINESIS_ENCRYPTION_OPERATIONS = {"StartStreamEncryption", "StopStreamEncryption", "DeleteStream"}
# What Lambda's event source poller needs on the source, and the error CreateEventSourceMapping
# answers without it (AWS's wording; the Terraform provider retries on it while IAM propagates).
# dynamodb:ListStreams has no resource type ("*") and is not checked against the stream.
_POLLING_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "sqs": (
        ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
        "The function execution role does not have permissions to call {operation} on SQS",
    ),
    "kinesis": (
        (
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:ListShards",
        ),
        "Cannot access stream {arn}. Please ensure the role can perform the GetRecords, "
        "GetShardIterator, DescribeStream, and ListShards Actions on your stream in IAM.",
    ),
    "dynamodb": (
        (
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream",
        ),
        "Cannot access stream {arn}. Please ensure the role can perform the GetRecords, "
        "GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.",
    ),
}


class _State:
    enforcer = Enforcer(mode_from_environment())
    identities = Identities()
    lookup = LocalStackLookup()


@dataclasses.dataclass(frozen=True)
class _Pending:
    """What to check on the response path if the target turns out not to exist."""

    principal: Principal
    policies: RolePolicies
    call: ServiceCall
    requests: tuple[AuthzRequest, ...]
    function: str | None


def _raise(refusal: Refusal) -> None:
    error = refusal.error
    raise CommonServiceException(error.code, error.message, status_code=error.status)


def _function_of(principal: Principal, context: RequestContext) -> str:
    """Which function a session acts for: its session name (the worker's), or for the Lambda
    service's own sessions (internal calls, often with random session names) the function named
    by the source ARN or the log group, so the report counts them with the function."""
    params = context.internal_request_params
    if params is None:
        return principal.session_name
    source = str(params.get("source_arn") or "")
    if ":function:" in source:
        return source.split(":function:", 1)[1].split(":", 1)[0]
    request = context.service_request or {}
    group = str(request.get("logGroupName") or "")
    if group.startswith("/aws/lambda/"):
        return group.removeprefix("/aws/lambda/")
    return principal.session_name


def _tolerated(context: RequestContext, service: str, operation: str) -> bool:
    """LocalStack's Lambda log writer creates the log group whenever the *stream* is missing;
    the Lambda service on AWS writes to an existing group with only CreateLogStream and
    PutLogEvents. So its CreateLogGroup of an existing group is answered by the service
    (ResourceAlreadyExists), not refused."""
    if context.internal_request_params is None or service != "logs":
        return False
    if operation != "CreateLogGroup":
        return False
    group = str((context.service_request or {}).get("logGroupName") or "")
    return log_group_exists(context.account_id, context.region, group)


class IamRequestHandler:
    def __call__(self, chain: HandlerChain, context: RequestContext, response: Response) -> None:
        enforcer = _State.enforcer
        if enforcer.mode == Mode.OFF or context.service is None or context.operation is None:
            return
        service = context.service.service_name
        operation = context.operation.name
        internal = context.internal_request_params
        if internal and service == "lambda" and operation in _INVOKE_OPERATIONS:
            invoker = internal.get("service_principal")
            if invoker in _INVOKING_SERVICES:
                self._check_invoker(context, str(invoker), internal.get("source_arn"))
        if service == "kinesis" and operation in _KINESIS_ENCRYPTION_OPERATIONS:
            forget_kinesis_keys()
        if service == "lambda" and operation == "CreateEventSourceMapping":
            self._check_event_source(context)
        if service == "lambda" and operation in ("CreateFunction", "UpdateFunctionConfiguration"):
            self._check_dead_letter_queue(context, creating=operation == "CreateFunction")
        if service == "lambda" and operation in _INVOKE_CONFIG_OPERATIONS:
            self._check_destinations(context)
        key = access_key_id(context.request.headers, context.request.args)
        if not key or not is_session_key(key):
            return
        started = time.perf_counter()
        principal = _State.identities.principal(key, context.account_id)
        if principal is None or _tolerated(context, service, operation):
            return
        policies = _State.identities.policies(principal, _State.identities.session_policy(key))
        call = ServiceCall(
            service=_MAPPING_NAMES.get(service, service),
            operation=operation,
            params=context.service_request or {},
            region=context.region,
            account=context.account_id,
            partition=context.partition or "aws",
        )
        function = _function_of(principal, context)
        refusal, if_missing = enforcer.authorize(
            principal, policies, call, _State.lookup, function=function, started=started
        )
        if refusal is not None:
            _raise(refusal)
        if if_missing:
            context.lbp_iam_pending = _Pending(
                principal, policies, call, tuple(if_missing), function
            )

    @staticmethod
    def _check_invoker(context: RequestContext, invoker: str, source_arn: Any) -> None:
        from localstack.services.lambda_.invocation.models import lambda_stores  # noqa: PLC0415

        request = context.service_request or {}
        name = str(request.get("FunctionName") or "")
        qualifier = request.get("Qualifier")
        account, region = context.account_id, context.region
        if name.startswith("arn:"):
            parts = name.split(":")
            region, account, name = parts[3], parts[4], parts[6]
            qualifier = qualifier or (parts[7] if len(parts) > 7 else None)
        elif ":" in name:
            name, qualifier = name.split(":", 1)
        function = lambda_stores[account][region].functions.get(name)
        if function is None:
            return  # Lambda answers ResourceNotFound itself
        permission = function.permissions.get(qualifier or "$LATEST")
        policy = dataclasses.asdict(permission.policy) if permission is not None else None
        arn = f"arn:{context.partition or 'aws'}:lambda:{region}:{account}:function:{name}"
        if qualifier and qualifier != "$LATEST":
            arn += f":{qualifier}"
        source = str(source_arn) if source_arn else None
        source_parts = source.split(":") if source else []
        source_account = source_parts[4] if len(source_parts) > 4 and source_parts[4] else account
        principal = f"{invoker}.amazonaws.com"
        decision = service_principal_allows(
            policy,
            service_principal=principal,
            action="lambda:InvokeFunction",
            resource=arn,
            source_arn=source,
            source_account=source_account,
        )
        if decision.allowed:
            return
        message = (
            f"The service principal {principal} is not authorized to perform: "
            f"lambda:InvokeFunction on resource: {arn} (source {source}) because no "
            "resource-based policy allows the lambda:InvokeFunction action"
        )
        enforcing = _State.enforcer.mode == Mode.ENFORCE
        LOG.warning("IAM %s: %s", "denied" if enforcing else "would deny (report)", message)
        if enforcing:
            raise CommonServiceException("AccessDeniedException", message, status_code=403)

    @staticmethod
    def _check_event_source(context: RequestContext) -> None:
        """Lambda checks, on create, that the function's role may read the event source."""
        request = context.service_request or {}
        source = str(request.get("EventSourceArn") or "")
        service = source.split(":")[2] if source.count(":") >= 5 else ""
        needed = _POLLING_ACTIONS.get(service)
        function = _function(context, str(request.get("FunctionName") or ""))
        if needed is None or function is None:
            return
        actions, message = needed
        refused = _role_refuses(
            context, function, str(function.latest().config.role), actions, source
        )
        if refused is not None:
            operation = refused.split(":", 1)[1]
            _invalid(message.format(arn=source, operation=operation))

    @staticmethod
    def _check_dead_letter_queue(context: RequestContext, creating: bool) -> None:
        """CreateFunction/UpdateFunctionConfiguration: the role must reach the DLQ."""
        request = context.service_request or {}
        target = str((request.get("DeadLetterConfig") or {}).get("TargetArn") or "")
        service = target.split(":")[2] if target.count(":") >= 5 else ""
        action = _DELIVERY_ACTIONS.get(service)
        if action is None or service not in ("sqs", "sns"):
            return
        name = str(request.get("FunctionName") or "")
        function = None if creating else _function(context, name)
        role = str(request.get("Role") or (function.latest().config.role if function else ""))
        if not role:
            return
        refused = _role_refuses(context, function, role, (action,), target, name=name)
        if refused is not None:
            operation = refused.split(":", 1)[1]
            _invalid(
                f"The provided execution role does not have permissions to call {operation} "
                f"on {service.upper()}"
            )

    @staticmethod
    def _check_destinations(context: RequestContext) -> None:
        """Put/UpdateFunctionEventInvokeConfig: the role must reach every destination."""
        request = context.service_request or {}
        function = _function(context, str(request.get("FunctionName") or ""))
        if function is None:
            return
        config = request.get("DestinationConfig") or {}
        for outcome in ("OnSuccess", "OnFailure"):
            target = str((config.get(outcome) or {}).get("Destination") or "")
            service = target.split(":")[2] if target.count(":") >= 5 else ""
            action = _DELIVERY_ACTIONS.get(service)
            if action is None:
                continue
            resource = target + "/*" if service == "s3" else target
            refused = _role_refuses(
                context, function, str(function.latest().config.role), (action,), resource
            )
            if refused is not None:
                operation = refused.split(":", 1)[1]
                _invalid(
                    f"The function's execution role does not have permissions to call "
                    f"{operation} on {target}"
                )


def _invalid(message: str) -> None:
    raise CommonServiceException("InvalidParameterValueException", message, status_code=400)


def _function(context: RequestContext, name: str) -> Any:
    """The Lambda function a FunctionName (name, name:qualifier, ARN) names; None if unknown."""
    from localstack.services.lambda_.invocation.models import lambda_stores  # noqa: PLC0415

    account, region = context.account_id, context.region
    if name.startswith("arn:"):
        parts = name.split(":")
        region, account, name = parts[3], parts[4], parts[6]
    return lambda_stores[account][region].functions.get(name.split(":")[0])


def _role_refuses(
    context: RequestContext,
    function: Any,
    role_arn: str,
    actions: tuple[str, ...],
    resource: str,
    *,
    name: str | None = None,
) -> str | None:
    """The first action the role may not perform on ``resource`` (as Lambda checks on setup),
    None when it may perform them all or enforcement is not on."""
    account, region = context.account_id, context.region
    given = str(name or "")
    function_name = (
        str(function.function_name)
        if function is not None
        else given.split(":function:", 1)[-1].split(":", 1)[0]
    )
    role_name = role_arn.rsplit("/", 1)[-1]
    session = f"assumed-role/{role_name}/{function_name}"
    principal = Principal(
        arn=f"arn:{context.partition or 'aws'}:sts::{account}:{session}",
        role_arn=role_arn,
        role_name=role_name,
        session_name=function_name,
        account=role_arn.split(":")[4] if role_arn.count(":") >= 5 else account,
    )
    policies = _State.identities.policies(principal)
    for action in actions:
        refusal = _State.enforcer.authorize_missing(
            principal,
            policies,
            ServiceCall("lambda", "setup", {}, region, account),
            [AuthzRequest(action, resource)],
            function=function_name,
        )
        if refusal is not None:
            return action
    return None


class IamResponseHandler:
    """A missing S3 key answers 404 only to callers that may list the bucket, else 403."""

    def __call__(self, chain: HandlerChain, context: RequestContext, response: Response) -> None:
        pending: _Pending | None = getattr(context, "lbp_iam_pending", None)
        if pending is None or response.status_code != _MISSING_STATUS:
            return
        refusal = _State.enforcer.authorize_missing(
            pending.principal,
            pending.policies,
            pending.call,
            pending.requests,
            function=pending.function,
        )
        if refusal is None or context.service is None or context.operation is None:
            return
        error = CommonServiceException(
            refusal.error.code, refusal.error.message, status_code=refusal.error.status
        )
        context.service_exception = error
        serialized = create_serializer(context.service).serialize_error_to_response(
            error, context.operation, context.request.headers, context.request_id
        )
        response.update_from(serialized)


# ---------------------------------------------------------------------------- internal routes
def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, indent=2) + "\n", status, mimetype="application/json")


class IamResource:
    """GET /_lbp/iam: mode and authorization timings (POST /_lbp/iam/timings/reset clears them);
    GET /_lbp/iam/report[?format=markdown]; POST /_lbp/iam/report/reset clears report + timings."""

    def on_get(self, request: Request) -> Response:
        return _json(
            {
                "enforcement": "lambda-blueprints IAM",
                "mode": _State.enforcer.mode.value,
                "setting": VARIABLE,
                "authorization_us": _State.enforcer.timings.summary(),
            }
        )


class IamReportResource:
    def on_get(self, request: Request) -> Response:
        data = _State.enforcer.report.to_json()
        if request.args.get("format") in ("markdown", "md", "text"):
            return Response(render_markdown(data), 200, mimetype="text/markdown")
        return _json(data)


class IamResetResource:
    def on_post(self, request: Request) -> Response:
        _State.enforcer.reset()
        return _json({"reset": True, "mode": _State.enforcer.mode.value})


class IamTimingsResetResource:
    def on_post(self, request: Request) -> Response:
        _State.enforcer.timings = Timings()
        return _json({"reset": True})


def write_report(folder: Path | None = None) -> Path | None:
    target = folder or (
        Path(os.environ[REPORT_DIR_VARIABLE]) if os.environ.get(REPORT_DIR_VARIABLE) else None
    )
    if target is None:
        return None
    json_path, _ = _State.enforcer.report.write(target)
    return json_path


# ---------------------------------------------------------------------------- hooks
@hooks.on_infra_start()  # type: ignore[untyped-decorator,unused-ignore]
def lbp_iam_start() -> None:
    from localstack.aws import handlers  # noqa: PLC0415
    from localstack.services.internal import get_internal_apis  # noqa: PLC0415

    _State.enforcer = Enforcer(mode_from_environment())
    handlers.serve_custom_service_request_handlers.append(IamRequestHandler())
    handlers.run_custom_response_handlers.append(IamResponseHandler())
    apis = get_internal_apis()
    apis.add(Resource(ROUTE, IamResource()))
    apis.add(Resource(f"{ROUTE}/report", IamReportResource()))
    apis.add(Resource(f"{ROUTE}/report/reset", IamResetResource()))
    apis.add(Resource(f"{ROUTE}/timings/reset", IamTimingsResetResource()))
    LOG.info("IAM enforcement for role sessions: %s=%s", VARIABLE, _State.enforcer.mode.value)


@hooks.on_infra_shutdown()  # type: ignore[untyped-decorator,unused-ignore]
def lbp_iam_stop() -> None:
    path = write_report()
    if path is not None:
        LOG.info("IAM report written to %s", path)
