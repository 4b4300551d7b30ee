"""The S3 side: idempotency, the source guard, size limits, quarantine, handler results (moto)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from PIL import Image

from image_renditions.config import Config, ConfigError, load_config
from image_renditions.events import Upload, parse_event
from image_renditions.processor import process_upload
from image_renditions.spec import Rendition

SOURCE, DEST = "uploads", "renditions"
RENDITIONS = {
    "large": {"max_width": 200, "max_height": 200},
    "thumb": {"max_width": 50, "max_height": 50, "format": "webp"},
}


def png(width: int = 400, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 100, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3")
        for bucket in (SOURCE, DEST):
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
            )
        yield client


def config(**overrides: Any) -> Config:
    env = {"DESTINATION_BUCKET": DEST, "RENDITIONS": json.dumps(RENDITIONS)}
    return load_config(env | overrides)


def put(s3: Any, key: str, body: bytes) -> Upload:
    etag = s3.put_object(Bucket=SOURCE, Key=key, Body=body)["ETag"].strip('"')
    return Upload(SOURCE, key, len(body), etag, None)


def dest_keys(s3: Any) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=DEST).get("Contents", []))


def test_renders_every_rendition_with_source_etag(s3: Any) -> None:
    upload = put(s3, "a/pic.png", png())
    outcome = process_upload(s3, config(), upload)
    assert outcome.status == "rendered"
    assert dest_keys(s3) == ["large/a/pic.png", "thumb/a/pic.webp"]
    head = s3.head_object(Bucket=DEST, Key="thumb/a/pic.webp")
    assert head["Metadata"]["source-etag"] == upload.etag and head["ContentType"] == "image/webp"
    assert [(r["name"], r["width"], r["height"]) for r in outcome.renditions] == [
        ("large", 200, 150),
        ("thumb", 50, 38),
    ]


def test_same_version_again_is_a_no_op_and_a_new_version_re_renders(s3: Any) -> None:
    upload = put(s3, "pic.png", png())
    process_upload(s3, config(), upload)
    before = s3.head_object(Bucket=DEST, Key="large/pic.png")["ETag"]
    again = process_upload(s3, config(), upload)
    assert again.status == "unchanged" and len(again.renditions) == 2
    assert again.renditions[0]["width"] == 200
    assert s3.head_object(Bucket=DEST, Key="large/pic.png")["ETag"] == before
    changed = put(s3, "pic.png", png(100, 100))
    assert process_upload(s3, config(), changed).status == "rendered"
    assert (
        s3.head_object(Bucket=DEST, Key="large/pic.png")["Metadata"]["source-etag"] == changed.etag
    )


def test_changed_rendition_settings_re_render(s3: Any) -> None:
    upload = put(s3, "pic.png", png())
    process_upload(s3, config(), upload)
    bigger = RENDITIONS | {"large": {"max_width": 300, "max_height": 300}}
    outcome = process_upload(s3, config(RENDITIONS=json.dumps(bigger)), upload)
    assert outcome.status == "rendered" and outcome.renditions[0]["width"] == 300


def test_refuses_to_write_when_the_upload_is_in_the_destination_bucket(s3: Any) -> None:
    s3.put_object(Bucket=DEST, Key="x.png", Body=png())
    outcome = process_upload(s3, config(), Upload(DEST, "x.png", 10, "abc", None))
    assert outcome.status == "skipped" and "resize loop" in str(outcome.reason)
    assert dest_keys(s3) == ["x.png"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty object"),
        (b"x" * 2048, "too large"),
        (b"not an image at all", "not an image"),
    ],
)
def test_hostile_objects_are_skipped_and_quarantined(s3: Any, body: bytes, reason: str) -> None:
    upload = put(s3, "in/bad.jpg", body)
    outcome = process_upload(s3, config(MAX_OBJECT_BYTES="1024", QUARANTINE_PREFIX="q"), upload)
    assert outcome.status == "skipped" and reason in str(outcome.reason)
    assert dest_keys(s3) == ["q/in/bad.jpg"]
    assert reason in s3.head_object(Bucket=DEST, Key="q/in/bad.jpg")["Metadata"]["skip-reason"]


def test_quarantine_copy_of_a_tagged_upload_needs_no_tagging_permission(s3: Any) -> None:
    """A tagged upload is quarantined without its tags (TaggingDirective=REPLACE).

    With S3's default (COPY), CopyObject of a tagged object also needs s3:GetObjectTagging on the
    upload and s3:PutObjectTagging on the copy, which the role does not have: AWS denies it and
    the event is retried into the failure queue. The copy must not carry the upload's tags.
    """
    s3.put_object(Bucket=SOURCE, Key="in/bad.jpg", Body=b"not an image", Tagging="owner=alice")
    head = s3.head_object(Bucket=SOURCE, Key="in/bad.jpg")
    upload = Upload(SOURCE, "in/bad.jpg", 12, head["ETag"].strip('"'), None)
    outcome = process_upload(s3, config(QUARANTINE_PREFIX="q"), upload)
    assert outcome.status == "skipped" and dest_keys(s3) == ["q/in/bad.jpg"]
    assert s3.get_object_tagging(Bucket=DEST, Key="q/in/bad.jpg")["TagSet"] == []


def test_size_limit_is_checked_before_download_even_if_the_event_lies(s3: Any) -> None:
    upload = put(s3, "big.png", png())
    lying = Upload(SOURCE, "big.png", 10, upload.etag, None)
    outcome = process_upload(s3, config(MAX_OBJECT_BYTES="100"), lying)
    assert outcome.status == "skipped" and "too large" in str(outcome.reason)


def test_overwritten_or_deleted_object_is_superseded(s3: Any) -> None:
    upload = put(s3, "pic.png", png())
    s3.put_object(Bucket=SOURCE, Key="pic.png", Body=png(10, 10))
    assert "superseded" in str(process_upload(s3, config(), upload).reason)
    s3.delete_object(Bucket=SOURCE, Key="pic.png")
    assert "superseded" in str(process_upload(s3, config(), upload).reason)


def test_aws_errors_propagate(s3: Any) -> None:
    upload = put(s3, "pic.png", png())
    with pytest.raises(Exception, match="NoSuchBucket"):
        process_upload(s3, config(DESTINATION_BUCKET="missing-bucket"), upload)


def test_event_parsing_decodes_keys_and_ignores_other_records() -> None:
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": "b"},
                    "object": {"key": "my+photo%C3%A9.jpg", "size": 5, "eTag": "e"},
                },
            },
            {"eventName": "ObjectRemoved:Delete", "s3": {}},
            {"eventName": "ObjectCreated:Copy", "s3": {"bucket": {}}},
        ]
    }
    parsed = parse_event(event)
    assert parsed.uploads == [Upload("b", "my photoé.jpg", 5, "e", None)]
    assert len(parsed.ignored) == 1 and len(parsed.rejected) == 1
    assert parse_event({"Event": "s3:TestEvent"}).ignored == ["s3:TestEvent"]


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"DESTINATION_BUCKET": DEST},
        {"DESTINATION_BUCKET": DEST, "RENDITIONS": '{"x": {"max_width": 0, "max_height": 5}}'},
        {
            "DESTINATION_BUCKET": DEST,
            "RENDITIONS": '{"x": {"max_width": 5, "max_height": 5, "format": "gif"}}',
        },
        {
            "DESTINATION_BUCKET": DEST,
            "RENDITIONS": json.dumps(RENDITIONS),
            "MAX_IMAGE_PIXELS": "-1",
        },
    ],
)
def test_bad_configuration_fails_at_cold_start(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_config(env)


def test_rendition_fingerprint_changes_with_settings() -> None:
    assert Rendition("a", 1, 1).fingerprint() != Rendition("a", 1, 2).fingerprint()


def test_handler_returns_every_object_and_logs_skips(
    s3: Any, load_handler: Any, lambda_context: Any, caplog: pytest.LogCaptureFixture
) -> None:
    put(s3, "ok.png", png())
    put(s3, "bad.png", b"nope")
    handler = load_handler(
        "image_renditions.handler", DESTINATION_BUCKET=DEST, RENDITIONS=json.dumps(RENDITIONS)
    )
    handler.s3_client.cache_clear()
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": SOURCE}, "object": {"key": key}},
            }
            for key in ("ok.png", "bad.png")
        ]
    }
    result = handler.lambda_handler(event, lambda_context)
    assert result["summary"] == {
        "rendered": 1,
        "unchanged": 0,
        "skipped": 1,
        "ignored": 0,
        "rejected": 0,
    }
    assert [o["status"] for o in result["objects"]] == ["rendered", "skipped"]
    json.dumps(result)  # the on-success destination payload must be JSON


def test_handler_raises_aws_errors_for_the_retries(
    s3: Any, load_handler: Any, lambda_context: Any
) -> None:
    """An upload the function cannot read (here: its bucket is gone) is an AWS error, not a skip."""
    handler = load_handler(
        "image_renditions.handler", DESTINATION_BUCKET=DEST, RENDITIONS=json.dumps(RENDITIONS)
    )
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "no-such-bucket"}, "object": {"key": "x.png"}},
            }
        ]
    }
    with pytest.raises(ClientError, match="NoSuchBucket"):
        handler.lambda_handler(event, lambda_context)
