"""S3: operations whose IAM action has another name, per-version actions, copy, listing, KMS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from localaws_iam.mapping.base import Context, Mapper, ServiceMapping
from localaws_iam.model import Authorization, AuthzRequest


def values(params: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    if params.get("Bucket"):
        out["BucketName"] = str(params["Bucket"])
    if params.get("Key") is not None:
        out["ObjectName"] = str(params["Key"])
    return out


def copy_source(source: Any) -> tuple[str, str, str | None]:
    """CopySource ("bucket/key?versionId=v", URL-encoded, or a dict) as (bucket, key, version)."""
    if isinstance(source, Mapping):
        return str(source["Bucket"]), str(source["Key"]), source.get("VersionId")
    text = str(source)
    version: str | None = None
    if "?" in text:
        text, query = text.split("?", 1)
        version = dict(parse_qsl(query)).get("versionId")
    text = unquote(text).lstrip("/")
    bucket, sep, key = text.partition("/")
    if not sep or not bucket or not key:
        raise ValueError(f"CopySource {source!r} is not bucket/key")
    return bucket, key, version


def tagging(text: Any) -> dict[str, str]:
    """The x-amz-tagging header ("k=v&k2=v2") as a dict."""
    if not text:
        return {}
    if isinstance(text, Mapping):
        return {str(k): str(v) for k, v in text.items()}
    return dict(parse_qsl(str(text), keep_blank_values=True))


def _versioned(m: Mapper, plain: str, versioned: str) -> str:
    return versioned if m.params.get("VersionId") else plain


def _object(m: Mapper, bucket: str | None = None, key: str | None = None) -> str:
    vals = {}
    if bucket is not None:
        vals = {"BucketName": bucket, "ObjectName": key or ""}
    return m.arn("object", vals)


def _bucket(m: Mapper, bucket: str | None = None) -> str:
    return m.arn("bucket", {"BucketName": bucket} if bucket else None)


def _encryption_context(arn: str) -> dict[str, str]:
    return {"aws:s3:arn": arn}


def _write_key(m: Mapper, bucket_arn: str) -> str | None:
    """The customer key a write uses: the request's SSE-KMS key, else the bucket default."""
    if m.params.get("ServerSideEncryption") in ("aws:kms", "aws:kms:dsse"):
        key = m.params.get("SSEKMSKeyId")
        if key:
            return m.key_arn(str(key))
    return m.lookup.kms_key(bucket_arn)


def _read(m: Mapper, bucket: str, key: str, version: str | None) -> list[AuthzRequest]:
    arn = _object(m, bucket, key)
    action = "GetObjectVersion" if version else "GetObject"
    requests = [m.request(action, arn)]
    requests += m.kms(
        m.lookup.kms_key(arn), ["Decrypt"], encryption_context=_encryption_context(arn)
    )
    return requests


def _if_missing(m: Mapper, bucket: str | None = None) -> list[AuthzRequest]:
    return [m.request("ListBucket", _bucket(m, bucket))]


def get_object(m: Mapper) -> Authorization:
    """GetObject/HeadObject -> s3:GetObject(Version); without s3:ListBucket a missing key is 403."""
    if "ObjectName" not in m.values or "BucketName" not in m.values:
        raise m.fail("no Bucket/Key for the object ARN")
    bucket, key = m.values["BucketName"], m.values["ObjectName"]
    return Authorization(
        requests=_read(m, bucket, key, m.params.get("VersionId")), if_missing=_if_missing(m)
    )


def get_object_attributes(m: Mapper) -> Authorization:
    arn = _object(m)
    requests = [
        m.request(_versioned(m, "GetObject", "GetObjectVersion"), arn),
        m.request(_versioned(m, "GetObjectAttributes", "GetObjectVersionAttributes"), arn),
    ]
    return Authorization(requests=requests, if_missing=_if_missing(m))


# A write that sets an ACL also needs s3:PutObjectAcl.
_ACL_PARAMS = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP")


