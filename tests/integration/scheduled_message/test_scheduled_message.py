"""Scenario 7 end to end: the deployed schedule fires at 12:00 Pacific/Auckland on the local
AWS's clock, and exactly the right greetings go out — no hand-written event.

The clock is set to a few moments before noon in the schedule's zone and advanced across it; the
schedule (EventBridge Scheduler, cron with a time zone) fires through the local AWS, which
invokes the function with the target's input, `<aws.scheduler.scheduled-time>` filled in. What
the function did is read from its effects: the SES outbox, the recipients table and the run
summary it logs. Pacific/Auckland is 13 hours ahead of UTC in February (daylight saving time),
so a schedule fired at 12:00 UTC, or 12:00 in a zone without DST, would be seen.

The stack runs with a customer managed key created here (kms_key_arn): the recipients table, the
schedule's payload and the failure queue are encrypted with it. That is the path with the most
IAM to get right: the function reads and updates the SSE-KMS table, Lambda delivers a failed run
to the SSE-KMS queue with the function's role, Scheduler would deliver its dead letters there with
the schedule's role. Each needs kms:Decrypt / kms:GenerateDataKey on the key (the module grants
both roles exactly that), and the last test reads the IAM report: no denial for the stack but
the one injected. The emulator does not check the key policy (AWS does): the key's policy is the
account statement only, which is what the module needs (no service principal uses the key, see
the module README). The default encryption (AWS managed keys) is applied by the root stack test
and driven end to end by test_scheduled_message_real_time.py (MiniStack, a real account) and
`make reliability` (reliability/test_scheduled.py).

On a target without a controllable clock (a real account), these tests cannot move time: they
skip with "target has no controllable clock". On this project's local AWS a missing clock fails.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from lbp_testing.clock import MINISTACK_HAS_NO_CLOCK, ScheduleClock, fired_at, local
from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.logs import Record, wait_for_runs
from lbp_testing.queues import drain, queue_url
from lbp_testing.stack import DeployStack
from scenario_client import ses
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget

pytestmark = [
    pytest.mark.emulator_difference(ministack=MINISTACK_HAS_NO_CLOCK),
]

ZONE = "Pacific/Auckland"
RUN = "scheduled run done"  # the function's summary log line
SCAN = ("dynamodb:Scan",)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: scheduled-message CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(
    deploy_stack: DeployStack, schedule_clock: ScheduleClock, key_arn: str
) -> dict[str, Any]:
    stack = deploy_stack(
        ["scheduled_message"],
        kms_key_arn=key_arn,
        scheduled_message={
            "sender": {"email": f"birthdays-{secrets.token_hex(3)}@example.com"},
            "schedule": {"time": "12:00", "time_zone": ZONE},
            "message": {
                "subject": "Happy birthday, $first_name!",
                "body": "Dear $name, happy $age birthday!",
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["scheduled_message"]
    return outputs


def test_schedule_runs_daily_at_noon_auckland_with_the_scheduled_time(
    scenario: dict[str, Any],
) -> None:
    schedule = boto3.client("scheduler").get_schedule(Name=scenario["schedule_name"])
    assert schedule["ScheduleExpression"] == "cron(0 12 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == ZONE
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"].endswith(f":function:{scenario['function_name']}")
    assert json.loads(target["Input"])["scheduled_time"] == "<aws.scheduler.scheduled-time>"
    assert target["DeadLetterConfig"]["Arn"].endswith(scenario["failure_queue_url"].split("/")[-1])
    role = target["RoleArn"].split("/")[-1]
    assert boto3.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"][
        "Statement"
    ][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}


def test_table_schedule_and_queue_use_the_key(scenario: dict[str, Any], key_arn: str) -> None:
    table = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"]
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key_arn
    schedule = boto3.client("scheduler").get_schedule(Name=scenario["schedule_name"])
    assert schedule["KmsKeyArn"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario["failure_queue_url"]), AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn


def outbox(aws_target: AwsTarget, sender: str) -> list[dict[str, Any]]:
    return ses.outbox(aws_target, sender)


def received(aws_target: AwsTarget, sender: str) -> list[str]:
    return sorted(e["Destination"]["ToAddresses"][0] for e in outbox(aws_target, sender))


def add_recipients(
    scenario: dict[str, Any], tag: str, people: list[tuple[str, str, str, str | None]]
) -> None:
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    for key, name, birthday, zone in people:
        item = {
            "recipient_id": f"{tag}-{key}",
            "name": name,
            "email": "not-an-address" if key == "bad-email" else f"{key}-{tag}@example.com",
            "birthday": birthday,
        }
        if zone:
            item["time_zone"] = zone
        table.put_item(Item=item)


def advance_over_noons(
    clock: ScheduleClock, scenario: dict[str, Any], to: datetime, noons: list[datetime]
) -> list[Record]:
    """Advances to `to`: the schedule must fire exactly at `noons`; returns each run's summary."""
    firings = clock.advance(to=to, of=[scenario["schedule_name"]])
    assert fired_at(firings) == [n.astimezone(UTC) for n in noons]
    runs = wait_for_runs(
        scenario["log_group_name"], RUN, fired_at(firings), lambda r: r.get("moment")
    )
    return [runs[t][-1] for t in fired_at(firings)]


