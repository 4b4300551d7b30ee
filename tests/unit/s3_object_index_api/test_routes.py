from __future__ import annotations

import re
from typing import Any

import pytest

from s3_object_index_api.errors import HttpError
from s3_object_index_api.events import FUNCTION_URL, REST_API, Request, to_request
from s3_object_index_api.pagination import encode_cursor
from s3_object_index_api.routes import GetObject, ListObjects, Route, match, resolve

MAX = 100


def route_of(request: Request) -> Route:
    template, tail = match(request.path)
    return resolve(request, template, tail, MAX)


def get(path: str, **query: str) -> Request:
    return Request(FUNCTION_URL, "GET", path, {name: [value] for name, value in query.items()})


def test_function_url_fixtures(load_request: Any) -> None:
    request = to_request(load_request("function_url_list"))
    assert (request.source, request.method) == (FUNCTION_URL, "GET")
    assert route_of(request) == ListObjects("lbp-uploads", "photos/", 2, None)
    assert route_of(to_request(load_request("function_url_get"))) == GetObject(
        "lbp-uploads", "photos/my photoé.jpg"
    )


def test_rest_api_fixtures(load_request: Any) -> None:
    request = to_request(load_request("rest_api_list"))
    assert (request.source, request.method) == (REST_API, "GET")
    assert route_of(request) == ListObjects("lbp-uploads", "photos/", 2, None)
    assert route_of(to_request(load_request("rest_api_get"))) == GetObject(
        "lbp-uploads", "backups/100% done.tar"
    )


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
def test_keys_in_the_path_are_decoded_once(path: str, key: str) -> None:
    assert route_of(get(path)) == GetObject("lbp-uploads", key)


@pytest.mark.parametrize("path", ["/objects", "/objects/", "/prod/objects"])
def test_list_route_with_or_without_stage(path: str) -> None:
    assert route_of(get(path, bucket="b-1")) == ListObjects("b-1", "", MAX, None)


def test_list_route_values() -> None:
    cursor = encode_cursor("lbp-uploads", "photos/a.jpg")
    route = route_of(
        get("/objects", bucket="lbp-uploads", prefix="photos/", limit="7", cursor=cursor)
    )
    assert route == ListObjects(
        "lbp-uploads", "photos/", 7, {"bucket": "lbp-uploads", "key": "photos/a.jpg"}
    )


@pytest.mark.parametrize(
    ("request_", "status", "reason"),
    [
        (get("/objects"), 400, "missing query parameter 'bucket'"),
        (get("/objects", bucket=""), 400, "missing query parameter 'bucket'"),
        (get("/objects", bucket="Bad_Bucket"), 400, "'bucket' is not a valid S3 bucket name"),
        (get("/objects", bucket="ab"), 400, "'bucket' is not a valid S3 bucket name"),
        (get("/objects", bucket="a..b"), 400, "'bucket' is not a valid S3 bucket name"),
        (get("/objects", bucket="192.168.1.1"), 400, "'bucket' is not a valid S3 bucket name"),
        (get("/objects", bucket="-ab"), 400, "'bucket' is not a valid S3 bucket name"),
        (get("/objects", bucket="b" * 64), 400, "'bucket' is not a valid S3 bucket name"),
        (get("/objects", bucket="bkt", limit="0"), 400, "'limit' must be an integer in 1..100"),
        (get("/objects", bucket="bkt", limit="101"), 400, "'limit' must be an integer in 1..100"),
        (get("/objects", bucket="bkt", limit="ten"), 400, "'limit' must be an integer"),
        (get("/objects", bucket="bkt", limit="-1"), 400, "'limit' must be an integer"),
        (get("/objects", bucket="bkt", limit="1.5"), 400, "'limit' must be an integer"),
        (get("/objects", bucket="bkt", limit=""), 400, "'limit' must be an integer"),
        (get("/objects", bucket="bkt", cursor="%%%"), 400, "'cursor' is not a cursor"),
        (get("/objects", bucket="bkt", perfix="a"), 400, "unknown query parameter 'perfix'"),
        (get("/objects", bucket="bkt", prefix="p" * 1025), 400, "'prefix' is longer than"),
        (
            Request(FUNCTION_URL, "GET", "/objects", {"bucket": ["a-b", "c-d"]}),
            400,
            "'bucket' must be given once",
        ),
        (get("/objects/bkt/k", bucket="bkt"), 400, "unknown query parameter 'bucket'"),
        (get("/objects/Bad_Bucket/k"), 400, "bucket in path is not a valid S3 bucket name"),
        (get("/objects/bkt/" + "k" * 1025), 400, "object key in path is longer than 1024"),
        (get("/objects/bkt"), 404, "no route for path '/objects/bkt'"),
        (get("/objects/bkt/"), 400, "missing object key in path"),
        (get("/objects//k"), 404, "no route for path"),
        (get("/"), 404, "no route for path '/'"),
        (get("/things"), 404, "no route for path '/things'"),
        (Request(FUNCTION_URL, "POST", "/objects", {}), 405, "method POST not allowed on /objects"),
        (
            Request(REST_API, "DELETE", "/objects/bkt/k", {}),
            405,
            "method DELETE not allowed on /objects/{bucket}/{key+}",
        ),
    ],
)
def test_bad_requests_are_named(request_: Request, status: int, reason: str) -> None:
    with pytest.raises(HttpError, match=re.escape(reason)) as raised:
        route_of(request_)
    assert raised.value.status == status


def test_method_not_allowed_names_the_allowed_method() -> None:
    with pytest.raises(HttpError) as raised:
        route_of(Request(FUNCTION_URL, "PUT", "/objects", {}))
    assert raised.value.headers == {"allow": "GET"}


def test_function_url_query_string_is_form_decoded(function_url_event: Any) -> None:
    event = function_url_event("/objects", "bucket=bkt&prefix=a%2Bb+c%2F%C3%A9&limit=3")
    route = route_of(to_request(event))
    assert route == ListObjects("bkt", "a+b c/é", 3, None)


def test_function_url_without_raw_query_string_uses_parameters(function_url_event: Any) -> None:
    event = function_url_event("/objects")
    del event["rawQueryString"]
    event["queryStringParameters"] = {"bucket": "bkt"}
    assert route_of(to_request(event)) == ListObjects("bkt", "", MAX, None)


def test_rest_api_repeated_parameters_are_refused(rest_event: Any) -> None:
    event = rest_event("/objects", {"bucket": ["bkt", "other"]})
    with pytest.raises(HttpError, match="given once"):
        route_of(to_request(event))


def test_rest_api_without_multi_value_parameters(rest_event: Any) -> None:
    event = rest_event("/objects")
    event["queryStringParameters"] = {"bucket": "bkt", "limit": "5"}
    assert route_of(to_request(event)) == ListObjects("bkt", "", 5, None)


@pytest.mark.parametrize("event", [None, [], {"foo": "bar"}, {"httpMethod": "GET"}])
def test_unknown_event_shapes_are_400(event: Any) -> None:
    with pytest.raises(HttpError) as raised:
        to_request(event)
    assert raised.value.status == 400
