from __future__ import annotations

import base64

import pytest
from aws_lambda_powertools.event_handler.exceptions import BadRequestError

from s3_object_index_api.pagination import MAX_CURSOR_LENGTH, decode_cursor, encode_cursor


def b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("key", ["a", "dir/sub dir/é 100%.txt", "x" * 1024, "+?&=#"])
def test_cursor_round_trip(key: str) -> None:
    cursor = encode_cursor("lbp-uploads", key)
    assert "=" not in cursor
    assert decode_cursor(cursor, "lbp-uploads") == {"bucket": "lbp-uploads", "key": key}


@pytest.mark.parametrize(
    ("cursor", "reason"),
    [
        ("not base64!", "not a cursor returned by this API"),
        ("a", "not a cursor returned by this API"),
        (b64("not json"), "not a cursor returned by this API"),
        (b64("[1, 2]"), "not a cursor returned by this API"),
        (b64('{"bucket": "lbp-uploads"}'), "not a cursor returned by this API"),
        (b64('{"bucket": "lbp-uploads", "key": 3}'), "not a cursor returned by this API"),
        (b64('{"bucket": "lbp-uploads", "key": ""}'), "not a cursor returned by this API"),
        (
            b64('{"bucket": "lbp-uploads", "key": "k", "extra": 1}'),
            "not a cursor returned by this API",
        ),
        (base64.urlsafe_b64encode(b"\xff\xfe").decode(), "not a cursor returned by this API"),
        (encode_cursor("other-bucket", "k"), "another bucket"),
        (encode_cursor("lbp-uploads", "docs/k"), "another prefix"),
        ("A" * (MAX_CURSOR_LENGTH + 1), "not a cursor returned by this API"),
    ],
)
def test_bad_cursors_are_400(cursor: str, reason: str) -> None:
    with pytest.raises(BadRequestError, match=reason) as raised:
        decode_cursor(cursor, "lbp-uploads", "photos/")
    assert raised.value.status_code == 400
    assert "'cursor'" in raised.value.msg
