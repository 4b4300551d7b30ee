"""Optional HeadObject lookup for the content type, which S3 events do not carry.

Off by default (FETCH_CONTENT_TYPE=false). When on, every created object costs one HeadObject
request (billed as a GET-class request), adds its latency to the invocation, and the function's
role needs s3:GetObject on the bucket. An object already gone by the time of the lookup is
indexed without a content type; its removal event will tombstone it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from s3_object_index.records import ObjectChange

_GONE = {"404", "NoSuchKey", "NotFound", "NoSuchVersion"}


def with_content_type(s3_client: Any, change: ObjectChange) -> ObjectChange:
    if change.deleted:
        return change
    request = {"Bucket": change.bucket, "Key": change.key}
    if change.version_id:
        request["VersionId"] = change.version_id
    try:
        head = s3_client.head_object(**request)
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code")) in _GONE:
            return change
        raise
    content_type = head.get("ContentType")
    return replace(change, content_type=content_type) if content_type else change
