"""Scenario 7 end to end: JSON objects in S3 and Kinesis records → CSV + quarantine objects."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import secrets
from typing import Any

import boto3
import pytest

from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

# The test stack's stream function fails a record carrying this field once (partial batch).
TRANSIENT_FIELD = "fail_once"


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack) -> dict[str, Any]:
    stack = deploy_stack(
        ["json_to_csv"],
        json_to_csv={
            "converter_retry_attempts": 0,
            "stream_batch_size": 100,
            "stream_batching_window_in_seconds": 1,
            "stream_retry_attempts": 5,
            "stream_environment": {"TRANSIENT_FAILURE_FIELD": TRANSIENT_FIELD},
        },
    )
    outputs: dict[str, Any] = stack.outputs["json_to_csv"]
    return outputs


def read(bucket: str, key: str) -> bytes | None:
    try:
        body: bytes = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except boto3.client("s3").exceptions.NoSuchKey:
        return None
    return body


def keys_under(bucket: str, prefix: str) -> list[str]:
    paginator = boto3.client("s3").get_paginator("list_objects_v2")
    return [
        obj["Key"]
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
        for obj in page.get("Contents", [])
    ]


ARRAY = [
    {"id": 1, "name": 'Zoë, "the" first', "address": {"city": "Köln", "geo": {"lat": 50.9}}},
    {"id": 2, "tags": ["a", "b,c"], "note": "line one\nline two", "address": {"city": "Paris"}},
    {"id": 3, "active": False, "empty": {}, "nothing": None},
]
ARRAY_CSV = (
    "id,name,address.city,address.geo.lat,tags,note,active,empty,nothing\r\n"
    '1,"Zoë, ""the"" first",Köln,50.9,,,,,\r\n'
    '2,,Paris,,"[""a"",""b,c""]","line one\nline two",,,\r\n'
    "3,,,,,,false,{},\r\n"
)
LINES = b'{"k": "a", "n": 1}\n{"k": "b", "n": 2,,}\n\n"just a string"\n{"k": "c", "extra": true}\n'
LINES_CSV = "k,n,extra\r\na,1,\r\nc,,true\r\n"
LINES_QUARANTINE = [
    {
        "line": 2,
        "reason": "invalid JSON: Expecting property name enclosed in double quotes "
        "(line 2 column 19)",
        "text": '{"k": "b", "n": 2,,}',
    },
    {"line": 4, "reason": "not a JSON object but a JSON string", "record": "just a string"},
]
SINGLE = b'{\n  "order": "A-1",\n  "total": 12.5,\n  "customer": {"name": "Ann"}\n}\n'
SINGLE_CSV = "order,total,customer.name\r\nA-1,12.5,Ann\r\n"
GZ_LINES = gzip.compress(b'{"x": 1}\n{"x": 2, "y": "\xe2\x82\xac"}\n', mtime=0)
GZ_CSV = "x,y\r\n1,\r\n2,€\r\n"


def test_each_format_and_a_broken_object_give_exact_csv_and_quarantine(
    scenario: dict[str, Any],
) -> None:
    s3 = boto3.client("s3")
    bucket, prefixes = scenario["bucket_name"], scenario["prefixes"]
    run = f"run-{secrets.token_hex(3)}/"
    inputs = {
        "array.json": json.dumps(ARRAY, ensure_ascii=False, indent=2).encode(),
        "events.jsonl": LINES,
        "single.json": SINGLE,
        "compressed.jsonl.gz": GZ_LINES,
        "broken.json.gz": b"\x1f\x8b\x08\x00garbage that is not deflate",
    }
    for name, body in inputs.items():
        s3.put_object(Bucket=bucket, Key=scenario["input_prefix"] + run + name, Body=body)

    def csv_of(stem: str) -> str | None:
        body = read(bucket, f"{prefixes['csv']}{run}{stem}.csv")
        return None if body is None else body.decode("utf-8")

    def quarantine_of(stem: str) -> list[dict[str, Any]] | None:
        body = read(bucket, f"{prefixes['quarantine']}{run}{stem}.quarantine.jsonl")
        return None if body is None else [json.loads(line) for line in body.splitlines()]

    expected = {"array": ARRAY_CSV, "events": LINES_CSV, "single": SINGLE_CSV, "compressed": GZ_CSV}
    for stem, text in expected.items():
        assert eventually(lambda s=stem: csv_of(s), timeout=60, what=f"{stem}.csv") == text

    assert quarantine_of("events") == LINES_QUARANTINE
    broken = eventually(lambda: quarantine_of("broken"), timeout=30, what="broken quarantine")
    assert len(broken) == 1 and broken[0]["line"] is None
    assert broken[0]["reason"].startswith("unreadable object: ")
    assert csv_of("broken") is None
    for stem in ("array", "single", "compressed"):
        assert quarantine_of(stem) is None

    # Outputs are never converted again (loop guard + disjoint prefixes), and re-uploading the
    # same bytes rewrites the same key with the same bytes.
    s3.put_object(
        Bucket=bucket, Key=scenario["input_prefix"] + run + "array.json", Body=inputs["array.json"]
    )
    s3.put_object(Bucket=bucket, Key=f"{prefixes['csv']}{run}planted.json", Body=b'{"a": 1}')
    later = eventually(
        lambda: s3.head_object(Bucket=bucket, Key=f"{prefixes['csv']}{run}array.csv"),
        accept=lambda head: head["Metadata"].get("source-etag") is not None,
        timeout=30,
    )
    assert later["ContentLength"] == len(ARRAY_CSV.encode())
    assert csv_of("array") == ARRAY_CSV
    assert sorted(keys_under(bucket, prefixes["csv"] + run)) == sorted(
        f"{prefixes['csv']}{run}{name}"
        for name in ("array.csv", "events.csv", "single.csv", "compressed.csv", "planted.json")
    )


def _poison(n: int) -> bytes:
    kinds = [b'{"id": broken', b"[1, 2, 3]", b"\xff\xfe not utf-8", b'"a string"', b"42"]
    return kinds[n % len(kinds)]


@pytest.mark.emulator_difference(
    ministack=(
        "the Kinesis event source mapping ignores ReportBatchItemFailures: a batch whose response "
        "lists failed records is checkpointed past, so the failed record and the rest of its batch "
        "are never retried (lost)"
    )
)
def test_kinesis_records_appear_exactly_once_and_poison_is_quarantined(
    scenario: dict[str, Any],
) -> None:
    kinesis = boto3.client("kinesis")
    stream, bucket, prefixes = (
        scenario["stream_name"],
        scenario["output_bucket_name"],
        scenario["prefixes"],
    )
    tag = secrets.token_hex(3)
    good: dict[str, dict[str, Any]] = {}
    poison: dict[bytes, int] = {}
    entries = []
    for n in range(1100):
        if n % 50 == 7:
            data = _poison(n // 50) + f" #{tag}-{n}".encode() if n % 100 == 7 else _poison(n // 50)
            poison[data] = poison.get(data, 0) + 1
        else:
            record: dict[str, Any] = {"id": f"{tag}-{n:05}", "n": n, "meta": {"tag": tag}}
            if n % 97 == 0:
                record[TRANSIENT_FIELD] = f"{tag}-{n}"
            if n % 10 == 0:
                record["text"] = 'comma, "quote"\nnewline ü'
            good[record["id"]] = record
            data = json.dumps(record).encode()
        entries.append({"Data": data, "PartitionKey": f"pk-{n % 4}"})
    for start in range(0, len(entries), 500):
        reply = kinesis.put_records(StreamName=stream, Records=entries[start : start + 500])
        assert reply.get("FailedRecordCount", 0) == 0

    def rows() -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        for key in keys_under(bucket, prefixes["stream"]):
            body = read(bucket, key) or b""
            found += list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
        return [row for row in found if row.get("meta.tag") == tag]

    seen = eventually(
        rows,
        accept=lambda r: len(r) >= len(good),
        timeout=180,
        interval=3.0,
        what=f"{len(good)} rows across the batch CSVs",
    )
    ids = [row["id"] for row in seen]
    assert len(ids) == len(set(ids)), "a record appears twice"
    assert set(ids) == set(good)
    for row in seen:
        expected = good[row["id"]]
        assert row["n"] == str(expected["n"])
        assert row.get("text", "") == expected.get("text", "")
        assert row.get(TRANSIENT_FIELD, "") == expected.get(TRANSIENT_FIELD, "")

    def quarantined() -> list[dict[str, Any]]:
        found = []
        for key in keys_under(bucket, prefixes["stream_quarantine"]):
            body = read(bucket, key) or b""
            found += [json.loads(line) for line in body.splitlines()]
        return found

    entries_seen = eventually(
        quarantined,
        accept=lambda q: len(q) >= sum(poison.values()),
        timeout=60,
        what="quarantined poison records",
    )
    assert len(entries_seen) == sum(poison.values())
    recovered: dict[bytes, int] = {}
    for entry in entries_seen:
        data = (
            entry["data"].encode("utf-8")
            if "data" in entry
            else base64.b64decode(entry["data_base64"])
        )
        recovered[data] = recovered.get(data, 0) + 1
        assert entry["reason"]
    assert recovered == poison
