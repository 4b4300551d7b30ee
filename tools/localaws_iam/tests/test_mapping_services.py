"""SNS, Kinesis, SSM, KMS, SES, CloudWatch, Logs, Lambda, EventBridge, Scheduler, STS mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from localaws_iam.mapping import authorization
from localaws_iam.model import Authorization, ServiceCall, UnmappedOperationError

ACCOUNT = "111122223333"
REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms"
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/events"
PARAMETER = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/alarm/webhook"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:notify"


class Lookup:
    def __init__(
        self,
        tags: Mapping[str, Mapping[str, str]] | None = None,
        keys: Mapping[str, str] | None = None,
    ) -> None:
        self._tags = dict(tags or {})
        self._keys = dict(keys or {})

    def tags(self, arn: str) -> Mapping[str, str] | None:
        return self._tags.get(arn)

    def kms_key(self, arn: str) -> str | None:
        return self._keys.get(arn)


def call(
    service: str, operation: str, lookup: Lookup | None = None, **params: Any
) -> Authorization:
    return authorization(
        ServiceCall(service, operation, params, REGION, ACCOUNT), lookup or Lookup()
    )


def pairs(authz: Authorization) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in authz.requests]


# ---------------------------------------------------------------- SNS


def test_publish_on_the_topic() -> None:
    assert pairs(call("sns", "Publish", TopicArn=TOPIC, Message="m")) == [("sns:Publish", TOPIC)]
    assert pairs(call("sns", "Publish", TargetArn=TOPIC, Message="m")) == [("sns:Publish", TOPIC)]


def test_publish_to_encrypted_topic_needs_generate_data_key_and_decrypt() -> None:
    authz = call("sns", "Publish", Lookup(keys={TOPIC: KEY}), TopicArn=TOPIC, Message="m")
    assert pairs(authz) == [
        ("sns:Publish", TOPIC),
        ("kms:GenerateDataKey", KEY),
        ("kms:Decrypt", KEY),
    ]
    assert authz.requests[1].context["kms:ViaService"] == f"sns.{REGION}.amazonaws.com"


def test_topic_operations_by_default_rule() -> None:
    assert pairs(call("sns", "GetTopicAttributes", TopicArn=TOPIC)) == [
        ("sns:GetTopicAttributes", TOPIC)
    ]
    assert pairs(call("sns", "ListTopics")) == [("sns:ListTopics", "*")]


# ---------------------------------------------------------------- Kinesis


def test_put_records_on_encrypted_stream_needs_generate_data_key() -> None:
    lookup = Lookup(keys={STREAM: KEY})
    for params in ({"StreamName": "events"}, {"StreamARN": STREAM}):
        authz = call("kinesis", "PutRecords", lookup, Records=[], **params)
        assert pairs(authz) == [("kinesis:PutRecords", STREAM), ("kms:GenerateDataKey", KEY)]


def test_get_records_on_encrypted_stream_needs_decrypt() -> None:
    authz = call(
        "kinesis", "GetRecords", Lookup(keys={STREAM: KEY}), ShardIterator="x", StreamARN=STREAM
    )
    assert pairs(authz) == [("kinesis:GetRecords", STREAM), ("kms:Decrypt", KEY)]


def test_get_records_without_stream_is_not_guessed() -> None:
    with pytest.raises(UnmappedOperationError, match="StreamARN"):
        call("kinesis", "GetRecords", ShardIterator="opaque")


def test_consumer_arn() -> None:
    consumer = f"{STREAM}/consumer/c:1700000000"
    assert pairs(call("kinesis", "SubscribeToShard", ConsumerARN=consumer, ShardId="s")) == [
        ("kinesis:SubscribeToShard", consumer)
    ]


# ---------------------------------------------------------------- SSM


@pytest.mark.parametrize("name", ["/alarm/webhook", "alarm/webhook", PARAMETER, "/alarm/webhook:3"])
def test_parameter_names_become_the_parameter_arn(name: str) -> None:
    assert pairs(call("ssm", "GetParameter", Name=name)) == [("ssm:GetParameter", PARAMETER)]


def test_get_parameter_with_decryption_of_customer_key_needs_decrypt() -> None:
    lookup = Lookup(keys={PARAMETER: KEY})
    authz = call("ssm", "GetParameter", lookup, Name="/alarm/webhook", WithDecryption=True)
    assert pairs(authz) == [("ssm:GetParameter", PARAMETER), ("kms:Decrypt", KEY)]
    context = authz.requests[1].context
    assert context["kms:ViaService"] == f"ssm.{REGION}.amazonaws.com"
    assert context["kms:EncryptionContext:PARAMETER_ARN"] == PARAMETER
    without = call("ssm", "GetParameter", lookup, Name="/alarm/webhook")
    assert pairs(without) == [("ssm:GetParameter", PARAMETER)]


def test_get_parameters_per_name_and_by_path() -> None:
    authz = call("ssm", "GetParameters", Names=["/a", "/b"])
    assert [r for _, r in pairs(authz)] == [
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/a",
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/b",
    ]
    assert pairs(call("ssm", "GetParametersByPath", Path="/fleet/")) == [
        ("ssm:GetParametersByPath", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/fleet")
    ]


def test_put_secure_string_with_customer_key_needs_encrypt() -> None:
    authz = call("ssm", "PutParameter", Name="/s", Value="v", Type="SecureString", KeyId=KEY)
    assert pairs(authz)[-1] == ("kms:Encrypt", KEY)


# ---------------------------------------------------------------- KMS


def test_kms_key_ids_and_aliases_become_key_arns() -> None:
    assert pairs(call("kms", "Decrypt", KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")) == [
        ("kms:Decrypt", KEY)
    ]
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"
    authz = call("kms", "GenerateDataKey", Lookup(keys={alias: KEY}), KeyId="alias/app")
    assert pairs(authz) == [("kms:GenerateDataKey", KEY)]
    assert authz.requests[0].context["kms:RequestAlias"] == "alias/app"


def test_kms_decrypt_without_key_id_is_not_guessed() -> None:
    with pytest.raises(UnmappedOperationError, match="KeyId"):
        call("kms", "Decrypt", CiphertextBlob=b"x")


# ---------------------------------------------------------------- SES


@pytest.mark.parametrize("service", ["ses", "sesv2"])
def test_send_email_on_the_sender_identity_with_from_address(service: str) -> None:
    params = (
        {"Source": "Alarms <alarms@example.com>", "Destination": {"ToAddresses": ["o@x.org"]}}
        if service == "ses"
        else {"FromEmailAddress": "alarms@example.com", "Destination": {"ToAddresses": ["o@x.org"]}}
    )
    authz = call(service, "SendEmail", Message={}, Content={}, **params)
    identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/alarms@example.com"
    assert pairs(authz) == [("ses:SendEmail", identity)]
    assert authz.requests[0].context["ses:FromAddress"] == "alarms@example.com"
    assert authz.requests[0].context["ses:Recipients"] == ["o@x.org"]


def test_send_raw_email_reads_the_from_header() -> None:
    raw = b"From: Bot <bot@example.com>\r\nTo: a@b.c\r\nSubject: s\r\n\r\nbody"
    authz = call("ses", "SendRawEmail", RawMessage={"Data": raw})
    assert pairs(authz) == [
        ("ses:SendRawEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/bot@example.com")
    ]
    assert authz.requests[0].context["ses:FromAddress"] == "bot@example.com"


def test_sesv2_with_configuration_set_also_authorizes_it() -> None:
    authz = call(
        "sesv2",
        "SendEmail",
        FromEmailAddress="a@example.com",
        ConfigurationSetName="cs",
        Content={},
    )
    assert [r for _, r in pairs(authz)] == [
        f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/a@example.com",
        f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/cs",
    ]


# ---------------------------------------------------------------- CloudWatch


def test_cloudwatch_metric_data_and_alarms() -> None:
    assert call("monitoring", "PutMetricData", Namespace="App", MetricData=[]).requests
    authz = call("cloudwatch", "PutMetricData", Namespace="App", MetricData=[])
    assert pairs(authz) == [("cloudwatch:PutMetricData", "*")]
    assert authz.requests[0].context == {"cloudwatch:namespace": "App"}
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:cpu"
    assert pairs(call("monitoring", "SetAlarmState", AlarmName="cpu", StateValue="OK")) == [
        ("cloudwatch:SetAlarmState", alarm)
    ]
    assert pairs(call("monitoring", "DeleteAlarms", AlarmNames=["cpu", "mem"])) == [
        ("cloudwatch:DeleteAlarms", alarm),
        ("cloudwatch:DeleteAlarms", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:mem"),
    ]


# ---------------------------------------------------------------- Logs


def test_log_stream_operations_use_the_log_stream_arn() -> None:
    stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/f:log-stream:2026/01/01/x"
    for operation in ("CreateLogStream", "PutLogEvents"):
        authz = call(
            "logs",
            operation,
            logGroupName="/aws/lambda/f",
            logStreamName="2026/01/01/x",
            logEvents=[],
        )
        assert pairs(authz) == [(f"logs:{operation}", stream)]


def test_log_group_operations_use_the_log_group_arn() -> None:
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/f"
    assert pairs(call("logs", "CreateLogGroup", logGroupName="/aws/lambda/f")) == [
        ("logs:CreateLogGroup", group)
    ]
    assert pairs(call("logs", "PutRetentionPolicy", logGroupName="/aws/lambda/f")) == [
        ("logs:PutRetentionPolicy", group)
    ]


# ---------------------------------------------------------------- Lambda


@pytest.mark.parametrize(
    ("name", "qualifier", "resource"),
    [
        ("notify", None, FUNCTION),
        (FUNCTION, None, FUNCTION),
        (f"{ACCOUNT}:function:notify", None, FUNCTION),
        ("notify", "live", f"{FUNCTION}:live"),
        (f"{FUNCTION}:7", None, f"{FUNCTION}:7"),
        ("notify:$LATEST", None, f"{FUNCTION}:$LATEST"),
    ],
)
def test_invoke_is_invoke_function_qualified_or_not(
    name: str, qualifier: str | None, resource: str
) -> None:
    params: dict[str, Any] = {"FunctionName": name}
    if qualifier:
        params["Qualifier"] = qualifier
    assert pairs(call("lambda", "Invoke", **params)) == [("lambda:InvokeFunction", resource)]


def test_create_function_passes_its_role() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/r"
    authz = call("lambda", "CreateFunction", FunctionName="f", Role=role, Code={})
    assert pairs(authz)[-1] == ("iam:PassRole", role)
    assert authz.requests[-1].context == {"iam:PassedToService": "lambda.amazonaws.com"}


# ---------------------------------------------------------------- EventBridge


def test_put_events_per_bus_with_source_and_detail_type() -> None:
    authz = call(
        "events",
        "PutEvents",
        Entries=[
            {"Source": "app", "DetailType": "done", "Detail": "{}"},
            {"Source": "app", "DetailType": "x", "EventBusName": "orders", "Detail": "{}"},
        ],
    )
    assert pairs(authz) == [
        ("events:PutEvents", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"),
        ("events:PutEvents", f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"),
    ]
    assert authz.requests[0].context == {"events:source": ["app"], "events:detail-type": ["done"]}


def test_rules_on_default_and_custom_buses() -> None:
    assert pairs(call("events", "PutRule", Name="r")) == [
        ("events:PutRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/r")
    ]
    authz = call(
        "events",
        "PutTargets",
        Rule="r",
        EventBusName="orders",
        Targets=[{"Id": "1", "Arn": FUNCTION}],
    )
    assert pairs(authz) == [
        ("events:PutTargets", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/r")
    ]
    assert authz.requests[0].context["events:TargetArn"] == [FUNCTION]


# ---------------------------------------------------------------- Scheduler


def test_schedules_default_group_and_pass_role() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/scheduler"
    authz = call(
        "scheduler",
        "CreateSchedule",
        Name="birthday",
        ScheduleExpression="cron(0 12 * * ? *)",
        Target={"Arn": FUNCTION, "RoleArn": role},
        FlexibleTimeWindow={"Mode": "OFF"},
    )
    assert pairs(authz) == [
        (
            "scheduler:CreateSchedule",
            f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/birthday",
        ),
        ("iam:PassRole", role),
    ]
    assert pairs(call("scheduler", "GetSchedule", Name="s", GroupName="g")) == [
        ("scheduler:GetSchedule", f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/g/s")
    ]
    assert pairs(call("scheduler", "ListSchedules")) == [("scheduler:ListSchedules", "*")]


# ---------------------------------------------------------------- STS


def test_get_caller_identity_needs_no_permission() -> None:
    assert call("sts", "GetCallerIdentity").requests == ()


def test_assume_role_on_the_role() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/r"
    assert pairs(call("sts", "AssumeRole", RoleArn=role, RoleSessionName="s")) == [
        ("sts:AssumeRole", role)
    ]


# ---------------------------------------------------------------- unknown


def test_unknown_service_is_unmapped() -> None:
    with pytest.raises(UnmappedOperationError, match="glacier:ListVaults"):
        call("glacier", "ListVaults")


def test_resource_tags_reach_the_context_by_default_rule() -> None:
    lookup = Lookup(tags={TOPIC: {"team": "ops"}})
    authz = call("sns", "SetTopicAttributes", lookup, TopicArn=TOPIC, AttributeName="x")
    assert authz.requests[0].context == {"aws:ResourceTag/team": "ops"}


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("s3", "CopyObject", {"Bucket": "b", "Key": "k"}),
        ("s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": "nokey"}),
        ("ec2", "CreateSnapshot", {}),
        ("sns", "Publish", {"Message": "m"}),
        ("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {}}]}),
        ("lambda", "Invoke", {}),
    ],
)
def test_malformed_requests_are_unmapped_not_crashes(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    with pytest.raises(UnmappedOperationError, match=f"{service}:{operation}"):
        call(service, operation, **params)