def recipient_ids(run: Record, field: str = "sent") -> set[str]:
    return {s["recipient_id"] if isinstance(s, dict) else s for s in run[field]}


def test_at_noon_in_auckland_on_28_february_exactly_the_right_greetings_go_out_once(
    scenario: dict[str, Any], schedule_clock: ScheduleClock, aws_target: AwsTarget
) -> None:
    tag = secrets.token_hex(3)
    add_recipients(
        scenario,
        tag,
        [
            ("leap", "Lee Pham", "1996-02-29", None),  # celebrated on 28 Feb in 2027
            ("today", "Tia Day", "1990-02-28", None),
            ("yesterday", "Yan Ester", "1990-02-27", None),
            ("tomorrow", "Tom Orrow", "1990-03-02", None),  # 2 March: not due on either run
            ("honolulu", "Hana Lei", "02-27", "Pacific/Honolulu"),  # 13:00 on 27 Feb there
            ("bad-email", "Bea D", "1990-02-28", None),
        ],
    )
    noon = local(ZONE, 2027, 2, 28, 12)
    schedule_clock.set(noon - timedelta(minutes=1))

    # 11:59 -> 12:01 in Auckland: one firing, at 12:00 local = 23:00 UTC the day before.
    [first] = advance_over_noons(
        schedule_clock, scenario, noon + timedelta(minutes=1), noons=[noon]
    )
    expected = {f"{tag}-leap", f"{tag}-today", f"{tag}-honolulu"}
    mine = {s["recipient_id"]: s["on"] for s in first["sent"] if s["recipient_id"].startswith(tag)}
    assert set(mine) == expected
    assert mine[f"{tag}-honolulu"] == "2027-02-27" and mine[f"{tag}-leap"] == "2027-02-28"
    assert {"recipient_id": f"{tag}-bad-email", "reason": "email is not an address: "
            "'not-an-address'"} in first["invalid"]  # fmt: skip
    table = boto3.resource("dynamodb").Table(scenario["table_name"])
    stored = table.get_item(Key={"recipient_id": f"{tag}-leap"}, ConsistentRead=True)["Item"]
    assert (stored["last_sent_on"], stored["send_status"]) == ("2027-02-28", "sent")

    expected_mail = sorted(f"{k}-{tag}@example.com" for k in ("leap", "today", "honolulu"))
    if aws_target.is_emulator:
        mails = [m for m in received(aws_target, scenario["sender"]) if tag in m]
        assert mails == expected_mail
        leap = next(
            e
            for e in outbox(aws_target, scenario["sender"])
            if e["Destination"]["ToAddresses"] == [f"leap-{tag}@example.com"]
        )
        assert leap["Subject"] == "Happy birthday, Lee!"
        assert leap["Body"]["text_part"] == "Dear Lee Pham, happy 31 birthday!"

    # The same noon delivered again (Scheduler delivers at least once): nobody greeted twice.
    schedule_clock.set(noon - timedelta(minutes=1))
    firings = schedule_clock.advance(to=noon + timedelta(minutes=1), of=[scenario["schedule_name"]])
    assert fired_at(firings) == [noon.astimezone(UTC)]
    runs = wait_for_runs(
        scenario["log_group_name"], RUN, [noon.astimezone(UTC)] * 2, lambda r: r.get("moment")
    )
    again = runs[noon.astimezone(UTC)][-1]
    assert not recipient_ids(again) & expected
    assert expected <= recipient_ids(again, "already_sent")

    # On to past the next day's noon: one more run, nothing new for anyone.
    next_noon = local(ZONE, 2027, 3, 1, 12)
    [later] = advance_over_noons(
        schedule_clock, scenario, next_noon + timedelta(minutes=1), noons=[next_noon]
    )
    assert not {s for s in recipient_ids(later) if s.startswith(tag)}
    if aws_target.is_emulator:
        assert [m for m in received(aws_target, scenario["sender"]) if tag in m] == expected_mail


