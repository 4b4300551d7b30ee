"""Scenario 6 end to end: alarm state change → SNS → notifier → SES email, webhook, logs.

Runs against the local AWS or a real account. The emails and the webhook are asserted only on
the emulator: its SES outbox (scenario_client.ses) shows sent messages, and its Lambda runs
as a local process that can reach the HTTPS server this test starts on 127.0.0.1 (trusting the
test's CA through SSL_CERT_FILE, set on the function after deployment). Against real
AWS a Lambda cannot reach this machine and SES mail cannot be read back, so there the test
deploys no webhook and checks the function's own log of what each channel delivered.

The stack runs with a customer managed key created here, the way an operator would bring one:
the alarm topic, the notification topic and the failure queue use it, and after the apply the
key's policy gets the statements the module exports for CloudWatch (service_key_policy_json, read
from the stack's own state: what an operator merges into the key they pass). So every alarm here
travels CloudWatch → encrypted topic → notifier → SES, the webhook and the encrypted notification
topic, and the last test reads the IAM report: no denial for the stack but the injected ones. The
emulator does not check the key policy (AWS does: without the CloudWatch statement the alarm's
publish to the encrypted topic fails): a test asserts the statements are there and scoped. The
default encryption (AWS managed keys) is applied by the root stack test and driven end to end by
reliability/test_alarm_notifier.py (its smoke cases run in make test).
"""

from __future__ import annotations

import json
import secrets
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest
import trustme

from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, key_policy, name_prefix_of, only_injected
from lbp_testing.logs import log_records
from lbp_testing.queues import drain, queue_url
from lbp_testing.stack import DeployStack
from scenario_client import ses
from scenario_client.cloudwatch import query_protocol_client
from scenario_client.emulator import MINISTACK, emulator_of
from scenario_client.polling import EffectNotSeenError, eventually
from scenario_client.target import AwsTarget, from_environment


class WebhookServer:
    """An HTTPS server on 127.0.0.1 with a certificate from a throw-away CA (trustme)."""

    def __init__(self, ca: trustme.CA) -> None:
        self.received: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_port}/hooks/alarms"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


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
def webhook_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, str]:
    ca = trustme.CA()
    bundle = tmp_path_factory.mktemp("webhook-ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return ca, str(bundle)


@pytest.fixture(scope="module")
def webhook(
    aws_target: AwsTarget, webhook_ca: tuple[trustme.CA, str]
) -> Iterator[WebhookServer | None]:
    if not aws_target.is_emulator:
        yield None
        return
    server = WebhookServer(webhook_ca[0])
    yield server
    server.close()


@pytest.fixture(scope="module")
def instance_id(aws_target: AwsTarget) -> Iterator[str]:
    """A tagged instance on the emulator (free there); an ID that does not exist on AWS."""
    if not aws_target.is_emulator:
        yield "i-0123456789abcdef0"
        return
    ec2 = boto3.client("ec2")
    image = ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-frontend-1"}]}
        ],
    )["Instances"][0]["InstanceId"]
    yield instance
    ec2.terminate_instances(InstanceIds=[instance])


@pytest.fixture(scope="module")
def scenario(
    deploy_stack: DeployStack,
    webhook: WebhookServer | None,
    webhook_ca: tuple[trustme.CA, str],
    instance_id: str,
    key_arn: str,
) -> dict[str, Any]:
    sender = f"alarms-{secrets.token_hex(3)}@example.com"
    variables: dict[str, Any] = {
        "alarm_notifier": {
            "cpu_alarms": {"instance_ids": [instance_id], "threshold": 75},
            "email": {"sender": sender, "recipients": ["oncall@example.com"]},
            "functions": {"notifier": {"maximum_retry_attempts": 0}},
        }
    }
    if webhook is not None:
        variables["alarm_notifier_webhook_url"] = webhook.url
    stack = deploy_stack(["alarm_notifier"], kms_key_arn=key_arn, **variables)
    state = json.loads(stack.tf.execute_command("state", "pull").out)
    service = module_data(
        state, "module.alarm_notifier[0]", "aws_iam_policy_document", "service_key_use"
    )["json"]
    boto3.client("kms").put_key_policy(
        KeyId=key_arn, PolicyName="default", Policy=key_policy(service)
    )
    outputs: dict[str, Any] = dict(stack.outputs["alarm_notifier"])
    if webhook is not None:
        # The function verifies the webhook's certificate (HTTPS only): on the emulator it runs
        # on this machine, and trusts the test CA through OpenSSL's SSL_CERT_FILE, set from
        # outside like any function setting. On AWS no webhook is deployed (see the docstring).
        trust_bundle(outputs["function_name"], webhook_ca[1])
    outputs["sender"] = sender
    return outputs


