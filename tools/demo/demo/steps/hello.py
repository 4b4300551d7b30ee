"""Invokes the smoke-test function synchronously and shows its answer and its log tail."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3

from demo import console


def run(outputs: dict[str, Any]) -> None:
    function_name = outputs["function_name"]
    client = boto3.client("lambda")
    console.step(f"invoke {function_name} with {{'name': 'platform team'}}")
    response = client.invoke(
        FunctionName=function_name,
        Payload=json.dumps({"name": "platform team"}).encode(),
        LogType="Tail",
    )
    console.block(json.loads(response["Payload"].read()))
    console.step("its log tail (LogType=Tail)")
    console.block(base64.b64decode(response.get("LogResult", "")).decode(errors="replace"))
    console.step("invoke with a bad request: {'name': 42}")
    bad = client.invoke(FunctionName=function_name, Payload=b'{"name": 42}')
    error = json.loads(bad["Payload"].read())
    console.block(
        {"FunctionError": bad.get("FunctionError"), "errorType": error.get("errorType"),
         "errorMessage": error.get("errorMessage")}
    )  # fmt: skip
