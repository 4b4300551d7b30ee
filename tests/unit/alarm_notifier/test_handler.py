from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from alarm_notifier.config import ConfigError, load_config
from lbp_testing.moto_images import MOTO_AMI

HANDLER = "alarm_notifier.handler"
SENDER = "alarms@example.com"
REGION = "eu-west-1"
DELIVERIES = "ops-notifier-deliveries"


@pytest.fixture
def aws(webhook: Any) -> Iterator[dict[str, Any]]:
    with mock_aws():
        ses = boto3.client("ses")
        ses.verify_email_identity(EmailAddress=SENDER)
        topic = boto3.client("sns").create_topic(Name="ops-notifications")["TopicArn"]
        boto3.client("ssm").put_parameter(
            Name="/ops/webhook-url", Value=webhook.url, Type="SecureString"
        )
        boto3.client("dynamodb").create_table(
            TableName=DELIVERIES,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ec2 = boto3.client("ec2")
        instance = ec2.run_instances(
            ImageId=MOTO_AMI,
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}
            ],
        )["Instances"][0]["InstanceId"]
        yield {"topic_arn": topic, "instance_id": instance}


@pytest.fixture
def notifier(load_handler: Any, aws: dict[str, Any]) -> Any:
    module = load_handler(
        HANDLER,
        EMAIL_SENDER=SENDER,
        EMAIL_RECIPIENTS="oncall@example.com, lead@example.com",
        NOTIFICATION_TOPIC_ARN=aws["topic_arn"],
        WEBHOOK_URL_PARAMETER="/ops/webhook-url",
        DELIVERY_TABLE_NAME=DELIVERIES,
    )
    yield module
    module.client.cache_clear()
    module.webhook_url.cache_clear()


def sent_emails() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def cpu_event(events: Any, instance_id: str, state: str = "ALARM") -> dict[str, Any]:
    message = events.message(state, "OK" if state != "OK" else "ALARM")
    message["Trigger"]["Dimensions"] = [{"value": instance_id, "name": "InstanceId"}]
    return dict(events.sns(message))


def test_alarm_reaches_every_channel_with_the_resource_name(
    notifier: Any, aws: dict[str, Any], webhook: Any, events: Any, lambda_context: Any
) -> None:
    result = notifier.lambda_handler(cpu_event(events, aws["instance_id"]), lambda_context)
    [outcome] = result["notified"]
    assert set(outcome["delivered"]) == {"email", "sns_topic", "webhook"}
    assert outcome["failed"] == {}
    assert outcome["subject"] == "[ALARM] ops-cpu-i-0abc123def4567890 (web-1)"
    [email] = sent_emails()
    assert email.source == SENDER
    assert email.destinations["ToAddresses"] == ["oncall@example.com", "lead@example.com"]
    assert email.subject == outcome["subject"]
    assert f"Resource:    web-1 (InstanceId {aws['instance_id']})" in email.body
    [posted] = webhook.received
    assert posted["text"].endswith(outcome["subject"])


def test_failing_webhook_does_not_stop_email_or_topic_and_fails_the_invocation(
    notifier: Any, aws: dict[str, Any], webhook: Any, events: Any, lambda_context: Any
) -> None:
    webhook.status = 500
    with pytest.raises(
        notifier.DeliveryFailedError, match="webhook: WebhookError: webhook answered HTTP 500"
    ):
        notifier.lambda_handler(cpu_event(events, aws["instance_id"]), lambda_context)
    assert len(sent_emails()) == 1


def test_a_retry_repeats_only_the_channel_that_failed(
    notifier: Any, aws: dict[str, Any], webhook: Any, events: Any, lambda_context: Any
) -> None:
    event = cpu_event(events, aws["instance_id"])
    webhook.status = 500
    with pytest.raises(notifier.DeliveryFailedError):
        notifier.lambda_handler(event, lambda_context)
    webhook.status = 200
    retry = dataclasses.replace(lambda_context, aws_request_id="retry-or-redrive")
    [outcome] = notifier.lambda_handler(event, retry)["notified"]
    assert set(outcome["delivered"]) == {"webhook"}
    assert set(outcome["already_delivered"]) == {"email", "sns_topic"}
    assert len(sent_emails()) == 1
    assert len(webhook.received) == 2  # the failed POST and the retried one


