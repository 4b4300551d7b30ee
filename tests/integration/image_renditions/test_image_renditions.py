"""Scenario 4 end to end: uploads → Pillow renditions → on-success report (DynamoDB, replica).

The stack runs with a customer managed key created here (kms_key_arn): both buckets (SSE-KMS
with a bucket key), the results table and the on-failure queue are encrypted with it. That is
the path with the most IAM to get right: the processor reads SSE-KMS uploads and writes SSE-KMS
renditions and quarantine copies, the chained report function reads renditions, writes the table
and copies to the replica, Lambda delivers a failed event to the queue with the processor's role.
Each needs kms:Decrypt / kms:GenerateDataKey on the key, and under IAM enforcement the IAM report
must show no denial for the stack other than the one a test injects. The emulator does not check
the key policy (AWS does): the key's policy is the account statement only, which is what the
module needs. The default encryption (AWS managed keys) is applied by the root stack and arm64
tests, and driven end to end by `make reliability` (reliability/test_image_renditions.py).
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from PIL import Image

from lbp_testing.faults import denied
from lbp_testing.kms import customer_managed_key, denials, name_prefix_of, only_injected
from lbp_testing.stack import DeployStack
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget


def jpeg_rotated(width: int = 1200, height: int = 800) -> bytes:
    """A landscape JPEG whose EXIF orientation (6) says: display it rotated, as portrait."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    image.paste((240, 200, 20), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "TestCam"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def png_alpha(width: int = 600, height: int = 400) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (width // 4, height // 4, 3 * width // 4, 3 * height // 4))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def gif_animated(width: int = 300, height: int = 200, frames: int = 3) -> bytes:
    colours = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (250, 250, 0)][:frames]
    images = [Image.new("RGB", (width, height), colour) for colour in colours]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buffer.getvalue()


