"""Reads from the index table, returning plain JSON-ready records.

Tombstones (deleted=true) are invisible. A FilterExpression applies after Limit, so one Query
page may hold fewer live items than asked for; listing keeps querying until the page is full
or the partition range is exhausted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

INTERNAL_ATTRIBUTES = frozenset({"sequencer_sort", "deleted", "expires_at"})
_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class ListObjects:
    bucket: str
    prefix: str
    limit: int
    start_key: dict[str, str] | None


def list_objects(
    client: Any, table_name: str, route: ListObjects
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """Return up to route.limit live records and the key to resume after, if more may follow."""
    items: list[dict[str, Any]] = []
    start_key = route.start_key
    while True:
        page = client.query(**_query_request(table_name, route, start_key))
        live = [record for record in map(to_record, page.get("Items", [])) if record]
        room = route.limit - len(items)
        items.extend(live[:room])
        more = len(live) > room or "LastEvaluatedKey" in page
        if len(items) == route.limit:
            last = items[-1]
            return items, ({"bucket": last["bucket"], "key": last["key"]} if more else None)
        if "LastEvaluatedKey" not in page:
            return items, None
        start_key = {name: value["S"] for name, value in page["LastEvaluatedKey"].items()}


def get_object(client: Any, table_name: str, bucket: str, key: str) -> dict[str, Any] | None:
    response = client.get_item(
        TableName=table_name,
        Key={"bucket": {"S": bucket}, "key": {"S": key}},
        ConsistentRead=True,
    )
    return to_record(response["Item"]) if "Item" in response else None


def to_record(item: dict[str, Any]) -> dict[str, Any] | None:
    """Plain JSON view of a stored item; None for a tombstone."""
    plain = {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}
    if plain.get("deleted") is True:
        return None
    return {name: value for name, value in plain.items() if name not in INTERNAL_ATTRIBUTES}


def _query_request(
    table_name: str, route: ListObjects, start_key: dict[str, str] | None
) -> dict[str, Any]:
    condition = "#bucket = :bucket"
    values: dict[str, Any] = {":bucket": {"S": route.bucket}, ":true": {"BOOL": True}}
    if route.prefix:
        condition += " AND begins_with(#key, :prefix)"
        values[":prefix"] = {"S": route.prefix}
    request: dict[str, Any] = {
        "TableName": table_name,
        "KeyConditionExpression": condition,
        "FilterExpression": "#deleted <> :true",
        "ExpressionAttributeNames": {"#bucket": "bucket", "#deleted": "deleted"}
        | ({"#key": "key"} if route.prefix else {}),
        "ExpressionAttributeValues": values,
        "Limit": route.limit,
    }
    if start_key:
        request["ExclusiveStartKey"] = {name: {"S": value} for name, value in start_key.items()}
    return request


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set):
        return sorted(_plain(member) for member in value)
    if isinstance(value, dict):
        return {name: _plain(member) for name, member in value.items()}
    if isinstance(value, list):
        return [_plain(member) for member in value]
    return value
