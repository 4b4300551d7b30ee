"""EventBridge Scheduler schedules (LocalStack keeps them in moto's backend) as engine sources."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .engine import Firing
from .expressions import Expression, parse
from .invocation import (
    Context,
    DeadLetter,
    DeliveryError,
    RetryPolicy,
    dead_letter_attributes,
    default_input,
    invoke,
)

LOG = logging.getLogger(__name__)
UTC = dt.UTC

# (target, payload, region, schedule ARN) -> None, raising DeliveryError
Deliver = Callable[[dict[str, Any], str, str, str], None]
# (role ARN, queue ARN, body, attributes, region, schedule ARN) -> None, raising DeliveryError
SendDeadLetter = Callable[[str, str, str, dict[str, dict[str, str]], str, str], None]
# (account, region, group, name) -> None
DeleteSchedule = Callable[[str, str, str, str], None]


def _instant(value: Any) -> dt.datetime | None:
    """StartDate/EndDate as moto stores them: epoch seconds (number or text) or ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return dt.datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError):
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Shifted:
    """Fires each occurrence ``delay`` later (a flexible time window)."""

    inner: Expression
    delay: dt.timedelta

    @property
    def one_time(self) -> bool:
        return self.inner.one_time

    def occurrences(self, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
        for instant in self.inner.occurrences(after - self.delay, until - self.delay):
            yield instant + self.delay


@dataclass
class ScheduleSource:
    schedule: Any  # moto.scheduler.models.Schedule
    account_id: str
    region: str
    deliver: Deliver
    send_dead_letter: SendDeadLetter
    delete: DeleteSchedule

    @property
    def key(self) -> str:
        return str(self.schedule.arn)

    @property
    def name(self) -> str:
        return f"{self.schedule.group_name}/{self.schedule.name}"

    @property
    def fingerprint(self) -> str:
        s = self.schedule
        return json.dumps(
            [
                s.schedule_expression,
                s.schedule_expression_timezone,
                s.start_date,
                s.end_date,
                s.state,
                s.flexible_time_window,
                s.creation_date,
                s.last_modified_date,
            ],
            sort_keys=True,
            default=str,
        )

    @property
    def enabled(self) -> bool:
        return str(self.schedule.state or "ENABLED") == "ENABLED"

    @property
    def one_time(self) -> bool:
        return str(self.schedule.schedule_expression).strip().startswith("at(")

    def window(self) -> dt.timedelta:
        """FlexibleTimeWindow FLEXIBLE fires at the end of its window: the latest AWS may."""
        window = self.schedule.flexible_time_window or {}
        if window.get("Mode") == "FLEXIBLE":
            return dt.timedelta(minutes=int(window.get("MaximumWindowInMinutes") or 0))
        return dt.timedelta(0)

    def expression(self, created: dt.datetime) -> Expression:
        recurring = not self.one_time
        inner = parse(
            self.schedule.schedule_expression,
            timezone=self.schedule.schedule_expression_timezone,
            anchor=created,
            start=_instant(self.schedule.start_date) if recurring else None,
            end=_instant(self.schedule.end_date) if recurring else None,
        )
        window = self.window()
        return Shifted(inner, window) if window else inner

    def fires_at_creation(self) -> bool:
        expression = str(self.schedule.schedule_expression).strip()
        return expression.startswith("rate(") and _instant(self.schedule.start_date) is None

    def fire(self, instant: dt.datetime) -> list[Firing]:
        scheduled = instant - self.window()
        target: dict[str, Any] = self.schedule.target or {}
        target_arn = str(target.get("Arn", ""))
        context = Context.new(self.key, scheduled)
        template = target.get("Input") or default_input()
        outcome = invoke(
            render=lambda attempt: context.render(template, attempt),
            policy=RetryPolicy.from_target(target),
            deliver=lambda payload: self.deliver(target, payload, self.region, self.key),
            dead_letter=self._dead_letter(target, context),
            dead_letter_arn=str((target.get("DeadLetterConfig") or {}).get("Arn", "")),
        )
        if self.one_time and self.schedule.action_after_completion == "DELETE":
            self._delete()
        return [
            Firing(
                "scheduler",
                self.name,
                self.key,
                scheduled,
                target_arn,
                outcome.result,
                outcome.detail,
            )
        ]

    def _dead_letter(self, target: dict[str, Any], context: Context) -> DeadLetter | None:
        queue_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not queue_arn:
            return None
        role_arn = str(target.get("RoleArn", ""))
        target_arn = str(target.get("Arn", ""))

        def send(payload: str, error: DeliveryError, retries: int, condition: str) -> None:
            attributes = dead_letter_attributes(context, target_arn, error, retries, condition)
            self.send_dead_letter(role_arn, queue_arn, payload, attributes, self.region, self.key)

        return send

    def after_last(self, now: dt.datetime, fired_one_time: bool) -> None:
        """ActionAfterCompletion=DELETE: a recurring schedule completes at its EndDate."""
        if self.schedule.action_after_completion != "DELETE" or self.one_time:
            return
        end = _instant(self.schedule.end_date)
        if end is not None and end <= now:
            self._delete()

    def _delete(self) -> None:
        try:
            self.delete(self.account_id, self.region, self.schedule.group_name, self.schedule.name)
            LOG.info(
                "lbp-time deleted completed schedule %s (ActionAfterCompletion=DELETE)", self.name
            )
        except Exception as error:  # already deleted by someone else
            LOG.info("lbp-time could not delete completed schedule %s: %s", self.name, error)
