"""Redrive against fakes of SQS and Lambda (the integration suite drives the real ones)."""

from __future__ import annotations

import json
from typing import Any

from reliability.redrive import redrive, target_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function:idx"


class FakeSqs:
    def __init__(self, bodies: list[str]) -> None:
        self.messages = {f"m{i}": body for i, body in enumerate(bodies)}
        self.invisible: set[str] = set()
        self.deleted: list[str] = []

    def receive_message(self, **_: Any) -> dict[str, Any]:
        ready = [m for m in self.messages if m not in self.invisible][:10]
        self.invisible.update(ready)
        return {
            "Messages": [
                {"MessageId": m, "ReceiptHandle": m, "Body": self.messages[m]} for m in ready
            ]
        }

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
        del self.messages[ReceiptHandle]
        self.invisible.discard(ReceiptHandle)
        self.deleted.append(ReceiptHandle)

    def change_message_visibility(self, QueueUrl: str, ReceiptHandle: str, **_: Any) -> None:
        self.invisible.discard(ReceiptHandle)


class FakeLambda:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"StatusCode": 202}


def parked(payload: Any) -> str:
    return json.dumps(
        {
            "requestContext": {"functionArn": ARN, "condition": "RetriesExhausted"},
            "requestPayload": payload,
        }
    )


def test_every_parked_event_is_invoked_async_once_and_deleted() -> None:
    sqs = FakeSqs([parked({"n": n}) for n in range(23)])
    lam = FakeLambda()
    outcome = redrive(sqs, lam, "q")
    assert outcome.redriven == 23 and not outcome.skipped
    assert sorted(json.loads(c["Payload"])["n"] for c in lam.calls) == list(range(23))
    assert {c["InvocationType"] for c in lam.calls} == {"Event"}
    assert {c["FunctionName"] for c in lam.calls} == {ARN}
    assert not sqs.messages


def test_records_without_a_payload_stay_in_the_queue_with_the_reason() -> None:
    mapping_record = json.dumps(
        {"requestContext": {"functionArn": ARN}, "KinesisBatchInfo": {"shardId": "s-1"}}
    )
    sqs = FakeSqs([mapping_record, "not json", parked({"n": 1})])
    lam = FakeLambda()
    outcome = redrive(sqs, lam, "q", function_override="other")
    assert outcome.redriven == 1 and len(lam.calls) == 1 and lam.calls[0]["FunctionName"] == "other"
    assert sorted(sqs.messages) == ["m0", "m1"] and not sqs.invisible
    assert "no requestPayload" in outcome.skipped[0] and "not a JSON object" in outcome.skipped[1]


def test_target_of() -> None:
    assert target_of({"requestContext": {"functionArn": ARN}, "requestPayload": None}) == (
        ARN,
        None,
    )
    assert isinstance(target_of({"requestPayload": {}}), str)
