from __future__ import annotations

import json
from typing import Any

import pytest

from fleet_provisioner.spec import parse_fleet

RESERVED = ("FleetOwner", "FleetSpec", "FleetIndex")


def server(name: str = "web", **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "instance_type": "t3.micro",
        "image_id": "ami-0123456789abcdef0",
        "subnet_id": "subnet-0123456789abcdef0",
        "security_group_ids": ["sg-0123456789abcdef0"],
        "count": 2,
        "tags": {"Role": name},
    } | overrides


def parse(*servers: dict[str, Any], max_instances: int | None = None) -> Any:
    return parse_fleet(json.dumps({"servers": list(servers)}), RESERVED, max_instances)


def test_valid_fleet_is_parsed_with_defaults() -> None:
    entry = server("api")
    del entry["count"], entry["tags"]
    fleet = parse(server("web", instance_type="m7i-flex.large"), entry)
    assert fleet.errors == ()
    assert [(s.name, s.instance_type, s.count, dict(s.tags)) for s in fleet.servers] == [
        ("web", "m7i-flex.large", 2, {"Role": "web"}),
        ("api", "t3.micro", 1, {}),
    ]
    assert fleet.total == 3


def test_bare_list_and_zero_count_are_accepted() -> None:
    fleet = parse_fleet(json.dumps([server(count=0)]), RESERVED)
    assert fleet.errors == () and fleet.servers[0].count == 0


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"count": -1}, "count must be between 0 and 100, got -1"),
        ({"count": 1.5}, "count must be a whole number"),
        ({"count": True}, "count must be a whole number"),
        ({"count": "2"}, "count must be a whole number"),
        ({"instance_type": "huge"}, "instance_type must look like <family>.<size>"),
        ({"instance_type": "T3.Micro"}, "instance_type must look like"),
        ({"image_id": "ami-xyz"}, "image_id must look like"),
        ({"subnet_id": "sn-0123456789abcdef0"}, "subnet_id must look like"),
        ({"security_group_ids": []}, "security_group_ids must be a list of 1-5"),
        ({"security_group_ids": "sg-0123456789abcdef0"}, "security_group_ids must be a list"),
        ({"security_group_ids": ["sg-1"]}, "entries must look like sg-"),
        ({"tags": {"aws:cloudformation": "x"}}, "the aws: prefix is reserved"),
        ({"tags": {"FleetOwner": "someone"}}, "set by the provisioner"),
        ({"tags": {"Role": 7}}, "values strings"),
        ({"instanceType": "t3.micro"}, "unknown field(s) instanceType"),
        ({"name": "Web Server"}, "name must be 1-32 characters"),
    ],
)
def test_each_rule_rejects_with_the_entry_name(overrides: dict[str, Any], reason: str) -> None:
    fleet = parse(
        server("ok"), server("bad", **overrides) if "name" not in overrides else server(**overrides)
    )
    assert fleet.servers == ()
    [error] = fleet.errors
    expected_name = overrides.get("name", "bad")
    assert error.spec == expected_name
    assert reason in error.reason


def test_missing_fields_and_unnamed_entries_are_reported_by_position() -> None:
    entry = server()
    del entry["name"], entry["image_id"]
    fleet = parse(server("web"), entry, "not-an-object")  # type: ignore[arg-type]
    assert [(e.spec, e.reason) for e in fleet.errors] == [
        ("#1", "missing name"),
        ("#1", "missing image_id"),
        ("#2", "must be an object"),
    ]


def test_every_bad_entry_is_reported_not_only_the_first() -> None:
    fleet = parse(server("a", count=-2), server("b"), server("c", instance_type="x"))
    assert {e.spec for e in fleet.errors} == {"a", "c"}
    assert fleet.servers == ()


def test_duplicate_names_are_rejected() -> None:
    fleet = parse(server("web"), server("web", count=1))
    assert [(e.spec, e.reason) for e in fleet.errors] == [
        ("web", "duplicate name (spec names must be unique)")
    ]


def test_fleet_larger_than_max_instances_is_rejected() -> None:
    fleet = parse(server("a", count=3), server("b", count=3), max_instances=5)
    assert [(e.spec, e.reason) for e in fleet.errors] == [
        ("<fleet>", "asks for 6 instances; the limit is 5")
    ]
    assert parse(server("a", count=5), max_instances=5).errors == ()


@pytest.mark.parametrize("document", ["{", '{"servers": {}}', '"web"', "42"])
def test_malformed_documents_are_rejected(document: str) -> None:
    fleet = parse_fleet(document, RESERVED)
    assert fleet.servers == () and fleet.errors[0].spec == "<document>"


def test_instance_types_outside_the_allowed_list_are_named_and_reject_the_fleet() -> None:
    document = json.dumps(
        {"servers": [server("web"), server("gpu", instance_type="p5.48xlarge"), server("db")]}
    )
    fleet = parse_fleet(document, RESERVED, allowed_instance_types=("t3.micro", "t3.small"))
    assert fleet.servers == ()
    assert [e.as_dict() for e in fleet.errors] == [
        {
            "spec": "gpu",
            "reason": "instance_type 'p5.48xlarge' is not allowed (allowed: t3.micro, t3.small)",
        }
    ]


def test_allowed_instance_types_accept_the_listed_ones() -> None:
    document = json.dumps({"servers": [server("web"), server("api", instance_type="t3.small")]})
    fleet = parse_fleet(document, RESERVED, allowed_instance_types=("t3.micro", "t3.small"))
    assert fleet.errors == () and [s.name for s in fleet.servers] == ["web", "api"]