def bomb(side: int = 5000) -> bytes:
    """A real, decodable grey PNG of side*side pixels that compresses to a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("L", (side, side), 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


DENIED_PREFIX = "denied/"  # the processor's role is denied reading these (a test's own policy)
READS = ("s3:GetObject", "s3:GetObjectVersion")
MAX_PIXELS = 10_000_000
REPLICA_REGION = "us-west-2"
RENDITIONS = {
    "large": {"max_width": 800, "max_height": 800},
    "small": {"max_width": 240, "max_height": 240, "format": "webp"},
    "thumb": {"max_width": 100, "max_height": 100, "format": "jpeg", "quality": 70},
}


@pytest.fixture(scope="module")
def replica_bucket(aws_target: AwsTarget) -> Iterator[str]:
    """The replica lives in another region and outside the stack (the module takes its name)."""
    name = f"lbp-it-replica-{secrets.token_hex(6)}"
    s3 = boto3.client("s3", region_name=REPLICA_REGION)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REPLICA_REGION})
    yield name
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture(scope="module")
def key_arn() -> Iterator[str]:
    with customer_managed_key("lambda-blueprints test: image-renditions CMK") as arn:
        yield arn


@pytest.fixture(scope="module")
def scenario(deploy_stack: DeployStack, replica_bucket: str, key_arn: str) -> dict[str, Any]:
    stack = deploy_stack(
        ["image_renditions"],
        kms_key_arn=key_arn,
        image_renditions={
            "renditions": RENDITIONS,
            "limits": {"max_image_pixels": MAX_PIXELS},
            "replica": {"bucket_name": replica_bucket, "region": REPLICA_REGION},
            "functions": {
                "renditions": {
                    "maximum_retry_attempts": 0,
                },
                "report": {"maximum_retry_attempts": 0},
            },
        },
    )
    outputs: dict[str, Any] = stack.outputs["image_renditions"]
    return outputs


def result_item(scenario: dict[str, Any], key: str) -> dict[str, Any] | None:
    table = boto3.resource("dynamodb").Table(scenario["results_table_name"])
    response = table.get_item(
        Key={"bucket": scenario["source_bucket_name"], "key": key}, ConsistentRead=True
    )
    item = response.get("Item")
    return dict(item) if item else None


def wait_for_result(scenario: dict[str, Any], key: str, timeout: float = 180) -> dict[str, Any]:
    # The first uploads meet the renditions function's cold start (the Pillow layer): well over a
    # minute when the machine also runs lint and other stacks.
    item = eventually(
        lambda: result_item(scenario, key), timeout=timeout, what=f"result item for {key}"
    )
    assert item is not None
    return item


def fetch(bucket: str, key: str, region: str | None = None) -> tuple[Image.Image, dict[str, Any]]:
    response = boto3.client("s3", region_name=region).get_object(Bucket=bucket, Key=key)
    image = Image.open(io.BytesIO(response["Body"].read()))
    image.load()
    return image, response


def upload(scenario: dict[str, Any], key: str, body: bytes) -> None:
    boto3.client("s3").put_object(Bucket=scenario["source_bucket_name"], Key=key, Body=body)


def renditions_by_name(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(r["name"]): r for r in item.get("renditions", [])}


@pytest.fixture(scope="module")
def uploaded(scenario: dict[str, Any]) -> dict[str, str]:
    run = secrets.token_hex(4)
    keys = {
        "jpeg": f"{run}/photos/rotated photo.jpg",
        "png": f"{run}/art/logo.png",
        "gif": f"{run}/anim/spinner.gif",
        "text": f"{run}/docs/not-an-image.jpg",
        "bomb": f"{run}/evil/bomb.png",
        "empty": f"{run}/empty.png",
    }
    bodies = {
        "jpeg": jpeg_rotated(1200, 800),
        "png": png_alpha(600, 400),
        "gif": gif_animated(300, 200),
        "text": b"this is a text file pretending to be a JPEG\n",
        "bomb": bomb(4000),
        "empty": b"",
    }
    for name, key in keys.items():
        upload(scenario, key, bodies[name])
    return keys


ON_SUCCESS_NOT_ROUTED = (
    "an async invocation from an event source (here S3) never reaches its on-success destination "
    "(MiniStack routes only OnFailure), so the chained report function never runs and no result "
    "is recorded"
)


def test_buckets_table_and_queue_are_encrypted_with_the_key(
    scenario: dict[str, Any], key_arn: str
) -> None:
    s3 = boto3.client("s3")
    for bucket in (scenario["source_bucket_name"], scenario["destination_bucket_name"]):
        [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
        default = rule["ApplyServerSideEncryptionByDefault"]
        assert (default["SSEAlgorithm"], default["KMSMasterKeyID"]) == ("aws:kms", key_arn)
        assert rule["BucketKeyEnabled"] is True
    table = boto3.client("dynamodb").describe_table(TableName=scenario["results_table_name"])
    assert table["Table"]["SSEDescription"]["KMSMasterKeyArn"] == key_arn
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=scenario["on_failure_queue_url"], AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_rotated_jpeg_gets_every_rendition_upright_and_stripped(
    scenario: dict[str, Any], uploaded: dict[str, str], key_arn: str
) -> None:
    """The upload is SSE-KMS with the stack's key, and so is every rendition."""
    key = uploaded["jpeg"]
    head = boto3.client("s3").head_object(Bucket=scenario["source_bucket_name"], Key=key)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key_arn)
    item = wait_for_result(scenario, key)
    assert item["status"] == "rendered"
    renditions = renditions_by_name(item)
    assert set(renditions) == set(RENDITIONS)
    expected = {
        "large": ((533, 800), "JPEG"),
        "small": ((160, 240), "WEBP"),
        "thumb": ((67, 100), "JPEG"),
    }
    for name, (size, fmt) in expected.items():
        rendition = renditions[name]
        assert (int(rendition["width"]), int(rendition["height"])) == size
        assert (
            rendition["location"]
            == f"s3://{scenario['destination_bucket_name']}/{rendition['key']}"
        )
        image, response = fetch(scenario["destination_bucket_name"], str(rendition["key"]))
        assert image.size == size, f"{name}: portrait after EXIF orientation 6"
        assert image.format == fmt
        assert int(rendition["bytes"]) == response["ContentLength"]
        assert response["Metadata"]["source-etag"] == item["etag"]
        assert (response["ServerSideEncryption"], response["SSEKMSKeyId"]) == ("aws:kms", key_arn)
        assert not image.getexif(), f"{name}: EXIF must be stripped"
    assert (
        renditions["large"]["key"]
        == key.replace("rotated photo.jpg", "large/x")[:0] + f"large/{key[:-4]}.jpg"
    )


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_png_alpha_kept_in_png_and_webp_flattened_in_jpeg(
    scenario: dict[str, Any], uploaded: dict[str, str]
) -> None:
    item = wait_for_result(scenario, uploaded["png"])
    renditions = renditions_by_name(item)
    large, _ = fetch(scenario["destination_bucket_name"], str(renditions["large"]["key"]))
    assert (large.format, large.mode, large.size) == ("PNG", "RGBA", (600, 400)), "never upscaled"
    assert large.getpixel((0, 0))[3] == 0, "transparent corner stays transparent"
    small, _ = fetch(scenario["destination_bucket_name"], str(renditions["small"]["key"]))
    assert small.format == "WEBP" and small.mode == "RGBA"
    thumb, _ = fetch(scenario["destination_bucket_name"], str(renditions["thumb"]["key"]))
    assert thumb.format == "JPEG" and thumb.mode == "RGB"
    assert min(thumb.getpixel((0, 0))) > 240, "transparency flattened onto white for JPEG"


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_animated_gif_uses_the_first_frame(
    scenario: dict[str, Any], uploaded: dict[str, str]
) -> None:
    item = wait_for_result(scenario, uploaded["gif"])
    assert item["status"] == "rendered"
    assert "first of 3 frames" in str(item["reason"])
    renditions = renditions_by_name(item)
    large, _ = fetch(scenario["destination_bucket_name"], str(renditions["large"]["key"]))
    assert large.format == "JPEG" and large.size == (300, 200), "keep: opaque GIF becomes JPEG"
    assert str(renditions["large"]["key"]).endswith("spinner.jpg")


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
@pytest.mark.parametrize(
    ("name", "reason"),
    [("text", "not an image"), ("bomb", "decompression bomb"), ("empty", "empty object")],
)
def test_hostile_uploads_are_skipped_recorded_logged_and_quarantined(
    scenario: dict[str, Any], uploaded: dict[str, str], name: str, reason: str
) -> None:
    key = uploaded[name]
    item = wait_for_result(scenario, key)
    assert item["status"] == "skipped" and reason in str(item["reason"])
    assert "renditions" not in item
    destination = scenario["destination_bucket_name"]
    listing = boto3.client("s3").list_objects_v2(Bucket=destination)
    rendered = [o["Key"] for o in listing.get("Contents", []) if key.rsplit(".", 1)[0] in o["Key"]]
    assert rendered == [f"quarantine/{key}"], "only the quarantine copy, no rendition"
    head = boto3.client("s3").head_object(Bucket=destination, Key=f"quarantine/{key}")
    assert reason in head["Metadata"]["skip-reason"]
    logs = boto3.client("logs")

    def skip_logged() -> list[dict[str, Any]]:
        events = logs.filter_log_events(
            logGroupName=scenario["renditions_log_group"], filterPattern='"skipped object"'
        )["events"]
        return [e for e in events if key in e["message"] and reason in e["message"]]

    eventually(skip_logged, timeout=30, what=f"log line for skipped {key}")


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_replica_holds_every_rendition(
    scenario: dict[str, Any], uploaded: dict[str, str], replica_bucket: str
) -> None:
    item = wait_for_result(scenario, uploaded["jpeg"])
    for rendition in item["renditions"]:
        assert rendition["replica_location"] == f"s3://{replica_bucket}/{rendition['key']}"
        image, _ = fetch(replica_bucket, str(rendition["key"]), region=REPLICA_REGION)
        assert image.size == (int(rendition["width"]), int(rendition["height"]))


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_nothing_is_written_into_the_source_bucket(
    scenario: dict[str, Any], uploaded: dict[str, str]
) -> None:
    for key in uploaded.values():
        wait_for_result(scenario, key)
    listing = boto3.client("s3").list_objects_v2(Bucket=scenario["source_bucket_name"])
    assert sorted(o["Key"] for o in listing.get("Contents", [])) == sorted(uploaded.values())


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_reprocessing_the_same_version_is_a_no_op(
    scenario: dict[str, Any], uploaded: dict[str, str]
) -> None:
    key = uploaded["png"]
    first = wait_for_result(scenario, key)
    destination = scenario["destination_bucket_name"]
    before = {
        r["key"]: boto3.client("s3").head_object(Bucket=destination, Key=str(r["key"]))[
            "LastModified"
        ]
        for r in first["renditions"]
    }
    source = scenario["source_bucket_name"]
    s3 = boto3.client("s3")
    head = s3.head_object(Bucket=source, Key=key)
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": source},
                    "object": {
                        "key": key,
                        "size": head["ContentLength"],
                        "eTag": head["ETag"].strip('"'),
                    },
                },
            }
        ]
    }
    response = boto3.client("lambda").invoke(
        FunctionName=scenario["renditions_function_name"], Payload=json.dumps(event).encode()
    )
    result = json.loads(response["Payload"].read())
    assert result["summary"]["unchanged"] == 1 and result["summary"]["rendered"] == 0
    after = {k: s3.head_object(Bucket=destination, Key=str(k))["LastModified"] for k in before}
    assert after == before


