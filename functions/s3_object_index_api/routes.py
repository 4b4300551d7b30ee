"""Routing: the path's tail after its `objects` segment decides the route.

- GET /objects?bucket=&prefix=&limit=&cursor=   → ListObjects
- GET /objects/<bucket>/<key...>                → GetObject (key percent-encoded, may hold '/')
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from s3_object_index_api import validation
from s3_object_index_api.errors import HttpError
from s3_object_index_api.events import Request
from s3_object_index_api.pagination import decode_cursor

LIST_ROUTE = "/objects"
GET_ROUTE = "/objects/{bucket}/{key+}"
LIST_PARAMETERS = ("bucket", "cursor", "limit", "prefix")
ALLOWED_METHODS = "GET"


@dataclass(frozen=True)
class ListObjects:
    bucket: str
    prefix: str
    limit: int
    start_key: dict[str, str] | None


@dataclass(frozen=True)
class GetObject:
    bucket: str
    key: str


Route = ListObjects | GetObject


def match(path: str) -> tuple[str, list[str]]:
    """Return the route template and the raw (still encoded) segments after `objects`."""
    segments = path.split("/")
    if "objects" not in segments:
        raise HttpError(404, f"no route for path {path!r}")
    tail = segments[segments.index("objects") + 1 :]
    if tail in ([], [""]):
        return LIST_ROUTE, []
    if len(tail) < 2 or tail[0] == "":
        raise HttpError(404, f"no route for path {path!r}; use {LIST_ROUTE} or {GET_ROUTE}")
    return GET_ROUTE, tail


def resolve(request: Request, template: str, tail: list[str], max_page_size: int) -> Route:
    if request.method != "GET":
        raise HttpError(
            405, f"method {request.method} not allowed on {template}", {"allow": ALLOWED_METHODS}
        )
    if template == LIST_ROUTE:
        return _list_objects(request, max_page_size)
    return _get_object(request, tail)


def _list_objects(request: Request, max_page_size: int) -> ListObjects:
    params = validation.single_values(request.query, LIST_PARAMETERS)
    bucket = validation.bucket_name(params.get("bucket"))
    prefix = validation.prefix(params.get("prefix"))
    limit = validation.limit(params.get("limit"), max_page_size)
    cursor = params.get("cursor")
    start_key = decode_cursor(cursor, bucket, prefix) if cursor else None
    return ListObjects(bucket=bucket, prefix=prefix, limit=limit, start_key=start_key)


def _get_object(request: Request, tail: list[str]) -> GetObject:
    validation.single_values(request.query, ())
    bucket = validation.bucket_name(unquote(tail[0]), "bucket in path")
    key = validation.object_key(unquote("/".join(tail[1:])))
    return GetObject(bucket=bucket, key=key)
