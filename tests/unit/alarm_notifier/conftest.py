"""SNS-wrapped CloudWatch alarm events for the notifier tests."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

EVENTS = Path(__file__).parent / "events"


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def alarm_message(state: str = "ALARM", previous: str = "OK", **overrides: Any) -> dict[str, Any]:
    """The message of events/cpu_alarm.json with another state (and any overrides)."""
    message: dict[str, Any] = json.loads(load_event("cpu_alarm")["Records"][0]["Sns"]["Message"])
    message |= {"NewStateValue": state, "OldStateValue": previous} | overrides
    return message


def sns_event(*messages: Any) -> dict[str, Any]:
    """An SNS → Lambda event, one record per message (dicts are JSON-encoded, strings kept)."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": f"message-{index}",
                    "TopicArn": "arn:aws:sns:eu-west-1:123456789012:ops-alarms",
                    "Message": message if isinstance(message, str) else json.dumps(message),
                    "Timestamp": "2024-05-01T12:05:12.401Z",
                },
            }
            for index, message in enumerate(messages)
        ]
    }


class AlarmEvents:
    """The builders above, as one fixture (test modules cannot import conftest)."""

    load = staticmethod(load_event)
    message = staticmethod(alarm_message)
    sns = staticmethod(sns_event)


@pytest.fixture
def events() -> AlarmEvents:
    return AlarmEvents()


class Webhook:
    """A local HTTPS server (certificate from a test CA) that records JSON bodies.

    It answers `status`; with `redirect_to` set it answers 302 to that URL instead. Every
    request is recorded in `requests` (method, path), so a followed redirect would show.
    """

    def __init__(self, ca: trustme.CA) -> None:
        self.received: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self.status = 200
        self.redirect_to: str | None = None
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.requests.append(("POST", self.path))
                length = int(self.headers["Content-Length"])
                hook.received.append(json.loads(self.rfile.read(length)))
                if hook.redirect_to is not None and self.path == "/hook":
                    self.send_response(302)
                    self.send_header("Location", hook.redirect_to)
                else:
                    self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self.server.server_port}"
        self.url = f"{self.origin}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Webhook]:
    """The HTTPS webhook, trusted by the function's TLS client through SSL_CERT_FILE."""
    ca = trustme.CA()
    bundle = tmp_path / "webhook-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    hook = Webhook(ca)
    yield hook
    hook.close()
