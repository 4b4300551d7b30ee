"""The emulator's record of the emails its SES sent, in one shape whichever emulator it is.

Neither emulator delivers mail; each keeps what SES accepted behind an endpoint of its own:
LocalStack at GET /_aws/ses?email=<sender>, MiniStack at GET /_ministack/ses/messages (every
account's messages). Both are returned in LocalStack's shape, oldest first:
{"Source", "Destination": {"ToAddresses", "CcAddresses", "BccAddresses"}, "Subject",
"Body": {"text_part", "html_part"}}. A real account has no such record.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from scenario_client.emulator import MINISTACK, emulator_of
from scenario_client.target import AwsTarget


def _get(url: str) -> Any:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"only http(s) URLs are requested, not {url!r}")
    with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 — scheme checked
        return json.loads(reply.read())


def from_ministack(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "Source": record["Source"],
        "Destination": {
            "ToAddresses": list(record.get("To", [])),
            "CcAddresses": list(record.get("CC", [])),
            "BccAddresses": list(record.get("BCC", [])),
        },
        "Subject": record.get("Subject", ""),
        "Body": {"text_part": record.get("BodyText", ""), "html_part": record.get("BodyHtml")},
        "Timestamp": record.get("Timestamp"),
    }


def outbox(target: AwsTarget, sender: str) -> list[dict[str, Any]]:
    """Emails sent from `sender`, oldest first (LocalStack's shape)."""
    if not target.is_emulator:
        raise ValueError("a real account keeps no readable record of sent emails")
    if emulator_of(target) == MINISTACK:
        document = _get(f"{target.endpoint_url}/_ministack/ses/messages")
        records = [r for account in document["messages"].values() for r in account]
        mine = sorted((r for r in records if r["Source"] == sender), key=lambda r: r["Timestamp"])
        return [from_ministack(r) for r in mine]
    messages: list[dict[str, Any]] = _get(f"{target.endpoint_url}/_aws/ses?email={sender}")[
        "messages"
    ]
    return messages
