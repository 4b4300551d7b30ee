"""Reliability of scenario 6 (alarm → SNS → notifier): SNS re-delivery, a webhook that fails.

Emulator only: it reads the local SES outbox and runs an HTTPS webhook on 127.0.0.1 (trusting a
test CA through SSL_CERT_FILE, set on the function from outside) that a Lambda on AWS could not
reach. The re-delivered event is the real SNS notification of the alarm, captured by an SQS
queue subscribed to the alarm topic from outside, then handed to the function the way SNS hands
it (an asynchronous invoke with the same MessageId), twice more.

The stack runs the notifier with 0 asynchronous retries (the module's default is 2, with AWS's
1 and 2 minute back-offs), so a failed event reaches the on-failure queue at once.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest
import trustme

from lbp_testing.stack import DeployStack
from reliability.memory import PeakMemory
from reliability.redrive import parked_messages, queue_url_for
from reliability.report import CaseResult
from scenario_client import ses
from scenario_client.cloudwatch import query_protocol_client
from scenario_client.target import AwsTarget

from ..alarm_notifier.test_alarm_notifier import trust_bundle
from .test_pipelines import wait_until

SLOW_SECONDS = 8  # longer than the notifier's webhook timeout (5 s, the module default)

pytestmark = pytest.mark.emulator_difference(
    ministack=(
        "IAM: MiniStack authorizes ses:SendEmail against resource '*' (AWS: the identity ARNs), so "
        "the notifier's statement scoped to this account's identities never matches and no email "
        "is ever sent; and SNS invokes the function once, synchronously (AWS: asynchronously), so "
        "a failed delivery is neither retried nor parked in the on-failure queue"
    )
)


class Webhook:
    """An HTTPS webhook whose answer the test chooses: "ok", "500" or "slow" (too late)."""

    def __init__(self, ca: trustme.CA) -> None:
        self.mode = "ok"
        self.received: list[dict[str, Any]] = []
        self.in_flight = threading.Event()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                mode = hook.mode
                hook.in_flight.set()
                if mode == "slow":
                    time.sleep(SLOW_SECONDS)
                hook.received.append({"mode": mode, **body})
                self.send_response(500 if mode == "500" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_port}/hooks/alarms"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def accepted(self, subject: str, since: int = 0) -> list[dict[str, Any]]:
        """The posts of this notification the webhook answered 200 (in time), from the
        `since`-th post received on (the same subject recurs when a later case moves the alarm
        to the same state again)."""
        return [
            r for r in self.received[since:] if r["mode"] == "ok" and r["text"].endswith(subject)
        ]


@pytest.fixture(scope="module")
def ca_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, str]:
    ca = trustme.CA()
    bundle = tmp_path_factory.mktemp("webhook-ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return ca, str(bundle)


@pytest.fixture(scope="module")
def webhook(aws_target: AwsTarget, ca_bundle: tuple[trustme.CA, str]) -> Iterator[Webhook]:
    if not aws_target.is_emulator:
        pytest.skip("reads the emulator's SES outbox; the webhook listens on 127.0.0.1")
    hook = Webhook(ca_bundle[0])
    yield hook
    hook.httpd.shutdown()
    hook.httpd.server_close()


@pytest.fixture(scope="module")
def scenario(
    deploy_stack: DeployStack, webhook: Webhook, ca_bundle: tuple[trustme.CA, str]
) -> dict[str, Any]:
    sender = f"alarms-{secrets.token_hex(3)}@example.com"
    stack = deploy_stack(
        ["alarm_notifier"],
        alarm_notifier={
            "cpu_alarms": {"instance_ids": ["i-0123456789abcdef0"]},
            "email": {"sender": sender, "recipients": ["oncall@example.com"]},
            "functions": {"notifier": {"maximum_retry_attempts": 0}},
        },
        alarm_notifier_webhook_url=webhook.url,
    )
    outputs: dict[str, Any] = dict(stack.outputs["alarm_notifier"])
    trust_bundle(outputs["function_name"], ca_bundle[1])
    outputs["sender"] = sender
    return outputs


def emails(aws_target: AwsTarget, sender: str, subject: str) -> list[dict[str, Any]]:
    return [m for m in ses.outbox(aws_target, sender) if m["Subject"] == subject]


def count_emails(scenario: dict[str, Any], aws_target: AwsTarget, state: str) -> int:
    """Emails sent so far for the alarm entering `state` (earlier cases may have sent some)."""
    return len(emails(aws_target, scenario["sender"], subject_of(scenario, state)))


def outcomes(log_group: str, since_ms: int) -> list[dict[str, Any]]:
    """The notifier's per-alarm log entries (each has delivered/already_delivered/failed)."""
    logs, found = boto3.client("logs"), []
    kwargs: dict[str, Any] = {"logGroupName": log_group, "startTime": since_ms}
    while True:
        page = logs.filter_log_events(**kwargs)
        for event in page["events"]:
            try:
                entry = json.loads(event["message"])
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and "delivered" in entry:
                found.append(entry)
        if not page.get("nextToken"):
            return found
        kwargs["nextToken"] = page["nextToken"]


