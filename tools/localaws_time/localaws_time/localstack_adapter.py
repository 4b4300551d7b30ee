"""Where the engine meets LocalStack 4.8.1: its stores, its clients, its events provider.

Imported only inside LocalStack's venv (by plugin.py).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from localstack.aws.connect import connect_to
from localstack.services.events.models import events_stores
from localstack.services.events.scheduler import JobScheduler
from localstack.services.events.target import TargetSender, TargetSenderFactory
from localstack.utils.aws.arns import sqs_queue_url_for_arn
from localstack.utils.xray.trace_header import TraceHeader
from moto.scheduler.models import scheduler_backends

from .engine import Source
from .invocation import DeliveryError, UndeliverableError
from .rule_source import RuleSource
from .scheduler_source import ScheduleSource

LOG = logging.getLogger(__name__)
SCHEDULER_PRINCIPAL = "scheduler"

_clients: dict[tuple[str, str, str, str], Any] = {}
_clients_lock = threading.Lock()


def role_client(role_arn: str, service: str, region: str, source_arn: str) -> Any:
    """A client acting as ``role_arn`` assumed by EventBridge Scheduler — how AWS delivers.

    Once IAM enforcement covers assumed-role sessions, every delivery is authorized against the
    role's policies like any other call.
    """
    key = (role_arn, service, region, source_arn)
    with _clients_lock:
        client = _clients.get(key)
    if client is None:
        factory = connect_to.with_assumed_role(
            role_arn=role_arn,
            service_principal=SCHEDULER_PRINCIPAL,
            session_name="lbp-time-scheduler",
            region_name=region,
        )
        client = factory.get_client(service).request_metadata(
            service_principal=SCHEDULER_PRINCIPAL, source_arn=source_arn
        )
        with _clients_lock:
            _clients[key] = client
    return client


def _forget_client(role_arn: str, service: str, region: str, source_arn: str) -> None:
    with _clients_lock:
        _clients.pop((role_arn, service, region, source_arn), None)


def _arn_parts(arn: str) -> tuple[str, str]:
    """(service, region) of an ARN."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise UndeliverableError("ValidationException", f"target ARN {arn!r} is not an ARN")
    return parts[2], parts[3]


SCHEDULER_TARGETS = ("lambda", "sqs", "sns")


def deliver(target: dict[str, Any], payload: str, region: str, schedule_arn: str) -> None:
    """Sends one Scheduler invocation to its target with the schedule's role (the one place)."""
    arn = str(target.get("Arn", ""))
    role_arn = str(target.get("RoleArn", ""))
    service, target_region = _arn_parts(arn)
    if not role_arn:
        raise UndeliverableError("ValidationException", "the schedule's target has no RoleArn")
    if service not in SCHEDULER_TARGETS:
        raise UndeliverableError(
            "UnsupportedTarget",
            f"the local AWS delivers Scheduler targets to {', '.join(SCHEDULER_TARGETS)}, "
            f"not {service}",
        )
    client_key = (role_arn, service, target_region or region, schedule_arn)
    try:
        client = role_client(*client_key)
        if service == "lambda":
            client.invoke(FunctionName=arn, InvocationType="Event", Payload=payload.encode())
        elif service == "sqs":
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            extra = {"MessageGroupId": group} if group else {}
            client.send_message(QueueUrl=sqs_queue_url_for_arn(arn), MessageBody=payload, **extra)
        else:
            client.publish(TopicArn=arn, Message=payload)
    except ClientError as error:
        _forget_client(*client_key)
        info = error.response.get("Error", {})
        raise DeliveryError(
            str(info.get("Code", "ClientError")), str(info.get("Message"))
        ) from error
    except BotoCoreError as error:
        _forget_client(*client_key)
        raise DeliveryError(type(error).__name__, str(error)) from error


def send_dead_letter(  # noqa: PLR0917 — the SendDeadLetter callable's shape
    role_arn: str,
    queue_arn: str,
    body: str,
    attributes: dict[str, dict[str, str]],
    region: str,
    schedule_arn: str,
) -> None:
    dead_letter_target = {"Arn": queue_arn, "RoleArn": role_arn}
    _, queue_region = _arn_parts(queue_arn)
    try:
        client = role_client(role_arn, "sqs", queue_region or region, schedule_arn)
        client.send_message(
            QueueUrl=sqs_queue_url_for_arn(queue_arn),
            MessageBody=body,
            MessageAttributes=attributes,
        )
    except ClientError as error:
        _forget_client(role_arn, "sqs", queue_region or region, schedule_arn)
        info = error.response.get("Error", {})
        raise DeliveryError(str(info.get("Code")), str(info.get("Message"))) from error
    except BotoCoreError as error:
        raise DeliveryError(type(error).__name__, str(dead_letter_target)) from error


