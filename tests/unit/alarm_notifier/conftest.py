"""SNS-wrapped CloudWatch alarm events for the notifier tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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
