"""`localaws clock show|set ISO [--freeze]|advance DURATION|reset|upcoming`: the schedule clock."""

from __future__ import annotations

import argparse
import datetime as dt
import re

from .shell import say

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ClockCommandError(ValueError):
    pass


def parse_duration(text: str) -> float:
    """``90s``, ``5m``, ``2h``, ``1d``, ``1d12h``; a bare number is seconds."""
    text = text.strip().lower()
    try:
        return float(text)
    except ValueError:
        pass
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ClockCommandError(f"not a duration: {text!r} (examples: 90s, 5m, 2h, 1d, 1d12h)")
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def parse_at(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ClockCommandError(f"not an ISO-8601 time: {text!r}") from error
    if value.tzinfo is None:
        raise ClockCommandError(f"{text!r} has no UTC offset: write {text}Z or {text}+01:00")
    return value


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    clock = commands.add_parser(
        "clock", parents=[common], help="read, set or advance the schedule clock"
    )
    clock.add_argument(
        "--scope",
        help="the clock of the schedules/rules whose names start with this prefix only "
        "(created on its first set/advance, dropped by reset)",
    )
    actions = clock.add_subparsers(dest="action")
    actions.add_parser("show", help="the clock's time and mode (default)")
    setter = actions.add_parser("set", help="move the clock without firing anything")
    setter.add_argument(
        "at", help="ISO-8601 time with a UTC offset, e.g. 2027-02-28T11:59:00+13:00"
    )
    setter.add_argument("--freeze", action="store_true", help="stop the clock there")
    advance = actions.add_parser("advance", help="move forward, firing every due schedule")
    advance.add_argument("duration", help="90s, 5m, 2h, 1d ...")
    advance.add_argument(
        "--only",
        action="append",
        help="fire only schedules/rules with this ARN or name prefix (repeatable)",
    )
    actions.add_parser("reset", help="back to real time (fires nothing)")
    actions.add_parser("upcoming", help="occurrences due within the next day of clock time")


def run(endpoint_url: str, args: argparse.Namespace) -> int:
    # The HTTP client lives with the test helpers; it needs nothing beyond the standard library.
    from scenario_client.clock import Clock, ClockError  # noqa: PLC0415

    clock = Clock(endpoint_url, getattr(args, "scope", None))
    action = args.action or "show"
    try:
        if not clock.available():
            say(
                f"no schedule clock at {endpoint_url}: is the local AWS up (make up) "
                "and LBP_TIME not off?"
            )
            return 1
        if action == "set":
            clock.set(parse_at(args.at), freeze=args.freeze)
        elif action == "advance":
            for firing in clock.advance(parse_duration(args.duration), only=args.only):
                detail = f" ({firing.detail})" if firing.detail else ""
                print(
                    f"{firing.scheduled_time.isoformat()} {firing.kind} {firing.name} -> "
                    f"{firing.target}: {firing.result}{detail}"
                )
        elif action == "reset":
            clock.reset()
        elif action == "upcoming":
            for item in clock.upcoming():
                print(f"{item['at']} {item['key']}")
        print(f"now: {clock.now().isoformat()} ({clock.mode()})")
    except (ClockError, ClockCommandError) as error:
        say(f"error: {error}")
        return 1
    return 0
