"""The clock's HTTP contract, independent of the web framework.

GET  /_lbp/clock           -> {"now": "<ISO Z>", "mode": "real"|"offset"|"frozen"}
POST /_lbp/clock           {"set": "<ISO with offset>", "freeze": bool} | {"reset": true}
POST /_lbp/clock/advance   {"seconds": n} | {"to": "<ISO with offset>"}, optional "only": [...]
                           -> {"now": ..., "firings": [...]}, once every firing was delivered
GET  /_lbp/clock/upcoming  -> {"now": ..., "upcoming": [{"key": arn, "at": ISO}]} (next day)

Each takes a scope (`"scope": "<prefix>"` in a POST body, `?scope=<prefix>` on a GET): the clock
of the schedules and rules whose names start with the prefix (localaws_time.scopes); the answer
then carries `"scope"`. Without one: the main clock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from .clock import format_instant, parse_instant
from .engine import Engine
from .scopes import ScopeError, Scopes, check_scope

LOG = logging.getLogger(__name__)
CLOCK_PATH = "/_lbp/clock"
MAX_ADVANCE_SECONDS = 10 * 366 * 86400


class BadRequestError(ValueError):
    pass


def _body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BadRequestError(f"the body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    return body


def _instant(body: dict[str, Any], key: str) -> dt.datetime:
    value = body[key]
    if not isinstance(value, str):
        raise BadRequestError(f"{key!r} must be an ISO-8601 string with a UTC offset")
    try:
        return parse_instant(value)
    except ValueError as error:
        raise BadRequestError(str(error)) from error


def handle(
    scopes: Scopes,
    method: str,
    path: str,
    raw: bytes,
    query: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) for one request; errors are 400 with {"error": ...}."""
    try:
        return 200, _dispatch(scopes, method.upper(), path.rstrip("/"), raw, query or {})
    except (BadRequestError, ScopeError) as error:
        LOG.warning("lbp-time: bad clock request %s %s: %s", method, path, error)
        return 400, {"error": str(error)}


def _scope(container: Mapping[str, Any]) -> str | None:
    return None if container.get("scope") is None else check_scope(container["scope"])


def _scoped(answer: dict[str, Any], scope: str | None) -> dict[str, Any]:
    return answer if scope is None else {**answer, "scope": scope}


def _engine(scopes: Scopes, scope: str | None) -> Engine:
    engine = scopes.engine(scope, create=True)
    assert engine is not None  # created
    return engine


def _dispatch(
    scopes: Scopes, method: str, path: str, raw: bytes, query: Mapping[str, str]
) -> dict[str, Any]:
    if path == CLOCK_PATH and method == "GET":
        scope = _scope(query)
        return _scoped(scopes.reading(scope).to_json(), scope)
    if path == CLOCK_PATH and method == "POST":
        body = _body(raw)
        scope = _scope(body)
        return _scoped(_set(scopes, scope, body), scope)
    if path == f"{CLOCK_PATH}/advance" and method == "POST":
        body = _body(raw)
        scope = _scope(body)
        return _scoped(_advance(_engine(scopes, scope), body), scope)
    if path == f"{CLOCK_PATH}/upcoming" and method == "GET":
        scope = _scope(query)
        now = scopes.reading(scope).now
        upcoming = scopes.upcoming(scope, dt.timedelta(days=1))
        answer = {
            "now": format_instant(now),
            "upcoming": [{"key": key, "at": format_instant(at)} for key, at in upcoming],
        }
        return _scoped(answer, scope)
    raise BadRequestError(f"no such clock operation: {method} {path}")


def _set(scopes: Scopes, scope: str | None, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("reset") is True and "set" not in body:
        if scope is not None:
            return scopes.drop(scope).to_json()
        return scopes.main.reset().to_json()
    if "set" not in body:
        raise BadRequestError(
            'POST /_lbp/clock takes {"set": ISO, "freeze": bool} or {"reset": true}'
        )
    freeze = body.get("freeze", True)
    if not isinstance(freeze, bool):
        raise BadRequestError("'freeze' must be true or false")
    at = _instant(body, "set")
    return _engine(scopes, scope).set(at, freeze=freeze).to_json()


def _advance(engine: Engine, body: dict[str, Any]) -> dict[str, Any]:
    if ("seconds" in body) == ("to" in body):
        raise BadRequestError('advance takes {"seconds": n} or {"to": ISO}')
    if "seconds" in body:
        seconds = body["seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise BadRequestError("'seconds' must be a number")
        if not math.isfinite(seconds) or not 0 <= seconds <= MAX_ADVANCE_SECONDS:
            raise BadRequestError(f"'seconds' must be a number from 0 to {MAX_ADVANCE_SECONDS}")
    only = body.get("only")
    if only is not None and (
        not isinstance(only, list) or not all(isinstance(i, str) and i for i in only)
    ):
        raise BadRequestError("'only' must be a list of schedule/rule ARNs or name prefixes")
    try:
        if "seconds" in body:
            reading, firings = engine.advance_by(float(seconds), only)
        else:
            reading, firings = engine.advance(_instant(body, "to"), only)
    except ValueError as error:
        raise BadRequestError(str(error)) from error
    return {"now": format_instant(reading.now), "firings": [f.to_json() for f in firings]}
