from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from scheduled_message.config import ConfigError, load_config
from scheduled_message.recipients import parse_recipient
from scheduled_message.run import send_due_messages
from scheduled_message.sending import Sender, claim

HANDLER = "scheduled_message.handler"
TABLE = "recipients"
SENDER = "birthdays@example.com"
ENV = {
    "TABLE_NAME": TABLE,
    "SENDER": SENDER,
    "SUBJECT_TEMPLATE": "Happy birthday, $first_name!",
    "BODY_TEMPLATE": "Dear $name, congratulations on turning $age. Costs $$0.",
    "HTML_TEMPLATE": "<p>Dear $name</p>",
    "DEFAULT_TIME_ZONE": "Europe/London",
}
NOON_14_MARCH = {"scheduled_time": "2025-03-14T12:00:00Z"}
PEOPLE = [
    {
        "recipient_id": "ada",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "birthday": "1990-03-14",
    },
    {
        "recipient_id": "bob",
        "name": "Bob <b>",
        "email": "bob@example.com",
        "birthday": "03-14",
        "time_zone": "America/New_York",
    },
    {
        "recipient_id": "kiri",
        "name": "Kiri Te",
        "email": "kiri@example.com",
        "birthday": "03-15",
        "time_zone": "Pacific/Kiritimati",
    },  # UTC+14: already the 15th
    {"recipient_id": "carl", "name": "Carl", "email": "carl@example.com", "birthday": "03-15"},
    {"recipient_id": "bad-mail", "name": "Eve", "email": "eve-at-example", "birthday": "03-14"},
    {
        "recipient_id": "bad-date",
        "name": "Fay",
        "email": "fay@example.com",
        "birthday": "2025-02-30",
    },
]


@pytest.fixture
def aws() -> Iterator[Any]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "recipient_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "recipient_id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        table = boto3.resource("dynamodb").Table(TABLE)
        for person in PEOPLE:
            table.put_item(Item=person)
        boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
        yield dynamodb


@pytest.fixture
def handler(load_handler: Any, aws: Any) -> Iterator[Any]:
    module = load_handler(HANDLER, **ENV)
    yield module
    module.client.cache_clear()


def sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages)


def row(dynamodb: Any, recipient_id: str) -> dict[str, Any]:
    item = dynamodb.get_item(TableName=TABLE, Key={"recipient_id": {"S": recipient_id}})["Item"]
    return {key: next(iter(value.values())) for key, value in item.items()}


def test_a_day_replayed_twice_sends_each_due_message_once(
    handler: Any, aws: Any, lambda_context: Any
) -> None:
    first = handler.lambda_handler(NOON_14_MARCH, lambda_context)
    assert sorted(s["recipient_id"] for s in first["sent"]) == ["ada", "bob", "kiri"]
    assert {s["recipient_id"]: s["on"] for s in first["sent"]}["kiri"] == "2025-03-15"
    assert sorted(i["recipient_id"] for i in first["invalid"]) == ["bad-date", "bad-mail"]
    assert first["not_due"] == 1 and first["failed"] == []

    second = handler.lambda_handler(NOON_14_MARCH, lambda_context)
    assert second["sent"] == []
    assert sorted(second["already_sent"]) == ["ada", "bob", "kiri"]

    emails = {email.destinations["ToAddresses"][0]: email for email in sent()}
    assert sorted(emails) == ["ada@example.com", "bob@example.com", "kiri@example.com"]
    ada = emails["ada@example.com"]
    assert ada.source == SENDER and ada.subject == "Happy birthday, Ada!"
    assert ada.body == "<p>Dear Ada Lovelace</p>"  # moto keeps the HTML part when there is one
    assert emails["bob@example.com"].body == "<p>Dear Bob &lt;b&gt;</p>"
    record = row(aws, "ada")
    assert (record["last_sent_on"], record["send_status"]) == ("2025-03-14", "sent")
    assert record["message_id"] == ada.id


