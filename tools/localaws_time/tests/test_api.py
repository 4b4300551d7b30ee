from __future__ import annotations

import json

import pytest

from localaws_time import api
from localaws_time.scopes import Scopes


@pytest.fixture
def engine() -> Scopes:
    return Scopes(list, log=lambda _: None)


def call(engine: Scopes, method: str, path: str, body: object = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    raw = b"" if body is None else json.dumps(body).encode()
    return api.handle(engine, method, path, raw)


def test_get_reads_real_time(engine: Scopes) -> None:
    status, body = call(engine, "GET", "/_lbp/clock")
    assert status == 200 and body["mode"] == "real" and body["now"].endswith("Z")


def test_set_freeze_advance_reset(engine: Scopes) -> None:
    status, body = call(
        engine, "POST", "/_lbp/clock", {"set": "2027-02-28T11:59:00+13:00", "freeze": True}
    )
    assert (status, body) == (200, {"now": "2027-02-27T22:59:00Z", "mode": "frozen"})
    status, body = call(engine, "POST", "/_lbp/clock/advance", {"seconds": 120})
    assert (status, body) == (200, {"now": "2027-02-27T23:01:00Z", "firings": []})
    status, body = call(engine, "POST", "/_lbp/clock/advance", {"to": "2027-02-28T00:00:00Z"})
    assert body["now"] == "2027-02-28T00:00:00Z"
    status, body = call(engine, "POST", "/_lbp/clock", {"reset": True})
    assert body["mode"] == "real"


def test_set_without_freeze_is_an_offset(engine: Scopes) -> None:
    _, body = call(engine, "POST", "/_lbp/clock", {"set": "2030-01-01T00:00:00Z", "freeze": False})
    assert body["mode"] == "offset"


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_lbp/clock", {"set": "2027-01-01T00:00:00"}, "no UTC offset"),
        ("/_lbp/clock", {"set": "2027-01-01T00:00:00Z", "freeze": "yes"}, "true or false"),
        ("/_lbp/clock", {}, "reset"),
        ("/_lbp/clock/advance", {}, "seconds"),
        ("/_lbp/clock/advance", {"seconds": -1}, "from 0"),
        ("/_lbp/clock/advance", {"seconds": 1e12}, "from 0"),
        ("/_lbp/clock/advance", {"seconds": "1h"}, "number"),
        ("/_lbp/clock/advance", {"seconds": 1, "to": "2027-01-01T00:00:00Z"}, "or"),
        ("/_lbp/clock/advance", {"to": "2001-01-01T00:00:00Z"}, "forward"),
        ("/_lbp/clock/nothing", {}, "no such"),
        ("/_lbp/clock/advance", {"seconds": 1, "only": "x"}, "only"),
        ("/_lbp/clock/advance", {"seconds": 1, "only": [""]}, "only"),
    ],
)
def test_bad_requests_are_400_with_the_reason(
    engine: Scopes, path: str, body: object, message: str
) -> None:
    status, reply = call(engine, "POST", path, body)
    assert status == 400 and message in reply["error"]


def test_body_must_be_a_json_object(engine: Scopes) -> None:
    assert api.handle(engine, "POST", "/_lbp/clock", b"[1]")[0] == 400
    assert api.handle(engine, "POST", "/_lbp/clock", b"{nope")[0] == 400


def test_advance_zero_seconds_in_real_time(engine: Scopes) -> None:
    status, body = call(engine, "POST", "/_lbp/clock/advance", {"seconds": 0})
    assert status == 200 and body["firings"] == []


def test_upcoming(engine: Scopes) -> None:
    status, body = call(engine, "GET", "/_lbp/clock/upcoming")
    assert status == 200 and body["upcoming"] == []
