"""Checks on query parameters; every failure names the parameter at fault."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Mapping

from aws_lambda_powertools.event_handler.exceptions import BadRequestError

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_DIGITS = re.compile(r"[0-9]{1,6}")
MAX_KEY_BYTES = 1024


def single_values(query: Mapping[str, list[str]], allowed: Collection[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in sorted(query):
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise BadRequestError(f"unknown query parameter {name!r}; allowed: {known}")
        if len(query[name]) != 1:
            raise BadRequestError(f"query parameter {name!r} must be given once")
        values[name] = query[name][0]
    return values


def bucket_name(value: str | None, where: str = "query parameter 'bucket'") -> str:
    if value is None or value == "":
        raise BadRequestError(f"missing {where}")
    if not _BUCKET.fullmatch(value) or ".." in value or _is_ip_address(value):
        raise BadRequestError(f"{where} is not a valid S3 bucket name: {value!r}")
    return value


def object_key(value: str) -> str:
    if not value:
        raise BadRequestError("missing object key in path")
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        raise BadRequestError(f"object key in path is longer than {MAX_KEY_BYTES} bytes")
    return value


def prefix(value: str | None) -> str:
    value = value or ""
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        raise BadRequestError(f"query parameter 'prefix' is longer than {MAX_KEY_BYTES} bytes")
    return value


def limit(value: str | None, maximum: int) -> int:
    if value is None:
        return maximum
    if not _DIGITS.fullmatch(value) or not 1 <= int(value) <= maximum:
        raise BadRequestError(f"query parameter 'limit' must be an integer in 1..{maximum}")
    return int(value)


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True
