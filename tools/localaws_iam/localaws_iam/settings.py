"""How strictly the local AWS applies IAM to Lambda execution-role sessions: LBP_IAM."""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum

VARIABLE = "LBP_IAM"


class Mode(StrEnum):
    ENFORCE = "enforce"  # deny what AWS would deny
    REPORT = "report"  # allow, but log and record each would-be denial
    OFF = "off"  # authorize every call (LocalStack community's own behaviour)


DEFAULT = Mode.ENFORCE


class InvalidModeError(ValueError):
    pass


def parse_mode(value: str | None) -> Mode:
    """An unset or empty value means the default (enforce); anything unknown is an error."""
    text = (value or "").strip().lower()
    if not text:
        return DEFAULT
    try:
        return Mode(text)
    except ValueError:
        allowed = "|".join(mode.value for mode in Mode)
        raise InvalidModeError(f"{VARIABLE}={value!r} is not one of {allowed}") from None


def mode_from_environment(environ: Mapping[str, str] | None = None) -> Mode:
    env = os.environ if environ is None else environ
    return parse_mode(env.get(VARIABLE))
