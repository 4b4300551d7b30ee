"""SES (v1 and v2): sending on the sender's identity ARN with ses:FromAddress."""

from __future__ import annotations

from collections.abc import Mapping
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from typing import Any

from localaws_iam.mapping.base import Context, Mapper, ServiceMapping
from localaws_iam.model import AuthzRequest


def values(params: Mapping[str, Any]) -> dict[str, str]:
    for key in ("Identity", "EmailIdentity", "EmailAddress", "Domain"):
        if params.get(key):
            return {"IdentityName": str(params[key])}
    out = {}
    for key in ("ConfigurationSetName", "TemplateName"):
        if params.get(key):
            out[key] = str(params[key])
    return out


def _raw_from(data: Any) -> str:
    raw = data if isinstance(data, bytes) else str(data or "").encode()
    return str(BytesHeaderParser().parsebytes(raw).get("From", ""))


def _send(m: Mapper, action: str, source: str, extra_arns: list[str]) -> list[AuthzRequest]:
    """AWS authorizes sending on the identity of the From address (identity/<address>).

    When only the sender's domain is verified AWS uses identity/<domain>; the mapping cannot
    see which identities are verified, so it uses the address (policies on identity/* or on
    both forms match either way).
    """
    address = parseaddr(source)[1]
    if not address:
        raise m.fail("no sender address (Source/FromEmailAddress or a From header)")
    context: Context = {"ses:FromAddress": address, "ses:ApiVersion": _version(m)}
    if m.params.get("FromDisplayName"):
        context["ses:FromDisplayName"] = str(m.params["FromDisplayName"])
    recipients = _recipients(m)
    if recipients:
        context["ses:Recipients"] = recipients
    identity = m.arn("identity", {"IdentityName": address})
    arns = [identity, *extra_arns]
    return [m.request(action, arn, context) for arn in arns]


def _version(m: Mapper) -> str:
    return "2" if m.call.service == "sesv2" else "1"


def _recipients(m: Mapper) -> list[str]:
    destination = m.params.get("Destination") or {}
    found: list[str] = []
    for key in ("ToAddresses", "CcAddresses", "BccAddresses"):
        found += [parseaddr(str(a))[1] for a in destination.get(key) or []]
    found += [parseaddr(str(a))[1] for a in m.params.get("Destinations") or []]
    return [a for a in found if a]


def _configuration_set(m: Mapper) -> list[str]:
    name = m.params.get("ConfigurationSetName")
    return [m.arn("configuration-set", {"ConfigurationSetName": str(name)})] if name else []


def send_email(m: Mapper) -> list[AuthzRequest]:
    source = m.params.get("Source") or m.params.get("FromEmailAddress")
    if not source and m.call.service == "sesv2":
        raw = ((m.params.get("Content") or {}).get("Raw") or {}).get("Data")
        source = _raw_from(raw) if raw else None
    return _send(m, "SendEmail", str(source or ""), _configuration_set(m))


def send_raw_email(m: Mapper) -> list[AuthzRequest]:
    source = m.params.get("Source") or _raw_from((m.params.get("RawMessage") or {}).get("Data"))
    return _send(m, "SendRawEmail", str(source), _configuration_set(m))


def send_templated(m: Mapper) -> list[AuthzRequest]:
    return _send(m, m.call.operation, str(m.params.get("Source") or ""), _configuration_set(m))


HANDLERS = {
    "SendEmail": send_email,
    "SendRawEmail": send_raw_email,
    "SendTemplatedEmail": send_templated,
    "SendBulkTemplatedEmail": send_templated,
}

MAPPING = ServiceMapping(prefix="ses", values=values, handlers=HANDLERS)
V2_MAPPING = ServiceMapping(prefix="ses", values=values, handlers={"SendEmail": send_email})