def test_a_failing_invocation_lands_in_the_on_failure_queue(scenario: dict[str, Any]) -> None:
    """An AWS error (not a bad image) fails the invocation and the event reaches the queue.

    Injected from outside: the processor's role carries an explicit Deny on reading uploads under
    DENIED_PREFIX while this test runs. Needs IAM enforcement (a real account or LBP_IAM=enforce):
    without it the upload is rendered and this test fails. The queue is encrypted with the
    stack's key and Lambda delivers with the processor's role: it proves the role may use it.
    """
    key = f"{DENIED_PREFIX}{secrets.token_hex(4)}.png"
    sqs = boto3.client("sqs")

    def failure_bodies() -> list[str]:
        messages = sqs.receive_message(
            QueueUrl=scenario["on_failure_queue_url"], MaxNumberOfMessages=10, WaitTimeSeconds=2
        ).get("Messages", [])
        return [m["Body"] for m in messages if key in m["Body"]]

    uploads = f"arn:aws:s3:::{scenario['source_bucket_name']}/{DENIED_PREFIX}*"
    with denied(scenario["renditions_function_name"], {"Action": list(READS), "Resource": uploads}):
        upload(scenario, key, png_alpha(10, 10))
        bodies = eventually(
            failure_bodies, timeout=120, interval=0, what=f"failure record for {key}"
        )
    record = json.loads(bodies[0])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert "AccessDenied" in json.dumps(record["responsePayload"])
    assert result_item(scenario, key) is None


