from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from json_csv.options import CsvOptions
from json_csv.spool import CsvWriter
from json_to_csv_stream.batch import convert_batch, object_stem, partial_response

BUCKET = "csv-out"
HANDLER = "json_to_csv_stream.handler"
ARRIVAL = 1714557600.5  # 2024-05-01T10:00:00.5Z


def kinesis_record(n: int, data: bytes) -> dict[str, Any]:
    seq = f"4959{n:040d}"
    return {
        "eventID": f"shardId-000000000002:{seq}",
        "eventSource": "aws:kinesis",
        "kinesis": {
            "sequenceNumber": seq,
            "partitionKey": f"pk{n}",
            "data": base64.b64encode(data).decode(),
            "approximateArrivalTimestamp": ARRIVAL + n,
        },
    }


def good(n: int, **extra: Any) -> dict[str, Any]:
    return kinesis_record(n, json.dumps({"id": n, "m": {"k": f"v{n}"}, **extra}).encode())


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield client


@pytest.fixture
def handler(load_handler: Any, s3: Any) -> Any:
    return load_handler(HANDLER, OUTPUT_BUCKET=BUCKET)


def objects(s3: Any) -> dict[str, bytes]:
    listing = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listing}


def test_poison_is_quarantined_and_good_rows_written(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    records = [
        good(0),
        kinesis_record(1, b"{nope"),
        kinesis_record(2, b"[1]"),
        kinesis_record(3, b"\xff"),
        good(4, text='a,"b"\nü'),
    ]
    assert handler.lambda_handler({"Records": records}, lambda_context) == {"batchItemFailures": []}
    stem = f"dt=2024-05-01/shardId-000000000002/{records[0]['kinesis']['sequenceNumber']}"
    found = objects(s3)
    assert found[f"stream/{stem}.csv"] == 'id,m.k,text\r\n0,v0,\r\n4,v4,"a,""b""\nü"\r\n'.encode()
    poison = [json.loads(x) for x in found[f"stream-quarantine/{stem}.jsonl"].splitlines()]
    assert [p["sequence_number"] for p in poison] == [
        r["kinesis"]["sequenceNumber"] for r in records[1:4]
    ]
    assert poison[0]["data"] == "{nope" and poison[0]["reason"].startswith("invalid JSON")
    assert poison[1]["reason"] == "not a JSON object but a JSON array"
    assert poison[2]["data_base64"] == base64.b64encode(b"\xff").decode()
    assert poison[2]["reason"].startswith("data is not UTF-8")


def test_a_batch_of_poison_only_is_quarantined_not_retried(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    records = [kinesis_record(0, b"{nope"), kinesis_record(1, b"[1]")]
    assert handler.lambda_handler({"Records": records}, lambda_context) == {"batchItemFailures": []}
    stem = f"dt=2024-05-01/shardId-000000000002/{records[0]['kinesis']['sequenceNumber']}"
    found = objects(s3)
    assert list(found) == [f"stream-quarantine/{stem}.jsonl"]
    assert len(found[f"stream-quarantine/{stem}.jsonl"].splitlines()) == 2


def test_transient_failure_reports_the_rest_and_the_retry_completes_exactly_once(
    handler: Any, s3: Any, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add, failed = CsvWriter.add, set()

    def add_failing_once(writer: CsvWriter, value: dict[str, Any]) -> None:
        if "fail_once" in value and value["fail_once"] not in failed:
            failed.add(value["fail_once"])
            raise RuntimeError("transient")
        add(writer, value)

    monkeypatch.setattr(CsvWriter, "add", add_failing_once)
    records = [good(0), good(1), good(2, fail_once="x"), good(3), good(4)]
    reply = handler.lambda_handler({"Records": records}, lambda_context)
    assert reply == partial_response([r["kinesis"]["sequenceNumber"] for r in records[2:]])
    assert reply["batchItemFailures"][0] == {
        "itemIdentifier": records[2]["kinesis"]["sequenceNumber"]
    }
    # Kinesis retries from the lowest reported sequence number, with any batch size.
    assert handler.lambda_handler({"Records": records[2:4]}, lambda_context) == {
        "batchItemFailures": []
    }
    assert handler.lambda_handler({"Records": records[4:]}, lambda_context) == {
        "batchItemFailures": []
    }
    ids = [
        row["id"]
        for body in objects(s3).values()
        for row in csv.DictReader(io.StringIO(body.decode(), newline=""))
    ]
    assert sorted(ids) == ["0", "1", "2", "3", "4"]


def test_a_retry_of_the_same_first_record_overwrites(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    records = [good(n) for n in range(6)]
    handler.lambda_handler({"Records": records}, lambda_context)
    handler.lambda_handler({"Records": records[:3]}, lambda_context)  # bisected retry
    handler.lambda_handler({"Records": records[3:]}, lambda_context)
    ids = [
        row["id"]
        for body in objects(s3).values()
        for row in csv.DictReader(io.StringIO(body.decode(), newline=""))
    ]
    assert sorted(ids) == ["0", "1", "2", "3", "4", "5"]


def test_write_failure_reports_the_whole_batch(
    load_handler: Any, s3: Any, lambda_context: Any
) -> None:
    handler = load_handler(HANDLER, OUTPUT_BUCKET="no-such-bucket")
    records = [good(0), good(1)]
    assert handler.lambda_handler({"Records": records}, lambda_context) == partial_response(
        [r["kinesis"]["sequenceNumber"] for r in records]
    )


def test_stem_uses_first_record_arrival_date_shard_and_sequence() -> None:
    assert object_stem(good(0)) == f"dt=2024-05-01/shardId-000000000002/4959{0:040d}"


def test_batch_columns_union_or_explicit() -> None:
    records = [good(0), kinesis_record(1, b'{"z": 1, "id": 9}')]
    assert convert_batch(records).csv == b"id,m.k,z\r\n0,v0,\r\n9,,1\r\n"
    explicit = CsvOptions(columns=("z", "id"))
    assert convert_batch(records, explicit).csv == b"z,id\r\n,0\r\n1,9\r\n"


def test_big_integers_stay_exact_and_formulas_are_neutralised() -> None:
    records = [kinesis_record(0, b'{"n": 123456789012345678901234567890, "f": "=1+2"}')]
    assert convert_batch(records).csv == b"n,f\r\n123456789012345678901234567890,'=1+2\r\n"
    raw = CsvOptions(neutralise_formulas=False)
    assert convert_batch(records, raw).csv.endswith(b",=1+2\r\n")


def test_records_beyond_the_column_cap_are_poison_not_new_columns() -> None:
    records = [good(0), kinesis_record(1, b'{"id": 1, "a": 1, "b": 2}'), good(2)]
    batch = convert_batch(records, CsvOptions(max_columns=3))
    assert batch.csv == b"id,m.k\r\n0,v0\r\n2,v2\r\n"
    assert [p["sequence_number"] for p in batch.poison] == [records[1]["kinesis"]["sequenceNumber"]]
    assert "beyond the limit of 3 columns" in batch.poison[0]["reason"]
