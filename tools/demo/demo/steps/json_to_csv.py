"""Drops a small JSON file (one bad line) and shows the CSV and quarantine; then puts a few
Kinesis records (one poison) and shows the batch CSV."""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3

from demo import console
from scenario_client.polling import eventually

ORDERS = (
    '{"id": 1, "customer": {"name": "Zoë", "city": "Köln"}, "items": ["pen", "ink"]}\n'
    '{"id": 2, "customer": {"name": "Sam, Jr."}, "note": "said \\"hi\\"\\nthen left"}\n'
    '{"id": 3, "broken": \n'
    '{"id": 4, "paid": true}\n'
)


def _read(bucket: str, key: str) -> str | None:
    try:
        body: bytes = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except boto3.client("s3").exceptions.NoSuchKey:
        return None
    return body.decode("utf-8")


def _keys(bucket: str, prefix: str) -> list[str]:
    reply = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [obj["Key"] for obj in reply.get("Contents", [])]


def run(outputs: dict[str, Any]) -> None:
    bucket, out_bucket, prefixes = (
        outputs["bucket_name"],
        outputs["output_bucket_name"],
        outputs["prefixes"],
    )
    name = f"demo-{secrets.token_hex(2)}/orders"
    key = f"{outputs['input_prefix']}{name}.jsonl"
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=ORDERS.encode())
    console.step(f"uploaded s3://{bucket}/{key} (4 lines, line 3 broken)")
    csv_text = eventually(
        lambda: _read(out_bucket, f"{prefixes['csv']}{name}.csv"), timeout=60, what="the CSV"
    )
    console.step(f"s3://{out_bucket}/{prefixes['csv']}{name}.csv")
    print(csv_text)
    quarantine = _read(out_bucket, f"{prefixes['quarantine']}{name}.quarantine.jsonl")
    console.step("quarantine")
    print(quarantine)

    if not outputs.get("stream_name"):
        return
    tag = secrets.token_hex(2)
    records = [{"id": f"{tag}-{n}", "sensor": {"temp": 20 + n}} for n in range(3)]
    entries = [{"Data": json.dumps(r).encode(), "PartitionKey": r["id"]} for r in records]
    entries.append({"Data": b"not json", "PartitionKey": "poison"})
    boto3.client("kinesis").put_records(StreamName=outputs["stream_name"], Records=entries)
    console.step(f"put 3 records and 1 poison record on {outputs['stream_name']}")

    def batch_files() -> list[str]:
        return [
            k for k in _keys(out_bucket, prefixes["stream"]) if tag in (_read(out_bucket, k) or "")
        ]

    keys = eventually(batch_files, timeout=90, interval=1.0, what="the batch CSV")
    for batch_key in keys:
        console.step(f"s3://{out_bucket}/{batch_key}")
        print(_read(out_bucket, batch_key))
