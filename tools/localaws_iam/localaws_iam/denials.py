"""Denials as AWS words and codes them, in each service's own error shape.

The message forms are AWS's (2024+ "enhanced" access-denied messages):
``User: <principal> is not authorized to perform: <action> on resource: <arn> because no
identity-based policy allows the <action> action`` or ``... with an explicit deny in an
identity-based policy``. Actions without a resource type (Resource "*") name no resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Decision


@dataclass(frozen=True)
class ServiceError:
    code: str
    status: int
    message: str


# botocore service name -> (error code, HTTP status) of its access-denied error.
_ERRORS: dict[str, tuple[str, int]] = {
    "s3": ("AccessDenied", 403),
    "dynamodb": ("AccessDeniedException", 400),
    "dynamodbstreams": ("AccessDeniedException", 400),
    "ec2": ("UnauthorizedOperation", 403),
    "sqs": ("AccessDenied", 403),
    "sns": ("AuthorizationError", 403),
    "ssm": ("AccessDeniedException", 400),
    "kms": ("AccessDeniedException", 400),
    "logs": ("AccessDeniedException", 400),
    "kinesis": ("AccessDeniedException", 400),
    "lambda": ("AccessDeniedException", 403),
    "sts": ("AccessDenied", 403),
    "iam": ("AccessDenied", 403),
    "cloudwatch": ("AccessDenied", 403),
    "ses": ("AccessDenied", 403),
    "sesv2": ("AccessDeniedException", 403),
    "events": ("AccessDeniedException", 400),
    "scheduler": ("AccessDeniedException", 403),
    "secretsmanager": ("AccessDeniedException", 400),
    "stepfunctions": ("AccessDeniedException", 400),
}
_DEFAULT = ("AccessDeniedException", 403)
# When the refused action is the KMS call a service makes with the caller's credentials (a
# resource under a customer-managed key), some services answer with their own KMS error.
_KMS_ERRORS: dict[str, tuple[str, int]] = {
    "sqs": ("KMS.AccessDeniedException", 400),
    "sns": ("KMSAccessDenied", 400),
    "kinesis": ("KMSAccessDeniedException", 400),
}


def error_code(service: str) -> tuple[str, int]:
    return _ERRORS.get(service, _DEFAULT)


def _shown_action(service: str, action: str) -> str:
    # SNS spells its own prefix in capitals in its messages (SNS:Publish).
    if service == "sns" and action.lower().startswith("sns:"):
        return "SNS:" + action.split(":", 1)[1]
    return action


def denial_message(principal_arn: str, decision: Decision, service: str) -> str:
    action = _shown_action(service, decision.request.action)
    resource = decision.request.resource
    if resource and resource != "*":
        shown = f'"{resource}"' if service == "s3" else resource
        target = f"{action} on resource: {shown}"
    else:
        target = action
    if decision.kind == "explicit_deny":
        reason = "with an explicit deny in an identity-based policy"
    else:
        reason = f"because no identity-based policy allows the {action} action"
    message = f"User: {principal_arn} is not authorized to perform: {target} {reason}"
    if service == "ec2":
        return f"You are not authorized to perform this operation. {message}"
    return message


def denial_error(principal_arn: str, decision: Decision, service: str) -> ServiceError:
    code, status = error_code(service)
    if decision.request.action.lower().startswith("kms:") and service in _KMS_ERRORS:
        code, status = _KMS_ERRORS[service]
    return ServiceError(code, status, denial_message(principal_arn, decision, service))


def unmapped_error(service: str, message: str) -> ServiceError:
    code, status = error_code(service)
    return ServiceError(code, status, message)
