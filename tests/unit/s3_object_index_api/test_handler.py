from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from s3_object_index_api.config import ConfigError, load_config

HANDLER = "s3_object_index_api.handler"
TABLE = "object-index"
BUCKET = "lbp-uploads"


@pytest.fixture
def api(load_handler: Any, dynamodb: Any) -> Any:
    return load_handler(HANDLER, TABLE_NAME=TABLE)


def call(api: Any, event: dict[str, Any], context: Any) -> tuple[int, Any]:
    response = api.lambda_handler(event, context)
    assert response["headers"]["content-type"] == "application/json"
    assert response["isBase64Encoded"] is False
    return response["statusCode"], json.loads(response["body"])


def list_page(
    api: Any, context: Any, function_url_event: Any, query: str
) -> tuple[int, dict[str, Any]]:
    return call(api, function_url_event("/objects", query), context)


@pytest.mark.parametrize("fixture", ["function_url_list", "rest_api_list"])
def test_list_fixture_in_both_shapes(
    api: Any,
    dynamodb: Any,
    lambda_context: Any,
    load_request: Any,
    put_object_row: Any,
    fixture: str,
) -> None:
    for key in ("photos/a.jpg", "photos/b.jpg", "photos/c.jpg", "videos/a.mp4"):
        put_object_row(dynamodb, key)
    status, body = call(api, load_request(fixture), lambda_context)
    assert status == 200
    assert [item["key"] for item in body["items"]] == ["photos/a.jpg", "photos/b.jpg"]
    assert body["next_cursor"]


@pytest.mark.parametrize(
    ("fixture", "key"),
    [("function_url_get", "photos/my photoé.jpg"), ("rest_api_get", "backups/100% done.tar")],
)
def test_get_fixture_in_both_shapes(
    api: Any,
    dynamodb: Any,
    lambda_context: Any,
    load_request: Any,
    put_object_row: Any,
    fixture: str,
    key: str,
) -> None:
    put_object_row(dynamodb, key, size=12345)
    status, body = call(api, load_request(fixture), lambda_context)
    assert status == 200
    assert body == {
        "bucket": BUCKET,
        "key": key,
        "size": 12345,
        "etag": "etag",
        "event_name": "ObjectCreated:Put",
        "event_time": "2024-05-01T10:00:00.000Z",
        "sequencer": "0A",
        "indexed_at": "2024-05-01T12:00:00.000+00:00",
    }


@pytest.mark.parametrize(
    "key", ["a/b/c.txt", "dir/100%.txt", "unicode/日本 é.txt", "plus+sign", "percent%2541"]
)
def test_get_url_encoded_keys(
    api: Any,
    dynamodb: Any,
    lambda_context: Any,
    function_url_event: Any,
    rest_event: Any,
    put_object_row: Any,
    key: str,
) -> None:
    put_object_row(dynamodb, key)
    for path in (f"/objects/{BUCKET}/{quote(key)}", f"/objects/{BUCKET}/{quote(key, safe='')}"):
        for event in (function_url_event(path), rest_event(f"/prod{path}")):
            status, body = call(api, event, lambda_context)
            assert (status, body["key"]) == (200, key)


def test_get_unknown_and_deleted_keys_are_404(
    api: Any, dynamodb: Any, lambda_context: Any, function_url_event: Any, put_object_row: Any
) -> None:
    put_object_row(dynamodb, "gone.txt", deleted=True)
    for key in ("gone.txt", "never.txt"):
        status, body = call(api, function_url_event(f"/objects/{BUCKET}/{key}"), lambda_context)
        assert status == 404
        assert key in body["error"]