def test_a_redelivered_state_change_notifies_once(
    notifier: Any, aws: dict[str, Any], webhook: Any, events: Any, lambda_context: Any
) -> None:
    event = cpu_event(events, aws["instance_id"])
    notifier.lambda_handler(event, lambda_context)
    event["Records"][0]["Sns"]["MessageId"] = "another-delivery"
    again = dataclasses.replace(lambda_context, aws_request_id="sns-redelivery")
    [outcome] = notifier.lambda_handler(event, again)["notified"]
    assert outcome["delivered"] == {} and outcome["failed"] == {}
    assert set(outcome["already_delivered"]) == {"email", "sns_topic", "webhook"}
    assert len(sent_emails()) == 1 and len(webhook.received) == 1


def test_a_new_state_change_of_the_same_alarm_notifies_again(
    notifier: Any, aws: dict[str, Any], webhook: Any, events: Any, lambda_context: Any
) -> None:
    notifier.lambda_handler(cpu_event(events, aws["instance_id"]), lambda_context)
    later = cpu_event(events, aws["instance_id"])
    message = json.loads(later["Records"][0]["Sns"]["Message"])
    message["StateChangeTime"] = "2024-05-01T13:00:00.000+0000"
    later["Records"][0]["Sns"]["Message"] = json.dumps(message)
    notifier.lambda_handler(later, lambda_context)
    assert len(sent_emails()) == 2 and len(webhook.received) == 2


def test_every_channel_failing_fails_the_invocation(
    load_handler: Any, aws: dict[str, Any], webhook: Any, events: Any, lambda_context: Any
) -> None:
    webhook.status = 503
    module = load_handler(
        HANDLER,
        EMAIL_SENDER="unverified@example.com",  # SES rejects an unverified sender
        EMAIL_RECIPIENTS="oncall@example.com",
        NOTIFICATION_TOPIC_ARN=aws["topic_arn"] + "-deleted",
        WEBHOOK_URL_PARAMETER="/ops/webhook-url",
        DELIVERY_TABLE_NAME=DELIVERIES,
    )
    with pytest.raises(module.DeliveryFailedError, match="ops-cpu-i-0abc123def4567890"):
        module.lambda_handler(cpu_event(events, aws["instance_id"]), lambda_context)
    assert sent_emails() == []
    module.client.cache_clear()
    module.webhook_url.cache_clear()


def test_non_alarm_messages_are_dropped_with_a_logged_reason(
    notifier: Any, events: Any, lambda_context: Any, webhook: Any, caplog: Any
) -> None:
    result = notifier.lambda_handler(events.sns("hello from a human"), lambda_context)
    assert result == {"notified": [], "dropped": [result["dropped"][0]]}
    assert result["dropped"][0].startswith("SNS message is not JSON")
    [record] = [r for r in caplog.records if r.msg.startswith("dropped message")]
    assert record.__dict__["reason"] == result["dropped"][0]
    assert sent_emails() == [] and webhook.received == []


def test_unknown_instance_still_notifies_without_a_name(
    notifier: Any, events: Any, lambda_context: Any
) -> None:
    result = notifier.lambda_handler(cpu_event(events, "i-0000000000000dead"), lambda_context)
    assert result["notified"][0]["subject"] == "[ALARM] ops-cpu-i-0abc123def4567890"


def test_config_needs_a_channel_and_recipients() -> None:
    with pytest.raises(ConfigError, match="no delivery channel"):
        load_config({})
    with pytest.raises(ConfigError, match="EMAIL_RECIPIENTS is required"):
        load_config({"EMAIL_SENDER": SENDER})
    with pytest.raises(ConfigError, match="not an email address"):
        load_config({"EMAIL_SENDER": SENDER, "EMAIL_RECIPIENTS": "nobody"})
    with pytest.raises(ConfigError, match="DELIVERY_TABLE_NAME is required"):
        load_config({"NOTIFICATION_TOPIC_ARN": "arn"})
    table = {"DELIVERY_TABLE_NAME": DELIVERIES}
    assert load_config({"NOTIFICATION_TOPIC_ARN": "arn", **table}).channel_names == ["sns_topic"]
    with pytest.raises(ConfigError, match="DELIVERY_RECORD_DAYS"):
        load_config({"NOTIFICATION_TOPIC_ARN": "arn", "DELIVERY_RECORD_DAYS": "0", **table})
