"""S3 request mapping: the operations whose IAM authorization is not the operation's name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from localaws_iam.mapping import authorization
from localaws_iam.model import Authorization, ServiceCall, UnmappedOperationError

ACCOUNT = "111122223333"
KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class Lookup:
    def __init__(
        self,
        tags: Mapping[str, Mapping[str, str]] | None = None,
        keys: Mapping[str, str] | None = None,
    ) -> None:
        self._tags = dict(tags or {})
        self._keys = dict(keys or {})
        self.asked: list[str] = []

    def tags(self, arn: str) -> Mapping[str, str] | None:
        self.asked.append(arn)
        return self._tags.get(arn)

    def kms_key(self, arn: str) -> str | None:
        return self._keys.get(arn)


def s3(operation: str, lookup: Lookup | None = None, **params: Any) -> Authorization:
    call = ServiceCall("s3", operation, params, "eu-west-1", ACCOUNT)
    return authorization(call, lookup or Lookup())


def pairs(authz: Authorization) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in authz.requests]


def test_head_object_is_get_object_and_missing_key_needs_list_bucket() -> None:
    authz = s3("HeadObject", Bucket="b", Key="dir/k.jpg")
    assert pairs(authz) == [("s3:GetObject", "arn:aws:s3:::b/dir/k.jpg")]
    assert [(r.action, r.resource) for r in authz.if_missing] == [
        ("s3:ListBucket", "arn:aws:s3:::b")
    ]


@pytest.mark.parametrize("operation", ["GetObject", "HeadObject"])
def test_version_id_needs_get_object_version(operation: str) -> None:
    authz = s3(operation, Bucket="b", Key="k", VersionId="3HL4kqtJlcpXroDTDmJ")
    assert pairs(authz) == [("s3:GetObjectVersion", "arn:aws:s3:::b/k")]
    assert [r.action for r in authz.if_missing] == ["s3:ListBucket"]


def test_list_objects_v2_is_list_bucket_with_prefix_delimiter_max_keys() -> None:
    authz = s3("ListObjectsV2", Bucket="b", Prefix="in/", Delimiter="/", MaxKeys=10)
    assert pairs(authz) == [("s3:ListBucket", "arn:aws:s3:::b")]
    assert authz.requests[0].context == {
        "s3:prefix": "in/",
        "s3:delimiter": "/",
        "s3:max-keys": "10",
    }


def test_list_objects_without_prefix_has_empty_prefix() -> None:
    authz = s3("ListObjects", Bucket="b")
    assert pairs(authz) == [("s3:ListBucket", "arn:aws:s3:::b")]
    assert authz.requests[0].context == {"s3:prefix": ""}


def test_copy_object_default_directive_reads_source_tags_when_it_has_some() -> None:
    lookup = Lookup(tags={"arn:aws:s3:::src/up/a.png": {"team": "x"}})
    authz = s3(
        "CopyObject", lookup, Bucket="dst", Key="q/a.png", CopySource="src/up/a.png?versionId=v1"
    )
    assert pairs(authz) == [
        ("s3:GetObjectVersion", "arn:aws:s3:::src/up/a.png"),
        ("s3:GetObjectVersionTagging", "arn:aws:s3:::src/up/a.png"),
        ("s3:PutObject", "arn:aws:s3:::dst/q/a.png"),
        ("s3:PutObjectTagging", "arn:aws:s3:::dst/q/a.png"),
    ]
    assert authz.requests[3].context["s3:RequestObjectTag/team"] == "x"
    assert [(r.action, r.resource) for r in authz.if_missing] == [
        ("s3:ListBucket", "arn:aws:s3:::src")
    ]


def test_copy_object_untagged_source_or_replace_directive_needs_no_tagging() -> None:
    untagged = s3("CopyObject", Bucket="dst", Key="k", CopySource={"Bucket": "src", "Key": "k"})
    assert pairs(untagged) == [
        ("s3:GetObject", "arn:aws:s3:::src/k"),
        ("s3:PutObject", "arn:aws:s3:::dst/k"),
    ]
    lookup = Lookup(tags={"arn:aws:s3:::src/k": {"a": "b"}})
    replaced = s3(
        "CopyObject", lookup, Bucket="dst", Key="k", CopySource="/src/k", TaggingDirective="REPLACE"
    )
    assert [a for a, _ in pairs(replaced)] == ["s3:GetObject", "s3:PutObject"]
    assert lookup.asked == []


def test_copy_object_url_encoded_source() -> None:
    authz = s3("CopyObject", Bucket="d", Key="k", CopySource="src/a%20b/c%2Bd.txt")
    assert authz.requests[0].resource == "arn:aws:s3:::src/a b/c+d.txt"


def test_put_object_with_tagging_also_needs_put_object_tagging() -> None:
    authz = s3("PutObject", Bucket="b", Key="k", Tagging="env=prod&team=a%20b")
    assert pairs(authz) == [
        ("s3:PutObject", "arn:aws:s3:::b/k"),
        ("s3:PutObjectTagging", "arn:aws:s3:::b/k"),
    ]
    assert authz.requests[1].context["s3:RequestObjectTag/team"] == "a b"
    assert authz.requests[1].context["s3:RequestObjectTagKeys"] == ["env", "team"]


def test_put_object_with_an_acl_also_needs_put_object_acl() -> None:
    authz = s3("PutObject", Bucket="b", Key="k", ACL="bucket-owner-full-control")
    assert pairs(authz) == [
        ("s3:PutObject", "arn:aws:s3:::b/k"),
        ("s3:PutObjectAcl", "arn:aws:s3:::b/k"),
    ]
    assert authz.requests[0].context["s3:x-amz-acl"] == "bucket-owner-full-control"


def test_put_object_plain_is_put_object_only() -> None:
    assert pairs(s3("PutObject", Bucket="b", Key="k")) == [("s3:PutObject", "arn:aws:s3:::b/k")]


def test_delete_objects_is_per_key_and_version() -> None:
    authz = s3(
        "DeleteObjects",
        Bucket="b",
        Delete={"Objects": [{"Key": "a"}, {"Key": "b/c", "VersionId": "v"}]},
    )
    assert pairs(authz) == [
        ("s3:DeleteObject", "arn:aws:s3:::b/a"),
        ("s3:DeleteObjectVersion", "arn:aws:s3:::b/b/c"),
    ]


def test_delete_object_with_version() -> None:
    assert pairs(s3("DeleteObject", Bucket="b", Key="k", VersionId="v")) == [
        ("s3:DeleteObjectVersion", "arn:aws:s3:::b/k")
    ]


def test_sse_kms_bucket_default_key_put_needs_generate_data_key() -> None:
    lookup = Lookup(keys={"arn:aws:s3:::b": KEY})
    authz = s3("PutObject", lookup, Bucket="b", Key="k")
    assert pairs(authz) == [("s3:PutObject", "arn:aws:s3:::b/k"), ("kms:GenerateDataKey", KEY)]
    context = authz.requests[1].context
    assert context["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    assert context["kms:EncryptionContext:aws:s3:arn"] == "arn:aws:s3:::b/k"


def test_sse_kms_explicit_key_id_is_resolved_to_its_arn() -> None:
    authz = s3(
        "PutObject",
        Bucket="b",
        Key="k",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId="1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    assert pairs(authz)[-1] == ("kms:GenerateDataKey", KEY)
    assert authz.requests[0].context["s3:x-amz-server-side-encryption"] == "aws:kms"


def test_get_object_encrypted_with_customer_key_needs_decrypt() -> None:
    lookup = Lookup(keys={"arn:aws:s3:::b/k": KEY})
    assert pairs(s3("GetObject", lookup, Bucket="b", Key="k")) == [
        ("s3:GetObject", "arn:aws:s3:::b/k"),
        ("kms:Decrypt", KEY),
    ]


def test_multipart_upload_is_put_object() -> None:
    for operation in ("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"):
        params = {"Bucket": "b", "Key": "k", "UploadId": "u", "PartNumber": 1}
        assert pairs(s3(operation, **params)) == [("s3:PutObject", "arn:aws:s3:::b/k")]
    assert pairs(s3("AbortMultipartUpload", Bucket="b", Key="k", UploadId="u")) == [
        ("s3:AbortMultipartUpload", "arn:aws:s3:::b/k")
    ]


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("ListBuckets", "s3:ListAllMyBuckets"),
        ("HeadBucket", "s3:ListBucket"),
        ("GetBucketNotificationConfiguration", "s3:GetBucketNotification"),
        ("PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
        ("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
        ("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
        ("GetBucketPolicy", "s3:GetBucketPolicy"),
        ("GetBucketVersioning", "s3:GetBucketVersioning"),
    ],
)
def test_bucket_operations_renamed_as_aws_authorizes_them(operation: str, action: str) -> None:
    authz = s3(operation, Bucket="b")
    expected = "*" if operation == "ListBuckets" else "arn:aws:s3:::b"
    assert pairs(authz) == [(action, expected)]


def test_unknown_operation_is_unmapped_not_allowed() -> None:
    with pytest.raises(UnmappedOperationError, match="s3:MakeCoffee"):
        s3("MakeCoffee", Bucket="b")


def test_object_operation_without_key_names_what_is_missing() -> None:
    with pytest.raises(UnmappedOperationError, match="object"):
        s3("GetObject", Bucket="b")
