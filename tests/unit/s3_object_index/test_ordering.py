from __future__ import annotations

import pytest

from s3_object_index.ordering import (
    SEQUENCER_WIDTH,
    InvalidSequencerError,
    normalise_sequencer,
    order_key,
)


def test_normalise_pads_right_with_zeros_and_upper_cases() -> None:
    normalised = normalise_sequencer("0055aed6dcd90281e5")
    assert normalised == "0055AED6DCD90281E5" + "0" * (SEQUENCER_WIDTH - 18)
    assert len(normalised) == SEQUENCER_WIDTH


@pytest.mark.parametrize(
    ("candidate", "current", "newer"),
    [
        ("0055AED6DCD90281E6", "0055AED6DCD90281E5", True),
        ("0055AED6DCD90281E5", "0055AED6DCD90281E5", False),
        ("0055AED6DCD90281E5", "0055AED6DCD90281E6", False),
        # Different lengths: the shorter is right-padded, not left-padded.
        ("0A1", "0A", True),
        ("0A", "0A0", False),
        ("1", "0FFFFFFFFFFFFFFFFF", True),
        ("0FFFFFFFFFFFFFFFFF", "1", False),
        ("00ab", "00AA", True),
    ],
)
def test_order_key_orders_sequencers_of_one_key(candidate: str, current: str, newer: bool) -> None:
    time = "2024-01-01T00:00:00.000Z"
    assert (order_key(candidate, time) > order_key(current, time)) is newer


@pytest.mark.parametrize(
    ("sequencer", "reason"),
    [
        ("", "hexadecimal string"),
        ("not-hex!", "hexadecimal string"),
        (None, "hexadecimal string"),
        (1234, "hexadecimal string"),
        ("F" * (SEQUENCER_WIDTH + 1), "longer than"),
    ],
)
def test_invalid_sequencers_are_refused(sequencer: object, reason: str) -> None:
    with pytest.raises(InvalidSequencerError, match=reason):
        normalise_sequencer(sequencer)


def test_order_key_sorts_by_sequencer_first() -> None:
    earlier = order_key("0055AED6DCD90281E5", "2026-01-01T10:00:00.999Z")
    later = order_key("0055AED6DCD90281E6", "2026-01-01T09:00:00.000Z")
    assert earlier < later


def test_event_time_breaks_a_sequencer_tie() -> None:
    """LocalStack sends one constant sequencer; the later event must still win."""
    put = order_key("0055AED6DCD90281E5", "2026-01-01T10:00:00.120Z")
    overwrite = order_key("0055AED6DCD90281E5", "2026-01-01T10:00:00.121Z")
    redelivered = order_key("0055aed6dcd90281e5", "2026-01-01T10:00:00.12Z")
    assert put < overwrite
    assert redelivered == put


@pytest.mark.parametrize("event_time", ["yesterday", 17, None])
def test_bad_event_time_is_refused(event_time: object) -> None:
    with pytest.raises(InvalidSequencerError, match="eventTime"):
        order_key("0A", event_time)
