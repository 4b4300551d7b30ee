"""SNS: topic ARNs from TopicArn/TargetArn/Name, Publish (+ KMS on encrypted topics), tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping, arn_parts, request_tags, tag_list
from localaws_iam.model import AuthzRequest


def _topic(arn: str) -> dict[str, str]:
    _, region, account, resource = arn_parts(arn)
    # Subscription ARNs are TOPIC:ID; platform endpoints are app/... or endpoint/...
    return {"TopicName": resource.split(":", 1)[0], "Region": region, "Account": account}


def values(params: Mapping[str, Any]) -> dict[str, str]:
    for key in ("TopicArn", "TargetArn", "ResourceArn", "SubscriptionArn"):
        value = params.get(key)
        if value and str(value).startswith("arn:") and "/" not in str(value).split(":", 5)[5]:
            return _topic(str(value))
    if params.get("Name"):
        return {"TopicName": str(params["Name"])}
    return {}


def publish(m: Mapper) -> list[AuthzRequest]:
    """sns:Publish on the topic; an encrypted topic also needs kms:GenerateDataKey + Decrypt."""
    requests = m.default("Publish", types=["topic"])
    topic = requests[0].resource
    return requests + m.kms(m.lookup.kms_key(topic), ["GenerateDataKey", "Decrypt"])


def create_topic(m: Mapper) -> list[AuthzRequest]:
    tags = tag_list(m.params.get("Tags"))
    topic = m.arn("topic")
    requests = [m.request("CreateTopic", topic, request_tags(tags))]
    if tags:
        requests.append(m.request("TagResource", topic, request_tags(tags)))
    return requests


HANDLERS = {"Publish": publish, "PublishBatch": publish, "CreateTopic": create_topic}

MAPPING = ServiceMapping(prefix="sns", values=values, handlers=HANDLERS)