def _write(m: Mapper, arn: str) -> list[AuthzRequest]:
    context: Context = {}
    sse = m.params.get("ServerSideEncryption")
    if sse:
        context["s3:x-amz-server-side-encryption"] = str(sse)
        if m.params.get("SSEKMSKeyId"):
            key = m.key_arn(str(m.params["SSEKMSKeyId"]))
            context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key
    if m.params.get("ACL"):
        context["s3:x-amz-acl"] = str(m.params["ACL"])
    requests = [m.request("PutObject", arn, context)]
    if any(m.params.get(p) for p in _ACL_PARAMS):
        requests.append(m.request("PutObjectAcl", arn, context))
    tags = tagging(m.params.get("Tagging"))
    if tags:
        requests.append(m.request("PutObjectTagging", arn, _request_tags(tags)))
    return requests


def _request_tags(tags: Mapping[str, str]) -> Context:
    context: Context = {f"s3:RequestObjectTag/{k}": v for k, v in tags.items()}
    context["s3:RequestObjectTagKeys"] = list(tags)
    return context


def put_object(m: Mapper) -> list[AuthzRequest]:
    """PutObject (+ s3:PutObjectTagging with Tagging; + kms:GenerateDataKey on a customer key)."""
    arn = _object(m)
    requests = _write(m, arn)
    requests += m.kms(
        _write_key(m, _bucket(m)), ["GenerateDataKey"], encryption_context=_encryption_context(arn)
    )
    return requests


def create_multipart_upload(m: Mapper) -> list[AuthzRequest]:
    """A multipart upload with SSE-KMS needs kms:GenerateDataKey and kms:Decrypt (AWS docs)."""
    arn = _object(m)
    requests = _write(m, arn)
    requests += m.kms(
        _write_key(m, _bucket(m)),
        ["GenerateDataKey", "Decrypt"],
        encryption_context=_encryption_context(arn),
    )
    return requests


def upload_part(m: Mapper) -> list[AuthzRequest]:
    arn = _object(m)
    key = _write_key(m, _bucket(m))
    return [
        m.request("PutObject", arn),
        *m.kms(key, ["Decrypt"], encryption_context=_encryption_context(arn)),
    ]


def copy_object(m: Mapper) -> Authorization:
    """Source read (+ its tags when TaggingDirective=COPY and it has tags), destination write."""
    src_bucket, src_key, src_version = copy_source(m.params["CopySource"])
    src_arn = _object(m, src_bucket, src_key)
    requests = _read(m, src_bucket, src_key, src_version)
    directive = str(m.params.get("TaggingDirective") or "COPY").upper()
    copied: Mapping[str, str] = {}
    if directive == "COPY":
        # S3 reads the source's tags with the caller's credentials only if there are some.
        copied = m.lookup.tags(src_arn) or {}
        if copied:
            action = "GetObjectVersionTagging" if src_version else "GetObjectTagging"
            requests.append(m.request(action, src_arn))
    dest_arn = _object(m)
    requests += _write(m, dest_arn)
    if copied and not tagging(m.params.get("Tagging")):
        requests.append(m.request("PutObjectTagging", dest_arn, _request_tags(copied)))
    requests += m.kms(
        _write_key(m, _bucket(m)),
        ["GenerateDataKey"],
        encryption_context=_encryption_context(dest_arn),
    )
    return Authorization(requests=requests, if_missing=_if_missing(m, src_bucket))


def upload_part_copy(m: Mapper) -> Authorization:
    src_bucket, src_key, src_version = copy_source(m.params["CopySource"])
    requests = _read(m, src_bucket, src_key, src_version) + upload_part(m)
    return Authorization(requests=requests, if_missing=_if_missing(m, src_bucket))


def _listing(m: Mapper, action: str) -> list[AuthzRequest]:
    context: Context = {}
    context["s3:prefix"] = str(m.params.get("Prefix") or "")
    if m.params.get("Delimiter") is not None:
        context["s3:delimiter"] = str(m.params["Delimiter"])
    if m.params.get("MaxKeys") is not None:
        context["s3:max-keys"] = str(m.params["MaxKeys"])
    return [m.request(action, _bucket(m), context)]


def list_objects(m: Mapper) -> list[AuthzRequest]:
    """ListObjects(V2) -> s3:ListBucket on the bucket, with s3:prefix/delimiter/max-keys."""
    return _listing(m, "ListBucket")


def list_object_versions(m: Mapper) -> list[AuthzRequest]:
    return _listing(m, "ListBucketVersions")


def delete_object(m: Mapper) -> list[AuthzRequest]:
    return [m.request(_versioned(m, "DeleteObject", "DeleteObjectVersion"), _object(m))]


