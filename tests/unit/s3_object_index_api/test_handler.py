from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import quote

import pytest

from s3_object_index_api.config import ConfigError, load_config

HANDLER = "s3_object_index_api.handler"
TABLE = "object-index"
BUCKET = "lbp-uploads"


def load_api(load_handler: Any, **env: str) -> Any:
    """A cold start: the routes module (its cached settings and client) is imported afresh too."""
    sys.modules.pop("s3_object_index_api.routes", None)
    return load_handler(HANDLER, **env)


@pytest.fixture
def api(load_handler: Any, dynamodb: Any) -> Any:
    return load_api(load_handler, TABLE_NAME=TABLE)


def header(response: dict[str, Any], name: str) -> str | None:
    """A response header from `headers` (function URL) or `multiValueHeaders` (REST API)."""
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name:
            return ", ".join(values)
    return None


def call(api: Any, event: dict[str, Any], context: Any) -> tuple[int, Any]:
    response = api.lambda_handler(event, context)
    assert header(response, "content-type") == "application/json"
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


def test_max_page_size_from_the_environment(
    load_handler: Any, dynamodb: Any, lambda_context: Any, function_url_event: Any
) -> None:
    api = load_api(load_handler, TABLE_NAME=TABLE, MAX_PAGE_SIZE="5")
    status, body = list_page(api, lambda_context, function_url_event, "bucket=bkt&limit=6")
    assert (status, body["error"]) == (400, "query parameter 'limit' must be an integer in 1..5")


def test_aws_failures_are_500_and_logged(
    load_handler: Any,
    dynamodb: Any,
    lambda_context: Any,
    function_url_event: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = load_api(load_handler, TABLE_NAME="no-such-table")
    status, body = list_page(api, lambda_context, function_url_event, "bucket=bkt")
    assert (status, body) == (500, {"error": "internal error"})
    assert any(record.msg == "request failed" and record.exc_info for record in caplog.records)


def test_one_log_line_per_request(
    api: Any, lambda_context: Any, function_url_event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    list_page(api, lambda_context, function_url_event, "bucket=bkt")
    [line] = [record.__dict__ for record in caplog.records if record.msg == "request"]
    assert (line["method"], line["path"], line["status"], line["source"]) == (
        "GET",
        "/objects",
        200,
        "function_url",
    )
    assert line["duration_ms"] >= 0


def test_missing_table_name_fails_at_cold_start(load_handler: Any) -> None:
    with pytest.raises(ConfigError, match="TABLE_NAME is required"):
        load_api(load_handler, TABLE_NAME="")


@pytest.mark.parametrize("raw", ["0", "1001", "many", "-3"])
def test_bad_max_page_size_is_named(raw: str) -> None:
    with pytest.raises(ConfigError, match="MAX_PAGE_SIZE"):
        load_config({"TABLE_NAME": "t", "MAX_PAGE_SIZE": raw})


# Routing: both event shapes, key decoding, stages, named client errors.


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/objects/lbp-uploads/a/b/c.txt", "a/b/c.txt"),
        ("/objects/lbp-uploads/a%2Fb%2Fc.txt", "a/b/c.txt"),
        ("/objects/lbp-uploads/100%25.txt", "100%.txt"),
        ("/objects/lbp-uploads/100%2541", "100%41"),
        ("/objects/lbp-uploads/my%20photo%C3%A9.jpg", "my photoé.jpg"),
        ("/objects/lbp-uploads/a+b", "a+b"),
        ("/objects/lbp-uploads/%E6%97%A5%E6%9C%AC/", "日本/"),
        ("/objects/lbp-uploads/a//b", "a//b"),
        ("/prod/objects/lbp-uploads/k", "k"),
        ("/base/path/objects/lbp-uploads/objects/k", "objects/k"),
    ],
)
def test_keys_in_the_path_are_decoded_once(
    api: Any,
    dynamodb: Any,
    lambda_context: Any,
    function_url_event: Any,
    rest_event: Any,
    put_object_row: Any,
    path: str,
    key: str,
) -> None:
    put_object_row(dynamodb, key)
    for event in (function_url_event(path), rest_event(path)):
        assert call(api, event, lambda_context)[1]["key"] == key


@pytest.mark.parametrize("path", ["/objects", "/objects/", "/prod/objects"])
def test_list_route_with_or_without_stage(
    api: Any, lambda_context: Any, function_url_event: Any, rest_event: Any, path: str
) -> None:
    for event in (function_url_event(path, "bucket=b-1"), rest_event(path, {"bucket": ["b-1"]})):
        assert call(api, event, lambda_context) == (200, {"items": [], "next_cursor": None})


