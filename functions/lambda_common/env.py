"""Settings read from a function's environment once, at cold start.

Every reader names the variable in its error, so a misconfigured deployment fails with a reason
that says what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(RuntimeError):
    """The function is deployed with a missing, malformed or contradictory setting."""


def required(env: Mapping[str, str], name: str, what: str = "") -> str:
    value = env.get(name, "").strip()
    if not value:
        detail = f" ({what})" if what else ""
        raise ConfigError(f"environment variable {name} is required{detail}")
    return value


def optional(env: Mapping[str, str], name: str) -> str | None:
    """The stripped value, or None when unset or blank."""
    return env.get(name, "").strip() or None


def flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {env[name]!r}")


def integer(
    env: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int = 1,
    maximum: int | None = None,
) -> int:
    value = optional_integer(env, name, minimum=minimum, maximum=maximum)
    return default if value is None else value


def optional_integer(
    env: Mapping[str, str], name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {_range(minimum, maximum)}, got {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} must be {_range(minimum, maximum)}, got {raw!r}")
    return value


def number(
    env: Mapping[str, str], name: str, default: float, *, above: float, at_most: float
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = above
    if not above < value <= at_most:
        raise ConfigError(f"{name} must be a number in ({above:g}, {at_most:g}], got {raw!r}")
    return value


def json_value(env: Mapping[str, str], name: str, default: Any) -> Any:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{name} is not valid JSON: {error}") from error


def string_map(env: Mapping[str, str], name: str) -> dict[str, str]:
    """A JSON object of string -> string (tags); {} when unset."""
    value = json_value(env, name, {})
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError(f"{name} must be a JSON object of string -> string")
    return value


def listed(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def _range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer in {minimum}..{maximum}"
    if minimum == 1:
        return "a positive integer"
    if minimum is not None:
        return f"an integer >= {minimum}"
    return "a whole number"
