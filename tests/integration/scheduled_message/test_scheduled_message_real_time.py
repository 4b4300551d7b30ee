"""Scenario 7 on real time, for targets whose time cannot be moved (MiniStack, a real account).

The clock-driven tests (test_scheduled_message.py) prove the scenario in virtual time on this
project's LocalStack, and cannot run where there is no schedule clock. This test reaches the same
facts on the wall clock: the deployed schedule, a cron in Asia/Kolkata (UTC+05:30, so a schedule
evaluated in UTC is minutes or hours off), fires a few minutes after the deploy, at that local
time; the function gets the scheduled time and greets the recipient whose birthday it is there,
once. It waits 3-4 minutes, so on a target with a schedule clock it is skipped: the clock-driven
tests show the same there in seconds.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from lbp_testing.logs import wait_for_runs
from lbp_testing.stack import DeployStack
from scenario_client import ses
from scenario_client.clock import clock_from_environment
from scenario_client.target import AwsTarget

pytestmark = pytest.mark.emulator_difference(
    ministack="Scheduler ignores ScheduleExpressionTimezone (cron read as UTC) and never fills in "
    "<aws.scheduler.scheduled-time>: no run at the Kolkata time, and the function rejects one"
)

ZONE = ZoneInfo("Asia/Kolkata")
LEAD = timedelta(minutes=2)  # the deploy must be done before the schedule's minute
GRACE = timedelta(seconds=90)  # Scheduler fires within the minute; logs arrive a little later
RUN = "scheduled run done"


@pytest.fixture(scope="module")
def moment() -> datetime:
    """The schedule's minute: LEAD from now, in the zone, whole minutes."""
    clock = clock_from_environment()
    if clock is not None and clock.available():
        pytest.skip("this target has a schedule clock: test_scheduled_message.py covers it")
    return (datetime.now(ZONE) + LEAD).replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, moment: datetime) -> dict[str, Any]:
    stack = deploy_stack(
        ["scheduled_message"],
        scheduled_message={
            "sender": {"email": f"realtime-{secrets.token_hex(3)}@example.com"},
            "schedule": {"time": f"{moment:%H:%M}", "time_zone": ZONE.key},
            "message": {
                "subject": "Happy birthday, $first_name!",
                "body": "Dear $name, happy birthday!",
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["scheduled_message"]
    return outputs


def test_the_deployed_schedule_fires_at_the_local_time_and_greets_once(
    scenario: dict[str, Any], moment: datetime, aws_target: AwsTarget
) -> None:
    tag = secrets.token_hex(3)
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    table.put_item(
        Item={
            "recipient_id": f"{tag}-today",
            "name": "Tia Day",
            "email": f"today-{tag}@example.com",
            "birthday": f"1996-{moment:%m-%d}",  # a leap year: every day of the year exists
        }
    )
    left = moment - datetime.now(UTC)
    assert left > timedelta(seconds=20), f"deployed {-left} too late for the {moment:%H:%M} run"

    wait = (left + GRACE).total_seconds()
    runs = wait_for_runs(
        scenario["log_group_name"], RUN, [moment.astimezone(UTC)], lambda r: r.get("moment"), wait
    )

    [run] = runs[moment.astimezone(UTC)]
    assert [s["recipient_id"] for s in run["sent"] if s["recipient_id"].startswith(tag)] == [
        f"{tag}-today"
    ]
    if aws_target.is_emulator:
        mails = [
            e["Destination"]["ToAddresses"] for e in ses.outbox(aws_target, scenario["sender"])
        ]
        assert mails == [[f"today-{tag}@example.com"]]
