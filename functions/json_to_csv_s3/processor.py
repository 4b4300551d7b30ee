"""One S3 object → its CSV object and quarantine object, in one streaming pass.

With discovered columns the rows wait in a temporary file under /tmp (the header is known only
after the last record), so /tmp must hold the largest CSV (the function's ephemeral storage).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from botocore.exceptions import ClientError

from json_to_csv_s3.config import Config
from json_to_csv_s3.convert import write_csv
from json_to_csv_s3.reader import (
    CHUNK_SIZE,
    Item,
    UnreadableObjectError,
    decompressed,
    iter_items,
)
from json_to_csv_s3.s3io import LazyUpload, StreamingUpload

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
QUARANTINE_CONTENT_TYPE = "application/x-ndjson; charset=utf-8"
_GONE = {"PreconditionFailed", "NoSuchKey", "NoSuchVersion", "412", "404"}


class SupersededError(Exception):
    """The object changed or vanished since the event; the newer event converts it."""


@dataclass(frozen=True)
class ObjectRef:
    bucket: str
    key: str
    etag: str | None = None


@dataclass
class Outcome:
    status: str
    key: str
    detail: dict[str, Any] = field(default_factory=dict)

    def log_fields(self) -> dict[str, Any]:
        return {"status": self.status, "key": self.key, **self.detail}


class _Source:
    """The object's body (the version the event named) as items."""

    def __init__(self, s3: Any, ref: ObjectRef, config: Config) -> None:
        self._s3, self._ref, self._config = s3, ref, config
        self.version_id: str | None = None
        self.etag: str | None = ref.etag

    @contextlib.contextmanager
    def items(self) -> Iterator[Iterator[Item]]:
        """GetObject (pinned to the event's ETag); SupersededError when it is gone or changed."""
        kwargs: dict[str, Any] = {"Bucket": self._ref.bucket, "Key": self._ref.key}
        if self.etag:
            kwargs["IfMatch"] = f'"{self.etag}"'
        try:
            reply = self._s3.get_object(**kwargs)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _GONE:
                raise SupersededError(str(error)) from error
            raise
        self.etag = str(reply.get("ETag", "")).strip('"') or self.etag
        self.version_id = reply.get("VersionId")
        body = reply["Body"]
        try:
            data = decompressed(body.iter_chunks(CHUNK_SIZE))
            yield iter_items(data, self._config.max_record_chars)
        finally:
            body.close()

    def metadata(self) -> dict[str, str]:
        meta: dict[str, str] = {}
        if self.etag:
            meta["source-etag"] = self.etag
        if self.version_id and self.version_id != "null":
            meta["source-version-id"] = self.version_id
        return meta


def convert_object(s3: Any, config: Config, ref: ObjectRef) -> Outcome:
    """Writes <output_prefix><stem>.csv and, when records are bad, the quarantine object.

    Raises on AWS errors (the invocation is retried); never raises on bad content.
    """
    csv_key, quarantine_key = config.csv_key(ref.key), config.quarantine_key(ref.key)
    source = _Source(s3, ref, config)
    builder = config.csv.row_builder()
    try:
        with source.items() as items:
            csv_out = StreamingUpload(
                s3,
                config.output_bucket,
                csv_key,
                content_type=CSV_CONTENT_TYPE,
                metadata=source.metadata(),
            )
            quarantine = LazyUpload(
                lambda: StreamingUpload(
                    s3,
                    config.output_bucket,
                    quarantine_key,
                    content_type=QUARANTINE_CONTENT_TYPE,
                    metadata=source.metadata(),
                )
            )
            try:
                with _spool(builder.fixed) as spool:
                    counts = write_csv(items, builder, csv_out.write, quarantine.write, spool)
            except BaseException:
                csv_out.abort()
                quarantine.abort()
                raise
            quarantine.close()
            csv_out.close()
    except SupersededError as error:
        return Outcome("superseded", ref.key, {"reason": str(error)})
    except UnreadableObjectError as error:
        _quarantine_whole(s3, config, ref, source, str(error))
        return Outcome(
            "unreadable", ref.key, {"reason": str(error), "quarantine_key": quarantine_key}
        )
    if not quarantine.used:
        s3.delete_object(Bucket=config.output_bucket, Key=quarantine_key)
    return Outcome(
        "converted",
        ref.key,
        {
            "csv_key": csv_key,
            "bytes_out": csv_out.bytes_written,
            **counts.summary(),
            **({"quarantine_key": quarantine_key} if quarantine.used else {}),
            **(
                {"unlisted_column_names": sorted(counts.unlisted_columns)[:20]}
                if counts.unlisted_columns
                else {}
            ),
        },
    )


def _spool(fixed_columns: bool) -> contextlib.AbstractContextManager[IO[bytes] | None]:
    if fixed_columns:
        return contextlib.nullcontext()
    return tempfile.TemporaryFile(prefix="json-to-csv-")


def _quarantine_whole(
    s3: Any, config: Config, ref: ObjectRef, source: _Source, reason: str
) -> None:
    entry = {"line": None, "reason": f"unreadable object: {reason}", "source_key": ref.key}
    s3.put_object(
        Bucket=config.output_bucket,
        Key=config.quarantine_key(ref.key),
        Body=(json.dumps(entry, ensure_ascii=False) + "\n").encode(),
        ContentType=QUARANTINE_CONTENT_TYPE,
        Metadata=source.metadata(),
    )
    s3.delete_object(Bucket=config.output_bucket, Key=config.csv_key(ref.key))
