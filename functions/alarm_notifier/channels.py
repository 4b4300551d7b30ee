"""Delivery channels. One failing channel never stops the others.

`deliver` tries every configured channel and reports each outcome. `send` is how one channel is
tried: the handler passes one that records each (state change, channel) delivery once, so a
retry of the invocation repeats only the channels that failed; a channel another invocation has
already delivered raises AlreadyHandledError and is reported as such.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from alarm_notifier.formatting import Notification


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> str:
        """Deliver the notification; return a delivery reference. Raise on failure."""


@dataclass
class EmailChannel:
    ses: Any
    sender: str
    recipients: Sequence[str]
    name: str = "email"

    def send(self, notification: Notification) -> str:
        reply = self.ses.send_email(
            Source=self.sender,
            Destination={"ToAddresses": list(self.recipients)},
            Message={
                "Subject": {"Data": notification.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": notification.body, "Charset": "UTF-8"}},
            },
        )
        return str(reply["MessageId"])


@dataclass
class TopicChannel:
    sns: Any
    topic_arn: str
    name: str = "sns_topic"

    def send(self, notification: Notification) -> str:
        reply = self.sns.publish(
            TopicArn=self.topic_arn, Subject=notification.subject, Message=notification.body
        )
        return str(reply["MessageId"])


class WebhookError(RuntimeError):
    pass


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is returned as an error instead of being followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# HTTPS only, certificates verified (the default context), redirects never followed: a redirect
# would carry the alarm (and a secret URL's meaning) to a host nobody configured.
_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class WebhookChannel:
    url_source: Callable[[], str]
    timeout_seconds: float = 5.0
    name: str = "webhook"

    def send(self, notification: Notification) -> str:
        url = self.url_source()
        if urllib.parse.urlsplit(url).scheme != "https":
            raise WebhookError("webhook URL must be an https:// URL")
        request = urllib.request.Request(  # noqa: S310 — https only, checked above
            url,
            data=json.dumps(notification.webhook_payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with _OPENER.open(request, timeout=self.timeout_seconds) as response:
                status = int(response.status)
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                raise WebhookError(
                    f"webhook answered HTTP {error.code}; redirects are not followed"
                ) from error
            raise WebhookError(f"webhook answered HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise WebhookError(f"webhook unreachable: {error}") from error
        if not 200 <= status < 300:
            raise WebhookError(f"webhook answered HTTP {status}")
        return f"HTTP {status}"


class AlreadyHandledError(Exception):
    """This channel's delivery of this state change was done by an earlier invocation."""


def send_directly(channel: Channel, notification: Notification) -> str:
    return channel.send(notification)


@dataclass(frozen=True)
class DeliveryReport:
    delivered: dict[str, str] = field(default_factory=dict)
    already: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def all_failed(self) -> bool:
        return bool(self.failed) and not self.delivered and not self.already


def deliver(
    notification: Notification,
    channels: Sequence[Channel],
    send: Callable[[Channel, Notification], str] = send_directly,
) -> DeliveryReport:
    report = DeliveryReport()
    for channel in channels:
        try:
            report.delivered[channel.name] = send(channel, notification)
        except AlreadyHandledError as done:
            report.already[channel.name] = str(done)
        except Exception as error:  # any channel error must not stop the others
            report.failed[channel.name] = f"{type(error).__name__}: {error}"
    return report