def test_across_the_end_of_daylight_saving_time_the_greeting_still_goes_out_at_noon(
    scenario: dict[str, Any], schedule_clock: ScheduleClock, aws_target: AwsTarget
) -> None:
    """Auckland leaves DST on Sunday 4 April 2027 (03:00 NZDT -> 02:00 NZST): noon moves from
    23:00 UTC the day before to 00:00 UTC."""
    tag = secrets.token_hex(3)
    days = {"sat": "04-03", "sun": "04-04", "mon": "04-05"}
    add_recipients(scenario, tag, [(k, f"{k.title()} Day", d, None) for k, d in days.items()])
    noons = [local(ZONE, 2027, 4, day, 12) for day in (3, 4, 5)]
    assert [n.astimezone(UTC).hour for n in noons] == [23, 0, 0]

    schedule_clock.set(noons[0] - timedelta(minutes=1))
    runs = advance_over_noons(schedule_clock, scenario, noons[-1] + timedelta(minutes=1), noons)

    greeted = [
        {s["recipient_id"]: s["on"] for s in run["sent"] if s["recipient_id"].startswith(tag)}
        for run in runs
    ]
    assert greeted == [
        {f"{tag}-sat": "2027-04-03"},
        {f"{tag}-sun": "2027-04-04"},
        {f"{tag}-mon": "2027-04-05"},
    ]
    if aws_target.is_emulator:
        assert [m for m in received(aws_target, scenario["sender"]) if tag in m] == sorted(
            f"{k}-{tag}@example.com" for k in days
        )


def test_a_failed_run_reaches_the_encrypted_queue(
    scenario: dict[str, Any], schedule_clock: ScheduleClock
) -> None:
    """Injected from outside: while a noon fires, the function's role is denied reading the
    recipients (an AWS error), so the run fails and Lambda parks it in the SSE-KMS queue with the
    function's role. Needs IAM enforcement: without it the run succeeds and the wait for the
    failure record times out."""
    noon = local(ZONE, 2029, 6, 15, 12)
    fired = noon.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    url = queue_url(scenario["failure_queue_url"])
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        return [
            r
            for r in drain(url, seen)
            if str(r.get("requestPayload", {}).get("scheduled_time", "")).startswith(fired)
        ]

    table_arn = boto3.client("dynamodb").describe_table(TableName=scenario["table_name"])["Table"][
        "TableArn"
    ]
    with denied(scenario["function_name"], {"Action": list(SCAN), "Resource": table_arn}):
        schedule_clock.set(noon - timedelta(minutes=1))
        firings = schedule_clock.advance(
            to=noon + timedelta(minutes=1), of=[scenario["schedule_name"]]
        )
        assert fired_at(firings) == [noon.astimezone(UTC)]
        [record] = eventually(failure_records, timeout=120, interval=0, what="the failed run")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "AccessDenied" in json.dumps(record["responsePayload"])


def test_only_the_injected_denial_is_in_the_report(scenario: dict[str, Any]) -> None:
    """Runs last (pytest keeps file order): every test of the file has run on the stack. Needs
    IAM enforcement (it fails unless the report's mode is enforce)."""
    unexpected = only_injected(denials(name_prefix_of(scenario["function_name"])), SCAN)
    assert unexpected == [], unexpected
