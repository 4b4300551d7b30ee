"""ResourceLookup over LocalStack's and moto's in-memory stores (runs inside LocalStack only).

Each lookup reads the store the service provider itself keeps; anything unknown or missing answers
None, which the mapper treats as "no tags" / "no customer-managed key".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

LOG = logging.getLogger(__name__)

_AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"


def _split(arn: str) -> tuple[str, str, str, str, str] | None:
    """(partition, service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def _safely(what: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # a store layout we do not know: the resource is unknown
        LOG.debug("IAM lookup of %s failed: %s", what, exc)
        return None


class LocalStackLookup:
    """Tags and customer-managed KMS keys of existing resources, read from the stores."""

    def tags(self, arn: str) -> Mapping[str, str] | None:
        parts = _split(arn)
        if parts is None:
            return None
        reader = _TAG_READERS.get(parts[1])
        if reader is None:
            return None
        result = _safely(f"tags of {arn}", lambda: reader(*parts))
        return dict(result) if result else None

    def kms_key(self, arn: str) -> str | None:
        parts = _split(arn)
        if parts is None:
            return None
        reader = _KEY_READERS.get(parts[1])
        if reader is None:
            return None
        key = _safely(f"KMS key of {arn}", lambda: reader(*parts))
        if not key:
            return None
        return _customer_key_arn(str(key), region=parts[2], account=parts[3], partition=parts[0])


# ---------------------------------------------------------------------------- KMS
def _kms_store(account: str, region: str) -> Any:
    from localstack.services.kms.models import kms_stores  # noqa: PLC0415

    return kms_stores[account][region]


def _customer_key_arn(key: str, *, region: str, account: str, partition: str) -> str | None:
    """A key id, key ARN, alias name or alias ARN -> the key's ARN; None for AWS managed keys."""
    if key.startswith("arn:"):
        parts = _split(key)
        if parts is None:
            return None
        partition, _, region, account, resource = parts
        key = resource
    if key.startswith("alias/"):
        if key.startswith(_AWS_MANAGED_ALIAS_PREFIX):
            return None
        alias = _kms_store(account, region).aliases.get(key)
        if alias is None:
            return None
        key = alias.metadata["TargetKeyId"]
    key_id = key.removeprefix("key/")
    stored = _kms_store(account, region).keys.get(key_id)
    if stored is not None and stored.metadata.get("KeyManager") == "AWS":
        return None
    return f"arn:{partition}:kms:{region}:{account}:key/{key_id}"


def _kms_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    # An alias ARN resolves to its target key (the mapper asks for that).
    if resource.startswith("alias/"):
        return resource
    return None


def _kms_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    key = _kms_store(account, region).keys.get(resource.removeprefix("key/"))
    return key.tags if key is not None else None


# ---------------------------------------------------------------------------- S3
def _s3_store() -> Any:
    from localstack.services.s3.models import s3_stores  # noqa: PLC0415

    return s3_stores


def _s3_bucket(name: str) -> tuple[Any, Any] | None:
    stores = _s3_store()
    # Buckets are global: the default store knows which account owns the name.
    for account in list(stores.keys()):
        store = stores[account]["us-east-1"]
        bucket = store.buckets.get(name)
        if bucket is not None:
            return store, bucket
    return None


def _s3_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    name, _, key = resource.partition("/")
    found = _s3_bucket(name)
    if found is None:
        return None
    store, bucket = found
    if not key:
        return store.TAGS.tags.get(bucket.bucket_arn)
    obj = bucket.objects.get(key)
    if obj is None:
        return None
    return store.TAGS.tags.get(f"{name}/{key}/{obj.version_id or 'null'}")


def _s3_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    name, _, key = resource.partition("/")
    found = _s3_bucket(name)
    if found is None:
        return None
    _, bucket = found
    if key:
        obj = bucket.objects.get(key)
        if obj is None:
            return None
        if str(obj.encryption or "").startswith("aws:kms"):
            return obj.kms_key_id
        return None
    rule = bucket.encryption_rule or {}
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    if str(default.get("SSEAlgorithm", "")).startswith("aws:kms"):
        return default.get("KMSMasterKeyID")
    return None


# ---------------------------------------------------------------------------- SQS
def _sqs_queue(region: str, account: str, resource: str) -> Any:
    from localstack.services.sqs.models import sqs_stores  # noqa: PLC0415

    return sqs_stores[account][region].queues.get(resource)


def _sqs_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    queue = _sqs_queue(region, account, resource)
    return queue.tags if queue is not None else None


def _sqs_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    queue = _sqs_queue(region, account, resource)
    return queue.attributes.get("KmsMasterKeyId") if queue is not None else None


# ---------------------------------------------------------------------------- SNS
def _sns_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    from localstack.services.sns.models import sns_stores  # noqa: PLC0415

    arn = f"arn:{partition}:sns:{region}:{account}:{resource}"
    tags = sns_stores[account][region].sns_tags.get(arn)
    return {t["Key"]: t["Value"] for t in tags} if tags else None


def _sns_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    from moto.sns.models import sns_backends  # noqa: PLC0415

    arn = f"arn:{partition}:sns:{region}:{account}:{resource}"
    topic = sns_backends[account][region].topics.get(arn)
    return topic.kms_master_key_id if topic is not None else None


# ---------------------------------------------------------------------------- DynamoDB
def _ddb_store(account: str, region: str) -> Any:
    from localstack.services.dynamodb.models import dynamodb_stores  # noqa: PLC0415

    return dynamodb_stores[account][region]


def _ddb_table(resource: str) -> str:
    return resource.split("/")[1] if resource.startswith("table/") else resource


def _ddb_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    table = _ddb_table(resource)
    arn = f"arn:{partition}:dynamodb:{region}:{account}:table/{table}"
    return _ddb_store(account, region).TABLE_TAGS.get(arn)


def _ddb_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    definition = _ddb_store(account, region).table_definitions.get(_ddb_table(resource)) or {}
    sse = definition.get("SSEDescription") or {}
    if sse.get("SSEType") == "KMS":
        return sse.get("KMSMasterKeyArn")
    return None


# ---------------------------------------------------------------------------- EC2
def _ec2_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    from moto.ec2.models import ec2_backends  # noqa: PLC0415

    resource_id = resource.rsplit("/", 1)[-1]
    if account:
        return ec2_backends[account][region].tags.get(resource_id)
    # Snapshot and image ARNs carry no account (arn:aws:ec2:REGION::snapshot/snap-...): their
    # ids are unique, so look in every account's backend of that region.
    for backend in list(ec2_backends.values()):
        tags = backend[region].tags.get(resource_id)
        if tags:
            return tags
    return None


# ---------------------------------------------------------------------------- SSM
def _ssm_parameter(region: str, account: str, resource: str) -> Any:
    from moto.ssm.models import ssm_backends  # noqa: PLC0415

    name = resource.removeprefix("parameter")
    name = name if name.startswith("/") else "/" + name
    backend = ssm_backends[account][region]
    versions = backend._parameters.get(name) or backend._parameters.get(name.lstrip("/"))
    return (backend, versions[-1]) if versions else None


def _ssm_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    found = _ssm_parameter(region, account, resource)
    if found is None:
        return None
    backend, parameter = found
    return backend._resource_tags.get("Parameter", {}).get(parameter.name)


def _ssm_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    found = _ssm_parameter(region, account, resource)
    if found is None:
        return None
    _, parameter = found
    if parameter.parameter_type != "SecureString":
        return None
    return parameter.keyid or "alias/aws/ssm"


# ---------------------------------------------------------------------------- Kinesis
# Stream encryption lives in kinesis-mock (a separate process): asked with the account's own
# credentials (unrestricted), cached briefly, and forgotten when a request changes encryption.
KINESIS_KEY_TTL = 5.0
_kinesis_keys: dict[str, tuple[float, str | None]] = {}


def forget_kinesis_keys() -> None:
    _kinesis_keys.clear()


def _kinesis_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    from localstack.aws.connect import connect_to  # noqa: PLC0415

    arn = f"arn:{partition}:kinesis:{region}:{account}:{resource}"
    cached = _kinesis_keys.get(arn)
    if cached is not None and time.monotonic() - cached[0] < KINESIS_KEY_TTL:
        return cached[1]
    client = connect_to(aws_access_key_id=account, region_name=region).kinesis
    summary = client.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    key = summary.get("KeyId") if summary.get("EncryptionType") == "KMS" else None
    _kinesis_keys[arn] = (time.monotonic(), key)
    return key


# ---------------------------------------------------------------------------- Logs
def _logs_group(region: str, account: str, resource: str) -> Any:
    from moto.logs.models import logs_backends  # noqa: PLC0415

    name = resource.removeprefix("log-group:").split(":log-stream:", 1)[0]
    return logs_backends[account][region].groups.get(name.removesuffix(":*"))


def _logs_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    group = _logs_group(region, account, resource)
    return group.tags if group is not None else None


def _logs_key(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    group = _logs_group(region, account, resource)
    return group.kms_key_id if group is not None else None


def log_group_exists(account: str, region: str, name: str) -> bool:
    return bool(_safely(f"log group {name}", lambda: _logs_group(region, account, name)))


# ---------------------------------------------------------------------------- Lambda
def _lambda_tags(partition: str, service: str, region: str, account: str, resource: str) -> Any:
    from localstack.services.lambda_.invocation.models import lambda_stores  # noqa: PLC0415

    name = resource.split(":")[1] if resource.startswith("function:") else None
    if name is None:
        return None
    arn = f"arn:{partition}:lambda:{region}:{account}:function:{name}"
    return lambda_stores[account][region].TAGS.tags.get(arn)


_Reader = Callable[[str, str, str, str, str], Any]
_TAG_READERS: dict[str, _Reader] = {
    "s3": _s3_tags,
    "sqs": _sqs_tags,
    "sns": _sns_tags,
    "dynamodb": _ddb_tags,
    "ec2": _ec2_tags,
    "ssm": _ssm_tags,
    "logs": _logs_tags,
    "kms": _kms_tags,
    "lambda": _lambda_tags,
}
_KEY_READERS: dict[str, _Reader] = {
    "s3": _s3_key,
    "sqs": _sqs_key,
    "sns": _sns_key,
    "dynamodb": _ddb_key,
    "ssm": _ssm_key,
    "logs": _logs_key,
    "kms": _kms_key,
    "kinesis": _kinesis_key,
}