def capture_queue(topic_arn: str) -> str:
    """An SQS queue subscribed to the alarm topic: it receives the SNS envelopes Lambda gets."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"capture-{secrets.token_hex(4)}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    boto3.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return url


def as_lambda_event(envelope: dict[str, Any], subscription: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription,
                "Sns": {
                    "Type": envelope["Type"],
                    "MessageId": envelope["MessageId"],
                    "TopicArn": envelope["TopicArn"],
                    "Subject": envelope.get("Subject"),
                    "Message": envelope["Message"],
                    "Timestamp": envelope["Timestamp"],
                    "SignatureVersion": envelope.get("SignatureVersion", "1"),
                    "Signature": envelope.get("Signature", ""),
                    "SigningCertUrl": envelope.get("SigningCertURL", ""),
                    "UnsubscribeUrl": envelope.get("UnsubscribeURL", ""),
                    "MessageAttributes": envelope.get("MessageAttributes", {}),
                },
            }
        ]
    }


def subject_of(scenario: dict[str, Any], state: str) -> str:
    [alarm_name] = scenario["cpu_alarm_names"].values()
    return f"[{state}] {alarm_name}"


def set_alarm(scenario: dict[str, Any], state: str) -> str:
    """Moves the alarm to `state` (a real state change, published by CloudWatch)."""
    [alarm_name] = scenario["cpu_alarm_names"].values()
    query_protocol_client().set_alarm_state(
        AlarmName=alarm_name, StateValue=state, StateReason=f"reliability {secrets.token_hex(3)}"
    )
    return subject_of(scenario, state)


@pytest.mark.reliability_smoke
def test_sns_redelivered_twice_sends_one_email_one_post(
    scenario: dict[str, Any], aws_target: AwsTarget, webhook: Webhook, ledger: list[CaseResult]
) -> None:
    """One state change delivered 3 times (SNS, then the same envelope twice, concurrently):
    one email, one topic message, one webhook post. A copy that ran while another held the
    channel's record fails (the record is busy) and is parked (0 retries here); the redrive of
    what was parked delivers nothing more."""
    sqs = boto3.client("sqs")
    capture = capture_queue(scenario["alarm_topic_arn"])
    failures = queue_url_for(sqs, scenario["on_failure_queue_url"])
    [alarm_name] = scenario["cpu_alarm_names"].values()
    result = CaseResult("6 alarm-notifier", "SNS re-delivered x2", inputs=3)
    since = int(time.time() * 1000) - 1000
    start = time.monotonic()
    with PeakMemory() as memory:
        webhook.mode = "ok"
        mark, emails_before = len(webhook.received), count_emails(scenario, aws_target, "ALARM")
        subject = set_alarm(scenario, "ALARM")
        envelopes: list[dict[str, Any]] = []

        def captured() -> bool:
            reply = sqs.receive_message(QueueUrl=capture, WaitTimeSeconds=2)
            envelopes.extend(json.loads(m["Body"]) for m in reply.get("Messages", []))
            return any(alarm_name in e.get("Message", "") for e in envelopes)

        assert wait_until(captured, timeout=60, interval=0)
        envelope = next(e for e in envelopes if alarm_name in e["Message"])
        subscription = f"{scenario['alarm_topic_arn']}:redelivery"
        for _ in range(2):
            boto3.client("lambda").invoke(
                FunctionName=scenario["function_name"],
                InvocationType="Event",
                Payload=json.dumps(as_lambda_event(envelope, subscription)).encode(),
            )
        assert wait_until(lambda: len(outcomes(scenario["log_group_name"], since)) >= 3, 90, 2), (
            "the three deliveries did not all run"
        )
        first_runs = outcomes(scenario["log_group_name"], since)
        busy = sum(1 for r in first_runs if r["failed"])
        redriven_runs: list[dict[str, Any]] = []
        if busy:
            assert wait_until(
                lambda: len(list_parked(failures, subject)) >= busy, timeout=60, interval=1
            ), "a busy copy failed but was not parked"
            # The redriven runs are told apart by time: the log's order across streams is not.
            redrive_since = int(time.time() * 1000)
            subprocess.run(
                [sys.executable, "-m", "reliability", "redrive", "--queue-url", failures],
                check=True,
                capture_output=True,
            )

            def redriven_ran() -> bool:
                redriven_runs[:] = outcomes(scenario["log_group_name"], redrive_since)
                return len(redriven_runs) >= busy

            assert wait_until(redriven_ran, 90, 2), "the redriven copies did not run"
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    runs = outcomes(scenario["log_group_name"], since)
    sent = emails(aws_target, scenario["sender"], subject)[emails_before:]
    posts = webhook.accepted(subject, mark)
    result.outputs = min(1, len(sent))
    result.parked = busy
    result.redriven = busy
    result.duplicated = max(0, len(sent) - 1) + max(0, len(posts) - 1)
    result.lost = 1 - result.outputs
    result.notes.append(
        f"1 state change delivered 3 times (MessageId {envelope['MessageId'][:8]}…): "
        f"{len(sent)} email(s), {len(posts)} webhook post(s); copies that found the record busy "
        f"and were parked then redriven: {busy}"
    )
    ledger.append(result)
    channels = Counter(channel for r in runs for channel in r["delivered"])
    assert len(sent) == 1
    assert len(posts) == 1
    # Concurrent copies may split the channels between them; each is delivered exactly once.
    assert len(channels) == 3 and set(channels.values()) == {1}, channels
    assert all(not r["failed"] and not r["delivered"] for r in redriven_runs), redriven_runs
    assert not list_parked(failures, subject)


def list_parked(queue: str, subject: str) -> list[dict[str, Any]]:
    """The parked records of the notification `subject` ("[STATE] alarm"), left in the queue.

    The record holds the SNS event, whose Message is CloudWatch's JSON (not the subject the
    notifier formats): matched by AlarmName and NewStateValue.
    """
    state, alarm = subject[1:].split("] ", 1)
    sqs, found, handles = boto3.client("sqs"), [], []
    for message in parked_messages(sqs, queue, wait_seconds=1):
        handles.append(message["ReceiptHandle"])
        record = json.loads(message["Body"])
        for sns_record in (record.get("requestPayload") or {}).get("Records", []):
            alarm_message = json.loads(sns_record["Sns"]["Message"])
            if (alarm_message["AlarmName"], alarm_message["NewStateValue"]) == (alarm, state):
                found.append(record)
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=0)
    return found


@pytest.mark.parametrize("mode", [pytest.param("500", marks=pytest.mark.reliability_smoke), "slow"])
def test_failed_webhook_is_parked_with_its_reason_and_redriven_once(
    mode: str,
    scenario: dict[str, Any],
    aws_target: AwsTarget,
    webhook: Webhook,
    ledger: list[CaseResult],
) -> None:
    """Webhook answers 500 / times out → email and topic delivered, the invocation fails with
    the webhook's reason → after the configured retries the event is in the on-failure queue →
    webhook fixed → the documented redrive CLI → one webhook post, still one email."""
    sqs = boto3.client("sqs")
    queue = queue_url_for(sqs, scenario["on_failure_queue_url"])
    state = "OK" if mode == "500" else "ALARM"
    result = CaseResult(
        "6 alarm-notifier", f"webhook {'HTTP 500' if mode == '500' else 'timeout'}", inputs=1
    )
    start = time.monotonic()
    with PeakMemory() as memory:
        webhook.mode = mode
        mark, emails_before = len(webhook.received), count_emails(scenario, aws_target, state)
        subject = set_alarm(scenario, state)
        parked: list[dict[str, Any]] = []

        def is_parked() -> bool:
            parked[:] = list_parked(queue, subject)
            return bool(parked)

        assert wait_until(is_parked, timeout=120, interval=1), "the failed event was not parked"
        assert count_emails(scenario, aws_target, state) - emails_before == 1
        webhook.mode = "ok"
        cli = subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            check=True,
            capture_output=True,
            text=True,
        )
        assert wait_until(lambda: bool(webhook.accepted(subject, mark)), 90, 1), (
            "the redrive did not deliver the webhook copy"
        )
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    [record] = parked
    reason = json.dumps(record.get("responsePayload") or record.get("requestContext"))
    sent = emails(aws_target, scenario["sender"], subject)[emails_before:]
    posts = webhook.accepted(subject, mark)
    result.parked = 1
    result.redriven = len(posts)
    result.outputs = min(1, len(posts))
    result.duplicated = max(0, len(sent) - 1) + max(0, len(posts) - 1)
    result.lost = 1 - result.outputs
    result.notes.append(
        f"webhook {mode}: parked ({record['requestContext']['condition']}), "
        f"{cli.stdout.strip().splitlines()[0]}; emails {len(sent)}, webhook posts {len(posts)}"
    )
    ledger.append(result)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "webhook" in reason
    assert ("HTTP 500" in reason) if mode == "500" else ("timed out" in reason.lower())
    assert len(sent) == 1, "the redrive must not send the email again"
    assert len(posts) == 1
    time.sleep(2)
    assert not list_parked(queue, subject), "the redriven event was parked again"


def worker_pids(function_name: str) -> list[int]:
    """The local Lambda executor's worker processes of this function (tools/lambda_executor):
    interpreters running its bootstrap with the function's name in their environment."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as env:
                variables = env.read().split(b"\0")
            with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                command = cmd.read()
        except OSError:
            continue
        if f"AWS_LAMBDA_FUNCTION_NAME={function_name}".encode() in variables and (
            b"bootstrap" in command
        ):
            found.append(int(entry))
    return found