def delete_schedule(account_id: str, region: str, group: str, name: str) -> None:
    scheduler_backends[account_id][region].delete_schedule(group, name)


# ---------------------------------------------------------------------- rules

_senders: dict[str, tuple[str, TargetSender]] = {}


def dispatch_rule_event(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> None:
    """Input / InputPath / InputTransformer and delivery by LocalStack's own target senders."""
    key = f"{rule.arn}-{target['Id']}"
    definition = json.dumps(target, sort_keys=True, default=str)
    cached = _senders.get(key)
    try:
        if cached is None or cached[0] != definition:
            factory = TargetSenderFactory(target, rule.arn, rule.name, rule.region, rule.account_id)
            cached = (definition, factory.get_target_sender())
            _senders[key] = cached
    except Exception as error:  # LocalStack raises a bare Exception for unsupported services
        raise UndeliverableError(type(error).__name__, str(error)) from error
    try:
        cached[1].process_event(event, trace_header=TraceHeader().ensure_root_exists())
    except NotImplementedError as error:
        raise UndeliverableError("UnsupportedTarget", str(error)) from error
    except ClientError as error:
        _senders.pop(key, None)
        info = error.response.get("Error", {})
        raise DeliveryError(
            str(info.get("Code", "ClientError")), str(info.get("Message"))
        ) from error
    except Exception as error:  # a sender's own failure (bad InputPath, connection...)
        _senders.pop(key, None)
        raise DeliveryError(type(error).__name__, str(error)) from error


def send_rule_dead_letter(
    queue_arn: str, body: str, attributes: dict[str, dict[str, str]], rule: Any
) -> None:
    """EventBridge sends a rule's dead letters itself (the queue's policy must allow it)."""
    _, queue_region = _arn_parts(queue_arn)
    try:
        client = connect_to(
            aws_access_key_id=rule.account_id, region_name=queue_region or rule.region
        ).sqs.request_metadata(service_principal="events", source_arn=rule.arn)
        client.send_message(
            QueueUrl=sqs_queue_url_for_arn(queue_arn),
            MessageBody=body,
            MessageAttributes=attributes,
        )
    except ClientError as error:
        info = error.response.get("Error", {})
        raise DeliveryError(str(info.get("Code")), str(info.get("Message"))) from error
    except BotoCoreError as error:
        raise DeliveryError(type(error).__name__, str(error)) from error


# ---------------------------------------------------------------------- the catalog


def _schedules() -> Iterator[Source]:
    for account_id, regions in list(scheduler_backends.items()):
        for region, backend in list(regions.items()):
            for group in list(backend.schedule_groups.values()):
                for schedule in list(group.schedules.values()):
                    yield ScheduleSource(
                        schedule, account_id, region, deliver, send_dead_letter, delete_schedule
                    )


def _rules() -> Iterator[Source]:
    for account_id, regions in list(events_stores.items()):
        for region, store in list(regions.items()):
            for bus in list(store.event_buses.values()):
                for rule in list(bus.rules.values()):
                    if rule.schedule_expression:
                        yield RuleSource(
                            rule, account_id, region, dispatch_rule_event, send_rule_dead_letter
                        )


def catalog() -> list[Source]:
    """Every schedule and schedule rule, read from the stores without locks.

    A store changed by a request while it is read raises RuntimeError ("changed size during
    iteration"); reading again gives a consistent picture.
    """
    for _ in range(5):
        try:
            return [*_schedules(), *_rules()]
        except RuntimeError:
            continue
    return [*_schedules(), *_rules()]


# ---------------------------------------------------------------------- LocalStack's own timer


def silence_events_job_scheduler() -> None:
    """LocalStack fires schedule rules from its own real-time loop; the engine does instead."""

    def start(cls: type[JobScheduler]) -> JobScheduler:
        return cls.instance()  # jobs may be registered; the loop that runs them never starts

    JobScheduler.start = classmethod(start)
    instance = JobScheduler.instance()
    if instance.thread is not None:
        JobScheduler.shutdown()
