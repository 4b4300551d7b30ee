"""EventBridge rules with a schedule expression (always UTC) as engine sources."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clock import format_instant
from .engine import Firing
from .expressions import Expression, parse
from .invocation import DeadLetter, DeliveryError, RetryPolicy, invoke, rule_dead_letter_attributes

# (rule, target, event) -> None; raises DeliveryError (UndeliverableError: never retried)
Dispatch = Callable[[Any, dict[str, Any], dict[str, Any]], None]
# (queue ARN, body, attributes, rule) -> None; raises DeliveryError
RuleDeadLetter = Callable[[str, str, dict[str, dict[str, str]], Any], None]


def scheduled_event(
    rule: Any, account_id: str, region: str, scheduled: dt.datetime
) -> dict[str, Any]:
    """The event EventBridge sends for a schedule rule; ``time`` is the scheduled instant."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": format_instant(scheduled.replace(microsecond=0)),
        "region": region,
        "resources": [str(rule.arn)],
        "detail": {},
    }


@dataclass
class RuleSource:
    rule: Any  # localstack.services.events.models.Rule
    account_id: str
    region: str
    dispatch: Dispatch
    send_dead_letter: RuleDeadLetter

    @property
    def key(self) -> str:
        return str(self.rule.arn)

    @property
    def name(self) -> str:
        return f"{self.rule.event_bus_name}/{self.rule.name}"

    @property
    def fingerprint(self) -> str:
        return json.dumps([self.rule.schedule_expression, self.rule.event_bus_name])

    @property
    def enabled(self) -> bool:
        return str(self.rule.state or "ENABLED").startswith("ENABLED")

    def expression(self, created: dt.datetime) -> Expression:
        return parse(str(self.rule.schedule_expression), timezone="UTC", anchor=created)

    def fires_at_creation(self) -> bool:
        return False  # a rate rule first fires one period after it is created

    def fire(self, scheduled: dt.datetime) -> list[Firing]:
        return [self._fire_target(target, scheduled) for target in list(self.rule.targets.values())]

    def _fire_target(self, target: dict[str, Any], scheduled: dt.datetime) -> Firing:
        """The event to one target, with its RetryPolicy and DeadLetterConfig."""
        body = json.dumps(scheduled_event(self.rule, self.account_id, self.region, scheduled))

        def deliver(payload: str) -> None:
            self.dispatch(self.rule, target, json.loads(payload))

        outcome = invoke(
            render=lambda _attempt: body,
            policy=RetryPolicy.from_target(target),
            deliver=deliver,
            dead_letter=self._dead_letter(target),
            dead_letter_arn=str((target.get("DeadLetterConfig") or {}).get("Arn", "")),
        )
        return Firing(
            "rule",
            self.name,
            self.key,
            scheduled,
            str(target["Arn"]),
            outcome.result,
            outcome.detail,
        )

    def _dead_letter(self, target: dict[str, Any]) -> DeadLetter | None:
        queue_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not queue_arn:
            return None

        def send(payload: str, error: DeliveryError, retries: int, condition: str) -> None:
            attributes = rule_dead_letter_attributes(
                self.key, str(target["Arn"]), error, retries, condition
            )
            self.send_dead_letter(str(queue_arn), payload, attributes, self.rule)

        return send

    def after_last(self, now: dt.datetime, fired_one_time: bool) -> None:
        return None
