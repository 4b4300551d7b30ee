from __future__ import annotations

from typing import Any

import pytest

from s3_object_index.records import collapse_by_key, parse_event

BUCKET = "lbp-uploads"


def s3_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "put",
            {"key": "photos/my photoé.jpg", "event_name": "ObjectCreated:Put", "size": 102400},
        ),
        ("copy", {"key": "reports/2024 Q1+Q2.csv", "event_name": "ObjectCreated:Copy"}),
        (
            "complete_multipart_upload",
            {
                "key": "backups/100% done.tar",
                "event_name": "ObjectCreated:CompleteMultipartUpload",
                "etag": "ceb8853ddc5086cc4ab9e149f8f09c88-3",
            },
        ),
        (
            "delete",
            {"key": "tmp/a b.txt", "deleted": True, "size": None, "etag": None},
        ),
        (
            "delete_marker_created",
            {
                "key": "docs/report.pdf",
                "event_name": "ObjectRemoved:DeleteMarkerCreated",
                "deleted": True,
                "version_id": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
            },
        ),
    ],
)
def test_each_fixture_parses_and_decodes_its_key(
    fixture: str, expected: dict[str, Any], load_event: Any
) -> None:
    parsed = parse_event(load_event(fixture))
    assert parsed.ignored == []
    assert parsed.rejections == []
    [change] = parsed.changes
    assert change.bucket == BUCKET
    assert change.deleted is expected.get("deleted", False)
    for name, value in expected.items():
        assert getattr(change, name) == value, name


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("my+photo%C3%A9.jpg", "my photoé.jpg"),
        ("a%2Bb", "a+b"),
        ("100%25", "100%"),
        ("dir/sub+dir/file", "dir/sub dir/file"),
        ("%E6%97%A5%E6%9C%AC", "日本"),
    ],
)
def test_keys_are_form_decoded(encoded: str, decoded: str, s3_record: Any) -> None:
    [change] = parse_event(s3_event(s3_record(encoded, "01"))).changes
    assert change.key == decoded


def test_every_record_is_read_not_only_the_first(load_event: Any) -> None:
    parsed = parse_event(load_event("multi_record"))
    assert [change.key for change in parsed.changes] == [
        "inbox/first.txt",
        "inbox/first.txt",
        "inbox/second file.txt",
        "inbox/gone.txt",
    ]


def test_collapse_keeps_the_latest_change_per_key(load_event: Any) -> None:
    changes, superseded = collapse_by_key(parse_event(load_event("multi_record")).changes)
    assert superseded == 1
    latest = {change.key: change for change in changes}
    assert set(latest) == {"inbox/first.txt", "inbox/second file.txt", "inbox/gone.txt"}
    assert latest["inbox/first.txt"].size == 12


def test_collapse_keeps_the_latest_even_when_it_arrives_first(s3_record: Any) -> None:
    event = s3_event(
        s3_record("k", "0B", name="ObjectRemoved:Delete"),
        s3_record("k", "0A"),
        s3_record("k", "0B"),
    )
    [change], superseded = collapse_by_key(parse_event(event).changes)
    assert (change.sequencer, change.deleted, superseded) == ("0B", True, 2)


def test_collapse_separates_buckets(s3_record: Any) -> None:
    event = s3_event(
        s3_record("k", "01", bucket="bucket-a"), s3_record("k", "02", bucket="bucket-b")
    )
    changes, superseded = collapse_by_key(parse_event(event).changes)
    assert (len(changes), superseded) == (2, 0)


def test_s3_test_event_is_ignored(load_event: Any) -> None:
    parsed = parse_event(load_event("test_event"))
    assert (parsed.changes, parsed.ignored, parsed.rejections) == ([], ["s3:TestEvent"], [])


def test_records_that_are_not_object_changes_are_ignored(s3_record: Any) -> None:
    restore = s3_record("k", "01", name="ObjectRestore:Completed")
    sqs = {"eventSource": "aws:sqs", "body": "{}"}
    parsed = parse_event(s3_event(restore, sqs, "not a record", s3_record("k", "02")))
    assert len(parsed.changes) == 1
    assert parsed.ignored == [
        "aws:s3 ObjectRestore:Completed",
        "aws:sqs ?",
        "record of type str",
    ]


def test_malformed_records_are_rejected_with_a_reason_and_good_ones_kept(load_event: Any) -> None:
    parsed = parse_event(load_event("malformed"))
    assert [change.key for change in parsed.changes] == ["good/one.txt"]
    assert [(r.index, r.reason) for r in parsed.rejections] == [
        (1, "missing s3.object.key"),
        (2, "sequencer must be a hexadecimal string, got 'not-hex!'"),
    ]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: r["s3"].pop("bucket"), "missing s3.bucket"),
        (lambda r: r["s3"]["object"].pop("sequencer"), "missing s3.object.sequencer"),
        (lambda r: r["s3"]["object"].update(key=""), "missing s3.object.key"),
        (lambda r: r["s3"]["object"].update(size=-1), "s3.object.size"),
        (lambda r: r["s3"]["object"].update(size="12"), "s3.object.size"),
        (lambda r: r.pop("eventTime"), "missing eventTime"),
    ],
)
def test_malformed_record_reasons(mutate: Any, reason: str, s3_record: Any) -> None:
    record = s3_record("k", "01")
    mutate(record)
    parsed = parse_event(s3_event(record))
    assert parsed.changes == []
    [rejection] = parsed.rejections
    assert reason in rejection.reason


@pytest.mark.parametrize("event", [[], "x", {"Records": "nope"}])
def test_events_of_the_wrong_shape_are_rejected(event: Any) -> None:
    parsed = parse_event(event)
    assert parsed.changes == []
    assert len(parsed.rejections) == 1