def test_text_body_and_age(aws: Any) -> None:
    config = load_config(ENV | {"HTML_TEMPLATE": ""})
    outcome = send_due_messages(
        NOON_14_MARCH, config, aws, Sender(boto3.client("ses"), SENDER), datetime.now(UTC)
    )
    assert len(outcome.sent) == 3
    ada = next(e for e in sent() if e.destinations["ToAddresses"] == ["ada@example.com"])
    assert ada.body == "Dear Ada Lovelace, congratulations on turning 35. Costs $0."


def test_next_year_sends_again(handler: Any, lambda_context: Any) -> None:
    handler.lambda_handler(NOON_14_MARCH, lambda_context)
    later = handler.lambda_handler({"scheduled_time": "2026-03-14T12:00:00Z"}, lambda_context)
    assert sorted(s["recipient_id"] for s in later["sent"]) == ["ada", "bob", "kiri"]


class FlakySender(Sender):
    """SES refusing one address, as it does with throttling or a suppressed address."""

    def send(self, to: str, message: Any) -> str:
        if to == "bob@example.com":
            raise ClientError({"Error": {"Code": "Throttling", "Message": "slow"}}, "SendEmail")
        return super().send(to, message)


def test_a_failed_send_is_released_retried_alone_and_fails_the_run(
    handler: Any, aws: Any, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handler, "Sender", FlakySender)
    with pytest.raises(handler.SendFailedError, match="1 send"):
        handler.lambda_handler(NOON_14_MARCH, lambda_context)
    assert "last_sent_on" not in row(aws, "bob"), "the claim is released"
    assert len(sent()) == 2

    monkeypatch.setattr(handler, "Sender", Sender)
    retry = handler.lambda_handler(NOON_14_MARCH, lambda_context)
    assert [s["recipient_id"] for s in retry["sent"]] == ["bob"]
    assert len(sent()) == 3


def test_a_claim_left_by_a_crash_is_not_sent_again_and_is_reported(
    handler: Any, aws: Any, lambda_context: Any, caplog: pytest.LogCaptureFixture
) -> None:
    config = handler.CONFIG
    ada = parse_recipient(PEOPLE[0], config.default_time_zone)
    assert claim(aws, TABLE, ada, datetime(2025, 3, 14).date(), datetime.now(UTC)) is not None
    result = handler.lambda_handler(NOON_14_MARCH, lambda_context)
    assert "ada" not in [s["recipient_id"] for s in result["sent"]]
    assert result["stale_claims"] == ["ada"]
    assert any(r.msg.startswith("claimed but never confirmed") for r in caplog.records)


def test_an_event_without_a_time_is_rejected_not_retried(handler: Any, lambda_context: Any) -> None:
    result = handler.lambda_handler(
        {"scheduled_time": "<aws.scheduler.scheduled-time>"}, lambda_context
    )
    assert result == {"error": result["error"]} and "placeholder" in result["error"]
    assert handler.lambda_handler({}, lambda_context)["error"].startswith("event has no")
    assert sent() == []


def test_rule_events_use_their_time(handler: Any, lambda_context: Any) -> None:
    result = handler.lambda_handler({"time": "2025-03-15T12:00:00Z"}, lambda_context)
    assert sorted(s["recipient_id"] for s in result["sent"]) == ["carl"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SUBJECT_TEMPLATE": "Hi $nickname"}, "unknown placeholders \\['nickname'\\]"),
        ({"BODY_TEMPLATE": "costs $5"}, "a '\\$' not followed"),
        ({"DEFAULT_TIME_ZONE": "Moon/Base"}, "not an IANA time zone"),
        ({"SENDER": "nobody"}, "SENDER is not an email address"),
        ({"TABLE_NAME": ""}, "TABLE_NAME is required"),
    ],
)
def test_config_errors_name_the_problem(override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(ENV | override)
