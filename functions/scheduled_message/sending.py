"""At most one message per recipient and occasion: claim in DynamoDB, send, confirm.

The claim is a conditional write made BEFORE sending (`last_sent_on` := the occasion date, only
if it holds another date): a retry, an overlapping run or a duplicate trigger finds the claim and
sends nothing. If SES refuses the message the claim is released so a retry can send it. If the
function dies between the claim and SES accepting the message (a timeout, a crash), the claim
stays with send_status = "sending" and that message is lost rather than possibly doubled:
at-most-once, the right side to err on for greetings. Such stale claims are reported in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from botocore.exceptions import ClientError

from scheduled_message.messages import Message
from scheduled_message.recipients import Recipient


@dataclass(frozen=True)
class Claim:
    recipient_id: str
    occasion: str
    previous: str | None


def claim(dynamodb: Any, table: str, recipient: Recipient, on: date, now: datetime) -> Claim | None:
    """Claims the occasion for this recipient; None when it was already claimed (sent)."""
    try:
        reply = dynamodb.update_item(
            TableName=table,
            Key={"recipient_id": {"S": recipient.recipient_id}},
            UpdateExpression="SET last_sent_on = :on, send_status = :sending, claimed_at = :now",
            ConditionExpression=(
                "attribute_exists(recipient_id) AND "
                "(attribute_not_exists(last_sent_on) OR last_sent_on <> :on)"
            ),
            ExpressionAttributeValues={
                ":on": {"S": on.isoformat()},
                ":sending": {"S": "sending"},
                ":now": {"S": now.isoformat()},
            },
            ReturnValues="UPDATED_OLD",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        raise
    previous = reply.get("Attributes", {}).get("last_sent_on", {}).get("S")
    return Claim(recipient.recipient_id, on.isoformat(), previous)


def confirm(dynamodb: Any, table: str, held: Claim, message_id: str, now: datetime) -> None:
    dynamodb.update_item(
        TableName=table,
        Key={"recipient_id": {"S": held.recipient_id}},
        UpdateExpression="SET send_status = :sent, message_id = :id, sent_at = :now",
        ConditionExpression="last_sent_on = :on",
        ExpressionAttributeValues={
            ":sent": {"S": "sent"},
            ":id": {"S": message_id},
            ":now": {"S": now.isoformat()},
            ":on": {"S": held.occasion},
        },
    )


def release(dynamodb: Any, table: str, held: Claim) -> None:
    """Gives the occasion back after a failed send, so that a retry sends it."""
    values: dict[str, Any] = {":on": {"S": held.occasion}, ":sending": {"S": "sending"}}
    if held.previous is None:
        update = "REMOVE last_sent_on, send_status, claimed_at"
    else:
        update = "SET last_sent_on = :previous, send_status = :sent REMOVE claimed_at"
        values |= {":previous": {"S": held.previous}, ":sent": {"S": "sent"}}
    try:
        dynamodb.update_item(
            TableName=table,
            Key={"recipient_id": {"S": held.recipient_id}},
            UpdateExpression=update,
            ConditionExpression="last_sent_on = :on AND send_status = :sending",
            ExpressionAttributeValues=values,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


@dataclass(frozen=True)
class Sender:
    ses: Any
    source: str

    def send(self, to: str, message: Message) -> str:
        body: dict[str, Any] = {"Text": {"Data": message.text, "Charset": "UTF-8"}}
        if message.html:
            body["Html"] = {"Data": message.html, "Charset": "UTF-8"}
        reply = self.ses.send_email(
            Source=self.source,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"}, "Body": body},
        )
        return str(reply["MessageId"])
