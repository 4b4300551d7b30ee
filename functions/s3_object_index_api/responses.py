"""JSON responses in the shape both function URLs and API Gateway proxy integrations accept."""

from __future__ import annotations

import json
from typing import Any

JSON_HEADERS = {"content-type": "application/json"}


def json_response(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": JSON_HEADERS | (headers or {}),
        "body": json.dumps(payload, sort_keys=True),
        "isBase64Encoded": False,
    }


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return json_response(status, {"error": message}, headers)
