"""One upload → its renditions in the destination bucket, or a clear reason it was skipped.

Order of checks, cheapest first, so a hostile object costs as little as possible:
1. the upload is in the destination bucket → refused (a resize loop guard, on top of Terraform's
   validation that the two buckets differ);
2. zero bytes or more than max_object_bytes by the event's size → skipped, nothing downloaded;
3. every rendition already exists with this source ETag and the same settings → unchanged
   (re-delivery and re-processing of a version are no-ops), nothing downloaded;
4. GetObject (pinned to the event's version or ETag), its ContentLength checked again before the
   body is read; a changed or deleted object is skipped as superseded;
5. decode once (imaging.decode), render every rendition, PutObject each.
Skipped objects can be copied under `quarantine_prefix/` in the destination bucket. AWS errors
other than "gone/changed" propagate, so the async retries and the on-failure queue keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from image_renditions.config import Config
from image_renditions.events import Upload
from image_renditions.imaging import UnusableImage, decode, render
from image_renditions.spec import CONTENT_TYPES, EXTENSIONS, Rendition, output_key

SOURCE_ETAG = "source-etag"
RENDITION_SPEC = "rendition-spec"
_GONE = {"NoSuchKey", "404", "NoSuchVersion", "PreconditionFailed", "412"}


@dataclass
class Outcome:
    bucket: str
    key: str
    status: str  # "rendered", "unchanged" or "skipped"
    etag: str | None = None
    reason: str | None = None
    source_bytes: int | None = None
    renditions: list[dict[str, Any]] = field(default_factory=list)
    quarantine_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None and v != []}


class Skip(Exception):
    """A permanent reason not to render this object (the object is quarantined)."""


class Superseded(Skip):
    """The object was deleted or overwritten since the event: skipped, nothing to quarantine."""


def process_upload(s3: Any, config: Config, upload: Upload) -> Outcome:
    try:
        return _process(s3, config, upload)
    except Skip as skip:
        outcome = Outcome(upload.bucket, upload.key, "skipped", upload.etag, str(skip))
        outcome.source_bytes = upload.size
        if config.quarantine_prefix and not isinstance(skip, Superseded):
            outcome.quarantine_key = _quarantine(s3, config, upload, str(skip))
        return outcome


def _process(s3: Any, config: Config, upload: Upload) -> Outcome:
    if upload.bucket == config.destination_bucket:
        raise Skip("refused: the object is in the destination bucket (resize loop guard)")
    _check_size(upload.size, config)
    if upload.etag:
        existing = [_existing(s3, config, r, upload.key, upload.etag) for r in config.renditions]
        current = [found for found in existing if found is not None]
        if len(current) == len(existing):
            return Outcome(
                upload.bucket, upload.key, "unchanged", upload.etag, None, upload.size, current
            )
    body, etag, size = _download(s3, config, upload)
    try:
        decoded = decode(body, max_pixels=config.max_image_pixels, renditions=config.renditions)
    except UnusableImage as error:
        raise Skip(str(error)) from error
    outcome = Outcome(upload.bucket, upload.key, "rendered", etag, None, size)
    for rendered in render(decoded, config.renditions):
        key = output_key(rendered.rendition.name, upload.key, rendered.format)
        s3.put_object(
            Bucket=config.destination_bucket,
            Key=key,
            Body=rendered.data,
            ContentType=rendered.content_type,
            CacheControl="public, max-age=31536000, immutable",
            Metadata={
                SOURCE_ETAG: etag,
                RENDITION_SPEC: rendered.rendition.fingerprint(),
                "width": str(rendered.width),
                "height": str(rendered.height),
                "source-key": upload.key.encode("ascii", "backslashreplace").decode(),
            },
        )
        outcome.renditions.append(
            {
                "name": rendered.rendition.name,
                "bucket": config.destination_bucket,
                "key": key,
                "width": rendered.width,
                "height": rendered.height,
                "format": rendered.format,
                "content_type": rendered.content_type,
                "bytes": len(rendered.data),
            }
        )
    if decoded.frames > 1:
        outcome.reason = f"animated image: first of {decoded.frames} frames used"
    return outcome


def _check_size(size: int | None, config: Config) -> None:
    if size is None:
        return
    if size == 0:
        raise Skip("empty object (0 bytes)")
    if size > config.max_object_bytes:
        raise Skip(f"too large: {size} bytes > limit {config.max_object_bytes}")


def _download(s3: Any, config: Config, upload: Upload) -> tuple[bytes, str, int]:
    params: dict[str, Any] = {"Bucket": upload.bucket, "Key": upload.key}
    if upload.version_id:
        params["VersionId"] = upload.version_id
    elif upload.etag:
        params["IfMatch"] = f'"{upload.etag}"'
    try:
        response = s3.get_object(**params)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _GONE:
            raise Superseded("superseded: deleted or overwritten since the event") from error
        raise
    body = response["Body"]
    try:
        size = int(response["ContentLength"])
        _check_size(size, config)
        data: bytes = body.read()
    finally:
        body.close()
    return data, str(response["ETag"]).strip('"'), size


def _head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        response: dict[str, Any] = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return response


def _candidate_keys(rendition: Rendition, key: str) -> list[str]:
    # The output format of "keep" depends on the decoded source; any of the possible keys with
    # the right metadata proves the rendition is current.
    formats = [rendition.format] if rendition.format in EXTENSIONS else list(EXTENSIONS)
    return [output_key(rendition.name, key, fmt) for fmt in formats]


def _existing(
    s3: Any, config: Config, rendition: Rendition, key: str, etag: str
) -> dict[str, Any] | None:
    for candidate in _candidate_keys(rendition, key):
        head = _head(s3, config.destination_bucket, candidate)
        if head is None:
            continue
        meta = head.get("Metadata", {})
        if meta.get(SOURCE_ETAG) == etag and meta.get(RENDITION_SPEC) == rendition.fingerprint():
            content_type = str(head.get("ContentType", ""))
            fmt = next((f for f, t in CONTENT_TYPES.items() if t == content_type), None)
            return {
                "name": rendition.name,
                "bucket": config.destination_bucket,
                "key": candidate,
                "width": int(meta.get("width", 0)),
                "height": int(meta.get("height", 0)),
                "format": fmt,
                "content_type": content_type,
                "bytes": int(head["ContentLength"]),
            }
    return None


def _quarantine(s3: Any, config: Config, upload: Upload, reason: str) -> str | None:
    if upload.bucket == config.destination_bucket:
        return None
    key = f"{config.quarantine_prefix}/{upload.key}"
    source: dict[str, str] = {"Bucket": upload.bucket, "Key": upload.key}
    if upload.version_id:
        source["VersionId"] = upload.version_id
    try:
        s3.copy_object(
            Bucket=config.destination_bucket,
            Key=key,
            CopySource=source,
            MetadataDirective="REPLACE",
            # The copy carries no tags: copying them (COPY) needs s3:GetObjectTagging on the
            # upload and s3:PutObjectTagging on the copy, which the role does not have.
            TaggingDirective="REPLACE",
            Metadata={"skip-reason": reason[:1024].encode("ascii", "replace").decode()},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _GONE:
            return None
        raise
    return key
