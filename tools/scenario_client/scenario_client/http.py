"""HTTP calls to the query APIs, SigV4-signed, with the emulator's local URL forms."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from scenario_client.target import AwsTarget


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    headers: dict[str, str]


def function_url_base(function_url: str, target: AwsTarget) -> tuple[str, str | None]:
    """(base URL to connect to, Host header) for a function URL.

    LocalStack answers function URLs on its own port when the Host header names the URL id
    (`<id>.lambda-url.<region>.localhost.localstack.cloud`), which doesn't resolve offline.
    """
    if not target.is_emulator:
        return function_url.rstrip("/"), None
    host = urlsplit(function_url).netloc
    return str(target.endpoint_url), host


def rest_api_base(api_id: str, stage: str, invoke_url: str, target: AwsTarget) -> str:
    if not target.is_emulator:
        return invoke_url.rstrip("/")
    return f"{target.endpoint_url}/_aws/execute-api/{api_id}/{stage}"


def signed_get(url: str, service: str, region: str, host: str | None = None) -> Response:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError(f"only http(s) URLs are requested, not {url!r}")
    headers = {"Host": host} if host else {}
    request = AWSRequest(method="GET", url=url, headers=headers)
    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials to sign the request with")
    SigV4Auth(credentials.get_frozen_credentials(), service, region).add_auth(request)
    prepared = urllib.request.Request(  # noqa: S310 — scheme checked above
        url, headers=dict(request.headers.items()), method="GET"
    )
    try:
        with urllib.request.urlopen(prepared, timeout=30) as reply:  # noqa: S310 — as above
            status, raw, reply_headers = reply.status, reply.read(), dict(reply.headers)
    except urllib.error.HTTPError as error:
        status, raw, reply_headers = error.code, error.read(), dict(error.headers)
    text = raw.decode()
    try:
        body: Any = json.loads(text)
    except json.JSONDecodeError:
        body = text
    return Response(status, body, reply_headers)
