"""`make iam-report`: fetch the IAM report from the local AWS, write it, print it.

    python -m localaws_iam.report_cli [--endpoint URL] [--out DIR] [--reset]

Writes DIR/iam-report.json and DIR/iam-report.md (DIR: $LOCALAWS_STATE_DIR or ./.localstack)
and prints the Markdown. The endpoint is $AWS_ENDPOINT_URL (the local AWS).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .report import render_markdown

ROUTE = "/_lbp/iam"


class NoEnforcementError(RuntimeError):
    pass


def _call(endpoint: str, path: str, method: str = "GET") -> Any:
    url = endpoint.rstrip("/") + path
    if not url.startswith(("http://", "https://")):
        raise NoEnforcementError(f"not an HTTP endpoint: {endpoint}")
    request = urllib.request.Request(url, method=method)  # noqa: S310 - http(s) checked above
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise NoEnforcementError(
            f"{url} answered {exc.code}: this endpoint has no lambda-blueprints IAM enforcement "
            "(a plain LocalStack, or the local AWS started without tools/localaws_iam)"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise NoEnforcementError(f"cannot reach {url}: {exc}") from exc


def status(endpoint: str) -> dict[str, Any]:
    """GET /_lbp/iam: the enforcement mode and authorization timings."""
    return dict(_call(endpoint, ROUTE))


def fetch(endpoint: str) -> dict[str, Any]:
    return dict(_call(endpoint, f"{ROUTE}/report"))


def reset(endpoint: str) -> None:
    _call(endpoint, f"{ROUTE}/report/reset", method="POST")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"))
    parser.add_argument(
        "--out", type=Path, default=Path(os.environ.get("LOCALAWS_STATE_DIR") or ".localstack")
    )
    parser.add_argument("--reset", action="store_true", help="clear the report after writing it")
    args = parser.parse_args(argv)
    if not args.endpoint:
        print("iam-report: no endpoint (set AWS_ENDPOINT_URL or pass --endpoint)", file=sys.stderr)
        return 2
    try:
        data = fetch(args.endpoint)
        if args.reset:
            reset(args.endpoint)
    except NoEnforcementError as exc:
        print(f"iam-report: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(data)
    (args.out / "iam-report.json").write_text(json.dumps(data, indent=2) + "\n")
    (args.out / "iam-report.md").write_text(markdown)
    sys.stdout.write(markdown)
    print(f"\n(written to {args.out / 'iam-report.json'} and {args.out / 'iam-report.md'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
