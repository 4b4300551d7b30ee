"""Uploads a generated sample photo and prints the renditions made: name, size, bytes, location."""

from __future__ import annotations

import io
import secrets
from typing import Any

import boto3
from PIL import Image, ImageDraw

from demo import console
from scenario_client.polling import eventually


def sample_photo(width: int = 2400, height: int = 1600) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 3, height // 4, 2 * width // 3, 3 * height // 4), fill=(230, 120, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def run(outputs: dict[str, Any]) -> None:
    source, table_name = outputs["source_bucket_name"], outputs["results_table_name"]
    key = f"demo-{secrets.token_hex(2)}/sample photo.jpg"
    photo = sample_photo()
    boto3.client("s3").put_object(Bucket=source, Key=key, Body=photo, ContentType="image/jpeg")
    console.step(f"uploaded a 2400x1600 JPEG ({len(photo):,} bytes) to s3://{source}/{key}")

    table = boto3.resource("dynamodb").Table(table_name)

    def result() -> dict[str, Any] | None:
        item = table.get_item(Key={"bucket": source, "key": key}, ConsistentRead=True).get("Item")
        return dict(item) if item else None

    item = eventually(result, timeout=60, what="the renditions result")
    assert item is not None
    console.step(f"result recorded by the chained step: status {item['status']}")
    console.table(
        ["rendition", "size", "format", "bytes", "location"],
        [
            [
                r["name"],
                f"{int(r['width'])}x{int(r['height'])}",
                r["format"],
                f"{int(r['bytes']):,}",
                r["location"],
            ]
            for r in item.get("renditions", [])
        ],
    )
