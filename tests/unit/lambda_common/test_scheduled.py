"""lambda_common.scheduled: the due time of a scheduled event, without Powertools' data classes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lambda_common.scheduled import BadEventTimeError, scheduled_time

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"


def test_the_rule_events_time_in_utc() -> None:
    event = {"source": "aws.events", "time": "2026-03-14T12:00:00+01:00"}
    assert scheduled_time(event) == datetime(2026, 3, 14, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("event", [{}, {"detail": {}}, "tick", None, ["time"]])
def test_no_time_for_a_hand_made_invocation(event: object) -> None:
    assert scheduled_time(event) is None


def test_a_bad_time_is_rejected() -> None:
    with pytest.raises(BadEventTimeError):
        scheduled_time({"time": "yesterday"})


def test_reading_the_time_does_not_import_every_powertools_event_class() -> None:
    """The scheduled handlers import this at cold start; a data class import would run the
    data_classes package's __init__ (every event class) for one field."""
    code = (
        "import sys; import lambda_common.scheduled; "
        "print(sorted(m for m in sys.modules if m.startswith('aws_lambda_powertools')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=FUNCTIONS, capture_output=True, text=True, check=True
    ).stdout
    assert "data_classes" not in loaded, loaded
