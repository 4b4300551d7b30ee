"""Reading what Lambda parked in a scenario's on-failure queue (a destination or a DLQ)."""

from __future__ import annotations

import json
from typing import Any

import boto3


def queue_url(url_output: str) -> str:
    """The queue's URL as the target spells it, from the URL a stack output gives."""
    name = url_output.rsplit("/", 1)[-1]
    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def drain(url: str, seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Receives what the queue holds (one long poll of up to 10 messages), deletes it and adds the
    parsed bodies to `seen`: a test keeps `seen` across polls and looks for its own records."""
    sqs = boto3.client("sqs")
    reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
    for message in reply.get("Messages", []):
        seen.append(json.loads(message["Body"]))
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return seen
