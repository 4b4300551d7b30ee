"""One Scheduler invocation: context placeholders, retries with backoff, the dead-letter queue.

Retries happen at once in real time (nothing sleeps); their *virtual* times follow exponential
backoff — 1 s, 2 s, 4 s ... capped at 5 minutes — and that virtual age is what
MaximumEventAgeInSeconds is checked against. Every delivery error is retried (AWS sends
missing-resource and permission errors straight to the dead-letter queue without retrying; the
local AWS cannot tell those apart reliably across services, so it retries them all).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clock import format_instant

LOG = logging.getLogger(__name__)
BACKOFF_CAP_SECONDS = 300
DEFAULT_RETRY_ATTEMPTS = 185
DEFAULT_EVENT_AGE_SECONDS = 86400


class DeliveryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class UndeliverableError(DeliveryError):
    """The local AWS cannot deliver to this target at all: not retried, not dead-lettered."""


@dataclass(frozen=True)
class RetryPolicy:
    maximum_retry_attempts: int = DEFAULT_RETRY_ATTEMPTS
    maximum_event_age_seconds: int = DEFAULT_EVENT_AGE_SECONDS

    @classmethod
    def from_target(cls, target: dict[str, Any]) -> RetryPolicy:
        policy = target.get("RetryPolicy") or {}
        return cls(
            int(policy.get("MaximumRetryAttempts", DEFAULT_RETRY_ATTEMPTS)),
            int(policy.get("MaximumEventAgeInSeconds", DEFAULT_EVENT_AGE_SECONDS)),
        )


def backoff_seconds(attempt: int) -> int:
    """Virtual wait after failed attempt number ``attempt`` (1-based)."""
    return int(min(2 ** (attempt - 1), BACKOFF_CAP_SECONDS))


@dataclass(frozen=True)
class Context:
    schedule_arn: str
    scheduled_time: dt.datetime
    execution_id: str

    @classmethod
    def new(cls, schedule_arn: str, scheduled_time: dt.datetime) -> Context:
        return cls(schedule_arn, scheduled_time, str(uuid.uuid4()))

    def render(self, template: str, attempt: int) -> str:
        """Target.Input with the context attributes substituted, as Scheduler does."""
        values = {
            "<aws.scheduler.schedule-arn>": self.schedule_arn,
            "<aws.scheduler.scheduled-time>": format_instant(self.scheduled_time),
            "<aws.scheduler.execution-id>": self.execution_id,
            "<aws.scheduler.attempt-number>": str(attempt),
        }
        for placeholder, value in values.items():
            template = template.replace(placeholder, value)
        return template


@dataclass(frozen=True)
class Outcome:
    result: str  # "delivered", "failed", "dead-lettered" or "dropped"
    detail: str
    attempts: int


DeadLetter = Callable[[str, DeliveryError, int, str], None]


def invoke(
    *,
    render: Callable[[int], str],
    policy: RetryPolicy,
    deliver: Callable[[str], None],
    dead_letter: DeadLetter | None,
    dead_letter_arn: str = "",
) -> Outcome:
    """Delivers render(attempt number), retrying per the policy; dead-letters what is left."""
    attempt, age = 1, 0
    while True:
        payload = render(attempt)
        try:
            deliver(payload)
        except UndeliverableError as error:
            return Outcome("dropped", str(error), attempt)
        except DeliveryError as error:
            if attempt - 1 >= policy.maximum_retry_attempts:
                condition = "MaximumRetryAttempts"
            elif age + backoff_seconds(attempt) > policy.maximum_event_age_seconds:
                condition = "MaximumEventAgeInSeconds"
            else:
                age += backoff_seconds(attempt)
                attempt += 1
                continue
            what = f"{error} after {attempt} attempt(s), {condition} exhausted"
            return _give_up(what, error, attempt, condition, payload, dead_letter, dead_letter_arn)
        except Exception as error:  # a bug here, not the target's failure: say so, go on
            LOG.exception("lbp-time: delivery raised unexpectedly")
            return Outcome("failed", f"internal error of the local AWS: {error!r}", attempt)
        detail = "" if attempt == 1 else f"on attempt {attempt}"
        return Outcome("delivered", detail, attempt)


def _give_up(  # noqa: PLR0917 — private, called once
    what: str,
    error: DeliveryError,
    attempts: int,
    condition: str,
    payload: str,
    dead_letter: DeadLetter | None,
    dead_letter_arn: str,
) -> Outcome:
    if dead_letter is None:
        return Outcome("failed", f"{what}; no dead-letter queue", attempts)
    try:
        dead_letter(payload, error, attempts - 1, condition)
    except DeliveryError as dlq_error:
        return Outcome("failed", f"{what}; dead-letter queue failed too: {dlq_error}", attempts)
    return Outcome("dead-lettered", f"{what}; sent to {dead_letter_arn}", attempts)


def rule_dead_letter_attributes(
    rule_arn: str, target_arn: str, error: DeliveryError, retries: int, condition: str
) -> dict[str, dict[str, str]]:
    """SQS message attributes of an EventBridge rule's dead-letter message."""

    def text(value: str) -> dict[str, str]:
        return {"DataType": "String", "StringValue": value[:1024] or "-"}

    return {
        "ERROR_CODE": text(error.code),
        "ERROR_MESSAGE": text(error.message),
        "EXHAUSTED_RETRY_CONDITION": text(condition),
        "RETRY_ATTEMPTS": {"DataType": "Number", "StringValue": str(retries)},
        "RULE_ARN": text(rule_arn),
        "TARGET_ARN": text(target_arn),
    }


def dead_letter_attributes(
    context: Context, target_arn: str, error: DeliveryError, retries: int, condition: str
) -> dict[str, dict[str, str]]:
    """SQS message attributes of a Scheduler dead-letter event."""

    def text(value: str) -> dict[str, str]:
        return {"DataType": "String", "StringValue": value[:1024] or "-"}

    return {
        "ERROR_CODE": text(error.code),
        "ERROR_MESSAGE": text(error.message),
        "EXECUTION_ID": text(context.execution_id),
        "EXHAUSTED_RETRY_CONDITION": text(condition),
        "RETRY_ATTEMPTS": {"DataType": "Number", "StringValue": str(retries)},
        "SCHEDULE_ARN": text(context.schedule_arn),
        "SCHEDULED_TIME": text(format_instant(context.scheduled_time)),
        "TARGET_ARN": text(target_arn),
    }


def default_input() -> str:
    return json.dumps({})
