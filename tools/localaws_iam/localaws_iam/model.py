"""The shapes shared by the request mapper, the evaluator and the LocalStack extension.

mapping.py:   ServiceCall + ResourceLookup -> Authorization (the AuthzRequests AWS would check)
evaluator.py: Principal + policies + AuthzRequest -> Decision (AWS's evaluation logic)
extension:    identifies the principal, runs both, renders denials in each service's protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

# A condition-context value: AWS keys are single- or multi-valued strings; booleans, numbers and
# dates are compared by the operators after conversion from their string form.
ContextValue = str | Sequence[str]


@dataclass(frozen=True)
class Principal:
    """The caller: an assumed-role session, e.g. arn:aws:sts::000000000000:assumed-role/R/fn."""

    arn: str
    role_arn: str
    role_name: str
    session_name: str
    account: str
    role_id: str | None = None  # AROA...: gives aws:userid = ROLEID:session when known


@dataclass(frozen=True)
class PolicyDocument:
    """One identity-based policy attached to the role (inline or managed), already parsed JSON."""

    name: str  # inline policy name, or the managed policy's ARN
    document: Mapping[str, Any]
    managed: bool = False


@dataclass(frozen=True)
class AuthzRequest:
    """One authorization AWS performs: an action on a resource, with its condition context.

    ``context`` keys are condition keys as AWS spells them (looked up case-insensitively),
    e.g. "aws:ResourceTag/Env", "s3:prefix", "ec2:CreateAction". Global keys that depend only on
    the principal or the transport (aws:PrincipalArn, aws:SecureTransport, aws:CurrentTime,
    aws:username...) are added by the caller of the evaluator, not by the mapper.
    """

    action: str  # "s3:GetObject"
    resource: str  # an ARN, or "*" for actions without resource types
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class StatementRef:
    """Which statement decided: the policy's name/ARN, its index and Sid (for the report)."""

    policy: str
    index: int
    sid: str | None = None


DecisionKind = Literal["allow", "explicit_deny", "implicit_deny"]


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    request: AuthzRequest
    statement: StatementRef | None = None  # the allowing or denying statement

    @property
    def allowed(self) -> bool:
        return self.kind == "allow"


@dataclass(frozen=True)
class ServiceCall:
    """A parsed AWS API request, as LocalStack sees it.

    ``service`` is botocore's service name (s3, dynamodb, ec2, sqs, sns, kinesis, ssm, kms, ses,
    sesv2, monitoring, logs, lambda, events, scheduler, sts, dynamodbstreams); ``operation`` the
    API operation name (GetObject); ``params`` the request parsed into botocore's input shape
    (member names as in boto3: Bucket, Key, TableName, QueueUrl...).
    """

    service: str
    operation: str
    params: Mapping[str, Any]
    region: str
    account: str
    partition: str = "aws"


@dataclass(frozen=True)
class Authorization:
    """What AWS authorizes for one call.

    ``requests``: all must be allowed. ``if_missing``: checked only when the target does not
    exist (S3: without s3:ListBucket a missing key answers 403 AccessDenied, not 404 NoSuchKey).
    """

    requests: Sequence[AuthzRequest]
    if_missing: Sequence[AuthzRequest] = ()


class UnmappedOperationError(LookupError):
    """An operation this project has no request mapping for: denied in enforce mode."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"IAM enforcement has no request mapping for {service}:{operation}; "
            "add one in tools/localaws_iam/localaws_iam/mapping/ (see its README)"
        )
        self.service = service
        self.operation = operation


class ResourceLookup(Protocol):
    """Facts about existing resources the mapper needs for condition keys and KMS checks."""

    def tags(self, arn: str) -> Mapping[str, str] | None:
        """The resource's tags (None if it does not exist or has none known)."""

    def kms_key(self, arn: str) -> str | None:
        """The customer-managed KMS key ARN protecting the resource, None if none/AWS-managed."""
