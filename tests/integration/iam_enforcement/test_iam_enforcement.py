"""A Lambda function's calls are authorized with its execution role, as on AWS.

One role and one function per rule class. Each test asserts both sides (what the role allows
succeeds, what it does not is refused in the service's own error), so each fails when enforcement
is off. See conftest.py for the targets these tests hold on.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration

NOT_ALLOWED = "because no identity-based policy allows the {} action"


def _denied(outcome: dict[str, Any], code: str, action: str) -> str:
    assert outcome["ok"] is False, f"{action} should have been denied: {outcome}"
    assert outcome["code"] == code, outcome
    assert f"is not authorized to perform: {action}" in outcome["message"], outcome
    return str(outcome["message"])


def test_enforcement_is_on(enforcement: Any) -> None:
    """The local AWS must run with LBP_IAM=enforce (make test/make demo default) for this suite."""
    assert enforcement.mode == "enforce", (
        f"the local AWS runs with LBP_IAM={enforcement.mode}: these tests need enforce "
        "(`make down`, then `make up` with LBP_IAM unset or enforce)"
    )


def test_function_runs_as_an_assumed_role_session_named_after_it(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, account: str
) -> None:
    """The identity every other test relies on. It holds with LBP_IAM=off too (it checks who
    the function is, not what it may do)."""
    role = make_role({"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"})
    function = make_function(role)

    outcome = call(function, "sts", "get_caller_identity")

    role_name = role.rsplit("/", 1)[-1]
    assert outcome["result"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/{role_name}/{function}"


@pytest.mark.emulator_difference(
    ministack="AccessDenied names no resource ARN (AWS: 'on resource: arn:aws:s3:::bucket/key')"
)
def test_allowed_and_implicitly_denied(
    enforcement: Any,
    make_role: Any,
    make_function: Any,
    call: Any,
    bucket: str,
    session: Any,
) -> None:
    session.client("s3").put_object(Bucket=bucket, Key="data/a.txt", Body=b"hello")
    role = make_role(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    )
    function = make_function(role)

    read = call(function, "s3", "get_object", Bucket=bucket, Key="data/a.txt")
    write = call(function, "s3", "put_object", Bucket=bucket, Key="data/b.txt", Body="x")

    assert read["ok"] and read["result"]["Body"] == "hello"
    message = _denied(write, "AccessDenied", "s3:PutObject")
    assert write["status"] == 403
    assert NOT_ALLOWED.format("s3:PutObject") in message
    assert f"arn:aws:s3:::{bucket}/data/b.txt" in message


def test_explicit_deny_overrides_an_allow(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, make_table: Any
) -> None:
    table, table_arn = make_table()
    role = make_role(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": table_arn},
        {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": "*"},
    )
    function = make_function(role)
    key = {"pk": {"S": "a"}}

    put = call(function, "dynamodb", "put_item", TableName=table, Item=key)
    delete = call(function, "dynamodb", "delete_item", TableName=table, Key=key)

    assert put["ok"], put
    message = _denied(delete, "AccessDeniedException", "dynamodb:DeleteItem")
    assert message.endswith("with an explicit deny in an identity-based policy")


def test_resource_scoped_permission(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, make_queue: Any
) -> None:
    allowed_url, allowed_arn = make_queue()
    other_url, _ = make_queue()
    role = make_role({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": allowed_arn})
    function = make_function(role)

    sent = call(function, "sqs", "send_message", QueueUrl=allowed_url, MessageBody="m")
    refused = call(function, "sqs", "send_message", QueueUrl=other_url, MessageBody="m")

    assert sent["ok"], sent
    _denied(refused, "AccessDenied", "sqs:SendMessage")


@pytest.mark.emulator_difference(
    ministack="EC2 instances' aws:ResourceTag/<key> is never resolved: tag-conditioned Start denied"
)
def test_tag_conditioned_ec2_start(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, make_instance: Any
) -> None:
    office = make_instance({"Schedule": "office"})
    untagged = make_instance({})
    role = make_role(
        {
            "Effect": "Allow",
            "Action": "ec2:StartInstances",
            "Resource": "arn:aws:ec2:*:*:instance/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Schedule": "office"}},
        }
    )
    function = make_function(role)

    started = call(function, "ec2", "start_instances", InstanceIds=[office])
    refused = call(function, "ec2", "start_instances", InstanceIds=[untagged])

    assert started["ok"], started
    message = _denied(refused, "UnauthorizedOperation", "ec2:StartInstances")
    assert f"instance/{untagged}" in message


def test_prefix_conditioned_listing(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, bucket: str
) -> None:
    role = make_role(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{bucket}",
            "Condition": {"StringLike": {"s3:prefix": ["reports/*"]}},
        }
    )
    function = make_function(role)

    listed = call(function, "s3", "list_objects_v2", Bucket=bucket, Prefix="reports/2026/")
    refused = call(function, "s3", "list_objects_v2", Bucket=bucket, Prefix="private/")

    assert listed["ok"], listed
    _denied(refused, "AccessDenied", "s3:ListBucket")


@pytest.mark.emulator_difference(
    ministack="a missing key is 404 NoSuchKey even without s3:ListBucket (AWS: 403 AccessDenied)"
)
def test_missing_key_is_403_without_list_bucket_and_404_with_it(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, bucket: str
) -> None:
    read = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    listing = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"}
    reader = make_function(make_role(read))
    lister = make_function(make_role(read, listing))

    blind = call(reader, "s3", "get_object", Bucket=bucket, Key="gone.txt")
    blind_head = call(reader, "s3", "head_object", Bucket=bucket, Key="gone.txt")
    seeing = call(lister, "s3", "get_object", Bucket=bucket, Key="gone.txt")
    seeing_head = call(lister, "s3", "head_object", Bucket=bucket, Key="gone.txt")

    _denied(blind, "AccessDenied", "s3:ListBucket")
    assert blind["status"] == 403
    assert (blind_head["ok"], blind_head["status"]) == (False, 403)
    assert (seeing["code"], seeing["status"]) == ("NoSuchKey", 404)
    assert (seeing_head["ok"], seeing_head["status"]) == (False, 404)


def test_transaction_items_are_authorized_one_by_one(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, make_table: Any
) -> None:
    table, table_arn = make_table()
    role = make_role({"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn})
    function = make_function(role)
    put = {"Put": {"TableName": table, "Item": {"pk": {"S": "new"}}}}
    delete = {"Delete": {"TableName": table, "Key": {"pk": {"S": "old"}}}}

    only_puts = call(function, "dynamodb", "transact_write_items", TransactItems=[put])
    with_delete = call(function, "dynamodb", "transact_write_items", TransactItems=[put, delete])

    assert only_puts["ok"], only_puts
    _denied(with_delete, "AccessDeniedException", "dynamodb:DeleteItem")


def _log_messages(logs: Any, function: str) -> list[str]:
    try:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return []
        raise
    return [str(e["message"]) for e in events]


@pytest.mark.emulator_difference(
    ministack="a function's logs are written whatever its role allows (logs:* never checked)"
)
def test_role_without_logs_permissions_writes_no_logs(
    enforcement: Any,
    wait_for: Any,
    make_role: Any,
    make_function: Any,
    lambda_client: Any,
    session: Any,
    region: str,
    account: str,
) -> None:
    """No logs without logs permissions; with only CreateLogStream + PutLogEvents on a log group
    created beforehand (as the modules do), the logs arrive (no logs:CreateLogGroup needed)."""
    logs = session.client("logs")
    anything = {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}
    silent = make_function(make_role(anything, logs=False))
    groups = f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/lbp-iam-*"
    writer = {
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"{groups}:*",
    }
    logging = make_function(make_role(writer, logs=False))
    logs.create_log_group(logGroupName=f"/aws/lambda/{logging}")

    for function in (logging, silent):
        payload = json.dumps({"print": f"hello {function}"})
        lambda_client.invoke(FunctionName=function, Payload=payload)

    wait_for(
        lambda: any(f"hello {logging}" in m for m in _log_messages(logs, logging)),
        timeout=60,
        what="the logs of the function whose role may write them",
    )
    time.sleep(3)  # the silent function's log batch was sent at the same time
    assert not [m for m in _log_messages(logs, silent) if f"hello {silent}" in m]


@pytest.mark.emulator_difference(
    ministack="an on-failure destination the role cannot send to is accepted (AWS refuses it)"
)
def test_async_failure_destination_is_delivered_with_the_function_role(
    enforcement: Any,
    wait_for: Any,
    make_role: Any,
    make_function: Any,
    make_queue: Any,
    lambda_client: Any,
    session: Any,
    iam: Any,
) -> None:
    """Lambda checks the role can reach a destination when it is configured, and delivers with
    the role: a permission removed afterwards drops the record (logged by the local AWS)."""
    sqs = session.client("sqs")
    revoked_url, revoked_arn = make_queue()
    allowed_url, allowed_arn = make_queue()
    never = make_function(make_role())
    revoked_role = make_role(
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": revoked_arn}
    )
    revoked = make_function(revoked_role)
    allowed = make_function(
        make_role({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": allowed_arn})
    )

    def configure(function: str, destination: str) -> None:
        lambda_client.put_function_event_invoke_config(
            FunctionName=function,
            MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": destination}},
        )

    with pytest.raises(ClientError) as refused:
        configure(never, revoked_arn)
    configure(revoked, revoked_arn)
    configure(allowed, allowed_arn)
    iam.delete_role_policy(RoleName=revoked_role.rsplit("/", 1)[-1], PolicyName="under-test")
    iam.put_role_policy(  # keeps the fixture's cleanup simple: a policy that grants nothing here
        RoleName=revoked_role.rsplit("/", 1)[-1],
        PolicyName="under-test",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}
                ],
            }
        ),
    )
    if enforcement.kind == "aws":
        time.sleep(10)  # IAM propagation
    for function in (revoked, allowed):
        lambda_client.invoke(
            FunctionName=function, InvocationType="Event", Payload=json.dumps({"fail": "boom"})
        )

    def received(url: str) -> list[Any]:
        return list(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []))

    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert f"does not have permissions to call SendMessage on {revoked_arn}" in error["Message"]
    delivered = wait_for(lambda: received(allowed_url), timeout=90, what="the allowed destination")
    assert json.loads(delivered[0]["Body"])["requestContext"]["condition"] == "RetriesExhausted"
    assert received(revoked_url) == [], "a destination the role may no longer send to got it"
    if enforcement.kind == "local":  # the drop is logged and recorded by the local AWS
        report = enforcement.report()
        denials = [d for f in report["functions"] if f["function"] == revoked for d in f["denied"]]
        assert any(
            d["action"] == "sqs:SendMessage" and d["resource"] == revoked_arn for d in denials
        ), report


@pytest.mark.emulator_difference(
    ministack="a dead-letter queue the role cannot send to is accepted (AWS refuses it)"
)
def test_dead_letter_queue_needs_the_role_to_send_to_it(
    enforcement: Any, make_role: Any, make_function: Any, make_queue: Any
) -> None:
    _, queue_arn = make_queue()
    sender = make_role({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn})
    dead_letters = {"DeadLetterConfig": {"TargetArn": queue_arn}}

    with pytest.raises(ClientError) as refused:
        make_function(make_role(), **dead_letters)
    make_function(sender, **dead_letters)

    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert "execution role does not have permissions to call SendMessage on SQS" in error["Message"]


@pytest.mark.emulator_difference(
    ministack="S3 notifies a function whose resource policy does not allow s3.amazonaws.com"
)
def test_s3_notification_needs_the_function_permission(
    enforcement: Any,
    make_role: Any,
    make_function: Any,
    lambda_client: Any,
    session: Any,
    bucket: str,
) -> None:
    s3 = session.client("s3")
    function = make_function(make_role())
    arn = lambda_client.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    notification = {
        "LambdaFunctionConfigurations": [
            {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
        ]
    }

    with pytest.raises(ClientError) as refused:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration=notification
        )
    lambda_client.add_permission(
        FunctionName=function,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket}",
    )
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notification)

    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"


@pytest.mark.emulator_difference(
    ministack="an SQS mapping is created for a role that cannot read the queue (AWS refuses it)"
)
def test_event_source_mapping_needs_the_role_to_read_the_queue(
    enforcement: Any, make_role: Any, make_function: Any, make_queue: Any, lambda_client: Any
) -> None:
    _, queue_arn = make_queue()
    blind = make_function(make_role())
    reader = make_function(
        make_role(
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": queue_arn,
            }
        )
    )

    with pytest.raises(ClientError) as refused:
        lambda_client.create_event_source_mapping(FunctionName=blind, EventSourceArn=queue_arn)
    mapping = lambda_client.create_event_source_mapping(
        FunctionName=reader, EventSourceArn=queue_arn
    )
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])

    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert (
        "execution role does not have permissions to call ReceiveMessage on SQS" in error["Message"]
    )


def _invoked(logs: Any, function: str, marker: str) -> bool:
    return any(marker in m for m in _log_messages(logs, function))


@pytest.mark.emulator_difference(
    ministack="SNS invokes a function whose resource policy does not allow sns.amazonaws.com"
)
def test_sns_invokes_a_function_only_with_its_permission(
    enforcement: Any,
    wait_for: Any,
    make_role: Any,
    make_function: Any,
    lambda_client: Any,
    session: Any,
    run_id: str,
) -> None:
    sns, logs = session.client("sns"), session.client("logs")
    topic = sns.create_topic(Name=f"lbp-iam-{run_id}-topic")["TopicArn"]
    try:
        function = make_function(make_role())
        arn = lambda_client.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)

        sns.publish(TopicArn=topic, Message=json.dumps({"print": "without permission"}))
        time.sleep(5)  # SNS delivers to Lambda within a second when it may
        invoked_without = _invoked(logs, function, "without permission")
        lambda_client.add_permission(
            FunctionName=function,
            StatementId="sns",
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
            SourceArn=topic,
        )
        sns.publish(TopicArn=topic, Message=json.dumps({"print": "with permission"}))

        assert not invoked_without, "SNS invoked a function whose policy does not allow it"
        wait_for(
            lambda: _invoked(logs, function, "with permission"),
            timeout=60,
            what="SNS to invoke the function once its policy allows it",
        )
    finally:
        sns.delete_topic(TopicArn=topic)


@pytest.mark.emulator_difference(
    ministack="EventBridge invokes a function whose policy does not allow events.amazonaws.com"
)
def test_eventbridge_invokes_a_function_only_with_its_permission(
    enforcement: Any,
    wait_for: Any,
    make_role: Any,
    make_function: Any,
    lambda_client: Any,
    session: Any,
    run_id: str,
) -> None:
    events, logs = session.client("events"), session.client("logs")
    rule = f"lbp-iam-{run_id}-rule"
    source = f"lbp.iam.{run_id}"
    rule_arn = events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))["RuleArn"]
    try:
        function = make_function(make_role())
        arn = lambda_client.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
        events.put_targets(
            Rule=rule,
            Targets=[{"Id": "fn", "Arn": arn, "InputPath": "$.detail"}],
        )

        def send(marker: str) -> None:
            detail = json.dumps({"print": marker})
            events.put_events(Entries=[{"Source": source, "DetailType": "test", "Detail": detail}])

        send("without permission")
        time.sleep(5)  # EventBridge delivers within a second when it may
        invoked_without = _invoked(logs, function, "without permission")
        lambda_client.add_permission(
            FunctionName=function,
            StatementId="events",
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=rule_arn,
        )
        send("with permission")

        assert not invoked_without, "EventBridge invoked a function whose policy does not allow it"
        wait_for(
            lambda: _invoked(logs, function, "with permission"),
            timeout=60,
            what="EventBridge to invoke the function once its policy allows it",
        )
    finally:
        events.remove_targets(Rule=rule, Ids=["fn"])
        events.delete_rule(Name=rule)


@pytest.mark.emulator_difference(
    ministack="SendMessage to a queue under a customer key needs no kms:GenerateDataKey on the key"
)
def test_queue_under_a_customer_key_needs_the_kms_permissions(
    enforcement: Any, make_role: Any, make_function: Any, call: Any, session: Any, run_id: str
) -> None:
    kms, sqs = session.client("kms"), session.client("sqs")
    key = kms.create_key(Description=f"lbp-iam-{run_id}")["KeyMetadata"]["Arn"]
    url = sqs.create_queue(
        QueueName=f"lbp-iam-{run_id}-encrypted", Attributes={"KmsMasterKeyId": key}
    )["QueueUrl"]
    try:
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        send = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}
        use_key = {
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": key,
        }
        without_key = make_function(make_role(send))
        with_key = make_function(make_role(send, use_key))

        refused = call(without_key, "sqs", "send_message", QueueUrl=url, MessageBody="m")
        sent = call(with_key, "sqs", "send_message", QueueUrl=url, MessageBody="m")

        message = _denied(refused, "KMS.AccessDeniedException", "kms:GenerateDataKey")
        assert key in message
        assert sent["ok"], sent
    finally:
        sqs.delete_queue(QueueUrl=url)
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
