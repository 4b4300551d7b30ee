from __future__ import annotations

from typing import Any

import pytest

from lambda_common.s3_events import CREATED, Rejection, parse_s3_event


def record(key: Any = "a+b%2Bc", name: str = "ObjectCreated:Put", **obj: Any) -> dict[str, Any]:
    return {
        "eventSource": "aws:s3",
        "eventName": name,
        "eventTime": "2024-05-01T10:00:00.000Z",
        "s3": {"bucket": {"name": "b"}, "object": {"key": key, **obj}},
    }


def test_keys_are_decoded_and_fields_typed() -> None:
    event = {"Records": [record(size=3, eTag='"e"', versionId="v", sequencer="0A")]}
    [obj] = parse_s3_event(event).objects
    assert (obj.bucket, obj.key, obj.size, obj.etag, obj.version_id, obj.sequencer) == (
        "b",
        "a b+c",
        3,
        "e",
        "v",
        "0A",
    )
    assert obj.created and obj.index == 0


def test_malformed_records_are_rejected_with_a_reason_and_never_block_the_others() -> None:
    event = {
        "Records": [
            record(key=""),
            {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {}},
            record(size=-1),
            record(size=True),
            record(key="%20"),
            record(),
        ]
    }
    parsed = parse_s3_event(event)
    assert parsed.rejections == [
        Rejection(0, "missing s3.object.key"),
        Rejection(1, "missing s3.bucket"),
        Rejection(2, "s3.object.size must be a non-negative integer, got -1"),
        Rejection(3, "s3.object.size must be a non-negative integer, got True"),
    ]
    assert [obj.key for obj in parsed.objects] == [" ", "a b+c"]


def test_other_records_are_ignored_and_kinds_select() -> None:
    event = {
        "Records": [
            record(name="ObjectRemoved:Delete"),
            record(name="ObjectRestore:Completed"),
            {"eventSource": "aws:sqs", "body": "{}"},
            "not a record",
            record(),
        ]
    }
    parsed = parse_s3_event(event, kinds=(CREATED,))
    assert [obj.index for obj in parsed.objects] == [4]
    assert parsed.ignored == [
        "aws:s3 ObjectRemoved:Delete",
        "aws:s3 ObjectRestore:Completed",
        "aws:sqs ?",
        "record of type str",
    ]
    assert len(parse_s3_event(event).objects) == 2


@pytest.mark.parametrize(
    ("event", "ignored", "rejections"),
    [
        ({"Event": "s3:TestEvent"}, ["s3:TestEvent"], []),
        ("nope", [], [Rejection(-1, "event is not a JSON object")]),
        ({"Records": {}}, [], [Rejection(-1, "'Records' is not a list")]),
    ],
)
def test_events_without_records(event: Any, ignored: list[str], rejections: list[Any]) -> None:
    parsed = parse_s3_event(event)
    assert (parsed.objects, parsed.ignored, parsed.rejections) == ([], ignored, rejections)
