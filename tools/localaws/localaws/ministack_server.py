"""MiniStack's server, with every IAM decision that refuses a request written down.

Run inside MiniStack's own venv (``python -m localaws.ministack_server``). MiniStack (AUTH=true)
answers a denied request with AccessDenied but logs nothing; this wraps its one policy decision
point, ``ministack.core.iam_evaluator.enforce``, so that each refusal is appended as one JSON line
to the file named by ``--denials`` (an argument, not a variable: MiniStack passes its whole
environment on to the functions it runs): who (principal ARN), what (action), on what (resource
ARN as MiniStack built it), the service and region, and whether it was an explicit or implicit
deny or a credential failure. ``python -m localaws.ministack denials`` summarizes the file.

It also answers ``aws:SecureTransport`` as a TLS-terminating front would: the gateway is plain
HTTP on loopback only, while on AWS every client of this project (SDKs, Terraform, the functions)
uses TLS. Without this, the modules' TLS-only policies (Deny when aws:SecureTransport is false)
deny even the account's own Terraform on MiniStack. localaws_iam does the same on LocalStack.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

from ministack import app
from ministack.core import iam_evaluator

_write_lock = threading.Lock()
_denials_path: str | None = None
_enforce = iam_evaluator.enforce
_pin_request_origin = iam_evaluator.pin_request_origin


def describe(
    result: Any, *, access_key_id: str, action: str, service: str, region: str, resource: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "time": round(time.time(), 3),
        "service": service,
        "action": action,
        "resource": resource,
        "region": region,
    }
    if isinstance(result, iam_evaluator.AuthError):
        return entry | {"decision": "AuthError", "code": result.code, "message": result.message}
    return entry | {
        "decision": result.decision,
        "principal": result.principal_arn or f"access key {access_key_id}",
        "resource_policy": result.resource_policy_arn or None,
    }


def _record(entry: dict[str, Any]) -> None:
    path = _denials_path
    if not path:
        return
    line = json.dumps(entry, sort_keys=True) + "\n"
    with _write_lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


def audited_enforce(  # noqa: PLR0917 — the signature of the function it wraps
    access_key_id: str,
    iam_action: str,
    service: str,
    region: str,
    resource_arn: str = "*",
    service_context: dict[str, Any] | None = None,
) -> Any:
    result = _enforce(access_key_id, iam_action, service, region, resource_arn, service_context)
    if result is not None:
        _record(
            describe(
                result,
                access_key_id=access_key_id,
                action=iam_action,
                service=service,
                region=region,
                resource=resource_arn,
            )
        )
    return result


def tls_terminated_origin(source_ip: str, secure_transport: bool) -> None:
    """MiniStack's pin_request_origin, with the transport of a TLS-terminating front."""
    del secure_transport  # plain HTTP on loopback stands in for AWS's TLS endpoints
    _pin_request_origin(source_ip, True)


def main(argv: list[str] | None = None) -> None:
    global _denials_path  # noqa: PLW0603 — set once, before the server starts
    parser = argparse.ArgumentParser(prog="localaws.ministack_server")
    parser.add_argument("--denials", help="append each IAM refusal to this file (JSON lines)")
    _denials_path = parser.parse_args(sys.argv[1:] if argv is None else argv).denials
    sys.argv[1:] = []  # MiniStack's main parses the command line too: leave it nothing of ours
    # MiniStack imports `enforce` from the module at each request, so the wrapper is seen.
    iam_evaluator.enforce = audited_enforce
    # app.py calls the name it imported once: replace that one.
    app.pin_request_origin = tls_terminated_origin
    app.main()


if __name__ == "__main__":
    main()
