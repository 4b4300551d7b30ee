"""The webhook channel: HTTPS only, redirects never followed (against a local HTTPS server)."""

from __future__ import annotations

from typing import Any

import pytest

from alarm_notifier.channels import WebhookChannel, WebhookError
from alarm_notifier.formatting import Notification

NOTIFICATION = Notification(
    subject="[ALARM] cpu", body="CPU above 80%", webhook_payload={"text": "[ALARM] cpu"}
)


def test_posts_the_payload_over_https(webhook: Any) -> None:
    assert WebhookChannel(lambda: webhook.url).send(NOTIFICATION) == "HTTP 200"
    assert webhook.received == [{"text": "[ALARM] cpu"}]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://hooks.example.com/x", "ftp://example.com/x", "x"]
)
def test_refuses_anything_but_https_without_sending(url: str) -> None:
    with pytest.raises(WebhookError, match="must be an https:// URL"):
        WebhookChannel(lambda: url).send(NOTIFICATION)


@pytest.mark.parametrize("target", ["https", "http"])
def test_does_not_follow_redirects(webhook: Any, target: str) -> None:
    """A 3xx is a failure: following it would send the alarm (and the secret path) elsewhere."""
    webhook.redirect_to = (
        f"{webhook.origin}/elsewhere" if target == "https" else "http://127.0.0.1:9/elsewhere"
    )
    with pytest.raises(WebhookError, match="HTTP 302; redirects are not followed"):
        WebhookChannel(lambda: webhook.url).send(NOTIFICATION)
    assert webhook.requests == [("POST", "/hook")]


def test_an_untrusted_certificate_fails(webhook: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(WebhookError, match="CERTIFICATE_VERIFY_FAILED"):
        WebhookChannel(lambda: webhook.url).send(NOTIFICATION)
