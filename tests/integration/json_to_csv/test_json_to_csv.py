"""Scenario 5 end to end: JSON objects in S3 and Kinesis records → CSV + quarantine objects.

The stack runs with a customer managed key created here (kms_key_arn): the buckets, the stream
and both failure queues are encrypted with it. That is the path with the most IAM to get right:
the converter reads SSE-KMS objects and writes SSE-KMS CSVs; the stream function reads the
KMS-encrypted stream (through its event source mapping, with its role) and writes CSVs; Lambda
delivers failed S3 events and failed stream batches to SSE-KMS queues with the functions' roles.
Each needs kms:Decrypt / kms:GenerateDataKey on the key, and the last test reads the IAM report:
no denial for the stack but the ones the fault tests inject. The emulator does not check the key
policy (AWS does): the key's policy is the account statement only, which is what the module
needs. The default encryption (AWS managed keys) is applied by the root stack test and driven end
to end by `make reliability` (reliability/test_pipelines.py).
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.logs import log_records
from lbp_testing.queues import drain, queue_url
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually

# Logged by the stream function when writing a batch fails (the whole batch is retried).
WRITE_FAILED = "writing the batch failed; whole batch retried"
MAX_COLUMNS = 12
DENIED = "denied/"  # the fault tests deny the functions' access under this part of a key
INJECTED = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject")


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: json-to-csv CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, key_arn: str) -> dict[str, Any]:
    stack = deploy_stack(
        ["json_to_csv"],
        kms_key_arn=key_arn,
        json_to_csv={
            "csv": {"max_columns": MAX_COLUMNS},
            "stream": {"batch_size": 100, "maximum_batching_window_in_seconds": 1},
            "functions": {
                "s3": {"maximum_retry_attempts": 0},
                # Retries back off exponentially (0.5 s, x1.5): ten leave well over 20 s for the
                # injected write failure to be seen and lifted before a batch would be given up.
                "stream": {"maximum_retry_attempts": 10},
            },
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


SAFETY_RECORDS: list[dict[str, Any]] = [
    {"id": 1, "formula": '=HYPERLINK("http://evil","x")', "big": 123456789012345678901234567890},
    {"id": 2, "note": "first\r\nsecond", "@cmd": "+1", "neg": -5},
    {"id": 3, **{f"wide{n}": n for n in range(MAX_COLUMNS)}},
    {"id": 4, "late": "-5"},
]
SAFETY_ROWS = [
    ["id", "formula", "big", "note", "'@cmd", "neg", "late"],
    ["1", '\'=HYPERLINK("http://evil","x")', "123456789012345678901234567890", "", "", "", ""],
    ["2", "", "", "first\r\nsecond", "'+1", "-5", ""],
    ["4", "", "", "", "", "", "'-5"],
]


def test_csv_is_safe_for_spreadsheets_exact_and_bounded_in_width(
    scenario: dict[str, Any],
) -> None:
    """Formulas neutralised (cells and header), integers beyond 64 bits exact, a CR LF cell in a
    row written before later columns padded to the final width, and a record that would pass
    the deployed column cap quarantined with its line."""
    bucket, prefixes = scenario["bucket_name"], scenario["prefixes"]
    stem = f"safety-{secrets.token_hex(3)}"
    body = "".join(json.dumps(record) + "\n" for record in SAFETY_RECORDS).encode()
    boto3.client("s3").put_object(
        Bucket=bucket, Key=f"{scenario['input_prefix']}{stem}.jsonl", Body=body
    )
    text = eventually(
        lambda: read(bucket, f"{prefixes['csv']}{stem}.csv"), timeout=60, what="safety CSV"
    ).decode("utf-8")
    assert list(csv.reader(io.StringIO(text, newline=""))) == SAFETY_ROWS
    quarantine = read(bucket, f"{prefixes['quarantine']}{stem}.quarantine.jsonl") or b""
    [entry] = [json.loads(line) for line in quarantine.splitlines()]
    assert entry["line"] == 3 and entry["record"] == SAFETY_RECORDS[2]
    assert f"beyond the limit of {MAX_COLUMNS} columns" in entry["reason"]


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
    """1100 records (poison among them) with a transient failure: still exactly once.

    The failure is injected from outside: until the function has logged a failed write, its role
    carries an explicit Deny on writing the CSV objects, so whole batches are reported failed and
    retried. That needs IAM enforcement (a real account or LBP_IAM=enforce); without it no write
    fails and the wait for the logged failure times out. The cut inside a batch (a record failing
    mid-batch) is covered by the unit tests of json_to_csv_stream.batch.
    """
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
            if n % 10 == 0:
                record["text"] = 'comma, "quote"\nnewline ü'
            good[record["id"]] = record
            data = json.dumps(record).encode()
        entries.append({"Data": data, "PartitionKey": f"pk-{n % 4}"})
    log_group = f"/aws/lambda/{scenario['stream_function_name']}"
    failed_before = len(log_records(log_group, WRITE_FAILED))
    csv_objects = f"arn:aws:s3:::{bucket}/{prefixes['stream']}*"
    # A transient AWS error, injected from outside: the first batches cannot write their CSV.
    with denied(
        scenario["stream_function_name"], {"Action": "s3:PutObject", "Resource": csv_objects}
    ):
        for start in range(0, len(entries), 500):
            reply = kinesis.put_records(StreamName=stream, Records=entries[start : start + 500])
            assert reply.get("FailedRecordCount", 0) == 0
        eventually(
            lambda: len(log_records(log_group, WRITE_FAILED)),
            accept=lambda count: count > failed_before,
            timeout=60,
            interval=0.5,
            what="a batch whose CSV write was denied",
        )

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


def test_an_object_deleted_before_the_converter_ran_is_skipped_as_superseded(
    scenario: dict[str, Any],
) -> None:
    """The creation event of an input object that is already gone: a skip, not a failure.

    Under IAM enforcement this fails when the converter's role lacks s3:ListBucket on the input
    bucket: GetObject of a missing key then answers 403 (retried, then the failure queue) instead
    of 404. The event is crafted and the function invoked with it synchronously: the real race
    (deleted between upload and delivery) cannot be timed reliably.
    """
    bucket, prefix = scenario["bucket_name"], scenario["input_prefix"]
    key = f"{prefix}gone-{secrets.token_hex(4)}.json"
    event = {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": key, "size": 2, "eTag": "99914b932bd37a50b983c5e7c90ae93b"},
                },
            }
        ]
    }
    reply = boto3.client("lambda").invoke(
        FunctionName=scenario["converter_function_name"], Payload=json.dumps(event).encode()
    )
    payload = json.loads(reply["Payload"].read())
    assert "FunctionError" not in reply, payload
    assert payload == {
        "converted": 0,
        "unreadable": 0,
        "superseded": 1,
        "skipped": 0,
        "rejected": 0,
    }


def test_bucket_stream_and_queues_are_encrypted_with_the_key(
    scenario: dict[str, Any], key_arn: str
) -> None:
    s3 = boto3.client("s3")
    for bucket in {scenario["bucket_name"], scenario["output_bucket_name"]}:
        [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
        default = rule["ApplyServerSideEncryptionByDefault"]
        assert (default["SSEAlgorithm"], default["KMSMasterKeyID"]) == ("aws:kms", key_arn)
    stream = boto3.client("kinesis").describe_stream_summary(StreamName=scenario["stream_name"])
    summary = stream["StreamDescriptionSummary"]
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", key_arn)
    for output in ("s3_failures_queue_url", "stream_failures_queue_url"):
        attributes = boto3.client("sqs").get_queue_attributes(
            QueueUrl=queue_url(scenario[output]), AttributeNames=["KmsMasterKeyId"]
        )["Attributes"]
        assert attributes["KmsMasterKeyId"] == key_arn, output


def test_an_sse_kms_object_becomes_an_sse_kms_csv(scenario: dict[str, Any], key_arn: str) -> None:
    s3 = boto3.client("s3")
    bucket, prefixes = scenario["bucket_name"], scenario["prefixes"]
    stem = f"cmk-{secrets.token_hex(4)}"
    body = b'{"id": 1, "city": "K\xc3\xb6ln"}\n{"id": 2, "city": "Oslo"}\n'
    s3.put_object(Bucket=bucket, Key=f"{scenario['input_prefix']}{stem}.jsonl", Body=body)
    key = f"{prefixes['csv']}{stem}.csv"
    body_read = eventually(lambda: read(bucket, key), timeout=60, what=key)
    assert body_read is not None
    assert body_read.decode("utf-8") == "id,city\r\n1,Köln\r\n2,Oslo\r\n"
    head = s3.head_object(Bucket=bucket, Key=key)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key_arn)


def test_records_on_the_encrypted_stream_become_sse_kms_csv_rows(
    scenario: dict[str, Any], key_arn: str
) -> None:
    tag = secrets.token_hex(4)
    records = [{"id": f"{tag}-{n}", "n": n, "tag": tag} for n in range(5)]
    boto3.client("kinesis").put_records(
        StreamName=scenario["stream_name"],
        Records=[{"Data": json.dumps(r).encode(), "PartitionKey": r["id"]} for r in records],
    )
    bucket, prefix = scenario["output_bucket_name"], scenario["prefixes"]["stream"]
    s3 = boto3.client("s3")

    def rows() -> dict[str, list[dict[str, str]]]:
        found: dict[str, list[dict[str, str]]] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                text = (read(bucket, obj["Key"]) or b"").decode("utf-8")
                mine = [
                    row
                    for row in csv.DictReader(io.StringIO(text, newline=""))
                    if row.get("tag") == tag
                ]
                if mine:
                    found[obj["Key"]] = mine
        return found

    written = eventually(
        rows,
        accept=lambda found: sum(len(v) for v in found.values()) >= len(records),
        timeout=120,
        interval=2.0,
        what="the stream's rows in CSV objects",
    )
    assert sorted(row["id"] for v in written.values() for row in v) == sorted(
        str(r["id"]) for r in records
    )
    for key in written:
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key_arn)


def test_a_failed_s3_event_reaches_the_encrypted_queue(scenario: dict[str, Any]) -> None:
    """Injected from outside: the converter's role is denied reading one input object (an AWS
    error, not bad content), so the event fails and Lambda parks it in the SSE-KMS queue with the
    converter's role. Needs IAM enforcement: without it the object is converted and the wait for
    the failure record times out."""
    bucket = scenario["bucket_name"]
    key = f"{scenario['input_prefix']}{DENIED}{secrets.token_hex(4)}.json"
    url = queue_url(scenario["s3_failures_queue_url"])
    seen: list[dict[str, Any]] = []
    reads = {
        "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Resource": f"arn:aws:s3:::{bucket}/{scenario['input_prefix']}{DENIED}*",
    }
    with denied(scenario["converter_function_name"], reads):
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=b'{"a": 1}')
        [record] = eventually(
            lambda: [r for r in drain(url, seen) if key in json.dumps(r.get("requestPayload"))],
            timeout=120,
            interval=0,
            what=f"the failure record of {key}",
        )
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "AccessDenied" in json.dumps(record["responsePayload"])


@pytest.mark.emulator_difference(
    ministack=(
        "the Kinesis event source mapping ignores ReportBatchItemFailures and has no on-failure "
        "destination: the batch whose response lists the denied record is checkpointed past at "
        "once (one attempt, no retry), and no KinesisBatchInfo record ever reaches the queue; "
        "the record is lost"
    )
)
def test_a_failed_stream_batch_reaches_the_encrypted_queue(scenario: dict[str, Any]) -> None:
    """Injected from outside: the stream function's role is denied writing CSV objects, so the
    batch fails, is retried (maximum_retry_attempts, about a minute of back-off) and the mapping
    sends its shard and sequence range to the SSE-KMS queue with the function's role."""
    stream_arn = boto3.client("kinesis").describe_stream_summary(
        StreamName=scenario["stream_name"]
    )["StreamDescriptionSummary"]["StreamARN"]
    url = queue_url(scenario["stream_failures_queue_url"])
    seen: list[dict[str, Any]] = []
    csv_objects = f"{scenario['output_bucket_name']}/{scenario['prefixes']['stream']}*"
    writes = {"Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{csv_objects}"}
    with denied(scenario["stream_function_name"], writes):
        reply = boto3.client("kinesis").put_record(
            StreamName=scenario["stream_name"],
            Data=json.dumps({"id": secrets.token_hex(4)}).encode(),
            PartitionKey="denied",
        )
        sequence = int(reply["SequenceNumber"])

        def batches() -> list[dict[str, Any]]:
            return [
                r["KinesisBatchInfo"]
                for r in drain(url, seen)
                if "KinesisBatchInfo" in r
                and r["KinesisBatchInfo"]["shardId"] == reply["ShardId"]
                and int(r["KinesisBatchInfo"]["startSequenceNumber"])
                <= sequence
                <= int(r["KinesisBatchInfo"]["endSequenceNumber"])
            ]

        [batch, *_] = eventually(batches, timeout=180, interval=0, what="the failed batch")
    assert batch["streamArn"] == stream_arn


def test_only_the_injected_denials_are_in_the_report(scenario: dict[str, Any]) -> None:
    """Runs last (pytest keeps file order): every test of the file has run on the stack. Needs
    IAM enforcement (it fails unless the report's mode is enforce)."""
    unexpected = only_injected(
        denials(name_prefix_of(scenario["converter_function_name"])), INJECTED
    )
    assert unexpected == [], unexpected
