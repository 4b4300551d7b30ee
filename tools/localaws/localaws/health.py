"""The emulators' health endpoints (LocalStack: /_localstack/health)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, cast


def fetch(
    endpoint_url: str, timeout: float = 2.0, path: str = "/_localstack/health"
) -> dict[str, Any] | None:
    """The health document, or None when nothing (healthy) answers."""
    url = f"{endpoint_url}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            if response.status != 200:
                return None
            return cast(dict[str, Any], json.loads(response.read()))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def summarize(document: dict[str, Any]) -> str:
    """One line per state: "running: s3, sqs" / "available: ..." ."""
    by_state: dict[str, list[str]] = {}
    for service, state in sorted(document.get("services", {}).items()):
        by_state.setdefault(str(state), []).append(service)
    lines = [f"edition={document.get('edition', '?')} version={document.get('version', '?')}"]
    lines += [f"{state} ({len(names)}): {', '.join(names)}" for state, names in by_state.items()]
    return "\n".join(lines)


def iam_mode(endpoint_url: str, timeout: float = 2.0) -> str | None:
    """The IAM enforcement mode the running local AWS reports (None: no enforcement endpoint)."""
    try:
        with urllib.request.urlopen(f"{endpoint_url}/_lbp/iam", timeout=timeout) as response:  # noqa: S310
            return str(json.loads(response.read()).get("mode"))
    except (OSError, ValueError, AttributeError, urllib.error.URLError):
        return None
