"""Which AWS the integration tests talk to — decided by the environment alone."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class AwsTarget:
    kind: str  # "emulator" or "aws"
    endpoint_url: str | None
    region: str

    @property
    def is_emulator(self) -> bool:
        return self.kind == "emulator"


class NoTargetError(RuntimeError):
    pass


def from_environment(environ: dict[str, str] | None = None) -> AwsTarget:
    env = dict(os.environ) if environ is None else environ
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    if env.get("AWS_ENDPOINT_URL"):
        return AwsTarget("emulator", env["AWS_ENDPOINT_URL"].rstrip("/"), region)
    if env.get("LBP_TARGET") == "aws":
        return AwsTarget("aws", None, region)
    raise NoTargetError(
        "integration tests need an AWS endpoint: run `make test` (starts the local AWS), "
        "or set AWS_ENDPOINT_URL (e.g. a LocalStack container), or LBP_TARGET=aws for a real "
        "account"
    )
