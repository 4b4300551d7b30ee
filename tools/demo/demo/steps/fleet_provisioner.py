"""Reconciles the desired fleet twice: the first run creates it, the second creates nothing."""

from __future__ import annotations

import json
from typing import Any

import boto3

from demo import console


def _invoke(function_name: str, event: dict[str, Any]) -> dict[str, Any]:
    reply = boto3.client("lambda").invoke(
        FunctionName=function_name, Payload=json.dumps(event).encode()
    )
    payload: dict[str, Any] = json.loads(reply["Payload"].read() or b"null")
    if reply.get("FunctionError"):
        raise RuntimeError(f"{function_name} failed: {payload}")
    return payload


def run(outputs: dict[str, Any]) -> None:
    function_name, parameter = outputs["function_name"], outputs["parameter_name"]
    document = json.loads(boto3.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"])
    servers = document["servers"] if isinstance(document, dict) else document
    owner = outputs["owner_tag"]
    console.step(
        f"desired fleet in {parameter}: {sum(s.get('count', 1) for s in servers)} servers, "
        f"{len(servers)} specs; owner tag {owner['key']}={owner['value']}"
    )

    first = _invoke(function_name, {"action": "reconcile"})
    console.step(f"run 1: launched {len(first['launched'])} instance(s), status {first['status']}")
    launched = {(x["spec"], x["index"]) for x in first["launched"]}
    by_spec = {s["name"]: s for s in servers}
    rows = []
    for name, state in first["fleet"].items():
        spec = by_spec.get(name, {})
        for index, instance_id in enumerate(state["instance_ids"]):
            rows.append(
                [
                    name,
                    index,
                    instance_id,
                    state["instance_type"],
                    spec.get("subnet_id", "-"),
                    "new" if (name, index) in launched else "existing",
                ]
            )
    console.table(["spec", "index", "instance", "type", "subnet", "this run"], rows)

    second = _invoke(function_name, {"action": "reconcile"})
    console.step(
        f"run 2: launched {len(second['launched'])} instance(s), status {second['status']} "
        "(idempotent: every slot is already filled)"
    )
    console.step(
        f"teardown: aws lambda invoke --function-name {function_name} "
        '--payload \'{"action": "teardown"}\' out.json'
    )
