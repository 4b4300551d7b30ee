"""make iam-report: fetch, write, print; a target without enforcement is a clear error."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from localaws_iam import report_cli

REPORT = {
    "mode": "enforce",
    "functions": [
        {
            "function": "fn",
            "principal": "arn:aws:sts::000000000000:assumed-role/r/fn",
            "role": "arn:aws:iam::000000000000:role/r",
            "statements": 1,
            "allowed": [],
            "denied": [
                {
                    "action": "s3:PutObject",
                    "resource": "arn:aws:s3:::b/k",
                    "count": 2,
                    "kind": "implicit_deny",
                    "enforced": True,
                }
            ],
            "unused_statements": [],
            "unmatched_denies": [],
        }
    ],
    "totals": {"functions": 1, "allowed": 0, "denied": 2, "unused_statements": 0},
}


class _Handler(BaseHTTPRequestHandler):
    resets = 0
    enforcing = True

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.enforcing and self.path == "/_lbp/iam/report":
            self._answer(200, REPORT)
        else:
            self._answer(404, {"message": "Not Found"})

    def do_POST(self) -> None:
        type(self).resets += 1
        self._answer(200, {"reset": True})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    _Handler.enforcing = True
    _Handler.resets = 0


def test_writes_and_prints_the_report(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report_cli.main(["--endpoint", endpoint, "--out", str(tmp_path), "--reset"]) == 0

    assert json.loads((tmp_path / "iam-report.json").read_text())["totals"]["denied"] == 2
    printed = capsys.readouterr().out
    assert "`s3:PutObject` on `arn:aws:s3:::b/k` x2" in printed
    assert (tmp_path / "iam-report.md").read_text() in printed
    assert _Handler.resets == 1


def test_endpoint_without_enforcement_is_an_error(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _Handler.enforcing = False

    assert report_cli.main(["--endpoint", endpoint, "--out", str(tmp_path)]) == 1

    assert "no lambda-blueprints IAM enforcement" in capsys.readouterr().err
    assert not (tmp_path / "iam-report.json").exists()
