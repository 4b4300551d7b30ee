"""Ordering of S3 events for the same key by their `sequencer`.

S3 documents the sequencer as an opaque hexadecimal string: for two events on the same key,
right-pad the shorter one with zeros and compare the strings; the greater one is the later
event. Sequencers of different keys are not comparable. `normalise_sequencer` stores that padded
form, so DynamoDB can compare it with `<` in a condition expression.
"""

from __future__ import annotations

import re

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


def is_newer(candidate: str, current: str) -> bool:
    """True when sequencer `candidate` is later than `current` (same key, any lengths)."""
    return normalise_sequencer(candidate) > normalise_sequencer(current)
