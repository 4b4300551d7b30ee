"""Request fixtures and table builders for the query API tests."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from s3_object_index.records import ObjectChange
from s3_object_index.store import serialise, to_item

EVENTS = Path(__file__).parent / "events"
TABLE = "object-index"
BUCKET = "lbp-uploads"


def load_request(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def function_url_event(raw_path: str, raw_query: str = "", method: str = "GET") -> dict[str, Any]:
    event = copy.deepcopy(load_request("function_url_list"))
    event.pop("queryStringParameters", None)
    event["rawPath"] = raw_path
    event["rawQueryString"] = raw_query
    event["requestContext"]["http"] |= {"method": method, "path": raw_path}
    return event


def rest_event(
    path: str, query: dict[str, list[str]] | None = None, method: str = "GET"
) -> dict[str, Any]:
    event = copy.deepcopy(load_request("rest_api_list"))
    event |= {
        "path": path,
        "httpMethod": method,
        "multiValueQueryStringParameters": query,
        "queryStringParameters": {name: values[-1] for name, values in query.items()}
        if query
        else None,
    }
    return event


def put_object_row(
    dynamodb: Any, key: str, deleted: bool = False, bucket: str = BUCKET, size: int = 7
) -> None:
    change = ObjectChange(
        bucket=bucket,
        key=key,
        event_name="ObjectRemoved:Delete" if deleted else "ObjectCreated:Put",
        event_time="2024-05-01T10:00:00.000Z",
        sequencer="0A",
        sequencer_sort="0A".ljust(32, "0"),
        deleted=deleted,
        size=None if deleted else size,
        etag=None if deleted else "etag",
    )
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    item = serialise(to_item(change, now, timedelta(days=7)))
    dynamodb.put_item(TableName=TABLE, Item=item)


@pytest.fixture(name="load_request")
def _load_request_fixture() -> Any:
    return load_request


@pytest.fixture(name="function_url_event")
def _function_url_event_fixture() -> Any:
    return function_url_event


@pytest.fixture(name="rest_event")
def _rest_event_fixture() -> Any:
    return rest_event


@pytest.fixture(name="put_object_row")
def _put_object_row_fixture() -> Any:
    return put_object_row
