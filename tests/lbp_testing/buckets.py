"""Throw-away S3 buckets made by tests outside Terraform."""

from __future__ import annotations

from typing import Any


def create_bucket(s3: Any, name: str, region: str) -> str:
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


def delete_bucket(s3: Any, name: str) -> None:
    """Empties the bucket, then deletes it."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)
