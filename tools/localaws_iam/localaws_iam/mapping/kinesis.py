"""Kinesis: stream/consumer ARNs from names or ARNs, KMS for encrypted streams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Mapper, ServiceMapping, arn_parts, request_tags, tag_list
from localaws_iam.model import AuthzRequest


def _from_arn(arn: str) -> dict[str, str]:
    _, region, account, resource = arn_parts(arn)
    parts = resource.split("/")
    out = {"StreamName": parts[1], "Region": region, "Account": account}
    if len(parts) >= 4 and parts[2] == "consumer":
        name, _, created = parts[3].partition(":")
        out.update(
            {"StreamType": parts[0], "ConsumerName": name, "ConsumerCreationTimpstamp": created}
        )
    return out


def values(params: Mapping[str, Any]) -> dict[str, str]:
    for key in ("ConsumerARN", "StreamARN", "ResourceARN"):
        if params.get(key):
            return _from_arn(str(params[key]))
    if params.get("StreamName"):
        return {"StreamName": str(params["StreamName"])}
    return {}


def _stream(m: Mapper) -> str:
    return m.arn("stream")


def _with_key(m: Mapper, action: str, kms_action: str) -> list[AuthzRequest]:
    stream = _stream(m)
    key = m.lookup.kms_key(stream)
    return [
        m.request(action, stream, m.resource_tags(stream)),
        *m.kms(key, [kms_action], encryption_context={"aws:kinesis:arn": stream}),
    ]


def put(m: Mapper) -> list[AuthzRequest]:
    """PutRecord(s); an encrypted stream needs kms:GenerateDataKey on its key."""
    return _with_key(m, m.call.operation, "GenerateDataKey")


def get_records(m: Mapper) -> list[AuthzRequest]:
    """GetRecords names its stream only by StreamARN (the iterator is opaque); kms:Decrypt."""
    if "StreamName" not in m.values:
        raise m.fail("GetRecords needs the stream: pass StreamARN beside the ShardIterator")
    return _with_key(m, "GetRecords", "Decrypt")


def create_stream(m: Mapper) -> list[AuthzRequest]:
    tags = tag_list(m.params.get("Tags"))
    stream = _stream(m)
    requests = [m.request("CreateStream", stream, request_tags(tags))]
    if tags:
        requests.append(m.request("AddTagsToStream", stream, request_tags(tags)))
    return requests


HANDLERS = {
    "PutRecord": put,
    "PutRecords": put,
    "GetRecords": get_records,
    "CreateStream": create_stream,
}

MAPPING = ServiceMapping(prefix="kinesis", values=values, handlers=HANDLERS)
