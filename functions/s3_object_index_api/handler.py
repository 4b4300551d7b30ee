"""Lambda entry point of the object index query API (synchronous request-response).

One Powertools Router (s3_object_index_api.routes) served by two resolvers: a Lambda function URL
(payload 2.0, LambdaFunctionUrlResolver) and an API Gateway REST API proxy integration (v1,
APIGatewayRestResolver). Environment: TABLE_NAME (required, ConfigError at cold start otherwise),
MAX_PAGE_SIZE (default 100), POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL.

Routes:
- GET /objects?bucket=<b>&prefix=<p>&limit=<n>&cursor=<c>
    200 {"items": [record...], "next_cursor": str | null}
- GET /objects/<bucket>/<key...>
    200 record, or 404 {"error": ...} for an unknown or deleted key
Errors: 400 (bad parameter, named in "error"), 404 (unknown path), 405 (not GET), 500.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, LambdaFunctionUrlResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from s3_object_index_api.routes import BEFORE_OBJECTS, config, router

logger = Logger()
CONFIG = config()

function_url = LambdaFunctionUrlResolver(strip_prefixes=[BEFORE_OBJECTS])
function_url.include_router(router)
rest_api = APIGatewayRestResolver(strip_prefixes=[BEFORE_OBJECTS])
rest_api.include_router(router)


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    started = time.perf_counter()
    source, method, path = _describe(event)
    if source == "function_url":
        response = function_url.resolve(event, context)
    elif source == "rest_api":
        response = rest_api.resolve(event, context)
    else:
        reason = "unsupported event: neither a function URL nor an API Gateway request"
        response = {
            "statusCode": 400,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"error": reason}),
            "isBase64Encoded": False,
        }
    logger.info(
        "request",
        extra={
            "method": method,
            "path": path,
            "source": source,
            "status": response["statusCode"],
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def _describe(event: Any) -> tuple[str | None, str | None, str | None]:
    if not isinstance(event, Mapping):
        return None, None, None
    if event.get("version") == "2.0" or "rawPath" in event:
        http = event.get("requestContext", {}).get("http", {})
        return "function_url", str(http.get("method", "")).upper(), event.get("rawPath")
    if "httpMethod" in event and "path" in event:
        return "rest_api", str(event["httpMethod"]).upper(), event["path"]
    return None, None, None
