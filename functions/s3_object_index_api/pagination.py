"""Opaque page cursors: URL-safe base64 of the JSON primary key to resume after.

A cursor is untrusted input. It must decode to exactly {"bucket": <the requested bucket>,
"key": <a key under the requested prefix>}; anything else is a 400, never a DynamoDB error.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from aws_lambda_powertools.event_handler.exceptions import BadRequestError

MAX_CURSOR_LENGTH = 4096
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def encode_cursor(bucket: str, key: str) -> str:
    raw = json.dumps({"bucket": bucket, "key": key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, bucket: str, prefix: str = "") -> dict[str, str]:
    if len(cursor) > MAX_CURSOR_LENGTH or not _URLSAFE.fullmatch(cursor):
        raise BadRequestError("query parameter 'cursor' is not a cursor returned by this API")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        start = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        raise BadRequestError(
            "query parameter 'cursor' is not a cursor returned by this API"
        ) from None
    if not _is_start_key(start):
        raise BadRequestError("query parameter 'cursor' is not a cursor returned by this API")
    if start["bucket"] != bucket:
        raise BadRequestError("query parameter 'cursor' belongs to another bucket")
    if not start["key"].startswith(prefix):
        raise BadRequestError("query parameter 'cursor' belongs to another prefix")
    return {"bucket": start["bucket"], "key": start["key"]}


def _is_start_key(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"bucket", "key"}
        and all(isinstance(part, str) and part for part in value.values())
    )
