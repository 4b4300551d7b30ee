"""Event fixtures and builders for the indexer tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).parent / "events"
BUCKET = "lbp-uploads"


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def s3_record(
    key: str,
    sequencer: str,
    name: str = "ObjectCreated:Put",
    size: int | None = 1,
    bucket: str = BUCKET,
) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": key, "sequencer": sequencer}
    if not name.startswith("ObjectRemoved:"):
        obj |= {"size": size, "eTag": f"etag-{sequencer}"}
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventTime": "2024-05-01T10:00:00.000Z",
        "eventName": name,
        "s3": {"bucket": {"name": bucket}, "object": obj},
    }


def s3_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


@pytest.fixture(name="load_event")
def _load_event_fixture() -> Any:
    """load_event(name): one of the JSON S3 events in events/."""
    return load_event


@pytest.fixture(name="s3_record")
def _s3_record_fixture() -> Any:
    """s3_record(key, sequencer, name=..., size=..., bucket=...): one S3 event record."""
    return s3_record