def test_worker_killed_mid_invocation_is_parked_and_redriven_without_a_second_email(
    scenario: dict[str, Any], aws_target: AwsTarget, webhook: Webhook, ledger: list[CaseResult]
) -> None:
    """The notifier's worker process is killed (SIGKILL, from outside) while it waits for the
    webhook, after the email went out: Runtime.ExitError → parked (0 retries) with that reason →
    once the dead invocation's webhook record has expired (its timeout, 30 s) → redrive → one
    webhook post, still one email. The local executor's worker is a process on this machine:
    emulator only."""
    sqs = boto3.client("sqs")
    queue = queue_url_for(sqs, scenario["on_failure_queue_url"])
    result = CaseResult("6 alarm-notifier", "worker killed mid-invocation", inputs=1)
    start = time.monotonic()
    with PeakMemory() as memory:
        webhook.mode = "slow"
        webhook.in_flight.clear()
        mark, emails_before = len(webhook.received), count_emails(scenario, aws_target, "OK")
        subject = set_alarm(scenario, "OK")
        raised = time.monotonic()
        assert webhook.in_flight.wait(60), "the notifier never reached the webhook"
        pids = worker_pids(scenario["function_name"])
        assert pids, "no worker process of the notifier found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        parked: list[dict[str, Any]] = []

        def is_parked() -> bool:
            parked[:] = list_parked(queue, subject)
            return bool(parked)

        assert wait_until(is_parked, timeout=120, interval=1), "the killed run was not parked"
        emails_after_kill = count_emails(scenario, aws_target, "OK") - emails_before
        webhook.mode = "ok"
        # The killed invocation's webhook record stays in progress until its deadline.
        time.sleep(max(0.0, 32 - (time.monotonic() - raised)))
        subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            check=True,
            capture_output=True,
        )
        assert wait_until(lambda: bool(webhook.accepted(subject, mark)), 90, 1), (
            "the redrive did not deliver the webhook copy"
        )
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    [record] = parked
    reason = json.dumps(record.get("responsePayload"))
    sent = emails(aws_target, scenario["sender"], subject)[emails_before:]
    posts = webhook.accepted(subject, mark)
    result.parked = 1
    result.redriven = min(1, len(posts))
    result.outputs = min(1, len(posts))
    result.duplicated = max(0, len(sent) - 1) + max(0, len(posts) - 1)
    result.lost = 1 - result.outputs
    result.notes.append(f"killed pid(s) {pids}: parked with {reason[:120]}")
    ledger.append(result)
    assert emails_after_kill == 1
    assert "Runtime" in reason and "exit" in reason.lower(), reason
    assert len(sent) == 1, "the redrive must not send the email again"
    assert len(posts) == 1
