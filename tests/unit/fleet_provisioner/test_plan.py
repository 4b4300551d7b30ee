from __future__ import annotations

from fleet_provisioner.plan import OwnedInstance, client_token, parse_index, plan_fleet
from fleet_provisioner.spec import ServerSpec


def spec(name: str, count: int, instance_type: str = "t3.micro") -> ServerSpec:
    return ServerSpec(
        name, instance_type, "ami-12345678", "subnet-12345678", ("sg-12345678",), count
    )


def owned(
    instance_id: str,
    spec_name: str | None,
    index: int | None,
    state: str = "running",
    itype: str = "t3.micro",
) -> OwnedInstance:
    return OwnedInstance(instance_id, spec_name, index, state, itype)


def slots(plan: object) -> list[tuple[str, int]]:
    return [(slot.spec.name, slot.index) for slot in plan.launches]  # type: ignore[attr-defined]


def test_empty_account_launches_every_slot_in_spec_order() -> None:
    plan = plan_fleet([spec("web", 2), spec("db", 1), spec("off", 0)], [])
    assert slots(plan) == [("web", 0), ("web", 1), ("db", 0)]
    assert plan.surplus == () and plan.drifted == ()


def test_filled_slots_are_not_launched_again() -> None:
    plan = plan_fleet(
        [spec("web", 3)], [owned("i-1", "web", 0), owned("i-2", "web", 2, state="stopped")]
    )
    assert slots(plan) == [("web", 1)]
    assert {key: i.instance_id for key, i in plan.filled.items()} == {
        ("web", 0): "i-1",
        ("web", 2): "i-2",
    }


def test_a_complete_fleet_plans_nothing() -> None:
    servers = [spec("web", 2), spec("db", 1)]
    existing = [owned("i-1", "web", 0), owned("i-2", "web", 1), owned("i-3", "db", 0, "pending")]
    assert slots(plan_fleet(servers, existing)) == []


def test_terminated_and_shutting_down_instances_leave_their_slot_empty() -> None:
    plan = plan_fleet(
        [spec("web", 2)],
        [owned("i-1", "web", 0, "terminated"), owned("i-2", "web", 1, "shutting-down")],
    )
    assert slots(plan) == [("web", 0), ("web", 1)]


def test_extra_instances_are_surplus_and_never_fill_a_slot() -> None:
    existing = [
        owned("i-1", "web", 0),
        owned("i-2", "web", 0),  # a second instance in the same slot
        owned("i-3", "web", 5),  # count was lowered
        owned("i-4", "gone", 0),  # spec removed
        owned("i-5", "web", None),  # index tag missing or garbled
    ]
    plan = plan_fleet([spec("web", 2)], existing)
    assert [i.instance_id for i in plan.surplus] == ["i-2", "i-3", "i-4", "i-5"]
    assert slots(plan) == [("web", 1)]


def test_instance_type_drift_is_reported_not_replaced() -> None:
    plan = plan_fleet([spec("web", 1, "t3.large")], [owned("i-1", "web", 0, itype="t3.micro")])
    assert [i.instance_id for i in plan.drifted] == ["i-1"] and slots(plan) == []


def test_client_token_is_deterministic_per_run_and_slot() -> None:
    token = client_token("owner", "web", 0, "run-1")
    assert token == client_token("owner", "web", 0, "run-1")
    others = {
        client_token("owner", "web", 1, "run-1"),
        client_token("owner", "db", 0, "run-1"),
        client_token("other", "web", 0, "run-1"),
        client_token("owner", "web", 0, "run-2"),
    }
    assert token not in others and len(others) == 4
    assert len(token) <= 64 and token.isascii() and token.startswith("fp-")


def test_parse_index() -> None:
    assert [parse_index(v) for v in ("0", "12", "-1", "x", None, "")] == [
        0,
        12,
        None,
        None,
        None,
        None,
    ]
