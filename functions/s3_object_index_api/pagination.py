"""Opaque page cursors: URL-safe base64 of the JSON primary key to resume after.

A cursor is untrusted input. It must decode to exactly {"bucket": <the requested bucket>,
"key": <a key under the requested prefix>}; anything else is a 400, never a DynamoDB error.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from s3_object_index_api.errors import bad_request

MAX_CURSOR_LENGTH = 4096
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def encode_cursor(bucket: str, key: str) -> str:
    raw = json.dumps({"bucket": bucket, "key": key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, bucket: str, prefix: str = "") -> dict[str, str]:
    if len(cursor) > MAX_CURSOR_LENGTH or not _URLSAFE.fullmatch(cursor):
        raise bad_request("query parameter 'cursor' is not a cursor returned by this API")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        start = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        raise bad_request("query parameter 'cursor' is not a cursor returned by this API") from None
    if not _is_start_key(start):
        raise bad_request("query parameter 'cursor' is not a cursor returned by this API")
    if start["bucket"] != bucket:
        raise bad_request("query parameter 'cursor' belongs to another bucket")
    if not start["key"].startswith(prefix):
        raise bad_request("query parameter 'cursor' belongs to another prefix")
    return {"bucket": start["bucket"], "key": start["key"]}


def _is_start_key(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"bucket", "key"}
        and all(isinstance(part, str) and part for part in value.values())
    )
