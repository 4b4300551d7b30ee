"""The platform floor of `make bench` (benchmarks/cold_start.py): an empty handler cold started
through the API, then deleted with everything made for it. Fakes stand in for the AWS clients:
what is tested is the bench's own protocol (one new configuration per sample, only cold starts
counted, a role without permissions, cleanup even on failure), not Lambda.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any

import pytest
from benchmarks import cold_start
from benchmarks.cold_start import FloorSettings, floor_settings, platform_floor, versus_floor
from botocore.exceptions import ClientError


def _report(init_ms: float | None) -> str:
    line = "REPORT RequestId: r1\tDuration: 1.20 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB"
    line += "\tMax Memory Used: 20 MB"
    if init_ms is not None:
        line += f"\tInit Duration: {init_ms:.2f} ms"
    return f"START RequestId: r1 Version: $LATEST\nEND RequestId: r1\n{line}\t\n"


class FakeLambda:
    """Cold on the first invoke after a create or a configuration change, warm after that."""

    def __init__(self, inits: list[float], fail_invoke: bool = False, stay_warm: bool = False):
        self.inits = list(inits)
        self.fail_invoke = fail_invoke
        self.stay_warm = stay_warm
        self.calls: list[str] = []
        self.created: dict[str, Any] = {}
        self.cold = False
        self.role_errors = 0

    def create_function(self, **kwargs: Any) -> None:
        self.calls.append("create_function")
        if self.role_errors:
            self.role_errors -= 1
            raise ClientError(
                {"Error": {"Code": "InvalidParameterValueException", "Message": "cannot assume"}},
                "CreateFunction",
            )
        self.created = kwargs
        self.cold = True

    def update_function_configuration(self, **kwargs: Any) -> None:
        self.calls.append(f"update:{kwargs['Environment']['Variables']}")
        self.cold = not self.stay_warm

    def get_waiter(self, name: str) -> Any:
        calls = self.calls

        class Waiter:
            def wait(self, **kwargs: Any) -> None:
                calls.append(f"wait:{name}")

        return Waiter()

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("invoke")
        assert kwargs["LogType"] == "Tail"
        if self.fail_invoke:
            return {"FunctionError": "Unhandled", "LogResult": ""}
        init = self.inits.pop(0) if self.cold else None
        self.cold = False
        return {"StatusCode": 200, "LogResult": base64.b64encode(_report(init).encode()).decode()}

    def delete_function(self, **kwargs: Any) -> None:
        self.calls.append("delete_function")


class FakeIam:
    def __init__(self) -> None:
        self.roles: dict[str, dict[str, Any]] = {}
        self.deleted: list[str] = []

    def create_role(self, **kwargs: Any) -> dict[str, Any]:
        self.roles[kwargs["RoleName"]] = json.loads(kwargs["AssumeRolePolicyDocument"])
        return {"Role": {"Arn": f"arn:aws:iam::000000000000:role/{kwargs['RoleName']}"}}

    def delete_role(self, **kwargs: Any) -> None:
        self.deleted.append(kwargs["RoleName"])


class FakeLogs:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete_log_group(self, **kwargs: Any) -> None:
        self.deleted.append(kwargs["logGroupName"])


def test_one_cold_start_per_configuration_then_everything_is_deleted() -> None:
    lam, iam, logs = FakeLambda([41.0, 39.5, 40.2]), FakeIam(), FakeLogs()
    found = platform_floor(lam, iam, logs, FloorSettings("python3.12", "arm64", 256), samples=3)
    assert found == [41.0, 39.5, 40.2]
    assert lam.calls.count("invoke") == 3
    assert [c for c in lam.calls if c.startswith("update:")] == [
        "update:{'SAMPLE': '1'}",
        "update:{'SAMPLE': '2'}",
    ]
    name = lam.created["FunctionName"]
    assert name.startswith(cold_start.FLOOR_PREFIX)
    assert lam.created["Runtime"] == "python3.12"
    assert lam.created["Architectures"] == ["arm64"]
    assert lam.created["MemorySize"] == 256
    assert lam.calls[-1] == "delete_function"
    assert logs.deleted == [f"/aws/lambda/{name}"]
    assert iam.deleted == [name]


def test_the_floor_function_is_an_empty_handler_with_a_role_that_can_do_nothing() -> None:
    lam, iam = FakeLambda([40.0]), FakeIam()
    platform_floor(lam, iam, FakeLogs(), FloorSettings(), samples=1)
    with zipfile.ZipFile(io.BytesIO(lam.created["Code"]["ZipFile"])) as archive:
        assert archive.namelist() == ["app.py"]
        module = archive.read("app.py").decode()
    namespace: dict[str, Any] = {}
    exec(compile(module, "app.py", "exec"), namespace)
    assert set(namespace) - {"__builtins__"} == {"handler"}
    assert namespace["handler"]({}, None) is None
    assert lam.created["Handler"] == "app.handler"
    (trust,) = iam.roles.values()
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    # FakeIam has no put_role_policy / attach_role_policy: granting anything would fail here.


def test_a_failing_invoke_still_deletes_the_function_and_its_role() -> None:
    lam, iam, logs = FakeLambda([40.0], fail_invoke=True), FakeIam(), FakeLogs()
    with pytest.raises(RuntimeError, match="failed"):
        platform_floor(lam, iam, logs, FloorSettings(), samples=2)
    assert lam.calls[-1] == "delete_function"
    assert len(iam.deleted) == 1 and len(logs.deleted) == 1


def test_a_warm_start_is_never_taken_for_the_floor() -> None:
    lam, iam = FakeLambda([40.0, 41.0], stay_warm=True), FakeIam()
    with pytest.raises(RuntimeError, match="not a cold start"):
        platform_floor(lam, iam, FakeLogs(), FloorSettings(), samples=2)
    assert len(iam.deleted) == 1


def test_a_new_role_not_yet_assumable_is_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cold_start.time, "sleep", lambda seconds: None)
    lam = FakeLambda([40.0])
    lam.role_errors = 2
    assert platform_floor(lam, FakeIam(), FakeLogs(), FloorSettings(), samples=1) == [40.0]
    assert lam.calls.count("create_function") == 3


def test_floor_settings_follow_most_of_the_stack() -> None:
    configurations = [
        {"Runtime": "python3.12", "Architectures": ["arm64"], "MemorySize": 256},
        {"Runtime": "python3.12", "Architectures": ["arm64"], "MemorySize": 256},
        {"Runtime": "python3.13", "Architectures": ["x86_64"], "MemorySize": 1024},
    ]
    assert floor_settings(configurations) == FloorSettings("python3.12", "arm64", 256)
    assert floor_settings([]) == FloorSettings("python3.12", "x86_64", 128)


def test_versus_floor() -> None:
    assert versus_floor(120.0, 40.0) == {"x_platform_floor": 3.0, "above_floor_ms": 80.0}
    assert versus_floor(120.0, None) == {}
