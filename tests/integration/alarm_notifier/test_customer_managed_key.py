"""Scenario 6 applied with a customer managed key created here, the way an operator would bring
one: the alarm topic, the notification topic and the failure queue use it, and the key's policy
gets the statements the module exports for CloudWatch (service_key_policy_json).

The key is created before the stack with the account statement only; after the apply its policy
is extended with the module's service_key_policy_json, read from the stack's own state (what an
operator merges into the key they pass). A real alarm state change then travels CloudWatch →
encrypted topic → notifier → SES and the encrypted notification topic. The emulator does not
check the key policy (AWS does: without the CloudWatch statement the alarm's publish to the
encrypted topic fails): the test asserts the statements are there and scoped, and the IAM report
shows no denial for the stack's roles.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, key_policy, name_prefix_of, only_injected
from lbp_testing.logs import log_records
from lbp_testing.stack import DeployStack
from scenario_client.cloudwatch import query_protocol_client
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget

CHANNELS = ("ses:SendEmail", "sns:Publish")
SES_AGAINST_STAR = (
    "IAM: MiniStack authorizes ses:SendEmail against resource '*' (AWS: the identity ARNs), so the "
    "role's statement scoped to this account's identities never matches: the email is denied "
    "(an ImplicitDeny of the notifier's role) and the notification is logged as failed, not sent"
)
SNS_INVOKES_SYNCHRONOUSLY = (
    "SNS invokes a subscribed function once, synchronously (AWS: an asynchronous invocation): a "
    "failed invocation is neither retried nor sent to the function's on-failure destination, "
    "so the alarm no channel could deliver is lost, not parked"
)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: alarm-notifier CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def instance_id(aws_target: AwsTarget) -> Iterator[str]:
    """A running instance on the emulator (free there); an ID that does not exist on AWS."""
    if not aws_target.is_emulator:
        yield "i-0123456789abcdef0"
        return
    ec2 = boto3.client("ec2")
    image = ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    identifier = str(instance["Instances"][0]["InstanceId"])
    yield identifier
    ec2.terminate_instances(InstanceIds=[identifier])


def module_data(state: dict[str, Any], module: str, type_: str, name: str) -> dict[str, Any]:
    for resource in state["resources"]:
        if (resource.get("module"), resource["mode"], resource["type"], resource["name"]) == (
            module,
            "data",
            type_,
            name,
        ):
            attributes: dict[str, Any] = resource["instances"][0]["attributes"]
            return attributes
    raise AssertionError(f"no data.{type_}.{name} in {module}")


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, key_arn: str, instance_id: str) -> dict[str, Any]:
    sender = f"alarms-{secrets.token_hex(3)}@example.com"
    stack = deploy_stack(
        ["alarm_notifier"],
        kms_key_arn=key_arn,
        alarm_notifier={
            "cpu_alarms": {"instance_ids": [instance_id]},
            "email": {"sender": sender, "recipients": ["oncall@example.com"]},
            "functions": {"notifier": {"maximum_retry_attempts": 0}},
        },
    )
    state = json.loads(stack.tf.execute_command("state", "pull").out)
    service = module_data(
        state, "module.alarm_notifier[0]", "aws_iam_policy_document", "service_key_use"
    )["json"]
    boto3.client("kms").put_key_policy(
        KeyId=key_arn, PolicyName="default", Policy=key_policy(service)
    )
    outputs: dict[str, Any] = dict(stack.outputs["alarm_notifier"])
    outputs["sender"] = sender
    return outputs


def queue_url(scenario: dict[str, Any]) -> str:
    name = scenario["on_failure_queue_url"].rsplit("/", 1)[-1]
    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def test_topics_and_queue_use_the_key_and_its_policy_lets_only_this_accounts_alarms_in(
    scenario: dict[str, Any], key_arn: str
) -> None:
    sns = boto3.client("sns")
    for topic in (scenario["alarm_topic_arn"], scenario["notification_topic_arn"]):
        assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario), AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn

    policy = json.loads(
        boto3.client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"]
    )
    [cloudwatch] = [
        s
        for s in policy["Statement"]
        if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    account = boto3.client("sts").get_caller_identity()["Account"]
    assert cloudwatch["Condition"]["StringEquals"]["aws:SourceAccount"] == account
    assert cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"].startswith(
        f"arn:aws:cloudwatch:{scenario['alarm_topic_arn'].split(':')[3]}:{account}:alarm:"
    )


@pytest.mark.emulator_difference(ministack=SES_AGAINST_STAR)
def test_an_alarm_travels_through_the_encrypted_topics(scenario: dict[str, Any]) -> None:
    [alarm_name] = scenario["cpu_alarm_names"].values()
    since = int(time.time() * 1000) - 5000
    query_protocol_client().set_alarm_state(
        AlarmName=alarm_name, StateValue="ALARM", StateReason="Threshold Crossed: CMK test"
    )
    [entry] = eventually(
        lambda: log_records(scenario["log_group_name"], "notification sent", since),
        timeout=90,
        interval=1.0,
        what="the notifier's 'notification sent' log entry",
    )
    assert entry["alarm"] == alarm_name and entry["state"] == "ALARM"
    assert set(entry["delivered"]) == {"email", "sns_topic"} and entry["failed"] == {}


@pytest.mark.emulator_difference(ministack=SES_AGAINST_STAR)
def test_the_iam_report_shows_no_denial_for_the_stack(scenario: dict[str, Any]) -> None:
    found = denials(name_prefix_of(scenario["function_name"]))
    assert found == [], found


@pytest.mark.emulator_difference(ministack=SNS_INVOKES_SYNCHRONOUSLY)
def test_an_alarm_no_channel_could_deliver_reaches_the_encrypted_queue(
    scenario: dict[str, Any],
) -> None:
    """Injected from outside: the notifier's role is denied both channels (SES, the notification
    topic), so delivery fails entirely and Lambda parks the alarm in the SSE-KMS queue with the
    notifier's role. Needs IAM enforcement: without it the alarm is delivered and the wait for
    the failure record times out."""
    [alarm_name] = scenario["cpu_alarm_names"].values()
    sqs, url = boto3.client("sqs"), queue_url(scenario)
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
        for message in reply.get("Messages", []):
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return [r for r in seen if alarm_name in json.dumps(r.get("requestPayload", {}))]

    with denied(scenario["function_name"], {"Action": list(CHANNELS), "Resource": "*"}):
        query_protocol_client().set_alarm_state(
            AlarmName=alarm_name, StateValue="OK", StateReason="back to normal (CMK test)"
        )
        [record] = eventually(
            failure_records, timeout=120, interval=0, what="the alarm's failure record"
        )
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    unexpected = only_injected(denials(name_prefix_of(scenario["function_name"])), CHANNELS)
    assert unexpected == [], unexpected