@pytest.mark.parametrize(
    ("path", "query", "method", "status", "reason"),
    [
        ("/objects", "", "GET", 400, "missing query parameter 'bucket'"),
        ("/objects", "bucket=", "GET", 400, "missing query parameter 'bucket'"),
        ("/objects", "bucket=Bad_Bucket", "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=ab", "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=a..b", "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=192.168.1.1", "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=-ab", "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=" + "b" * 64, "GET", 400, "'bucket' is not a valid S3 bucket name"),
        ("/objects", "bucket=bkt&limit=0", "GET", 400, "'limit' must be an integer in 1..100"),
        ("/objects", "bucket=bkt&limit=101", "GET", 400, "'limit' must be an integer in 1..100"),
        ("/objects", "bucket=bkt&limit=ten", "GET", 400, "'limit' must be an integer"),
        ("/objects", "bucket=bkt&limit=-1", "GET", 400, "'limit' must be an integer"),
        ("/objects", "bucket=bkt&limit=1.5", "GET", 400, "'limit' must be an integer"),
        ("/objects", "bucket=bkt&limit=", "GET", 400, "'limit' must be an integer"),
        ("/objects", "bucket=bkt&cursor=%25%25%25", "GET", 400, "'cursor' is not a cursor"),
        ("/objects", "bucket=bkt&cursor=zzz", "GET", 400, "'cursor'"),
        ("/objects", "bucket=bkt&sort=asc", "GET", 400, "unknown query parameter 'sort'"),
        ("/objects", "bucket=bkt&perfix=a", "GET", 400, "unknown query parameter 'perfix'"),
        ("/objects", "bucket=bkt&prefix=" + "p" * 1025, "GET", 400, "'prefix' is longer than"),
        ("/objects", "bucket=a-b&bucket=c-d", "GET", 400, "'bucket' must be given once"),
        ("/objects/bkt/k", "bucket=bkt", "GET", 400, "unknown query parameter 'bucket'"),
        ("/objects/Bad_Bucket/k", "", "GET", 400, "bucket in path is not a valid S3 bucket name"),
        ("/objects/bkt/" + "k" * 1025, "", "GET", 400, "object key in path is longer than 1024"),
        ("/objects/bkt", "", "GET", 404, "no route for path '/objects/bkt'"),
        ("/objects/bkt/", "", "GET", 400, "missing object key in path"),
        ("/objects//k", "", "GET", 404, "no route for path"),
        ("/", "", "GET", 404, "no route for path '/'"),
        ("/things", "", "GET", 404, "no route for path '/things'"),
        ("/nothing", "", "GET", 404, "no route for path '/nothing'"),
        ("/objects", "", "POST", 405, "method POST not allowed on /objects"),
        (
            "/objects/bkt/k",
            "",
            "DELETE",
            405,
            "method DELETE not allowed on /objects/{bucket}/{key+}",
        ),
    ],
)
def test_bad_requests_are_named(
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


def test_method_not_allowed_names_the_allowed_method(
    api: Any, lambda_context: Any, function_url_event: Any, rest_event: Any
) -> None:
    for event in (function_url_event("/objects", "", "PUT"), rest_event("/objects", None, "PUT")):
        response = api.lambda_handler(event, lambda_context)
        assert (response["statusCode"], header(response, "allow")) == (405, "GET")


def test_function_url_query_string_is_form_decoded(
    api: Any, dynamodb: Any, lambda_context: Any, function_url_event: Any, put_object_row: Any
) -> None:
    for key in ("a+b c/é1", "a+b c/é2", "a+b c/é3", "a+b c/é4", "a b c/x"):
        put_object_row(dynamodb, key)
    event = function_url_event("/objects", "bucket=lbp-uploads&prefix=a%2Bb+c%2F%C3%A9&limit=3")
    status, body = call(api, event, lambda_context)
    assert status == 200
    assert [item["key"] for item in body["items"]] == ["a+b c/é1", "a+b c/é2", "a+b c/é3"]


def test_function_url_without_raw_query_string_uses_parameters(
    api: Any, lambda_context: Any, function_url_event: Any
) -> None:
    event = function_url_event("/objects")
    del event["rawQueryString"]
    event["queryStringParameters"] = {"bucket": "bkt"}
    assert call(api, event, lambda_context) == (200, {"items": [], "next_cursor": None})


def test_rest_api_repeated_parameters_are_refused(
    api: Any, lambda_context: Any, rest_event: Any
) -> None:
    status, body = call(api, rest_event("/objects", {"bucket": ["bkt", "other"]}), lambda_context)
    assert status == 400 and "given once" in body["error"]


def test_rest_api_without_multi_value_parameters(
    api: Any, lambda_context: Any, rest_event: Any
) -> None:
    event = rest_event("/objects")
    event["queryStringParameters"] = {"bucket": "bkt", "limit": "0"}
    status, body = call(api, event, lambda_context)
    assert status == 400 and "'limit' must be an integer in 1..100" in body["error"]


@pytest.mark.parametrize("event", [None, [], {"foo": "bar"}, {"httpMethod": "GET"}])
def test_unknown_event_shapes_are_400(api: Any, lambda_context: Any, event: Any) -> None:
    assert call(api, event, lambda_context)[0] == 400
