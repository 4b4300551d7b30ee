from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from json_to_csv_s3.config import Config, ConfigError, load_config
from json_to_csv_s3.processor import ObjectRef, convert_object
from json_to_csv_s3.s3io import StreamingUpload
from lambda_common.s3_events import parse_s3_event

BUCKET = "json-in"
HANDLER = "json_to_csv_s3.handler"
ENV = {
    "INPUT_BUCKET": BUCKET,
    "INPUT_PREFIX": "incoming/",
    "OUTPUT_PREFIX": "csv/",
    "QUARANTINE_PREFIX": "quarantine/",
}


def ref_of(record: dict[str, Any]) -> ObjectRef:
    [obj] = parse_s3_event({"Records": [record]}).objects
    return ObjectRef(obj.bucket, obj.key, obj.etag)


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
    return load_handler(HANDLER, **ENV)


def put(s3: Any, key: str, body: bytes) -> dict[str, Any]:
    etag = s3.put_object(Bucket=BUCKET, Key=key, Body=body)["ETag"]
    return {
        "eventName": "ObjectCreated:Put",
        "s3": {
            "bucket": {"name": BUCKET},
            "object": {"key": key.replace(" ", "+"), "eTag": etag.strip('"'), "size": len(body)},
        },
    }


def get(s3: Any, key: str) -> bytes | None:
    try:
        body: bytes = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return body


def test_objects_become_csv_and_quarantine(handler: Any, s3: Any, lambda_context: Any) -> None:
    records = [
        put(s3, "incoming/a b/data.json", json.dumps([{"x": 1}, {"y": {"z": "é"}}, 5]).encode()),
        put(s3, "incoming/g.jsonl.gz", gzip.compress(b'{"x": 1}\n{"x": 2}\n')),
        put(s3, "incoming/bad.json", b"\x1f\x8b\x08\x00oops"),
    ]
    result = handler.lambda_handler({"Records": records}, lambda_context)
    assert result == {"converted": 2, "unreadable": 1, "superseded": 0, "skipped": 0, "rejected": 0}
    assert get(s3, "csv/a b/data.csv") == "x,y.z\r\n1,\r\n,é\r\n".encode()
    assert json.loads(get(s3, "quarantine/a b/data.quarantine.jsonl") or b"") == {
        "line": 1,
        "reason": "not a JSON object but a JSON number",
        "record": 5,
    }
    assert get(s3, "csv/g.csv") == b"x\r\n1\r\n2\r\n"
    assert get(s3, "quarantine/g.quarantine.jsonl") is None
    bad = json.loads(get(s3, "quarantine/bad.quarantine.jsonl") or b"")
    assert bad["line"] is None and bad["reason"].startswith("unreadable object: ")
    assert get(s3, "csv/bad.csv") is None


