"""Ordering of S3 events for the same key by their `sequencer`.

S3 documents the sequencer as an opaque hexadecimal string: for two events on the same key,
right-pad the shorter one with zeros and compare the strings; the greater one is the later
event. Sequencers of different keys are not comparable. `normalise_sequencer` stores that padded
form, so DynamoDB can compare it with `<` in a condition expression.

The stored order key is that padded sequencer followed by the event time. On AWS the sequencer
alone decides (two distinct events on one key never share a sequencer, and a re-delivery repeats
both fields). Emulators are less careful: LocalStack 4.x sends one constant sequencer for every
event, so there the event time breaks the tie and a later overwrite or delete still wins.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

SEQUENCER_WIDTH = 32
_HEX = re.compile(r"[0-9A-Fa-f]+")


class InvalidSequencerError(ValueError):
    """The sequencer cannot be ordered; retrying the event cannot help."""


def normalise_sequencer(sequencer: object) -> str:
    if not isinstance(sequencer, str) or not _HEX.fullmatch(sequencer):
        raise InvalidSequencerError(f"sequencer must be a hexadecimal string, got {sequencer!r}")
    if len(sequencer) > SEQUENCER_WIDTH:
        raise InvalidSequencerError(
            f"sequencer {sequencer!r} is longer than {SEQUENCER_WIDTH} hexadecimal digits"
        )
    return sequencer.upper().ljust(SEQUENCER_WIDTH, "0")


def canonical_event_time(event_time: object) -> str:
    """eventTime in one fixed-width UTC form, so that string order is time order."""
    if not isinstance(event_time, str):
        raise InvalidSequencerError(f"eventTime must be an ISO-8601 string, got {event_time!r}")
    try:
        parsed = datetime.fromisoformat(event_time.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidSequencerError(f"eventTime {event_time!r} is not ISO-8601") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def order_key(sequencer: object, event_time: object) -> str:
    """What `sequencer_sort` stores: the padded sequencer, then the event time as tie-breaker."""
    return f"{normalise_sequencer(sequencer)}@{canonical_event_time(event_time)}"
