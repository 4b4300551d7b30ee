"""Uploads a few objects (one awkwardly named), deletes one, shows the index and the query API."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

import boto3

from demo import console
from scenario_client.http import function_url_base, signed_get
from scenario_client.polling import eventually
from scenario_client.target import from_environment


def _rows(table_name: str, bucket: str, prefix: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(table_name)
    reply = table.query(
        KeyConditionExpression="#b = :b AND begins_with(#k, :p)",
        ExpressionAttributeNames={"#b": "bucket", "#k": "key"},
        ExpressionAttributeValues={":b": bucket, ":p": prefix},
        ConsistentRead=True,
    )
    return [dict(item) for item in reply["Items"]]


def run(outputs: dict[str, Any]) -> None:
    bucket, table_name = outputs["bucket_name"], outputs["table_name"]
    prefix = f"demo-{secrets.token_hex(2)}/"
    s3 = boto3.client("s3")
    names = ["report.csv", "my photoé (1).jpg", "notes+ideas.txt", "to-delete.tmp"]
    for name in names:
        s3.put_object(Bucket=bucket, Key=prefix + name, Body=f"content of {name}".encode())
    console.step(f"uploaded {len(names)} objects to s3://{bucket}/{prefix}")
    s3.delete_object(Bucket=bucket, Key=prefix + "to-delete.tmp")
    console.step("deleted to-delete.tmp")

    rows = eventually(
        lambda: _rows(table_name, bucket, prefix),
        accept=lambda found: any(row.get("deleted") for row in found) and len(found) == 4,
        timeout=60,
        what="the index to catch up",
    )
    console.step(f"the index table {table_name} (deleted objects stay as tombstones)")
    console.table(
        ["key", "size", "event", "deleted"],
        [
            [row["key"], row.get("size", "-"), row["event_name"], bool(row.get("deleted"))]
            for row in sorted(rows, key=lambda row: str(row["key"]))
        ],
    )

    base, host = function_url_base(outputs["function_url"], from_environment())
    path = f"/objects?bucket={bucket}&prefix={quote(prefix)}&limit=2"
    console.step(f"GET {path}  (function URL, SigV4-signed)")
    page = signed_get(base + path, "lambda", boto3.Session().region_name or "us-east-1", host)
    console.block({"status": page.status, "body": page.body})