def test_an_object_without_one_good_record_is_all_quarantined(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    records = [put(s3, "incoming/none.jsonl", b"nope\n[1]\n"), put(s3, "incoming/empty.jsonl", b"")]
    result = handler.lambda_handler({"Records": records}, lambda_context)
    assert result == {"converted": 2, "unreadable": 0, "superseded": 0, "skipped": 0, "rejected": 0}
    assert get(s3, "csv/none.csv") == b"" and get(s3, "csv/empty.csv") == b""
    quarantined = (get(s3, "quarantine/none.quarantine.jsonl") or b"").splitlines()
    assert [json.loads(line)["line"] for line in quarantined] == [1, 2]


def test_same_version_gives_same_key_and_bytes_and_fixed_input_clears_quarantine(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    event = {"Records": [put(s3, "incoming/x.jsonl", b'{"a": 1}\nnope\n')]}
    handler.lambda_handler(event, lambda_context)
    first = get(s3, "csv/x.csv"), get(s3, "quarantine/x.quarantine.jsonl")
    handler.lambda_handler(event, lambda_context)
    assert (get(s3, "csv/x.csv"), get(s3, "quarantine/x.quarantine.jsonl")) == first
    assert first[1] is not None
    handler.lambda_handler(
        {"Records": [put(s3, "incoming/x.jsonl", b'{"a": 2}\n')]}, lambda_context
    )
    assert get(s3, "csv/x.csv") == b"a\r\n2\r\n"
    assert get(s3, "quarantine/x.quarantine.jsonl") is None


def test_stale_event_for_an_overwritten_object_is_superseded(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    old = put(s3, "incoming/y.json", b'{"v": "old"}')
    put(s3, "incoming/y.json", b'{"v": "new"}')
    assert handler.lambda_handler({"Records": [old]}, lambda_context)["superseded"] == 1
    assert get(s3, "csv/y.csv") is None


def test_event_for_an_object_deleted_since_is_superseded_not_an_error(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    gone = put(s3, "incoming/gone.json", b'{"v": 1}')
    s3.delete_object(Bucket=BUCKET, Key="incoming/gone.json")
    result = handler.lambda_handler({"Records": [gone]}, lambda_context)
    assert result == {"converted": 0, "unreadable": 0, "superseded": 1, "skipped": 0, "rejected": 0}
    assert get(s3, "csv/gone.csv") is None
    assert get(s3, "quarantine/gone.quarantine.jsonl") is None


def test_outputs_and_foreign_keys_are_skipped(handler: Any, s3: Any, lambda_context: Any) -> None:
    records = [put(s3, "csv/loop.json", b'{"a": 1}'), put(s3, "elsewhere/z.json", b'{"a": 1}')]
    records[1]["s3"]["bucket"]["name"] = BUCKET
    assert handler.lambda_handler({"Records": records}, lambda_context)["skipped"] == 2
    assert get(s3, "csv/loop.csv") is None and get(s3, "csv/elsewhere/z.csv") is None


def test_aws_errors_propagate_so_the_event_is_retried(
    handler: Any, s3: Any, lambda_context: Any
) -> None:
    record = put(s3, "incoming/q.json", b'{"a": 1}')
    record["s3"]["bucket"]["name"] = BUCKET
    s3.delete_bucket_ownership_controls  # noqa: B018 - the bucket exists; output goes elsewhere:
    config = Config(input_bucket=BUCKET, output_bucket="missing-bucket", input_prefix="incoming/")
    with pytest.raises(s3.exceptions.NoSuchBucket):
        convert_object(s3, config, ref_of(record))


def test_large_objects_stream_through_multipart_parts(s3: Any) -> None:
    line = json.dumps({"id": 0, "payload": "p" * 200}).encode() + b"\n"
    body = line * 45_000  # ≈ 9.5 MB in and out: two 8 MiB parts
    record = put(s3, "incoming/big.jsonl", body)
    config = Config(input_bucket=BUCKET, output_bucket=BUCKET, input_prefix="incoming/")
    outcome = convert_object(s3, config, ref_of(record))
    assert outcome.detail["rows_out"] == 45_000
    head = s3.head_object(Bucket=BUCKET, Key="csv/big.csv")
    assert head["ETag"].strip('"').endswith("-2")
    assert head["ContentLength"] == outcome.detail["bytes_out"]


def test_an_aborted_upload_writes_nothing(s3: Any) -> None:
    with (
        pytest.raises(RuntimeError),
        StreamingUpload(
            s3, BUCKET, "csv/partial.csv", content_type="text/csv", part_size=5 << 20
        ) as upload,
    ):
        upload.write(b"x" * (6 << 20))
        raise RuntimeError("boom")
    assert get(s3, "csv/partial.csv") is None
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INPUT_BUCKET": "b", "INPUT_PREFIX": "in/", "OUTPUT_PREFIX": "in/csv/"}, "overlaps"),
        ({"INPUT_BUCKET": "b", "INPUT_PREFIX": "", "OUTPUT_PREFIX": "csv/"}, "overlaps"),
        ({"INPUT_BUCKET": "b", "INPUT_PREFIX": "data/", "QUARANTINE_PREFIX": "data"}, "overlaps"),
        ({}, "INPUT_BUCKET"),
        ({"INPUT_BUCKET": "b", "INPUT_PREFIX": "in/", "CSV_COLUMNS": '["a", "a"]'}, "repeat"),
        ({"INPUT_BUCKET": "b", "INPUT_PREFIX": "in/", "CSV_COLUMNS": '{"a": 1}'}, "JSON list"),
    ],
)
def test_config_rejects_loops_and_bad_columns(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(env)


def test_other_output_bucket_may_reuse_the_prefix() -> None:
    config = load_config(
        {
            "INPUT_BUCKET": "in",
            "OUTPUT_BUCKET": "out",
            "INPUT_PREFIX": "",
            "OUTPUT_PREFIX": "",
            "CSV_COLUMNS": '["a", "b.c"]',
        }
    )
    assert config.csv.columns == ("a", "b.c") and config.csv_key("x/y.ndjson.gz") == "x/y.csv"


def test_runtime_loop_guard_recognises_own_outputs() -> None:
    config = Config(input_bucket="b", output_bucket="b", input_prefix="in/")
    assert config.is_output("b", "csv/x.json") and config.is_output("b", "quarantine/x.json")
    assert not config.is_output("b", "in/x.json") and not config.is_output("other", "csv/x")


def test_the_shell_s_columns_variable_is_not_a_column_list() -> None:
    """COLUMNS is the terminal width in many shells; the column list has its own name."""
    config = load_config({"INPUT_BUCKET": "b", "INPUT_PREFIX": "in/", "COLUMNS": "80"})
    assert config.csv.columns == ()
