"""Desired fleet vs the instances the provisioner owns: what to launch, what is extra.

Each spec of count N has slots 0..N-1. A slot is filled by an owned instance that is not
shutting down or terminated (pending, running, stopping and stopped all count: a stopped server
is somebody's decision, not a missing one) and carries the slot's spec and index tags. Missing
slots are launched. Owned instances outside the desired slots (a spec removed or its count
lowered, or a second instance in one slot) are reported as `surplus` and left alone: removing
servers is the teardown's job, never a side effect of an edited document. Filled slots whose
instance type no longer matches the spec are reported as `drifted`, not replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fleet_provisioner.spec import ServerSpec

LIVE_STATES = ("pending", "running", "stopping", "stopped")
CLIENT_TOKEN_LENGTH = 64


@dataclass(frozen=True)
class OwnedInstance:
    instance_id: str
    spec: str | None
    index: int | None
    state: str
    instance_type: str


@dataclass(frozen=True)
class Slot:
    spec: ServerSpec
    index: int


@dataclass(frozen=True)
class FleetPlan:
    launches: tuple[Slot, ...]
    filled: Mapping[tuple[str, int], OwnedInstance]
    surplus: tuple[OwnedInstance, ...]
    drifted: tuple[OwnedInstance, ...]


def plan_fleet(servers: Sequence[ServerSpec], owned: Iterable[OwnedInstance]) -> FleetPlan:
    desired = {server.name: server for server in servers}
    filled: dict[tuple[str, int], OwnedInstance] = {}
    surplus: list[OwnedInstance] = []
    drifted: list[OwnedInstance] = []
    for instance in sorted(owned, key=lambda i: i.instance_id):
        if instance.state not in LIVE_STATES:
            continue
        server = desired.get(instance.spec or "")
        index = instance.index
        if server is None or index is None or not 0 <= index < server.count:
            surplus.append(instance)
            continue
        if (server.name, index) in filled:
            surplus.append(instance)
            continue
        filled[(server.name, index)] = instance
        if instance.instance_type != server.instance_type:
            drifted.append(instance)
    launches = tuple(
        Slot(server, index)
        for server in servers
        for index in range(server.count)
        if (server.name, index) not in filled
    )
    return FleetPlan(launches, filled, tuple(surplus), tuple(drifted))


def client_token(owner: str, spec: str, index: int, run_id: str) -> str:
    """RunInstances idempotency token of one slot in one run.

    The same run retried (Lambda keeps the request id across asynchronous retries, and callers
    may pass their own run_id) sends the same token, so EC2 returns the instance it already
    launched instead of a second one. A later run uses a new token: reusing one token forever
    would make EC2 hand back a terminated instance instead of replacing it.
    """
    digest = hashlib.sha256("\x1f".join((owner, spec, str(index), run_id)).encode()).hexdigest()
    return f"fp-{digest}"[:CLIENT_TOKEN_LENGTH]


def parse_index(raw: str | None) -> int | None:
    if raw is None or not raw.isdigit():
        return None
    return int(raw)