def trust_bundle(function_name: str, bundle: str) -> None:
    client = boto3.client("lambda")
    current = client.get_function_configuration(FunctionName=function_name)
    variables = current["Environment"]["Variables"] | {"SSL_CERT_FILE": bundle}
    client.update_function_configuration(
        FunctionName=function_name, Environment={"Variables": variables}
    )
    eventually(
        lambda: client.get_function_configuration(FunctionName=function_name),
        accept=lambda c: (
            c.get("LastUpdateStatus") == "Successful"
            and c["Environment"]["Variables"].get("SSL_CERT_FILE") == bundle
        ),
        timeout=60,
        what=f"{function_name} trusting the test CA",
    )
    async_invocations_settled(function_name)


def async_invocations_settled(function_name: str) -> None:
    """Returns once asynchronous invocations reach the updated function promptly.

    Emulator limit (LocalStack 4.8.1, lambda_/invocation/event_manager.py): an update is rolled
    over by starting a new poller on the function's internal event queue and stopping the old
    one, which may still be in its 2-s long poll when LastUpdateStatus is already Successful. An
    event that poll receives is dropped and reappears only after the visibility timeout (function
    timeout + 60 s, here 90 s): measured, 7 of 8 asynchronous invokes sent 0.15 s after an
    update were late. So no-op probes ({"Records": []}, which the notifier ignores silently) are
    sent until two in a row run within a few seconds (their START lines in the log). A probe the
    old poller dropped runs later and still does nothing. MiniStack's START lines carry an id of
    its own, not the Invoke RequestId (a listed difference): there a probe is seen as a START
    line that was not in the log before it was sent.
    """
    client = boto3.client("lambda")
    log_group = f"/aws/lambda/{function_name}"
    by_request_id = emulator_of(from_environment()) != MINISTACK

    def probe_runs_promptly() -> bool:
        before = set(logged_lines(log_group, "START RequestId: "))
        reply = client.invoke(
            FunctionName=function_name, InvocationType="Event", Payload=b'{"Records": []}'
        )
        request_id = reply["ResponseMetadata"]["RequestId"]

        def started() -> list[str]:
            new = [
                line for line in logged_lines(log_group, "START RequestId: ") if line not in before
            ]
            return [line for line in new if request_id in line] if by_request_id else new

        try:
            eventually(
                started,
                timeout=5,
                interval=0.5,
                what=f"probe {request_id}",
            )
        except EffectNotSeenError:
            return False
        return True

    prompt = 0
    deadline = time.monotonic() + 120
    while prompt < 2:
        assert time.monotonic() < deadline, f"{function_name}: asynchronous invokes stay late"
        prompt = prompt + 1 if probe_runs_promptly() else 0


