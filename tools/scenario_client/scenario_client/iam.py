"""IAM documents the tests and benchmarks make roles with."""

from __future__ import annotations

from typing import Any


def service_trust_policy(service: str) -> dict[str, Any]:
    """The trust policy that lets one AWS service (e.g. "lambda.amazonaws.com") assume a role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }
