"""A function's structured log records (Powertools JSON lines) read back from CloudWatch Logs.

Runs started by a schedule are asynchronous: their result is only visible in their effects and
in what the function logged. These helpers wait for the runs of given scheduled times to have
logged their summary.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from scenario_client.polling import eventually

Record = dict[str, Any]


def log_records(
    log_group: str, message: str | None = None, since_ms: int | None = None
) -> list[Record]:
    """Every JSON record the log group holds (from `since_ms` on), oldest first (those with
    `message` only)."""
    logs = boto3.client("logs")
    records: list[Record] = []
    window = {} if since_ms is None else {"startTime": since_ms}
    try:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=log_group, **window)
        events = [event for page in pages for event in page["events"]]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return []
        raise
    for event in sorted(events, key=lambda e: (e["timestamp"], e.get("ingestionTime", 0))):
        text = event["message"].strip()
        if not text.startswith("{"):
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and (message is None or record.get("message") == message):
            records.append(record)
    return records


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_for_runs(
    log_group: str,
    message: str,
    times: Iterable[datetime],
    time_of: Callable[[Record], str | None],
    timeout: float = 120,
) -> dict[datetime, list[Record]]:
    """Waits until a record `message` was logged for each of `times`; returns them by time.

    `time_of(record)` gives the run's moment as logged (ISO 8601). A time given twice waits for
    two records of it (the same occurrence delivered twice).
    """
    wanted = Counter(times)

    def by_time() -> dict[datetime, list[Record]]:
        found: dict[datetime, list[Record]] = {}
        for record in log_records(log_group, message):
            raw = time_of(record)
            if raw:
                found.setdefault(instant(raw), []).append(record)
        return found

    return eventually(
        by_time,
        accept=lambda found: all(len(found.get(t, [])) >= n for t, n in wanted.items()),
        timeout=timeout,
        interval=1.0,
        what=f"{message!r} logged in {log_group} for {sorted(t.isoformat() for t in wanted)}",
    )


def wait_for_new_run(
    log_group: str, messages: Collection[str], seen: set[str], timeout: float = 120
) -> Record:
    """Waits for a record of one of `messages` from an invocation whose request id is not in
    `seen`, and adds that id to `seen`. For runs whose event carries no time (a rule with a
    constant input): a retry of an earlier run keeps its request id and is not taken for a new
    run.
    """

    def new() -> list[Record]:
        return [
            r
            for r in log_records(log_group)
            if r.get("message") in messages and r.get("function_request_id") not in seen
        ]

    [record, *_] = eventually(
        new, timeout=timeout, interval=1.0, what=f"a new run logging {sorted(messages)}"
    )
    seen.add(str(record.get("function_request_id")))
    return record


def request_ids(log_group: str) -> set[str]:
    """Request ids of every invocation that has logged a structured record so far."""
    return {
        str(r["function_request_id"]) for r in log_records(log_group) if "function_request_id" in r
    }


def wait_for_retry(
    log_group: str, messages: Collection[str], request_id: str, timeout: float = 300
) -> Record:
    """Waits for a second record of `messages` from the invocation `request_id`: Lambda's
    asynchronous retry of a failed run (it keeps the request id); returns the retry's record."""
    records = eventually(
        lambda: [
            r
            for r in log_records(log_group)
            if r.get("message") in messages and r.get("function_request_id") == request_id
        ],
        accept=lambda found: len(found) >= 2,
        timeout=timeout,
        interval=2.0,
        what=f"Lambda's retry of {request_id} logging {sorted(messages)}",
    )
    return records[1]
