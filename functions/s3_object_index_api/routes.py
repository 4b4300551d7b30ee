"""The query API's routes, on one Powertools Router served by both resolvers (see handler).

- GET /objects?bucket=&prefix=&limit=&cursor=   → one page of live records
- GET /objects/<bucket>/<key...>                → one record (key percent-encoded, may hold '/')

Both services deliver the path still percent-encoded; the key is decoded once, so it may be sent
with its slashes literal or as %2F. Client errors raise Powertools' ServiceError subclasses with
a reason naming the parameter at fault; `error_response` turns them into {"error": reason}.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from s3_object_index_api import queries, validation
from s3_object_index_api.config import Config, load_config
from s3_object_index_api.pagination import decode_cursor, encode_cursor

LIST_ROUTE = "/objects"
GET_ROUTE = "/objects/{bucket}/{key+}"
LIST_PARAMETERS = ("bucket", "cursor", "limit", "prefix")
ALLOWED_METHODS = "GET"
# A REST API path may carry a stage or base-path prefix: what precedes the first `objects`
# segment is stripped (by both resolvers).
BEFORE_OBJECTS = re.compile(r"^(/[^/]*)*?(?=/objects(/|$))")
_OBJECTS_PATH = re.compile(r"^/objects(/.*)?$")

router = Router()  # type: ignore[no-untyped-call]
logger = Logger(child=True)


@cache
def dynamodb_client() -> Any:
    return boto3.client("dynamodb")


@cache
def config() -> Config:
    """Read once per execution environment (the handler reads it at cold start)."""
    return load_config(os.environ)


@router.get(f"{LIST_ROUTE}/?")
def list_objects() -> dict[str, Any]:
    params = validation.single_values(query_of(router.current_event), LIST_PARAMETERS)
    bucket = validation.bucket_name(params.get("bucket"))
    prefix = validation.prefix(params.get("prefix"))
    limit = validation.limit(params.get("limit"), config().max_page_size)
    cursor = params.get("cursor")
    start_key = decode_cursor(cursor, bucket, prefix) if cursor else None
    route = queries.ListObjects(bucket=bucket, prefix=prefix, limit=limit, start_key=start_key)
    items, resume_after = queries.list_objects(dynamodb_client(), config().table_name, route)
    return {"items": items, "next_cursor": encode_cursor(**resume_after) if resume_after else None}


@router.get("/objects/<bucket>/.*")
def get_object(bucket: str) -> dict[str, Any]:
    validation.single_values(query_of(router.current_event), ())
    path = BEFORE_OBJECTS.sub("", router.current_event.path)
    raw_key = path.split("/", 3)[3]
    bucket = validation.bucket_name(unquote(bucket), "bucket in path")
    key = validation.object_key(unquote(raw_key))
    record = queries.get_object(dynamodb_client(), config().table_name, bucket, key)
    if record is None:
        raise NotFoundError(f"no object {key!r} in bucket {bucket!r}")
    return record


def query_of(event: BaseProxyEvent) -> dict[str, list[str]]:
    """Every query parameter with all its values, whichever service sent the request."""
    if isinstance(event, LambdaFunctionUrlEvent):
        raw = event.get("rawQueryString")
        if isinstance(raw, str):
            return parse_qs(raw, keep_blank_values=True)
        return {name: [value] for name, value in (event.query_string_parameters or {}).items()}
    multi = event.multi_value_query_string_parameters
    if multi:
        return {name: [str(value) for value in values] for name, values in multi.items()}
    return {name: [str(value)] for name, value in (event.query_string_parameters or {}).items()}


def error_response(
    status: int, reason: str, headers: dict[str, str] | None = None
) -> Response[dict[str, str]]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"error": reason},
        headers=headers,
    )


@router.exception_handler(ServiceError)  # type: ignore[untyped-decorator]
def client_error(error: ServiceError) -> Response[dict[str, str]]:
    return error_response(error.status_code, str(error.msg))


@router.exception_handler(NotFoundError)  # type: ignore[untyped-decorator]
def no_route(error: NotFoundError) -> Response[dict[str, str]]:
    """Unknown keys (raised by get_object) and requests no route matched (raised by Powertools,
    without a message): a known path with another method is 405, anything else 404."""
    if error.msg != "Not found":
        return error_response(404, str(error.msg))
    event = router.current_event
    path = BEFORE_OBJECTS.sub("", event.path)
    if _OBJECTS_PATH.match(path) and event.http_method.upper() != ALLOWED_METHODS:
        template = LIST_ROUTE if path.rstrip("/") == LIST_ROUTE else GET_ROUTE
        return error_response(
            405,
            f"method {event.http_method.upper()} not allowed on {template}",
            {"allow": ALLOWED_METHODS},
        )
    return error_response(404, f"no route for path {event.path!r}; use {LIST_ROUTE} or {GET_ROUTE}")


@router.exception_handler(Exception)  # type: ignore[untyped-decorator]
def internal_error(error: Exception) -> Response[dict[str, str]]:
    logger.exception("request failed")
    return error_response(500, "internal error")
