"""Lambda entry point of the object index query API (synchronous request-response).

Serves a Lambda function URL (payload 2.0) and an API Gateway REST API proxy integration (v1)
with the same code. Environment: TABLE_NAME (required, ConfigError at cold start otherwise),
MAX_PAGE_SIZE (default 100), LOG_LEVEL.

Routes:
- GET /objects?bucket=<b>&prefix=<p>&limit=<n>&cursor=<c>
    200 {"items": [record...], "next_cursor": str | null}
- GET /objects/<bucket>/<key...>
    200 record, or 404 {"error": ...} for an unknown or deleted key
Errors: 400 (bad parameter, named in "error"), 404 (unknown path), 405 (not GET), 500.
"""

from __future__ import annotations

import os
import time
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from s3_object_index_api.config import Config, load_config
from s3_object_index_api.errors import HttpError
from s3_object_index_api.events import Request, to_request
from s3_object_index_api.pagination import encode_cursor
from s3_object_index_api.queries import get_object, list_objects
from s3_object_index_api.responses import error_response, json_response
from s3_object_index_api.routes import GetObject, ListObjects, match, resolve

logger = Logger(service="s3_object_index_api")
CONFIG = load_config(os.environ)


@cache
def dynamodb_client() -> Any:
    return boto3.client("dynamodb")


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    started = time.perf_counter()
    request: Request | None = None
    template = "unmatched"
    try:
        request = to_request(event)
        template, tail = match(request.path)
        route = resolve(request, template, tail, CONFIG.max_page_size)
        response = serve(route, dynamodb_client(), CONFIG)
    except HttpError as error:
        response = error_response(error.status, error.message, error.headers)
    except Exception:
        logger.exception("request failed")
        response = error_response(500, "internal error")
    logger.info(
        "request",
        extra={
            "method": request.method if request else None,
            "route": template,
            "source": request.source if request else None,
            "status": response["statusCode"],
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def serve(route: ListObjects | GetObject, client: Any, config: Config) -> dict[str, Any]:
    if isinstance(route, ListObjects):
        items, resume_after = list_objects(client, config.table_name, route)
        cursor = encode_cursor(**resume_after) if resume_after else None
        return json_response(200, {"items": items, "next_cursor": cursor})
    record = get_object(client, config.table_name, route.bucket, route.key)
    if record is None:
        raise HttpError(404, f"no object {route.key!r} in bucket {route.bucket!r}")
    return json_response(200, record)
