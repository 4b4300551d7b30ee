from __future__ import annotations

import pytest

from s3_object_index.ordering import (
    SEQUENCER_WIDTH,
    InvalidSequencerError,
    is_newer,
    normalise_sequencer,
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
def test_is_newer(candidate: str, current: str, newer: bool) -> None:
    assert is_newer(candidate, current) is newer


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
