"""Which access key signed a request: SigV4/SigV2 Authorization header or a presigned URL."""

from __future__ import annotations

import re
from collections.abc import Mapping

_SIGV4_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")

# LocalStack (without PARITY_AWS_ACCESS_KEY_ID) issues STS session keys as LSIA..., IAM user keys as
# LKIA...; AWS issues ASIA... (session) and AKIA... (long-term).
SESSION_KEY_PREFIXES = ("LSIA", "ASIA")


def access_key_id(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The access key id the request was signed with, if any."""
    credential = query.get("X-Amz-Credential") or query.get("x-amz-credential")
    if credential:
        return credential.split("/", 1)[0] or None
    if legacy := query.get("AWSAccessKeyId"):
        return legacy
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    if auth.startswith("AWS4-"):
        match = _SIGV4_CREDENTIAL.search(auth)
        return match.group(1) if match else None
    if auth.startswith("AWS "):
        return auth.removeprefix("AWS ").split(":", 1)[0] or None
    return None


def is_session_key(key: str | None) -> bool:
    """Temporary (STS) credentials: the only ones whose requests are authorized."""
    return bool(key) and len(key or "") >= 16 and (key or "").startswith(SESSION_KEY_PREFIXES)
