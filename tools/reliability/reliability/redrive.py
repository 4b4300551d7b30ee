"""Redrive: events parked in a Lambda on-failure destination (SQS) go back to their function.

An asynchronous invocation that exhausted its retries lands in the on-failure queue as a record
{"requestContext": {"functionArn", "condition", ...}, "requestPayload": <the event>, ...}. A
redrive invokes that function again with the same payload, asynchronously (so a second failure
parks it again, with its retries), and deletes the message only once the invoke was accepted.
Records that carry no payload (an event source mapping's failure record names a shard and a
sequence range instead) are left in the queue, counted as skipped with the reason.

Safe to run twice: the handlers are idempotent per event (scenario 2 refuses an event whose
sequencer is not newer than the row's), which the reliability suite checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RedriveOutcome:
    redriven: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"redriven {self.redriven}, left in the queue {len(self.skipped)}"
        return text + "".join(f"\n  skipped: {reason}" for reason in self.skipped)


def queue_url_for(sqs: Any, url_or_name: str) -> str:
    """The queue URL boto3 can reach (outputs of an emulator may name an unresolvable host)."""
    name = url_or_name.rstrip("/").rsplit("/", 1)[-1]
    url: str = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return url


def parked_messages(sqs: Any, queue_url: str, wait_seconds: int = 1) -> Iterator[dict[str, Any]]:
    """Every message now in the queue, each received once (until a receive comes back empty)."""
    while True:
        reply = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            VisibilityTimeout=60,
        )
        messages: list[dict[str, Any]] = reply.get("Messages", [])
        if not messages:
            return
        yield from messages


def target_of(record: Any) -> tuple[str, Any] | str:
    """(function ARN, payload) of an on-failure record, or why it cannot be redriven."""
    if not isinstance(record, dict):
        return "not a JSON object"
    function_arn = (record.get("requestContext") or {}).get("functionArn")
    if not function_arn:
        return "no requestContext.functionArn (not a Lambda on-failure record)"
    if "requestPayload" not in record:
        return f"no requestPayload for {function_arn} (an event source mapping record?)"
    return str(function_arn), record["requestPayload"]


def redrive(
    sqs: Any, lambda_client: Any, queue_url: str, function_override: str | None = None
) -> RedriveOutcome:
    outcome = RedriveOutcome()
    left: list[str] = []
    for message in parked_messages(sqs, queue_url):
        try:
            record = json.loads(message["Body"])
        except ValueError:
            record = None
        target = target_of(record)
        if isinstance(target, str):
            outcome.skipped.append(f"{message['MessageId']}: {target}")
            left.append(message["ReceiptHandle"])
            continue
        function_arn, payload = target
        lambda_client.invoke(
            FunctionName=function_override or function_arn,
            InvocationType="Event",
            Payload=json.dumps(payload).encode(),
        )
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        outcome.redriven += 1
    for handle in left:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
    return outcome
