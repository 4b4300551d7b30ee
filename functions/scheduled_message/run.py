"""One scheduled run: the moment from the event, every recipient checked, each due one greeted.

A recipient whose data is invalid is reported and skipped. An AWS error for one recipient does
not stop the others; the run then raises at the end so Lambda retries it, and the retry sends
only what is still unsent (the claims make every send happen once).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from scheduled_message.config import Config
from scheduled_message.messages import render
from scheduled_message.recipients import InvalidRecipientError, occasion, parse_recipient
from scheduled_message.sending import Sender, claim, confirm, release

_DESERIALIZER = TypeDeserializer()


class InvalidEventError(ValueError):
    """The event carries no usable time; a retry cannot fix it."""


@dataclass
class Outcome:
    moment: str
    sent: list[dict[str, str]] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    stale_claims: list[str] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    not_due: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "moment": self.moment,
            "sent": self.sent,
            "already_sent": self.already_sent,
            "stale_claims": self.stale_claims,
            "invalid": self.invalid,
            "failed": self.failed,
            "not_due": self.not_due,
        }


def event_time(event: Any) -> datetime:
    """The run time: Scheduler input `scheduled_time`, or an EventBridge rule event's `time`."""
    raw = None
    if isinstance(event, Mapping):
        raw = event.get("scheduled_time") or event.get("time")
    if not isinstance(raw, str):
        raise InvalidEventError("event has no scheduled_time (Scheduler input) or time (rule)")
    if raw.startswith("<aws.scheduler."):
        raise InvalidEventError(f"scheduled_time is an unsubstituted placeholder: {raw}")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidEventError(f"scheduled_time is not ISO-8601: {raw!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def scan_items(dynamodb: Any, table: str) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**kwargs)
        for item in page.get("Items", []):
            yield {key: _DESERIALIZER.deserialize(value) for key, value in item.items()}
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def send_due_messages(
    event: Any, config: Config, dynamodb: Any, sender: Sender, now: datetime
) -> Outcome:
    moment = event_time(event)
    outcome = Outcome(moment=moment.isoformat())
    for item in scan_items(dynamodb, config.table_name):
        label = str(item.get("recipient_id", "<no recipient_id>"))
        try:
            recipient = parse_recipient(item, config.default_time_zone)
        except InvalidRecipientError as error:
            outcome.invalid.append({"recipient_id": label, "reason": str(error)})
            continue
        on = occasion(recipient, moment)
        if on is None:
            outcome.not_due += 1
            continue
        if recipient.last_sent_on == on.isoformat():
            _already(outcome, recipient.recipient_id, item)
            continue
        try:
            held = claim(dynamodb, config.table_name, recipient, on, now)
            if held is None:
                _already(outcome, recipient.recipient_id, item)
                continue
            try:
                message_id = sender.send(recipient.email, render(config, recipient, on))
            except ClientError:
                release(dynamodb, config.table_name, held)
                raise
            confirm(dynamodb, config.table_name, held, message_id, now)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            outcome.failed.append({"recipient_id": label, "error": f"{code}: {error}"})
            continue
        outcome.sent.append(
            {"recipient_id": recipient.recipient_id, "on": on.isoformat(), "message_id": message_id}
        )
    return outcome


def _already(outcome: Outcome, recipient_id: str, item: Mapping[str, Any]) -> None:
    outcome.already_sent.append(recipient_id)
    if item.get("send_status") == "sending":
        outcome.stale_claims.append(recipient_id)
