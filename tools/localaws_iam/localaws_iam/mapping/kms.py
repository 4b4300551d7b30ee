"""KMS called directly: KeyId (id, ARN or alias) -> the key ARN AWS authorizes; aliases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localaws_iam.mapping.base import Context, Mapper, ServiceMapping, request_tags, tag_list
from localaws_iam.model import AuthzRequest


def values(params: Mapping[str, Any]) -> dict[str, str]:
    return {}


def _context(m: Mapper) -> Context:
    context: Context = {"kms:CallerAccount": m.call.account}
    encryption_context = m.params.get("EncryptionContext") or {}
    for k, v in encryption_context.items():
        context[f"kms:EncryptionContext:{k}"] = str(v)
    if encryption_context:
        context["kms:EncryptionContextKeys"] = list(encryption_context)
    for param, key in (
        ("EncryptionAlgorithm", "kms:EncryptionAlgorithm"),
        ("KeySpec", "kms:DataKeyPairSpec"),
        ("GrantOperations", "kms:GrantOperations"),
    ):
        if m.params.get(param):
            value = m.params[param]
            context[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    if isinstance(m.params.get("KeyId"), str) and "alias/" in m.params["KeyId"]:
        context["kms:RequestAlias"] = "alias/" + m.params["KeyId"].split("alias/", 1)[1]
    return context


def on_key(m: Mapper) -> list[AuthzRequest]:
    """Any operation on KeyId: the key ARN (an alias is resolved through the lookup)."""
    key = m.params.get("KeyId")
    if not key:
        raise m.fail("no KeyId (a Decrypt without KeyId names its key only inside the ciphertext)")
    arn = m.key_arn(str(key))
    return [m.request(m.call.operation, arn, {**m.resource_tags(arn), **_context(m)})]


def re_encrypt(m: Mapper) -> list[AuthzRequest]:
    source = m.params.get("SourceKeyId")
    target = m.params.get("DestinationKeyId")
    if not source or not target:
        raise m.fail("ReEncrypt needs SourceKeyId and DestinationKeyId to be mapped")
    return [
        m.request("ReEncryptFrom", m.key_arn(str(source)), _context(m)),
        m.request("ReEncryptTo", m.key_arn(str(target)), _context(m)),
    ]


def alias(m: Mapper) -> list[AuthzRequest]:
    """CreateAlias/UpdateAlias/DeleteAlias: the alias ARN and the key ARN(s)."""
    name = str(m.params["AliasName"])
    alias_arn = m.arn("alias", {"Alias": name.removeprefix("alias/")})
    requests = [m.request(m.call.operation, alias_arn)]
    target = m.params.get("TargetKeyId") or (
        m.lookup.kms_key(alias_arn) if m.call.operation != "CreateAlias" else None
    )
    if target:
        requests.append(m.request(m.call.operation, m.key_arn(str(target))))
    return requests


def create_key(m: Mapper) -> list[AuthzRequest]:
    tags = tag_list(m.params.get("Tags"), key="TagKey", value="TagValue")
    requests = [m.request("CreateKey", "*", request_tags(tags))]
    if tags:
        requests.append(m.request("TagResource", "*", request_tags(tags)))
    return requests


_ON_KEY = [
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "Sign",
    "Verify",
    "GetPublicKey",
    "DescribeKey",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "ListKeyPolicies",
    "GetKeyRotationStatus",
    "EnableKeyRotation",
    "DisableKeyRotation",
    "EnableKey",
    "DisableKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "CreateGrant",
    "ListGrants",
    "RetireGrant",
    "RevokeGrant",
    "TagResource",
    "UntagResource",
    "ListResourceTags",
    "UpdateKeyDescription",
    "RotateKeyOnDemand",
    "ListKeyRotations",
]

HANDLERS: dict[str, Any] = dict.fromkeys(_ON_KEY, on_key)
HANDLERS.update(
    {
        "ReEncrypt": re_encrypt,
        "CreateAlias": alias,
        "UpdateAlias": alias,
        "DeleteAlias": alias,
        "CreateKey": create_key,
    }
)

MAPPING = ServiceMapping(prefix="kms", values=values, handlers=HANDLERS)
