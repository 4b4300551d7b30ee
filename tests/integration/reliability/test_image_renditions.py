"""Reliability of scenario 4 (uploads → renditions → chained report): concurrent uploads, and
the renditions bucket refusing writes.

200 images (20 in make test) uploaded by 16 writers at once, one in ten hostile (text posing as
a JPEG, an empty file, a truncated JPEG). Every upload must end rendered or skipped with a
reason, and the chained report step must record each exactly once. Then the renditions bucket
denies writes (an IAM Deny on the function's role: needs IAM enforcement, LBP_IAM=enforce).
"""

from __future__ import annotations

import io
import json
import secrets
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from PIL import Image

from lbp_testing.faults import denied
from lbp_testing.stack import DeployStack
from reliability.memory import PeakMemory
from reliability.redrive import queue_url_for
from reliability.report import CaseResult

from .conftest import deadline, volume
from .test_pipelines import POOL, drain_parked, peek_parked, wait_until


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack) -> dict[str, Any]:
    stack = deploy_stack(
        ["image_renditions"],
        image_renditions={
            "functions": {
                "renditions": {"maximum_retry_attempts": 0},
                "report": {"maximum_retry_attempts": 0},
            }
        },
    )
    outputs: dict[str, Any] = stack.outputs["image_renditions"]
    return outputs


def jpeg(n: int) -> bytes:
    image = Image.new("RGB", (640 + n % 7 * 40, 480), ((n * 37) % 256, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def hostile(n: int) -> bytes:
    kinds = [b"plain text posing as a JPEG\n", b"", jpeg(n)[:300]]
    return kinds[n % len(kinds)]


def results(table: str, bucket: str, prefix: str) -> dict[str, dict[str, Any]]:
    client = boto3.resource("dynamodb").Table(table)
    found: dict[str, dict[str, Any]] = {}
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "#b = :b AND begins_with(#k, :p)",
        "ExpressionAttributeNames": {"#b": "bucket", "#k": "key"},
        "ExpressionAttributeValues": {":b": bucket, ":p": prefix},
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**kwargs)
        found.update({str(item["key"]): dict(item) for item in page["Items"]})
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def recorded_by_report(function: str, prefix: str, since_ms: int) -> Counter[str]:
    logs, counts = boto3.client("logs"), Counter[str]()
    kwargs: dict[str, Any] = {"logGroupName": f"/aws/lambda/{function}", "startTime": since_ms}
    while True:
        page = logs.filter_log_events(**kwargs)
        for event in page["events"]:
            message = event["message"]
            if '"result recorded"' in message:
                entry = json.loads(message[message.index("{") :])
                if str(entry.get("key", "")).startswith(prefix):
                    counts[entry["key"]] += 1
        if not page.get("nextToken"):
            return counts
        kwargs["nextToken"] = page["nextToken"]


@pytest.mark.emulator_difference(
    ministack="on-success destinations are never routed: the report never runs, no result is "
    "recorded (20 of 20 lost at 1/10 volume; 6 records also reached the failure queue, not traced)"
)
def test_concurrent_uploads_each_rendered_or_skipped_and_reported_once(
    scenario: dict[str, Any], ledger: list[CaseResult]
) -> None:
    bucket, table = scenario["source_bucket_name"], scenario["results_table_name"]
    prefix, count = f"burst-{secrets.token_hex(3)}/", volume(200)
    uploads = {
        (f"{prefix}bad-{n:04}.jpg" if n % 10 == 3 else f"{prefix}img {n:04}.jpg"): (
            hostile(n // 10) if n % 10 == 3 else jpeg(n)
        )
        for n in range(count)
    }
    s3 = boto3.client("s3", config=POOL)
    since = int(time.time() * 1000) - 1000
    result = CaseResult("4 image-renditions", "concurrent uploads, 10% hostile", inputs=count)
    start = time.monotonic()
    with PeakMemory() as memory:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda kv: s3.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]),
                          uploads.items()))  # fmt: skip
        wait_until(
            lambda: len(results(table, bucket, prefix)) >= count, timeout=deadline(180), interval=3
        )
        reports: Counter[str] = Counter()

        def all_reported() -> bool:
            reports.clear()
            reports.update(recorded_by_report(scenario["report_function_name"], prefix, since))
            return len(reports) >= count

        wait_until(all_reported, timeout=deadline(120), interval=3)
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    items = results(table, bucket, prefix)
    rendered = {k for k, item in items.items() if item["status"] == "rendered"}
    skipped = {k for k, item in items.items() if item["status"] == "skipped" and item["reason"]}
    failed = drain_parked(queue_url_for(boto3.client("sqs"), scenario["on_failure_queue_url"]))
    result.outputs, result.parked = len(rendered), len(skipped) + len(failed)
    result.lost = count - len(rendered) - len(skipped)
    result.duplicated = sum(n - 1 for n in reports.values() if n > 1)
    reasons = Counter(str(items[k]["reason"]).split(":")[0] for k in skipped)
    result.notes.append(f"skipped by reason: {dict(reasons)}; {len(failed)} in the failure queue")
    ledger.append(result)
    hostile_keys = {k for k in uploads if "/bad-" in k}
    assert skipped == hostile_keys and rendered == set(uploads) - hostile_keys
    assert all(len(items[k]["renditions"]) == 3 for k in rendered)
    assert set(reports) == set(uploads) and result.duplicated == 0
    assert result.lost == 0 and not failed


