"""The local AWS's schedule clock (tools/localaws_time), seen from a test or a script.

`GET/POST {endpoint}/_lbp/clock` and `POST {endpoint}/_lbp/clock/advance`. The clock drives when
EventBridge Scheduler schedules and EventBridge schedule rules fire and the times written into
their events; everything else on the local AWS stays on real time. Only this project's local AWS
answers these paths: `available()` says whether the endpoint does.

`Clock(endpoint, scope="it1a2b3c")` is the clock of the schedules and rules whose names start
with that prefix only (a scope: created on its first set/advance, on real time; `reset()` hands
them back to the main clock), so tests of stacks with different name prefixes can move their
clocks at the same time.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

CLOCK_PATH = "/_lbp/clock"


class ClockError(RuntimeError):
    """The clock endpoint refused a request or is not there."""


@dataclass(frozen=True)
class Firing:
    """One schedule occurrence fired by an advance of the clock."""

    kind: str  # "scheduler" or "rule"
    name: str  # "<group>/<schedule>" or "<bus>/<rule>"
    arn: str
    scheduled_time: datetime
    target: str
    result: str  # "delivered", "failed", "dead-lettered" or "dropped"
    detail: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Firing:
        return cls(
            kind=str(data["kind"]),
            name=str(data["name"]),
            arn=str(data["arn"]),
            scheduled_time=parse_instant(str(data["scheduled_time"])),
            target=str(data["target"]),
            result=str(data["result"]),
            detail=str(data.get("detail") or ""),
        )


def parse_instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"instant without a UTC offset: {text!r}")
    return value.astimezone(UTC)


def format_instant(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: give a time zone (e.g. tzinfo=UTC)")
    return value.isoformat()


class Clock:
    def __init__(self, endpoint_url: str, scope: str | None = None) -> None:
        if urlsplit(endpoint_url).scheme not in {"http", "https"}:
            raise ValueError(f"the clock needs an http(s) endpoint, not {endpoint_url!r}")
        self.endpoint_url = endpoint_url.rstrip("/")
        self.scope = scope

    def scoped(self, scope: str) -> Clock:
        """The clock of the schedules and rules whose own names start with ``scope``."""
        return Clock(self.endpoint_url, scope)

    def now(self) -> datetime:
        return parse_instant(self._call("GET", CLOCK_PATH)["now"])

    def mode(self) -> str:
        return str(self._call("GET", CLOCK_PATH)["mode"])

    def set(self, at: datetime, *, freeze: bool = True) -> datetime:
        """Moves the clock to `at` without firing anything in between; returns the new now."""
        reply = self._call("POST", CLOCK_PATH, {"set": format_instant(at), "freeze": freeze})
        return parse_instant(reply["now"])

    def reset(self) -> None:
        """Back to real time (moving the clock never fires what it skips)."""
        self._call("POST", CLOCK_PATH, {"reset": True})

    def advance(
        self,
        seconds: float | None = None,
        *,
        to: datetime | None = None,
        only: list[str] | None = None,
    ) -> list[Firing]:
        """Moves the clock forward, firing every due occurrence in between, in time order.

        Returns once each firing's delivery has been attempted (async invoke accepted, message
        sent, retries exhausted...), with one Firing per occurrence (one per target for rules).
        ``only``: fire just the schedules/rules with these ARNs or whose own names start with
        these prefixes; every other schedule skips the interval, as with set().
        """
        body: dict[str, Any]
        if seconds is not None and to is None:
            body = {"seconds": seconds}
        elif to is not None and seconds is None:
            body = {"to": format_instant(to)}
        else:
            raise ValueError("advance takes either seconds or to=")
        if only is not None:
            body["only"] = list(only)
        reply = self._call("POST", f"{CLOCK_PATH}/advance", body, timeout=3600)
        return [Firing.from_json(item) for item in reply["firings"]]

    def upcoming(self) -> list[dict[str, str]]:
        """Occurrences due within the next day of clock time: [{"key": arn, "at": ISO}]."""
        return list(self._call("GET", f"{CLOCK_PATH}/upcoming")["upcoming"])

    def available(self) -> bool:
        """True when the endpoint is this project's local AWS with the clock extension on."""
        try:
            reply = self._call("GET", CLOCK_PATH, timeout=5)
        except (ClockError, OSError, ValueError):
            return False
        return isinstance(reply, dict) and "now" in reply and "mode" in reply

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 60
    ) -> Any:
        if self.scope is not None and body is not None:
            body = {**body, "scope": self.scope}
        elif self.scope is not None:
            path = f"{path}?{urlencode({'scope': self.scope})}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 — scheme checked in __init__
            self.endpoint_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
                raw = reply.read()
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            raise ClockError(f"{method} {path}: HTTP {error.code}: {text[:500]}") from error
        try:
            return json.loads(raw)
        except json.JSONDecodeError as error:
            raise ClockError(f"{method} {path}: not JSON: {raw[:200]!r}") from error


def clock_from_environment(environ: dict[str, str] | None = None) -> Clock | None:
    """The clock of the endpoint in AWS_ENDPOINT_URL, or None for a real account."""
    env = dict(os.environ) if environ is None else environ
    endpoint = env.get("AWS_ENDPOINT_URL")
    return Clock(endpoint) if endpoint else None