def test_pagination_across_pages_with_tombstones(
    api: Any, dynamodb: Any, lambda_context: Any, function_url_event: Any, put_object_row: Any
) -> None:
    live = []
    for n in range(40):
        key = f"p/{n:02}"
        deleted = n % 3 == 0 or 10 <= n < 20
        put_object_row(dynamodb, key, deleted=deleted)
        if not deleted:
            live.append(key)
    put_object_row(dynamodb, "q/outside-prefix")
    put_object_row(dynamodb, "p/other-bucket", bucket="other-bucket")

    seen: list[str] = []
    pages = 0
    query = f"bucket={BUCKET}&prefix=p%2F&limit=4"
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        status, body = list_page(api, lambda_context, function_url_event, query + suffix)
        assert status == 200
        pages += 1
        seen += [item["key"] for item in body["items"]]
        assert all("deleted" not in item and "sequencer_sort" not in item for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(body["items"]) == 4
    assert seen == live
    assert pages == -(-len(live) // 4)


def test_list_without_prefix_and_default_limit(
    api: Any, dynamodb: Any, lambda_context: Any, function_url_event: Any, put_object_row: Any
) -> None:
    for n in range(3):
        put_object_row(dynamodb, f"k{n}")
    status, body = list_page(api, lambda_context, function_url_event, f"bucket={BUCKET}")
    assert status == 200
    assert [item["key"] for item in body["items"]] == ["k0", "k1", "k2"]
    assert body["next_cursor"] is None


def test_list_of_an_empty_bucket(api: Any, lambda_context: Any, function_url_event: Any) -> None:
    assert list_page(api, lambda_context, function_url_event, "bucket=empty-bucket") == (
        200,
        {"items": [], "next_cursor": None},
    )


@pytest.mark.parametrize(
    ("path", "query", "method", "status", "reason"),
    [
        ("/objects", "", "GET", 400, "missing query parameter 'bucket'"),
        ("/objects", "bucket=BAD", "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=bkt&limit=101", "GET", 400, "'limit' must be an integer in 1..100"),
        ("/objects", "bucket=bkt&cursor=zzz", "GET", 400, "'cursor'"),
        ("/objects", "bucket=bkt&sort=asc", "GET", 400, "unknown query parameter 'sort'"),
        ("/objects", "bucket=bkt", "POST", 405, "method POST not allowed"),
        ("/nothing", "", "GET", 404, "no route for path '/nothing'"),
    ],
)
def test_errors_through_the_handler(
    api: Any,
    lambda_context: Any,
    function_url_event: Any,
    path: str,
    query: str,
    method: str,
    status: int,
    reason: str,
) -> None:
    got_status, body = call(api, function_url_event(path, query, method), lambda_context)
    assert got_status == status
    assert reason in body["error"]


def test_405_carries_an_allow_header(api: Any, lambda_context: Any, rest_event: Any) -> None:
    response = api.lambda_handler(rest_event("/objects", None, "PUT"), lambda_context)
    assert (response["statusCode"], response["headers"]["allow"]) == (405, "GET")


def test_max_page_size_from_the_environment(
    load_handler: Any, dynamodb: Any, lambda_context: Any, function_url_event: Any
) -> None:
    api = load_handler(HANDLER, TABLE_NAME=TABLE, MAX_PAGE_SIZE="5")
    status, body = list_page(api, lambda_context, function_url_event, "bucket=bkt&limit=6")
    assert (status, body["error"]) == (400, "query parameter 'limit' must be an integer in 1..5")


def test_aws_failures_are_500_and_logged(
    load_handler: Any,
    dynamodb: Any,
    lambda_context: Any,
    function_url_event: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = load_handler(HANDLER, TABLE_NAME="no-such-table")
    status, body = list_page(api, lambda_context, function_url_event, "bucket=bkt")
    assert (status, body) == (500, {"error": "internal error"})
    assert any(record.msg == "request failed" and record.exc_info for record in caplog.records)


def test_one_log_line_per_request(
    api: Any, lambda_context: Any, function_url_event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    list_page(api, lambda_context, function_url_event, "bucket=bkt")
    [line] = [record.__dict__ for record in caplog.records if record.msg == "request"]
    assert (line["method"], line["route"], line["status"], line["source"]) == (
        "GET",
        "/objects",
        200,
        "function_url",
    )
    assert line["duration_ms"] >= 0


def test_missing_table_name_fails_at_cold_start(load_handler: Any) -> None:
    with pytest.raises(ConfigError, match="TABLE_NAME is required"):
        load_handler(HANDLER, TABLE_NAME="")


@pytest.mark.parametrize("raw", ["0", "1001", "many", "-3"])
def test_bad_max_page_size_is_named(raw: str) -> None:
    with pytest.raises(ConfigError, match="MAX_PAGE_SIZE"):
        load_config({"TABLE_NAME": "t", "MAX_PAGE_SIZE": raw})
