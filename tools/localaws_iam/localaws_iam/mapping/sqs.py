"""SQS: queue URL -> queue ARN, batch operations, tags on create, KMS for encrypted queues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from localaws_iam.mapping.base import Mapper, ServiceMapping, request_tags
from localaws_iam.model import AuthzRequest


def queue_url_values(url: str) -> dict[str, str]:
    """http(s)://host/ACCOUNT/NAME -> {"QueueName": NAME, "Account": ACCOUNT}."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if not parts:
        raise ValueError(f"not an SQS queue URL: {url!r}")
    out = {"QueueName": parts[-1]}
    if len(parts) >= 2 and parts[-2].isdigit():
        out["Account"] = parts[-2]
    return out


def values(params: Mapping[str, Any]) -> dict[str, str]:
    if params.get("QueueUrl"):
        return queue_url_values(str(params["QueueUrl"]))
    if params.get("QueueName"):
        out = {"QueueName": str(params["QueueName"])}
        if params.get("QueueOwnerAWSAccountId"):
            out["Account"] = str(params["QueueOwnerAWSAccountId"])
        return out
    if params.get("SourceArn"):  # message move tasks
        arn = str(params["SourceArn"])
        parts = arn.split(":")
        return {"QueueName": parts[5], "Region": parts[3], "Account": parts[4]}
    return {}


def _kms(m: Mapper, queue: str, actions: list[str]) -> list[AuthzRequest]:
    return m.kms(m.lookup.kms_key(queue), actions, encryption_context={"aws:sqs:arn": queue})


def _with_kms(action: str, kms_actions: list[str]) -> Any:
    def handler(m: Mapper) -> list[AuthzRequest]:
        requests = m.default(action)
        return requests + _kms(m, requests[0].resource, kms_actions)

    return handler


def create_queue(m: Mapper) -> list[AuthzRequest]:
    """CreateQueue (+ sqs:TagQueue when tags are given, as AWS requires)."""
    tags = {str(k): str(v) for k, v in (m.params.get("tags") or {}).items()}
    queue = m.arn("queue")
    requests = [m.request("CreateQueue", queue, request_tags(tags))]
    if tags:
        requests.append(m.request("TagQueue", queue, request_tags(tags)))
    return requests


RENAMES = {
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}

HANDLERS = {
    # A customer-managed key: sending needs GenerateDataKey and Decrypt, receiving Decrypt.
    "SendMessage": _with_kms("SendMessage", ["GenerateDataKey", "Decrypt"]),
    "SendMessageBatch": _with_kms("SendMessage", ["GenerateDataKey", "Decrypt"]),
    "ReceiveMessage": _with_kms("ReceiveMessage", ["Decrypt"]),
    "CreateQueue": create_queue,
}

MAPPING = ServiceMapping(prefix="sqs", values=values, renames=RENAMES, handlers=HANDLERS)
