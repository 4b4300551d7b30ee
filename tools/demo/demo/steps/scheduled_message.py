"""Replays one day of the birthday schedule and prints the emails it sent (twice: once)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3

from demo import console
from scenario_client import ses
from scenario_client.target import from_environment

DAY = "2027-02-28T12:00:00Z"


def _invoke(function_name: str, schedule_name: str) -> dict[str, Any]:
    schedule = boto3.client("scheduler").get_schedule(Name=schedule_name)
    payload = schedule["Target"]["Input"].replace("<aws.scheduler.scheduled-time>", DAY)
    reply = boto3.client("lambda").invoke(FunctionName=function_name, Payload=payload.encode())
    result: dict[str, Any] = json.loads(reply["Payload"].read())
    return result


def run(outputs: dict[str, Any]) -> None:
    schedule = boto3.client("scheduler").get_schedule(Name=outputs["schedule_name"])
    console.step(
        f"schedule {outputs['schedule_name']}: {schedule['ScheduleExpression']} "
        f"in {schedule['ScheduleExpressionTimezone']} (Scheduler does not fire locally: replaying)"
    )
    tag = secrets.token_hex(2)
    table = boto3.resource("dynamodb").Table(outputs["table_name"])
    people = [
        ("Ada Lovelace", "1996-02-29", None),
        ("Grace Hopper", "02-28", None),
        ("Aroha Ngata", "03-01", "Pacific/Auckland"),
        ("Alan Turing", "1990-06-23", None),
    ]
    for name, birthday, zone in people:
        item = {
            "recipient_id": f"demo-{tag}-{name.split()[0].lower()}",
            "name": name,
            "email": f"{name.split()[0].lower()}-{tag}@example.com",
            "birthday": birthday,
        } | ({"time_zone": zone} if zone else {})
        table.put_item(Item=item)
    console.table(
        ["name", "birthday", "time zone"], [[n, b, z or "(schedule's)"] for n, b, z in people]
    )

    first = _invoke(outputs["function_name"], outputs["schedule_name"])
    second = _invoke(outputs["function_name"], outputs["schedule_name"])
    ours = [s for s in first["sent"] if s["recipient_id"].startswith(f"demo-{tag}-")]
    console.step(f"run for {DAY}: sent {len(ours)}; the same run again sent {len(second['sent'])}")
    console.table(["recipient", "celebrated on"], [[s["recipient_id"], s["on"]] for s in ours])

    target = from_environment()
    if target.is_emulator:
        for message in ses.outbox(target, outputs["sender"]):
            if tag in message["Destination"]["ToAddresses"][0]:
                console.block(
                    f"To: {message['Destination']['ToAddresses'][0]}\n"
                    f"Subject: {message['Subject']}\n{message['Body']['text_part']}"
                )