def logged_lines(log_group: str, prefix: str) -> list[str]:
    logs = boto3.client("logs")
    try:
        events = logs.filter_log_events(logGroupName=log_group)["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [e["message"] for e in events if e["message"].startswith(prefix)]


def outbox(aws_target: AwsTarget, sender: str) -> list[dict[str, Any]]:
    return ses.outbox(aws_target, sender)


def test_topics_and_queue_use_the_key_and_its_policy_lets_only_this_accounts_alarms_in(
    scenario: dict[str, Any], key_arn: str
) -> None:
    sns = boto3.client("sns")
    for topic in (scenario["alarm_topic_arn"], scenario["notification_topic_arn"]):
        assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(scenario["on_failure_queue_url"]), AttributeNames=["KmsMasterKeyId"]
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
def test_alarm_and_recovery_notify_by_email_and_webhook(
    scenario: dict[str, Any],
    aws_target: AwsTarget,
    webhook: WebhookServer | None,
    instance_id: str,
) -> None:
    [alarm_name] = scenario["cpu_alarm_names"].values()
    assert alarm_name == scenario["cpu_alarm_names"][instance_id]
    since = int(time.time() * 1000) - 5000
    cloudwatch = query_protocol_client()
    cloudwatch.set_alarm_state(
        AlarmName=alarm_name,
        StateValue="ALARM",
        StateReason="Threshold Crossed: 1 datapoint [97.2] was greater than the threshold (75.0)",
    )

    sent = eventually(
        lambda: log_records(scenario["log_group_name"], "notification sent", since),
        timeout=60,
        interval=1.0,
        what="the notifier's 'notification sent' log entry",
    )
    [entry] = sent
    assert entry["alarm"] == alarm_name and entry["state"] == "ALARM"
    expected_channels = {"email", "sns_topic"} | ({"webhook"} if webhook else set())
    assert set(entry["delivered"]) == expected_channels
    assert entry["failed"] == {}

    if not aws_target.is_emulator:
        return
    assert webhook is not None
    name = "web-frontend-1"
    assert entry["subject"] == f"[ALARM] {alarm_name} ({name})"
    [email] = eventually(
        lambda: outbox(aws_target, scenario["sender"]), timeout=10, what="an email in the outbox"
    )
    assert email["Destination"]["ToAddresses"] == ["oncall@example.com"]
    assert email["Subject"] == entry["subject"]
    body = email["Body"]["text_part"]
    assert f"Resource:    {name} (InstanceId {instance_id})" in body
    assert "Metric:      AWS/EC2 CPUUtilization (Average over 300 s)" in body
    assert "Threshold:   > 75 for 2 periods" in body
    assert "Reason:      Threshold Crossed: 1 datapoint [97.2]" in body
    [posted] = webhook.received
    assert posted["text"] == f":red_circle: {entry['subject']}"

    cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue="OK", StateReason="back to normal")
    emails = eventually(
        lambda: outbox(aws_target, scenario["sender"]),
        accept=lambda found: len(found) == 2,
        timeout=60,
        what="the recovery email",
    )
    assert emails[1]["Subject"] == f"[OK] {alarm_name} ({name})"
    assert "State:       OK (was ALARM)" in emails[1]["Body"]["text_part"]
    # The channels are delivered one after another, each recorded once (the deliveries table):
    # the webhook's post may follow the email by a moment.
    eventually(
        lambda: len(webhook.received), accept=lambda n: n == 2, timeout=30, what="the recovery post"
    )
    assert webhook.received[1]["attachments"][0]["color"] == "#2ca02c"


def test_a_message_that_is_not_an_alarm_is_dropped_with_its_reason(
    scenario: dict[str, Any], aws_target: AwsTarget
) -> None:
    since = int(time.time() * 1000) - 5000
    boto3.client("sns").publish(TopicArn=scenario["alarm_topic_arn"], Message="hello, humans")
    [dropped] = eventually(
        lambda: log_records(
            scenario["log_group_name"], "dropped message that is not an alarm notification", since
        ),
        timeout=60,
        interval=1.0,
        what="the notifier's 'dropped message' log entry",
    )
    assert dropped["reason"].startswith("SNS message is not JSON")


@pytest.mark.emulator_difference(ministack=SNS_INVOKES_SYNCHRONOUSLY)
def test_an_alarm_a_channel_could_not_deliver_reaches_the_encrypted_queue(
    scenario: dict[str, Any],
) -> None:
    """Injected from outside: the notifier's role is denied both AWS channels (SES, the
    notification topic), so the delivery fails (a failed channel fails the invocation, whatever
    the webhook did) and Lambda parks the alarm in the SSE-KMS queue with the notifier's role.
    Needs IAM enforcement: without it the alarm is delivered and the wait for the failure record
    times out. The alarm is OK after the recovery test: this change is to ALARM."""
    [alarm_name] = scenario["cpu_alarm_names"].values()
    url = queue_url(scenario["on_failure_queue_url"])
    seen: list[dict[str, Any]] = []

    def failure_records() -> list[dict[str, Any]]:
        return [r for r in drain(url, seen) if alarm_name in json.dumps(r.get("requestPayload"))]

    with denied(scenario["function_name"], {"Action": list(CHANNELS), "Resource": "*"}):
        query_protocol_client().set_alarm_state(
            AlarmName=alarm_name, StateValue="ALARM", StateReason="Threshold Crossed: denied test"
        )
        [record] = eventually(
            failure_records, timeout=120, interval=0, what="the alarm's failure record"
        )
    assert record["requestContext"]["condition"] == "RetriesExhausted"


def test_only_the_injected_denials_are_in_the_report(scenario: dict[str, Any]) -> None:
    """Runs last (pytest keeps file order): every test of the file has run on the stack. Needs
    IAM enforcement (it fails unless the report's mode is enforce)."""
    unexpected = only_injected(denials(name_prefix_of(scenario["function_name"])), CHANNELS)
    assert unexpected == [], unexpected