def delete_objects(m: Mapper) -> list[AuthzRequest]:
    """DeleteObjects: s3:DeleteObject(Version) per key (AWS checks each key)."""
    objects = (m.params.get("Delete") or {}).get("Objects") or []
    requests: list[AuthzRequest] = []
    for item in objects:
        action = "DeleteObjectVersion" if item.get("VersionId") else "DeleteObject"
        requests.append(m.request(action, _object(m, m.values["BucketName"], str(item["Key"]))))
    if not requests:
        raise m.fail("DeleteObjects without Delete.Objects")
    return requests


def _versioned_object(plain: str, versioned: str) -> Any:
    def handler(m: Mapper) -> list[AuthzRequest]:
        return [m.request(_versioned(m, plain, versioned), _object(m))]

    return handler


def put_object_tagging(m: Mapper) -> list[AuthzRequest]:
    tags = {
        str(t["Key"]): str(t.get("Value", ""))
        for t in (m.params.get("Tagging") or {}).get("TagSet") or []
    }
    action = _versioned(m, "PutObjectTagging", "PutObjectVersionTagging")
    return [m.request(action, _object(m), _request_tags(tags))]


def create_bucket(m: Mapper) -> list[AuthzRequest]:
    bucket = _bucket(m)
    requests = [m.request("CreateBucket", bucket)]
    if m.params.get("ObjectLockEnabledForBucket"):
        requests.append(m.request("PutBucketObjectLockConfiguration", bucket))
        requests.append(m.request("PutBucketVersioning", bucket))
    if m.params.get("ObjectOwnership"):
        requests.append(m.request("PutBucketOwnershipControls", bucket))
    return requests


RENAMES = {
    "HeadBucket": "ListBucket",
    "ListBuckets": "ListAllMyBuckets",
    "ListParts": "ListMultipartUploadParts",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "CompleteMultipartUpload": "PutObject",
    "SelectObjectContent": "GetObject",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
    "GetBucketReplication": "GetReplicationConfiguration",
    "PutBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketTagging": "PutBucketTagging",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "GetBucketAnalyticsConfiguration": "GetAnalyticsConfiguration",
    "PutBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "DeleteBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "ListBucketAnalyticsConfigurations": "GetAnalyticsConfiguration",
    "GetBucketMetricsConfiguration": "GetMetricsConfiguration",
    "PutBucketMetricsConfiguration": "PutMetricsConfiguration",
    "DeleteBucketMetricsConfiguration": "PutMetricsConfiguration",
    "ListBucketMetricsConfigurations": "GetMetricsConfiguration",
    "GetBucketInventoryConfiguration": "GetInventoryConfiguration",
    "PutBucketInventoryConfiguration": "PutInventoryConfiguration",
    "DeleteBucketInventoryConfiguration": "PutInventoryConfiguration",
    "ListBucketInventoryConfigurations": "GetInventoryConfiguration",
    "GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
    "PutBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "DeleteBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations": "GetIntelligentTieringConfiguration",
}

HANDLERS = {
    "GetObject": get_object,
    "HeadObject": get_object,
    "GetObjectAttributes": get_object_attributes,
    "PutObject": put_object,
    "CreateMultipartUpload": create_multipart_upload,
    "UploadPart": upload_part,
    "UploadPartCopy": upload_part_copy,
    "CopyObject": copy_object,
    "ListObjects": list_objects,
    "ListObjectsV2": list_objects,
    "ListObjectVersions": list_object_versions,
    "DeleteObject": delete_object,
    "DeleteObjects": delete_objects,
    "GetObjectTagging": _versioned_object("GetObjectTagging", "GetObjectVersionTagging"),
    "DeleteObjectTagging": _versioned_object("DeleteObjectTagging", "DeleteObjectVersionTagging"),
    "PutObjectTagging": put_object_tagging,
    "GetObjectAcl": _versioned_object("GetObjectAcl", "GetObjectVersionAcl"),
    "PutObjectAcl": _versioned_object("PutObjectAcl", "PutObjectVersionAcl"),
    "CreateBucket": create_bucket,
}

MAPPING = ServiceMapping(prefix="s3", values=values, renames=RENAMES, handlers=HANDLERS)
