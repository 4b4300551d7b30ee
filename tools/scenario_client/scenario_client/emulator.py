"""Which emulator answers at the endpoint: LocalStack or MiniStack (None on a real account).

LBP_TARGET says so when make set it (local → LocalStack, ministack → MiniStack); otherwise (an
endpoint given by hand) the endpoint is asked: only MiniStack answers GET /_ministack/health.
"""

from __future__ import annotations

import functools
import os
import urllib.error
import urllib.request
from collections.abc import Mapping

from scenario_client.target import AwsTarget

LOCALSTACK = "localstack"
MINISTACK = "ministack"
EMULATORS = (LOCALSTACK, MINISTACK)
_DECLARED = {"local": LOCALSTACK, "ministack": MINISTACK}


def emulator_of(target: AwsTarget, environ: Mapping[str, str] | None = None) -> str | None:
    if not target.is_emulator or target.endpoint_url is None:
        return None
    declared = _DECLARED.get((os.environ if environ is None else environ).get("LBP_TARGET", ""))
    return declared or probe(target.endpoint_url)


@functools.cache
def probe(endpoint_url: str) -> str:
    if not endpoint_url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) endpoint: {endpoint_url!r}")
    url = f"{endpoint_url.rstrip('/')}/_ministack/health"
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 — scheme checked
            return MINISTACK if reply.status == 200 else LOCALSTACK
    except (OSError, urllib.error.URLError):
        return LOCALSTACK
