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

# (rule, target, event) -> None; raises on a failed delivery
Dispatch = Callable[[Any, dict[str, Any], dict[str, Any]], None]


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
        firings = []
        for target in list(self.rule.targets.values()):
            event = scheduled_event(self.rule, self.account_id, self.region, scheduled)
            try:
                self.dispatch(self.rule, target, event)
                result, detail = "delivered", ""
            except Exception as error:
                result, detail = "failed", f"{type(error).__name__}: {error}"
            firings.append(
                Firing("rule", self.name, self.key, scheduled, str(target["Arn"]), result, detail)
            )
        return firings

    def after_last(self, now: dt.datetime, fired_one_time: bool) -> None:
        return None
