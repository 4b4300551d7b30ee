"""Normalise the two invocation shapes into one request.

- Lambda function URL, payload format 2.0: `version == "2.0"`, `rawPath`, `rawQueryString`,
  method in `requestContext.http.method`.
- API Gateway REST API, Lambda proxy integration (v1): `httpMethod`, `path`,
  `multiValueQueryStringParameters`. `path` may or may not carry a stage or base-path prefix,
  so routing looks for the `objects` segment and uses what follows it.

Both services deliver the path still percent-encoded; each segment is decoded after splitting
on `/`, so a key may be sent with its slashes literal or as %2F.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from s3_object_index_api.errors import bad_request

FUNCTION_URL = "function_url"
REST_API = "rest_api"


@dataclass(frozen=True)
class Request:
    source: str
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)


def to_request(event: Any) -> Request:
    if not isinstance(event, Mapping):
        raise bad_request("event is not a JSON object")
    if event.get("version") == "2.0" or "rawPath" in event:
        return _function_url_request(event)
    if "httpMethod" in event and "path" in event:
        return _rest_request(event)
    raise bad_request("unsupported event: neither a function URL nor an API Gateway request")


def _function_url_request(event: Mapping[str, Any]) -> Request:
    http = event.get("requestContext", {}).get("http", {})
    raw_query = event.get("rawQueryString")
    if isinstance(raw_query, str):
        query = parse_qs(raw_query, keep_blank_values=True)
    else:
        query = {name: [value] for name, value in _mapping(event, "queryStringParameters").items()}
    return Request(
        source=FUNCTION_URL,
        method=str(http.get("method", "")).upper(),
        path=str(event.get("rawPath") or "/"),
        query=query,
    )


def _rest_request(event: Mapping[str, Any]) -> Request:
    multi = _mapping(event, "multiValueQueryStringParameters")
    if multi:
        query = {name: [str(value) for value in values] for name, values in multi.items()}
    else:
        single = _mapping(event, "queryStringParameters")
        query = {name: [str(value)] for name, value in single.items()}
    return Request(
        source=REST_API,
        method=str(event.get("httpMethod", "")).upper(),
        path=str(event.get("path") or "/"),
        query=query,
    )


def _mapping(event: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = event.get(name)
    return value if isinstance(value, Mapping) else {}
