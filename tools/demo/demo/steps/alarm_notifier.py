"""Forces an alarm into ALARM and prints the notification the notifier published.

The demo alarm is created here (pointing its actions at the scenario's alarm topic, the way
alarms defined elsewhere plug in), forced with SetAlarmState, and removed afterwards. A
temporary SQS queue subscribed to the notification topic shows the formatted message.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3

from demo import console
from scenario_client.cloudwatch import query_protocol_client
from scenario_client.polling import eventually


def _subscribe_queue(topic_arn: str, name: str) -> tuple[str, str]:
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    subscription = sns.subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    return url, subscription


def _receive(url: str) -> list[dict[str, Any]]:
    reply = boto3.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=2)
    return [json.loads(message["Body"]) for message in reply.get("Messages", [])]


def run(outputs: dict[str, Any]) -> None:
    cloudwatch = query_protocol_client()
    tag = secrets.token_hex(2)
    alarm = f"demo-cpu-high-{tag}"
    queue_url, subscription = _subscribe_queue(
        outputs["notification_topic_arn"], f"demo-alarm-notifications-{tag}"
    )
    try:
        cloudwatch.put_metric_alarm(
            AlarmName=alarm,
            AlarmDescription="Demo: CPU utilisation above 80%",
            Namespace="AWS/EC2",
            MetricName="CPUUtilization",
            Dimensions=[{"Name": "InstanceId", "Value": "i-0123456789abcdef0"}],
            Statistic="Average",
            Period=300,
            EvaluationPeriods=1,
            Threshold=80,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[outputs["alarm_topic_arn"]],
        )
        console.step(f"created alarm {alarm} (actions -> {outputs['alarm_topic_arn']})")
        cloudwatch.set_alarm_state(
            AlarmName=alarm,
            StateValue="ALARM",
            StateReason="Threshold Crossed: 1 datapoint [96.4] was greater than 80.0 (demo)",
        )
        console.step("forced it to ALARM with SetAlarmState")
        [notification] = eventually(
            lambda: _receive(queue_url), timeout=60, what="the notification on the topic"
        )
        console.step("the notification published by the notifier:")
        console.block(f"Subject: {notification.get('Subject')}\n\n{notification['Message']}")
    finally:
        cloudwatch.delete_alarms(AlarmNames=[alarm])
        boto3.client("sns").unsubscribe(SubscriptionArn=subscription)
        boto3.client("sqs").delete_queue(QueueUrl=queue_url)
