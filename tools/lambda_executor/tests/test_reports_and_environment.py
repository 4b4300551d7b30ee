from __future__ import annotations

import json
from pathlib import Path

from local_lambda_executor import reports
from local_lambda_executor.environment import worker_environment, worker_sys_path


def test_report_line_has_the_aws_fields() -> None:
    line = reports.report_line(reports.ReportFields("rid", 12.341, 128, 40, init_duration_ms=150.5))
    assert line == (
        "REPORT RequestId: rid\tDuration: 12.34 ms\tBilled Duration: 13 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 150.50 ms\t\n"
    )
    timed_out = reports.report_line(reports.ReportFields("rid", 2000.2, 128, 40, status="timeout"))
    assert timed_out.endswith("Status: timeout\t\n")
    assert "Init Duration" not in timed_out


def test_error_payloads() -> None:
    assert json.loads(reports.error_payload("Runtime.InvalidRuntime", "no python3.12")) == {
        "errorMessage": "no python3.12",
        "errorType": "Runtime.InvalidRuntime",
        "requestId": "",
        "stackTrace": [],
    }
    timeout = json.loads(reports.timeout_payload("rid", 2))
    assert timeout == {
        "errorMessage": "RequestId: rid Error: Task timed out after 2.00 seconds",
        "errorType": "Sandbox.Timedout",
    }
    assert reports.timeout_log_line("rid", 3, now=0.5) == (
        "1970-01-01T00:00:00.500Z rid Task timed out after 3.00 seconds\n"
    )
    assert reports.describe_exit(-9) == "signal: killed"
    assert reports.describe_exit(3) == "exit status 3"


def test_worker_environment_keeps_lambda_variables_only() -> None:
    provided = {
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": 256,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4599",
        "LOCALSTACK_HOSTNAME": "127.0.0.1",
        "LOCALSTACK_RUNTIME_ID": "abc",
        "EDGE_PORT": "4599",
        "AWS_LAMBDA_FUNCTION_TIMEOUT": 3,
        "GREETING": "hi",
    }
    env = worker_environment(
        provided=provided,  # type: ignore[arg-type]
        function_variables={"GREETING": "hi"},
        runtime="python3.12",
        task_root=Path("/code"),
        runtime_dir=Path("/runtime"),
    )
    assert env["AWS_REGION"] == "eu-west-1"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4599"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["LAMBDA_TASK_ROOT"] == "/code"
    assert env["TZ"] == ":UTC"
    assert env["GREETING"] == "hi"
    assert not {"LOCALSTACK_HOSTNAME", "LOCALSTACK_RUNTIME_ID", "EDGE_PORT"} & set(env)
    assert "AWS_LAMBDA_FUNCTION_TIMEOUT" not in env


def test_sys_path_code_then_layers_later_first_then_runtime_site() -> None:
    path = worker_sys_path(
        task_root=Path("/code"),
        layer_roots=[Path("/l1"), Path("/l2")],
        python_tag="python3.12",
        runtime_site="/site",
    )
    assert path == [
        "/code",
        "/l2/python/lib/python3.12/site-packages",
        "/l2/python",
        "/l1/python/lib/python3.12/site-packages",
        "/l1/python",
        "/site",
    ]
    no_site = worker_sys_path(
        task_root=Path("/code"), layer_roots=[], python_tag="python3.12", runtime_site=None
    )
    assert no_site == ["/code"]
