"""Pure logic of the smoke-test function: validate the request, build the answer."""

from __future__ import annotations

from typing import Any

MAX_NAME_LENGTH = 64


class BadRequestError(ValueError):
    """The event is not what this function accepts; retrying cannot help."""


def parse_name(event: Any) -> str:
    if not isinstance(event, dict):
        raise BadRequestError(f"event must be a JSON object, got {type(event).__name__}")
    name = event.get("name", "world")
    if not isinstance(name, str) or not name.strip():
        raise BadRequestError("'name' must be a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        raise BadRequestError(f"'name' is longer than {MAX_NAME_LENGTH} characters")
    return name.strip()


def greeting(name: str, runtime: dict[str, Any]) -> dict[str, Any]:
    return {"message": f"hello, {name}", "runtime": runtime}