def rendition_objects(bucket: str, prefix: str) -> list[str]:
    """Keys in the renditions bucket derived from sources under `prefix` (any rendition)."""
    return [
        obj["Key"]
        for page in boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for obj in page.get("Contents", [])
        if f"/{prefix}" in obj["Key"]
    ]


def test_renditions_bucket_denied_parks_uploads_then_redrive_renders_each_once(
    scenario: dict[str, Any], ledger: list[CaseResult]
) -> None:
    """The renditions bucket refuses writes (an explicit Deny of s3:PutObject on it, on the
    renditions function's role, from outside): every upload fails with AccessDenied → parked
    (0 retries here) with that reason, no rendition written, nothing recorded by the chained
    report step → Deny removed → the documented redrive CLI → each rendered and recorded once."""
    bucket, table = scenario["source_bucket_name"], scenario["results_table_name"]
    destination = scenario["destination_bucket_name"]
    sqs = boto3.client("sqs")
    queue = queue_url_for(sqs, scenario["on_failure_queue_url"])
    drain_parked(queue)
    prefix, count = f"denied-{secrets.token_hex(3)}/", max(3, volume(20))
    uploads = {f"{prefix}img {n:03}.jpg": jpeg(n) for n in range(count)}
    s3 = boto3.client("s3", config=POOL)
    since = int(time.time() * 1000) - 1000
    result = CaseResult("4 image-renditions", "fault: renditions bucket denies writes", count)
    parked: dict[str, dict[str, Any]] = {}

    def parked_keys() -> set[str]:
        return {
            unquote_plus(r["s3"]["object"]["key"])
            for record in parked.values()
            for r in record.get("requestPayload", {}).get("Records", [])
        }

    def all_parked() -> bool:
        parked.update(peek_parked(queue))
        return parked_keys() >= set(uploads)

    start = time.monotonic()
    with PeakMemory() as memory:
        deny = {"Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{destination}/*"}
        with denied(scenario["renditions_function_name"], deny):
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda kv: s3.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]),
                              uploads.items()))  # fmt: skip
            assert wait_until(all_parked, timeout=deadline(120), interval=2), (
                f"{len(parked_keys() & set(uploads))} of {count} uploads parked"
            )
        written_while_denied = rendition_objects(destination, prefix)
        recorded_while_denied = results(table, bucket, prefix)
        reported_while_denied = recorded_by_report(scenario["report_function_name"], prefix, since)
        cli = subprocess.run(
            [sys.executable, "-m", "reliability", "redrive", "--queue-url", queue],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        reports: Counter[str] = Counter()

        def all_reported() -> bool:
            reports.clear()
            reports.update(recorded_by_report(scenario["report_function_name"], prefix, since))
            return len(reports) >= count and len(results(table, bucket, prefix)) >= count

        wait_until(all_reported, timeout=deadline(180), interval=3)
        result.seconds = time.monotonic() - start
    result.peak_rss_mb = memory.peak_mb
    items = results(table, bucket, prefix)
    rendered = {k for k, item in items.items() if item["status"] == "rendered"}
    reasons = {json.dumps(r.get("responsePayload"))[:300] for r in parked.values()}
    conditions = {r["requestContext"]["condition"] for r in parked.values()}
    result.parked = len(parked_keys() & set(uploads))
    result.redriven = len(rendered)
    result.outputs = len(rendered)
    result.lost = count - len(rendered)
    result.duplicated = sum(n - 1 for n in reports.values() if n > 1)
    result.notes.append(
        f"parked {conditions}: {sorted(reasons)[0][:110]}; {cli.stdout.strip().splitlines()[0]}"
    )
    ledger.append(result)
    assert conditions == {"RetriesExhausted"}
    assert all("AccessDenied" in reason for reason in reasons), reasons
    assert not written_while_denied, written_while_denied[:5]
    assert not recorded_while_denied and not reported_while_denied
    assert rendered == set(uploads), sorted(set(uploads) - rendered)[:5]
    assert all(len(items[k]["renditions"]) == 3 for k in rendered)
    assert set(reports) == set(uploads) and result.duplicated == 0
    assert len(rendition_objects(destination, prefix)) == 3 * count
    time.sleep(2)
    assert not peek_parked(queue), "a redriven upload was parked again"
