"""Which emulator answers, and its SES outbox in one shape — against tiny local HTTP servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from scenario_client import emulator, ses
from scenario_client.target import AwsTarget

REAL = AwsTarget("aws", None, "us-east-1")
MINISTACK_MESSAGES = {
    "messages": {
        "000000000000": [
            {
                "MessageId": "2",
                "Source": "alarms@example.com",
                "To": ["oncall@example.com"],
                "CC": [],
                "BCC": [],
                "Subject": "[OK] cpu",
                "BodyText": "recovered",
                "BodyHtml": None,
                "Timestamp": 20.0,
                "Type": "SendEmail",
            },
            {
                "MessageId": "1",
                "Source": "alarms@example.com",
                "To": ["oncall@example.com"],
                "CC": ["boss@example.com"],
                "BCC": [],
                "Subject": "[ALARM] cpu",
                "BodyText": "too hot",
                "BodyHtml": None,
                "Timestamp": 10.0,
                "Type": "SendEmail",
            },
            {"MessageId": "3", "Source": "other@example.com", "Subject": "x", "Timestamp": 5.0},
        ]
    }
}
LOCALSTACK_MESSAGE = {
    "Source": "alarms@example.com",
    "Destination": {"ToAddresses": ["oncall@example.com"]},
    "Subject": "[ALARM] cpu",
    "Body": {"text_part": "too hot", "html_part": None},
}


class Emulator:
    """Serves what one emulator serves: MiniStack's health and outbox, or LocalStack's outbox."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.paths.append(self.path)
                body: Any = None
                if outer.kind == "ministack" and self.path == "/_ministack/health":
                    body = {"version": "1.5.33"}
                elif outer.kind == "ministack" and self.path == "/_ministack/ses/messages":
                    body = MINISTACK_MESSAGES
                elif outer.kind == "localstack" and self.path.startswith("/_aws/ses?email="):
                    body = {"messages": [LOCALSTACK_MESSAGE]}
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        endpoint = f"http://127.0.0.1:{self.httpd.server_port}"
        self.target = AwsTarget("emulator", endpoint, "us-east-1")
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(params=["ministack", "localstack"])
def served(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.delenv("LBP_TARGET", raising=False)
    emulator.probe.cache_clear()
    server = Emulator(request.param)
    yield server
    server.close()
    emulator.probe.cache_clear()


def test_the_emulator_is_declared_by_lbp_target_or_found_by_asking(served: Emulator) -> None:
    assert emulator.emulator_of(REAL) is None
    assert emulator.emulator_of(served.target, {"LBP_TARGET": "ministack"}) == "ministack"
    assert emulator.emulator_of(served.target, {"LBP_TARGET": "local"}) == "localstack"
    assert emulator.emulator_of(served.target, {"LBP_TARGET": "endpoint"}) == served.kind
    assert emulator.emulator_of(served.target, {}) == served.kind
    assert served.paths == ["/_ministack/health"], "asked once, then remembered"


def test_nothing_listening_is_not_ministack() -> None:
    emulator.probe.cache_clear()
    assert emulator.probe("http://127.0.0.1:9") == "localstack"
    with pytest.raises(ValueError, match="not an http"):
        emulator.probe("file:///etc/passwd")


def test_the_outbox_has_one_shape_whichever_emulator(served: Emulator) -> None:
    emails = ses.outbox(served.target, "alarms@example.com")
    first = emails[0]
    assert first["Destination"]["ToAddresses"] == ["oncall@example.com"]
    assert first["Subject"] == "[ALARM] cpu"
    assert first["Body"]["text_part"] == "too hot"
    assert first["Source"] == "alarms@example.com"
    if served.kind == "ministack":
        assert [e["Subject"] for e in emails] == ["[ALARM] cpu", "[OK] cpu"], "oldest first"
        assert first["Destination"]["CcAddresses"] == ["boss@example.com"]
    else:
        assert served.paths[-1] == "/_aws/ses?email=alarms@example.com"


def test_a_real_account_has_no_outbox() -> None:
    with pytest.raises(ValueError, match="no readable record"):
        ses.outbox(REAL, "alarms@example.com")
