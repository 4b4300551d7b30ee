"""Reliability of scenarios 2 (S3 → index) and 5 (S3 and Kinesis → CSV): load, faults, duplicates.

One stack with both scenarios (one deploy keeps the make test subset cheap). The indexer and
the S3 converter run with 0 async retries, so a failed event reaches the on-failure queue at once
(the module's default is 2, with AWS's 1 and 2 minute back-offs); the stream has 4 shards; the
S3 converter's timeout is 2 s (HUGE_OBJECT_TIMEOUT) until its case raises it.

Faults come from outside the handlers: the index table is deleted mid-run (a missing resource)
and recreated by `terraform apply`; the indexer is throttled to 0 (reserved concurrency); a
huge object meets the converter's short timeout, raised afterwards by `terraform apply`.
Re-delivery uses the real S3 events captured by the on-failure destination, invoked
asynchronously like S3 does, twice, in reverse order.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from botocore.config import Config

from lbp_testing.stack import DeployStack, Stack
from reliability.memory import PeakMemory
from reliability.redrive import parked_messages, queue_url_for
from reliability.report import CaseResult

from .conftest import deadline, volume

AWKWARD = [
    "my photoé.jpg",
    "a+b=c.txt",
    "100% done.txt",
    "dir/sub dir/ünïcødé 文件.txt",
    "spaces  twice .csv",
    "semi;colon&amp.txt",
    "tab\there.txt",
    "~tilde/(paren)[x].bin",
]
# The S3 converter's timeout in this stack: far too short for the huge object of the timeout
# case (the fault), which then raises it to the module's default with `terraform apply`.
HUGE_OBJECT_TIMEOUT = 2
HUGE_OBJECT_RECORDS = 600_000
POOL = Config(max_pool_connections=32, retries={"max_attempts": 8, "mode": "standard"})


@pytest.fixture(scope="module")
def stack(deploy_stack: DeployStack) -> Stack:
    return deploy_stack(
        ["s3_object_index", "json_to_csv"],
        s3_object_index={"functions": {"indexer": {"maximum_retry_attempts": 0}}},
        json_to_csv={
            "functions": {"s3": {"maximum_retry_attempts": 0, "timeout": HUGE_OBJECT_TIMEOUT}},
            "stream": {
                "batch_size": 500,
                "maximum_batching_window_in_seconds": 1,
                "shard_count": 4,
            },
        },
    )


def wait_until(probe: Callable[[], bool], timeout: float, interval: float = 1.0) -> bool:
    until = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > until:
            return False
        time.sleep(interval)
    return True


# ---------------------------------------------------------------- scenario 2 helpers
def index_rows(table: str, bucket: str, prefix: str) -> dict[str, dict[str, Any]]:
    client = boto3.resource("dynamodb").Table(table)
    rows: dict[str, dict[str, Any]] = {}
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "#b = :b AND begins_with(#k, :p)",
        "ExpressionAttributeNames": {"#b": "bucket", "#k": "key"},
        "ExpressionAttributeValues": {":b": bucket, ":p": prefix},
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**kwargs)
        rows.update({str(item["key"]): dict(item) for item in page["Items"]})
        if "LastEvaluatedKey" not in page:
            return rows
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def listing(bucket: str, prefix: str) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for page in (
        boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    ):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = (obj["Size"], obj["ETag"].strip('"'))
    return found


def wrong_keys(
    rows: dict[str, dict[str, Any]], live: dict[str, tuple[int, str]], deleted: set[str]
) -> set[str]:
    """Keys whose index state differs from the bucket: missing/stale rows, missing tombstones."""
    wrong = set()
    for key, (size, etag) in live.items():
        row = rows.get(key)
        if (
            row is None
            or row.get("deleted")
            or (int(row["size"]), str(row["etag"])) != (size, etag)
        ):
            wrong.add(key)
    for key in deleted:
        if not (rows.get(key) or {}).get("deleted"):
            wrong.add(key)
    return wrong


def drain_parked(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    records = []
    for message in parked_messages(sqs, queue_url):
        records.append(json.loads(message["Body"]))
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return records


def peek_parked(queue_url: str) -> dict[str, dict[str, Any]]:
    """The parked records by message id, left in the queue (visible again at once)."""
    sqs = boto3.client("sqs")
    seen: dict[str, dict[str, Any]] = {}
    handles = []
    for message in parked_messages(sqs, queue_url):
        seen[message["MessageId"]] = json.loads(message["Body"])
        handles.append(message["ReceiptHandle"])
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
    return seen


def payload_keys(record: dict[str, Any]) -> list[str]:
    return [
        unquote_plus(r["s3"]["object"]["key"])
        for r in record.get("requestPayload", {}).get("Records", [])
    ]


def index_summaries(logs: Any, function: str, since_ms: int) -> list[tuple[int, dict[str, Any]]]:
    """(timestamp, summary) of every "indexed event" line the indexer logged since since_ms."""
    found = []
    kwargs: dict[str, Any] = {"logGroupName": f"/aws/lambda/{function}", "startTime": since_ms}
    while True:
        page = logs.filter_log_events(**kwargs)
        for event in page.get("events", []):
            message = event["message"]
            if '"indexed event"' in message:
                found.append((int(event["timestamp"]), json.loads(message[message.index("{") :])))
        if not page.get("nextToken"):
            return found
        kwargs["nextToken"] = page["nextToken"]


# ---------------------------------------------------------------- scenario 2: load
def test_s3_index_under_load_equals_the_listing(stack: Stack, ledger: list[CaseResult]) -> None:
    """1,000 objects (100 in make test): creates, then overwrites (20 %) and deletes (10 %)."""
    out = stack.outputs["s3_object_index"]
    bucket, table = out["bucket_name"], out["table_name"]
    queue = queue_url_for(boto3.client("sqs"), out["on_failure_queue_url"])
    prefix = f"load-{secrets.token_hex(3)}/"
    count = volume(1000)
    keys = [
        f"{prefix}{AWKWARD[n % len(AWKWARD)]}.{n}" if n % 5 == 0 else f"{prefix}k/{n:05}"
        for n in range(count)
    ]
    overwritten, deleted = keys[: count // 5], set(keys[count // 5 : count // 5 + count // 10])
    s3 = boto3.client("s3", config=POOL)
    result = CaseResult("2 s3-object-index", "load", inputs=count)
    start = time.monotonic()
    with PeakMemory() as memory, ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=k.encode()), keys))
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=b"v2" * 40), overwritten))
        list(pool.map(lambda k: s3.delete_object(Bucket=bucket, Key=k), deleted))
        live = listing(bucket, prefix)
        wait_until(
            lambda: not wrong_keys(index_rows(table, bucket, prefix), live, deleted),
            timeout=deadline(180),
        )
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    wrong = wrong_keys(index_rows(table, bucket, prefix), live, deleted)
    parked = {k for record in drain_parked(queue) for k in payload_keys(record)} & set(keys)
    result.outputs, result.parked = count - len(wrong), len(parked & wrong)
    result.lost = len(wrong - parked)
    result.notes.append(f"{count + len(overwritten) + len(deleted)} S3 operations, 16 writers")
    ledger.append(result)
    assert len(live) == count - len(deleted)
    assert result.lost == 0 and result.parked == 0, sorted(wrong)[:10]


# ---------------------------------------------------- scenario 2: fault, redrive, re-delivery
def test_s3_index_table_removed_mid_run_parks_then_redrive_completes_once(
    stack: Stack, ledger: list[CaseResult]
) -> None:
    """Table deleted mid-run → events parked with the reason → apply → redrive → exactly once.

    Rows written before the table was deleted went with it (a re-index from the listing is
    not part of the module); what the redrive must restore is every event of the outage.
    """
    out = stack.outputs["s3_object_index"]
    bucket, table, function = out["bucket_name"], out["table_name"], out["indexer_function_name"]
    sqs, dynamodb = boto3.client("sqs"), boto3.client("dynamodb")
    queue = queue_url_for(sqs, out["on_failure_queue_url"])
    drain_parked(queue)
    prefix = f"fault-{secrets.token_hex(3)}/"
    count = volume(200)
    keys = [
        f"{prefix}{AWKWARD[n % len(AWKWARD)]}.{n}" if n % 4 == 0 else f"{prefix}o/{n:04}"
        for n in range(count)
    ]
    s3 = boto3.client("s3", config=POOL)
    fault = CaseResult("2 s3-object-index", "fault: table removed, redrive", inputs=count)
    start = time.monotonic()
    with PeakMemory() as memory:
        dynamodb.delete_table(TableName=table)
        dynamodb.get_waiter("table_not_exists").wait(TableName=table)
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=k.encode()), keys))

        parked: dict[str, dict[str, Any]] = {}

        def all_parked() -> bool:
            parked.update(peek_parked(queue))
            return len({k for r in parked.values() for k in payload_keys(r)}) >= count

        wait_until(all_parked, timeout=deadline(180), interval=1)
        parked_records = list(parked.values())
        parked_keys = Counter(k for r in parked_records for k in payload_keys(r))
        fault.parked = len(set(parked_keys) & set(keys))
        reasons = {json.dumps(r.get("responsePayload"))[:200] for r in parked_records}
        assert all(r["requestContext"]["condition"] == "RetriesExhausted" for r in parked_records)
        assert all(
            "ResourceNotFound" in reason or "not found" in reason.lower() for reason in reasons
        ), reasons
        fault.notes.append(f"reason: {sorted(reasons)[0][:120]}")

        stack.apply()  # the fault removed: terraform recreates the table
        redrive_started = int(time.time() * 1000)
        # The documented CLI (make redrive SCENARIO=2 runs it with the root stack's queue).
        cli = subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        redriven = int(re.search(r"redriven (\d+)", cli.stdout).group(1))  # type: ignore[union-attr]
        live = listing(bucket, prefix)
        wait_until(
            lambda: not wrong_keys(index_rows(table, bucket, prefix), live, set()), deadline(180)
        )
        fault.seconds = time.monotonic() - start
    fault.peak_rss_mb = memory.peak_mb
    rows = index_rows(table, bucket, prefix)
    wrong = wrong_keys(rows, live, set())
    fault.redriven = count - len(wrong) if redriven else 0
    fault.outputs = count - len(wrong)
    fault.lost = len(wrong)
    fault.notes.append(f"redrive CLI: {cli.stdout.strip().splitlines()[0]}")
    ledger.append(fault)
    assert fault.parked == count and fault.lost == 0, sorted(wrong)[:10]

    # Re-delivery of the captured S3 events: twice, newest first, asynchronously. The window
    # of log lines counted starts after the redrive's own summaries.
    logs, lam = boto3.client("logs"), boto3.client("lambda")
    redriven_logged = wait_until(
        lambda: len(index_summaries(logs, function, redrive_started)) >= redriven,
        deadline(60),
        1,
    )
    assert redriven_logged, "the redrive's invocations never logged their summaries"
    since = max(ts for ts, _ in index_summaries(logs, function, redrive_started)) + 1
    dup = CaseResult(
        "2 s3-object-index", "re-delivered x2, reversed", inputs=2 * len(parked_records)
    )
    summaries: list[dict[str, Any]] = []

    def summaries_seen() -> bool:
        summaries[:] = [summary for _, summary in index_summaries(logs, function, since)]
        return len(summaries) >= dup.inputs

    start = time.monotonic()
    with PeakMemory() as memory:
        for record in [*reversed(parked_records), *reversed(parked_records)]:
            lam.invoke(
                FunctionName=function,
                InvocationType="Event",
                Payload=json.dumps(record["requestPayload"]).encode(),
            )
        seen = wait_until(summaries_seen, timeout=deadline(180), interval=2)
        dup.seconds = time.monotonic() - start
    dup.peak_rss_mb = memory.peak_mb
    after = index_rows(table, bucket, prefix)
    changed = [k for k in rows if after.get(k) != rows[k]]
    dup.outputs = sum(s.get("skipped_stale", 0) for s in summaries)
    dup.duplicated = sum(s.get("indexed", 0) + s.get("tombstoned", 0) for s in summaries)
    dup.lost = len(wrong_keys(after, live, set()))
    dup.notes.append(
        f"{len(summaries)} invocation summaries read from the log; rows changed: {len(changed)}"
    )
    ledger.append(dup)
    assert seen, f"{len(summaries)} of {dup.inputs} re-deliveries logged"
    assert dup.duplicated == 0 and not changed and dup.lost == 0


# ---------------------------------------------------------------- scenario 5: Kinesis load
def _poison(n: int, marker: str) -> bytes:
    kinds = [
        f'{{"id": "{marker}", broken'.encode(),
        f'["{marker}"]'.encode(),
        b"\xff\xfe not utf-8 " + marker.encode(),
        f'"{marker}"'.encode(),
    ]
    return kinds[n % len(kinds)]


def put_all(kinesis: Any, stream: str, entries: list[dict[str, Any]]) -> int:
    """PutRecords in 500s, re-sending what the shards throttled (as a producer must); returns
    the number of throttled records re-sent."""
    throttled = 0
    pending = entries
    while pending:
        retry: list[dict[str, Any]] = []
        for start in range(0, len(pending), 500):
            chunk = pending[start : start + 500]
            reply = kinesis.put_records(StreamName=stream, Records=chunk)
            retry += [e for e, r in zip(chunk, reply["Records"], strict=True) if "ErrorCode" in r]
        throttled += len(retry)
        pending = retry
        if retry:
            time.sleep(1)
    return throttled


def test_kinesis_good_records_once_poison_quarantined_once(
    stack: Stack, ledger: list[CaseResult]
) -> None:
    """10,000 records (1,000 in make test), 1 % poison, 4 shards."""
    out = stack.outputs["json_to_csv"]
    stream, bucket, prefixes = out["stream_name"], out["output_bucket_name"], out["prefixes"]
    s3, kinesis = boto3.client("s3", config=POOL), boto3.client("kinesis")
    tag, count = secrets.token_hex(3), volume(10000)
    good: set[str] = set()
    poison: set[bytes] = set()
    entries = []
    for n in range(count):
        if n % 100 == 42:
            data = _poison(n // 100, f"{tag}-p{n}")
            poison.add(data)
        else:
            good.add(f"{tag}-{n:05}")
            data = json.dumps({"id": f"{tag}-{n:05}", "n": n, "meta": {"tag": tag}}).encode()
        entries.append({"Data": data, "PartitionKey": secrets.token_hex(4)})
    result = CaseResult("5 json-to-csv", "kinesis load, 1% poison", inputs=count)

    def objects(prefix: str) -> list[bytes]:
        keys = [
            o["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for o in page.get("Contents", [])
        ]
        with ThreadPoolExecutor(16) as pool:
            return list(
                pool.map(lambda k: s3.get_object(Bucket=bucket, Key=k)["Body"].read(), keys)
            )

    rows: Counter[str] = Counter()
    quarantined: Counter[bytes] = Counter()

    def complete() -> bool:
        rows.clear()
        quarantined.clear()
        for body in objects(prefixes["stream"]):
            for row in csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")):
                if row.get("meta.tag") == tag:
                    rows[row["id"]] += 1
        for body in objects(prefixes["stream_quarantine"]):
            for line in body.splitlines():
                entry = json.loads(line)
                raw = (
                    entry["data"].encode()
                    if "data" in entry
                    else base64.b64decode(entry["data_base64"])
                )
                if tag.encode() in raw:
                    quarantined[raw] += 1
        return set(rows) >= good and set(quarantined) >= poison

    start = time.monotonic()
    with PeakMemory() as memory:
        throttled = put_all(kinesis, stream, entries)
        wait_until(complete, timeout=deadline(180), interval=5)
        result.seconds = time.monotonic() - start
    complete()
    result.peak_rss_mb = memory.peak_mb
    result.outputs = len(set(rows) & good)
    result.parked = len(set(quarantined) & poison)
    result.lost = len(good - set(rows)) + len(poison - set(quarantined))
    result.duplicated = sum(c - 1 for c in rows.values()) + sum(c - 1 for c in quarantined.values())
    failures = drain_parked(queue_url_for(boto3.client("sqs"), out["stream_failures_queue_url"]))
    result.notes.append(
        f"4 shards; {throttled} PutRecords entries throttled and re-sent; "
        f"{len(failures)} batch failure records"
    )
    ledger.append(result)
    assert result.lost == 0 and result.duplicated == 0 and not failures
    assert set(rows) == good and set(quarantined) == poison


# ---------------------------------------------------- scenario 5: re-delivery and bisect
def kinesis_event(records: list[dict[str, Any]], shard: str, stream_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": r["PartitionKey"],
                    "sequenceNumber": r["SequenceNumber"],
                    "data": base64.b64encode(r["Data"]).decode(),
                    "approximateArrivalTimestamp": r["ApproximateArrivalTimestamp"].timestamp(),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard}:{r['SequenceNumber']}",
                "eventName": "aws:kinesis:record",
                "awsRegion": stream_arn.split(":")[3],
                "eventSourceARN": stream_arn,
            }
            for r in records
        ]
    }


def test_kinesis_batch_redelivered_or_bisected_keeps_each_record_once(
    stack: Stack, ledger: list[CaseResult]
) -> None:
    """The real records of one batch the event source mapping already converted (read back from
    the shard by the CSV's sequence range) are handed to the function again: the whole batch
    twice (a re-delivery), then its two halves (what a retry after bisect sends)."""
    out = stack.outputs["json_to_csv"]
    stream, bucket, prefixes = out["stream_name"], out["output_bucket_name"], out["prefixes"]
    s3, kinesis, lam = boto3.client("s3"), boto3.client("kinesis"), boto3.client("lambda")
    stream_arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
        "StreamARN"
    ]
    tag = secrets.token_hex(3)
    seeds = {f"seed-{tag}-{n}" for n in range(40)}
    kinesis.put_records(
        StreamName=stream,
        Records=[{"Data": json.dumps({"id": i}).encode(), "PartitionKey": i} for i in seeds],
    )

    def csv_objects() -> dict[str, dict[str, Any]]:
        found = {}
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=prefixes["stream"]
        ):
            for obj in page.get("Contents", []):
                head = s3.head_object(Bucket=bucket, Key=obj["Key"])
                if int(head["Metadata"].get("records", "0")) >= 2:
                    found[obj["Key"]] = head["Metadata"]
        return found

    def ids_in(keys: list[str]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for obj_key in keys:
            body = s3.get_object(Bucket=bucket, Key=obj_key)["Body"].read().decode("utf-8")
            counts.update(
                row.get("id", "") for row in csv.DictReader(io.StringIO(body, newline=""))
            )
        return counts

    # Once the mapping has converted the seeds, nothing of this stream is in flight.
    assert wait_until(lambda: seeds <= set(ids_in(list(csv_objects()))), deadline(120), 3)
    key, meta = max(csv_objects().items(), key=lambda item: int(item[1]["records"]))
    shard = key.split("/")[-2]
    iterator = kinesis.get_shard_iterator(
        StreamName=stream,
        ShardId=shard,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=meta["first-sequence-number"],
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while len(records) < int(meta["records"]):  # GetRecords may answer with fewer
        page = kinesis.get_records(
            ShardIterator=iterator, Limit=int(meta["records"]) - len(records)
        )
        records += page["Records"]
        iterator = page["NextShardIterator"]
    assert records[-1]["SequenceNumber"] == meta["last-sequence-number"]

    def rows_of_shard() -> Counter[str]:
        return ids_in([k for k in csv_objects() if f"/{shard}/" in k])

    before, keys_before = rows_of_shard(), set(csv_objects())
    mid = len(records) // 2
    batch_ids = set()
    for record in records:
        try:
            batch_ids.add(str(json.loads(record["Data"])["id"]))
        except (ValueError, TypeError, KeyError):
            continue  # poison: the quarantine's business, not the CSV's
    result = CaseResult("5 json-to-csv", "batch re-delivered x2 + bisected", inputs=len(batch_ids))
    start = time.monotonic()
    with PeakMemory() as memory:
        for batch in [records, records, records[:mid], records[mid:]]:
            reply = lam.invoke(
                FunctionName=out["stream_function_name"],
                Payload=json.dumps(kinesis_event(batch, shard, stream_arn)).encode(),
            )
            body = json.loads(reply["Payload"].read())
            assert "FunctionError" not in reply and body == {"batchItemFailures": []}, body
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    after, keys_after = rows_of_shard(), set(csv_objects())
    result.outputs = sum(1 for i in batch_ids if after[i] == 1)
    result.duplicated = sum(n - 1 for n in after.values() if n > 1)
    result.lost = len(batch_ids - set(after)) + len(set(before) - set(after) - batch_ids)
    result.notes.append(
        f"batch of {len(records)} records ({len(records) - len(batch_ids)} poison) of {shard}; "
        f"CSV objects {len(keys_before)} -> {len(keys_after)} (+1: the second half)"
    )
    ledger.append(result)
    assert after == before, "every record of the shard still exactly once"
    bisected = key.replace(records[0]["SequenceNumber"], records[mid]["SequenceNumber"])
    assert keys_after - keys_before == {bisected}


# ------------------------------------------------ scenario 2: the indexer throttled to zero
def test_s3_indexer_throttled_parks_events_then_redrive_indexes_each_once(
    stack: Stack, ledger: list[CaseResult]
) -> None:
    """The indexer throttled (reserved concurrency 0, put from outside as an operator's
    emergency brake would be): every S3 event is refused by Lambda and parked in the on-failure
    queue (condition ZeroReservedConcurrency, no invocation, so no index row) → the throttle
    lifted → the documented redrive CLI → the index equals the listing, each key indexed once.

    AWS documents the same: with reserved concurrency 0, "Lambda begins sending new events to
    the configured dead-letter queue or the on-failure event destination, without any retries"
    (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)."""
    out = stack.outputs["s3_object_index"]
    bucket, table, function = out["bucket_name"], out["table_name"], out["indexer_function_name"]
    lam, logs = boto3.client("lambda"), boto3.client("logs")
    queue = queue_url_for(boto3.client("sqs"), out["on_failure_queue_url"])
    drain_parked(queue)
    prefix, count = f"throttled-{secrets.token_hex(3)}/", max(5, volume(200))
    keys = [f"{prefix}{AWKWARD[n % len(AWKWARD)]}.{n}" for n in range(count)]
    s3 = boto3.client("s3", config=POOL)
    result = CaseResult("2 s3-object-index", "fault: indexer throttled to 0, redrive", count)
    parked: dict[str, dict[str, Any]] = {}

    def all_parked() -> bool:
        parked.update(peek_parked(queue))
        return len({k for r in parked.values() for k in payload_keys(r)} & set(keys)) >= count

    start = time.monotonic()
    with PeakMemory() as memory:
        lam.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=0)
        try:
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=k.encode()), keys))
            all_in = wait_until(all_parked, timeout=deadline(120), interval=1)
            rows_while_throttled = index_rows(table, bucket, prefix)
        finally:
            lam.delete_function_concurrency(FunctionName=function)
        redrive_started = int(time.time() * 1000)
        cli = subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        live = listing(bucket, prefix)
        wait_until(
            lambda: not wrong_keys(index_rows(table, bucket, prefix), live, set()), deadline(180)
        )
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    parked_keys = Counter(k for r in parked.values() for k in payload_keys(r))
    wrong = wrong_keys(index_rows(table, bucket, prefix), live, set())
    summaries: list[dict[str, Any]] = []

    def all_logged() -> bool:
        summaries[:] = [s for _, s in index_summaries(logs, function, redrive_started)]
        return len(summaries) >= len(parked)

    wait_until(all_logged, deadline(60))
    indexed = sum(s.get("indexed", 0) for s in summaries)
    conditions = {r["requestContext"]["condition"] for r in parked.values()}
    result.parked = len(set(parked_keys) & set(keys))
    result.outputs = count - len(wrong)
    result.redriven = result.outputs if "redriven" in cli.stdout else 0
    result.lost = len(wrong)
    result.duplicated = max(0, indexed - count) + sum(n - 1 for n in parked_keys.values() if n > 1)
    result.notes.append(f"parked {sorted(conditions)}; {cli.stdout.strip().splitlines()[0]}")
    ledger.append(result)
    assert all_in, f"{result.parked} of {count} events parked"
    assert conditions == {"ZeroReservedConcurrency"}
    assert not rows_while_throttled, "a throttled event wrote an index row"
    assert result.lost == 0, sorted(wrong)[:10]
    assert result.duplicated == 0
    time.sleep(2)
    assert not peek_parked(queue), "a redriven event was parked again"


# ---------------------------------------- scenario 5: a function timing out on a huge object
def reapply(stack: Stack, **variables: Any) -> None:
    """`terraform apply` of the stack with some of its variables changed (an operator's fix)."""
    tfvars = stack.workdir / "test.auto.tfvars.json"
    tfvars.write_text(json.dumps(json.loads(tfvars.read_text()) | variables))
    stack.apply()


def output_keys(bucket: str, prefix: str, marker: str) -> list[str]:
    return [
        obj["Key"]
        for page in boto3.client("s3")
        .get_paginator("list_objects_v2")
        .paginate(Bucket=bucket, Prefix=prefix)
        for obj in page.get("Contents", [])
        if marker in obj["Key"]
    ]


def read(bucket: str, keys: list[str]) -> dict[str, bytes]:
    s3 = boto3.client("s3")
    return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def test_converter_timing_out_on_a_huge_object_parks_it_whole_then_redrive_converts_once(
    stack: Stack, ledger: list[CaseResult]
) -> None:
    """A JSON Lines object of 600,000 records (a few poison) meets the S3 converter's 2 s
    timeout: the invocation times out mid-stream → parked (0 retries here) with the timeout as
    its reason, and neither a CSV nor a quarantine object exists (both are multipart uploads
    completed only at the end; the bucket's lifecycle aborts the leftovers) → the timeout raised
    to the module's default by `terraform apply` → the redrive CLI → one CSV with every good
    record once, one quarantine with every poison record once."""
    out = stack.outputs["json_to_csv"]
    bucket, output_bucket, prefixes = out["bucket_name"], out["output_bucket_name"], out["prefixes"]
    queue = queue_url_for(boto3.client("sqs"), out["s3_failures_queue_url"])
    drain_parked(queue)
    marker = f"huge-{secrets.token_hex(3)}"
    key = f"{out['input_prefix']}{marker}.jsonl"
    lines, poison = [], set()
    for n in range(HUGE_OBJECT_RECORDS):
        if n % 50_000 == 7:
            lines.append(f'{{"id": "{marker}-p{n}", broken')
            poison.add(n)
        else:
            lines.append(json.dumps({"id": f"{marker}-{n:07}", "n": n, "text": "x" * 40}))
    body = ("\n".join(lines) + "\n").encode()
    result = CaseResult("5 json-to-csv", "fault: timeout on a huge object, redrive", inputs=1)
    parked: dict[str, dict[str, Any]] = {}
    start = time.monotonic()
    with PeakMemory() as memory:
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body)

        def is_parked() -> bool:
            parked.update(peek_parked(queue))
            return any(key in payload_keys(r) for r in parked.values())

        assert wait_until(is_parked, timeout=deadline(120), interval=2), "the timeout not parked"
        csv_while_parked = output_keys(output_bucket, prefixes["csv"], marker)
        quarantine_while_parked = output_keys(output_bucket, prefixes["quarantine"], marker)
        tfvars = json.loads((stack.workdir / "test.auto.tfvars.json").read_text())
        scenario_5 = tfvars["json_to_csv"]
        del scenario_5["functions"]["s3"]["timeout"]  # back to the module's default (300 s)
        reapply(stack, json_to_csv=scenario_5)
        cli = subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        wait_until(
            lambda: bool(output_keys(output_bucket, prefixes["csv"], marker)), deadline(180), 3
        )
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    [record] = [r for r in parked.values() if key in payload_keys(r)]
    reason = json.dumps(record.get("responsePayload"))
    csvs = read(output_bucket, output_keys(output_bucket, prefixes["csv"], marker))
    quarantines = read(output_bucket, output_keys(output_bucket, prefixes["quarantine"], marker))
    rows: Counter[str] = Counter()
    for csv_body in csvs.values():
        rows.update(r["id"] for r in csv.DictReader(io.StringIO(csv_body.decode(), newline="")))
    bad = sum(len(q.splitlines()) for q in quarantines.values())
    good = HUGE_OBJECT_RECORDS - len(poison)
    result.parked = 1
    result.outputs = result.redriven = int(len(csvs) == 1 and len(rows) == good)
    result.lost = good - len(rows) + max(0, len(poison) - bad)
    result.duplicated = sum(n - 1 for n in rows.values() if n > 1) + max(0, bad - len(poison))
    result.notes.append(
        f"{len(body) >> 20} MiB, {HUGE_OBJECT_RECORDS} records, timeout {HUGE_OBJECT_TIMEOUT} s: "
        f"parked ({record['requestContext']['condition']}) {reason[:90]}; "
        f"{cli.stdout.strip().splitlines()[0]}"
    )
    ledger.append(result)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "timed out" in reason.lower(), reason
    assert not csv_while_parked and not quarantine_while_parked, "half-written output"
    assert len(csvs) == 1 and len(quarantines) == 1, (sorted(csvs), sorted(quarantines))
    assert len(rows) == good and result.duplicated == 0 and result.lost == 0
