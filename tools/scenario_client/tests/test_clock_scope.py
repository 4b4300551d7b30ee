from __future__ import annotations

import io
import json
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest

from scenario_client.clock import Clock

NOW = {"now": "2027-03-01T11:00:00Z", "mode": "frozen", "firings": []}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[urllib.request.Request]:
    requests: list[urllib.request.Request] = []

    def urlopen(request: urllib.request.Request, timeout: float) -> Any:
        requests.append(request)
        return io.BytesIO(json.dumps(NOW).encode())

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return requests


def test_a_scoped_clock_names_its_scope_in_every_request(
    sent: list[urllib.request.Request],
) -> None:
    clock = Clock("http://127.0.0.1:4566").scoped("it1a2b3c")
    clock.set(datetime(2027, 3, 1, 11, tzinfo=UTC))
    clock.advance(60, only=["it1a2b3c-rule"])
    clock.reset()
    clock.now()
    bodies = [json.loads(r.data) for r in sent[:3]]  # type: ignore[arg-type]
    assert [b["scope"] for b in bodies] == ["it1a2b3c"] * 3
    assert bodies[1] == {"seconds": 60, "only": ["it1a2b3c-rule"], "scope": "it1a2b3c"}
    assert sent[3].full_url == "http://127.0.0.1:4566/_lbp/clock?scope=it1a2b3c"


def test_the_main_clock_names_no_scope(sent: list[urllib.request.Request]) -> None:
    clock = Clock("http://127.0.0.1:4566")
    clock.set(datetime(2027, 3, 1, 11, tzinfo=UTC))
    clock.now()
    assert "scope" not in json.loads(sent[0].data)  # type: ignore[arg-type]
    assert sent[1].full_url == "http://127.0.0.1:4566/_lbp/clock"