@pytest.mark.emulator_difference(ministack=ON_SUCCESS_NOT_ROUTED)
def test_a_tagged_upload_is_quarantined_without_its_tags(scenario: dict[str, Any]) -> None:
    """Quarantine copies use TaggingDirective=REPLACE: no tagging permission is needed.

    Under IAM enforcement, with S3's default (COPY) the CopyObject of a tagged upload needs
    s3:GetObjectTagging / s3:PutObjectTagging, which the role does not have: the copy is denied
    and the event goes to the failure queue instead of being recorded as skipped.
    """
    key = f"{secrets.token_hex(4)}/tagged/notes.jpg"
    boto3.client("s3").put_object(
        Bucket=scenario["source_bucket_name"],
        Key=key,
        Body=b"plain text, tagged, pretending to be a JPEG\n",
        Tagging="classification=internal&owner=alice",
    )
    item = wait_for_result(scenario, key)
    assert item["status"] == "skipped" and "not an image" in str(item["reason"])
    copy = f"quarantine/{key}"
    tags = boto3.client("s3").get_object_tagging(
        Bucket=scenario["destination_bucket_name"], Key=copy
    )
    assert tags["TagSet"] == []


def test_the_iam_report_shows_no_denial_for_the_stack(scenario: dict[str, Any]) -> None:
    """Every test of this file has run on the stack (pytest keeps file order): nothing was
    refused to its functions but the reads test_a_failing_invocation_lands_in_the_on_failure_queue
    denies on purpose. Needs IAM enforcement (it fails unless the report's mode is enforce)."""
    found = denials(name_prefix_of(scenario["renditions_function_name"]))
    unexpected = only_injected(found, READS)
    assert unexpected == [], unexpected
