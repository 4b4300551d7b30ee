"""Writing an S3 object as a stream: parts are uploaded as they fill, so memory stays bounded."""

from __future__ import annotations

from types import TracebackType
from typing import Any

MIN_PART_SIZE = 5 << 20
DEFAULT_PART_SIZE = 8 << 20


class StreamingUpload:
    """A byte sink for one object: one PutObject when small, else a multipart upload.

    Same bytes in → same object out (part boundaries depend only on the bytes). On an exception
    inside the `with` block the multipart upload is aborted and nothing is written.
    """

    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        *,
        content_type: str,
        metadata: dict[str, str] | None = None,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3 limit)")
        self._s3, self.bucket, self.key = s3, bucket, key
        self._extra: dict[str, Any] = {"ContentType": content_type, "Metadata": metadata or {}}
        self._part_size = part_size
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self.bytes_written = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self.bytes_written += len(data)
        while len(self._buffer) >= self._part_size:
            self._upload_part(bytes(self._buffer[: self._part_size]))
            del self._buffer[: self._part_size]
        return len(data)

    def _upload_part(self, body: bytes) -> None:
        if self._upload_id is None:
            reply = self._s3.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, **self._extra
            )
            self._upload_id = reply["UploadId"]
        number = len(self._parts) + 1
        reply = self._s3.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._parts.append({"PartNumber": number, "ETag": reply["ETag"]})

    def close(self) -> None:
        if self._upload_id is None:
            self._s3.put_object(
                Bucket=self.bucket, Key=self.key, Body=bytes(self._buffer), **self._extra
            )
        else:
            if self._buffer:
                self._upload_part(bytes(self._buffer))
            self._s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer.clear()

    def abort(self) -> None:
        if self._upload_id is not None:
            self._s3.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self._upload_id
            )
            self._upload_id = None
        self._buffer.clear()

    def __enter__(self) -> StreamingUpload:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class LazyUpload:
    """A StreamingUpload opened on the first write; `used` tells whether anything was written."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._upload: StreamingUpload | None = None

    @property
    def used(self) -> bool:
        return self._upload is not None

    def write(self, data: bytes) -> int:
        if self._upload is None:
            self._upload = self._factory()
        return self._upload.write(data)

    def close(self) -> None:
        if self._upload is not None:
            self._upload.close()

    def abort(self) -> None:
        if self._upload is not None:
            self._upload.abort()
