"""DynamoDB and DynamoDB Streams: per-item transactions, per-table batches, index ARNs, KMS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import (
    Context,
    Mapper,
    ServiceMapping,
    arn_parts,
    request_tags,
    tag_list,
)
from localaws_iam.model import AuthzRequest


def _table_values(name: str) -> dict[str, str]:
    """TableName may be a name or (since 2024) a table ARN."""
    if name.startswith("arn:"):
        _, region, account, resource = arn_parts(name)
        parts = resource.split("/")
        out = {"TableName": parts[1], "Region": region, "Account": account}
        if len(parts) >= 4 and parts[2] == "index":
            out["IndexName"] = parts[3]
        return out
    return {"TableName": name}


def values(params: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("TableName", "TargetTableName", "TableArn", "ResourceArn"):
        if params.get(key):
            out.update(_table_values(str(params[key])))
            break
    if params.get("GlobalTableName"):
        out["GlobalTableName"] = str(params["GlobalTableName"])
    if params.get("IndexName"):
        out["IndexName"] = str(params["IndexName"])
    if params.get("StreamArn"):
        out.update(stream_values(str(params["StreamArn"])))
    return out


def stream_values(arn: str) -> dict[str, str]:
    """arn:aws:dynamodb:R:A:table/T/stream/LABEL -> placeholders of the dataset's stream type."""
    _, region, account, resource = arn_parts(arn)
    parts = resource.split("/")
    if len(parts) != 4 or parts[0] != "table" or parts[2] != "stream":
        raise ValueError(f"not a DynamoDB stream ARN: {arn!r}")
    return {"TableName": parts[1], "StreamLabel": parts[3], "Region": region, "Account": account}


def streams_values(params: Mapping[str, Any]) -> dict[str, str]:
    if params.get("StreamArn"):
        return stream_values(str(params["StreamArn"]))
    iterator = str(params.get("ShardIterator") or "")
    if iterator.startswith("arn:") and "|" in iterator:
        # LocalStack's iterators are "<stream ARN>|1|<kinesis iterator>"; AWS's are opaque.
        return stream_values(iterator.split("|", 1)[0])
    if params.get("TableName"):
        return _table_values(str(params["TableName"]))
    return {}


def _kms(m: Mapper, table_arn: str) -> list[AuthzRequest]:
    table = table_arn.rsplit("/", 1)[-1]
    return m.kms(
        m.lookup.kms_key(table_arn),
        ["Decrypt"],
        encryption_context={"aws:dynamodb:tableName": table},
    )


def _context(params: Mapping[str, Any]) -> Context:
    context: Context = {}
    for param, key in (
        ("Select", "dynamodb:Select"),
        ("ReturnValues", "dynamodb:ReturnValues"),
        ("ReturnConsumedCapacity", "dynamodb:ReturnConsumedCapacity"),
    ):
        if params.get(param):
            context[key] = str(params[param])
    return context


def item(m: Mapper) -> list[AuthzRequest]:
    """GetItem/PutItem/UpdateItem/DeleteItem on the table (+ kms:Decrypt on a customer key)."""
    table = m.arn("table")
    return [m.request(m.call.operation, table, {**m.resource_tags(table), **_context(m.params)})]


def query_scan(m: Mapper) -> list[AuthzRequest]:
    """Query/Scan on the table, or on the index ARN (table/T/index/I) with IndexName."""
    rtype = "index" if m.values.get("IndexName") else "table"
    arn = m.arn(rtype)
    table = m.arn("table")
    return [m.request(m.call.operation, arn, {**m.resource_tags(table), **_context(m.params)})]


def _table_for(m: Mapper, name: str) -> str:
    return m.arn("table", _table_values(name))


_TRANSACT_WRITE = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def transact_write_items(m: Mapper) -> list[AuthzRequest]:
    """One request per item; AWS has no dynamodb:TransactWriteItems action."""
    requests: list[AuthzRequest] = []
    for entry in m.params.get("TransactItems") or []:
        for member, action in _TRANSACT_WRITE.items():
            if member in entry:
                table = _table_for(m, str(entry[member]["TableName"]))
                context = {
                    **m.resource_tags(table),
                    "dynamodb:EnclosingOperation": "TransactWriteItems",
                    **_context(entry[member]),
                }
                requests.append(m.request(action, table, context))
                requests += _kms(m, table)
    if not requests:
        raise m.fail("TransactWriteItems without TransactItems")
    return requests


def transact_get_items(m: Mapper) -> list[AuthzRequest]:
    requests: list[AuthzRequest] = []
    for entry in m.params.get("TransactItems") or []:
        table = _table_for(m, str(entry["Get"]["TableName"]))
        context = {**m.resource_tags(table), "dynamodb:EnclosingOperation": "TransactGetItems"}
        requests.append(m.request("GetItem", table, context))
        requests += _kms(m, table)
    if not requests:
        raise m.fail("TransactGetItems without TransactItems")
    return requests


def batch(m: Mapper) -> list[AuthzRequest]:
    """BatchGetItem/BatchWriteItem: the batch action on each table (as AWS authorizes them)."""
    requests: list[AuthzRequest] = []
    for name in m.params.get("RequestItems") or {}:
        table = _table_for(m, str(name))
        requests.append(
            m.request(m.call.operation, table, {**m.resource_tags(table), **_context(m.params)})
        )
        requests += _kms(m, table)
    if not requests:
        raise m.fail(f"{m.call.operation} without RequestItems")
    return requests


def _with_kms(handler: Any) -> Any:
    def wrapped(m: Mapper) -> list[AuthzRequest]:
        requests: list[AuthzRequest] = handler(m)
        return requests + _kms(m, m.arn("table"))

    return wrapped


def create_table(m: Mapper) -> list[AuthzRequest]:
    table = m.arn("table")
    tags = tag_list(m.params.get("Tags"))
    requests = [m.request("CreateTable", table, request_tags(tags))]
    if tags:
        requests.append(m.request("TagResource", table, request_tags(tags)))
    return requests


HANDLERS = {
    "GetItem": _with_kms(item),
    "PutItem": _with_kms(item),
    "UpdateItem": _with_kms(item),
    "DeleteItem": _with_kms(item),
    "Query": _with_kms(query_scan),
    "Scan": _with_kms(query_scan),
    "TransactWriteItems": transact_write_items,
    "TransactGetItems": transact_get_items,
    "BatchWriteItem": batch,
    "BatchGetItem": batch,
    "CreateTable": create_table,
}

MAPPING = ServiceMapping(prefix="dynamodb", values=values, handlers=HANDLERS)

# dynamodbstreams: DescribeStream/GetShardIterator on the stream ARN; GetRecords carries only a
# shard iterator: the stream comes from LocalStack's iterator format or an explicit StreamArn.


def get_records(m: Mapper) -> list[AuthzRequest]:
    if "StreamLabel" not in m.values:
        raise m.fail("GetRecords: the ShardIterator does not name its stream (pass StreamArn)")
    # Stream records of a table under a customer key are decrypted with the reader's rights.
    return m.default("GetRecords") + _kms(m, m.arn("table"))


STREAMS_MAPPING = ServiceMapping(
    prefix="dynamodb", values=streams_values, handlers={"GetRecords": get_records}
)
