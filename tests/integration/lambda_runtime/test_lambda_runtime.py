"""Python Lambda functions behave as on AWS: results, errors, limits, logs, layers, triggers."""

from __future__ import annotations

import base64
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytestmark = pytest.mark.integration

COUNTER_HANDLER = """
import os
import uuid

ENVIRONMENT_ID = uuid.uuid4().hex
COUNT = 0


def handler(event, context):
    global COUNT
    COUNT += 1
    print("invocation", COUNT, "of", ENVIRONMENT_ID)
    return {"count": COUNT, "environment": ENVIRONMENT_ID, "echo": event}
"""

S3_WRITER_HANDLER = """
import json
import boto3

s3 = boto3.client("s3")


def handler(event, context):
    if "Records" in event:
        for record in event["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = record["s3"]["object"]["key"]
            s3.put_object(Bucket=bucket, Key="proof/" + key, Body=json.dumps(record).encode())
        return {"handled": len(event["Records"])}
    s3.put_object(Bucket=event["bucket"], Key=event["key"], Body=context.aws_request_id.encode())
    return {"written": event["key"]}
"""


def test_sync_invoke_returns_the_handler_result(invoke: Any, make_function: Any) -> None:
    name = make_function({"app.py": COUNTER_HANDLER})

    response = invoke(name, {"hello": "world", "n": [1, 2]})

    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["Payload"]["echo"] == {"hello": "world", "n": [1, 2]}
    assert response["Payload"]["count"] == 1


def test_async_invoke_is_accepted_then_runs(
    wait_for: Any, lambda_client: Any, s3: Any, make_function: Any, bucket: str
) -> None:
    name = make_function({"app.py": S3_WRITER_HANDLER})

    response = lambda_client.invoke(
        FunctionName=name,
        InvocationType="Event",
        Payload=json.dumps({"bucket": bucket, "key": "async/proof.txt"}),
    )

    assert response["StatusCode"] == 202

    def written() -> bool:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix="async/")
        return listing.get("KeyCount", 0) == 1

    wait_for(written, timeout=60, what="the async invocation to write its S3 object")


@pytest.mark.emulator_difference(
    ministack=(
        "an unhandled exception is reported as errorType Runtime.HandlerError, without the "
        "exception class or a stackTrace"
    )
)
def test_unhandled_exception_is_reported_in_the_aws_error_shape(
    invoke: Any, make_function: Any
) -> None:
    source = "def handler(event, context):\n    raise ValueError('boom: ' + event['why'])\n"
    name = make_function({"app.py": source})

    response = invoke(name, {"why": "bad input"})

    assert response["FunctionError"] == "Unhandled"
    error = response["Payload"]
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "boom: bad input"
    assert isinstance(error["stackTrace"], list)
    assert all(isinstance(line, str) for line in error["stackTrace"])
    assert any("app.py" in line and "handler" in line for line in error["stackTrace"])


def test_timeout_kills_the_invocation_and_the_next_one_starts_fresh(
    invoke: Any, make_function: Any
) -> None:
    source = COUNTER_HANDLER + (
        "\n\ndef slow(event, context):\n"
        "    import time\n"
        "    handler(event, context)\n"
        "    time.sleep(event.get('sleep', 0))\n"
        "    return {'count': COUNT}\n"
    )
    name = make_function({"app.py": source}, handler="app.slow", timeout=2)
    assert invoke(name, {})["Payload"] == {"count": 1}

    started = time.monotonic()
    response = invoke(name, {"sleep": 30})
    elapsed = time.monotonic() - started

    assert response["FunctionError"] == "Unhandled"
    assert "Task timed out after 2.00 seconds" in response["Payload"]["errorMessage"]
    assert elapsed < 10
    after = invoke(name, {})
    assert "FunctionError" not in after
    assert after["Payload"] == {"count": 1}, "the timed-out runtime must be replaced"


@pytest.mark.emulator_difference(
    ministack="MemorySize is not enforced: a 128 MB function allocates 2 GB and returns normally"
)
def test_exceeding_memory_size_kills_the_runtime(invoke: Any, make_function: Any) -> None:
    source = (
        "def handler(event, context):\n"
        "    chunks = []\n"
        "    for _ in range(200):\n"
        "        chunks.append(b'x' * (10 * 1024 * 1024))\n"
        "    return len(chunks)\n"
        "\n\ndef ok(event, context):\n"
        "    return 'ok'\n"
    )
    name = make_function({"app.py": source}, memory_size=128, timeout=30)

    response = invoke(name, {})

    assert response["FunctionError"] == "Unhandled"
    error = response["Payload"]
    assert error["errorType"] == "Runtime.OutOfMemory"
    assert "Runtime exited with error: signal: killed" in error["errorMessage"]
    survivor = make_function({"app.py": source}, handler="app.ok", memory_size=128)
    assert invoke(survivor, {})["Payload"] == "ok"


@pytest.mark.emulator_difference(
    ministack=(
        "a failed import is errorType RuntimeError, 'Worker init failed: No module named ...' (not "
        "Runtime.ImportModuleError); functions also see the emulator's own site-packages"
    )
)
@pytest.mark.parametrize("module", ["pytest", "requests"])
def test_unpackaged_third_party_import_fails_like_on_aws(
    invoke: Any, make_function: Any, module: str
) -> None:
    name = make_function({"app.py": f"import {module}\n\ndef handler(event, context):\n    pass\n"})

    response = invoke(name, {})

    assert response["FunctionError"] == "Unhandled"
    assert response["Payload"]["errorType"] == "Runtime.ImportModuleError"
    assert response["Payload"]["errorMessage"] == (
        f"Unable to import module 'app': No module named '{module}'"
    )


@pytest.mark.emulator_difference(
    ministack=(
        "a missing handler or a syntax error is errorType RuntimeError, 'Worker init failed: ...' "
        "(not Runtime.HandlerNotFound / Runtime.UserCodeSyntaxError)"
    )
)
def test_missing_handler_function_and_syntax_errors_are_runtime_errors(
    invoke: Any, make_function: Any
) -> None:
    missing = make_function({"app.py": "def other(event, context):\n    pass\n"})
    broken = make_function({"app.py": "def handler(event, context)\n    pass\n"})

    missing_error = invoke(missing, {})["Payload"]
    broken_error = invoke(broken, {})["Payload"]

    assert missing_error["errorType"] == "Runtime.HandlerNotFound"
    assert missing_error["errorMessage"] == "Handler 'handler' missing on module 'app'"
    assert broken_error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert broken_error["errorMessage"].startswith("Syntax error in module 'app'")


def test_layer_modules_are_importable(invoke: Any, make_function: Any, make_layer: Any) -> None:
    layer = make_layer(
        {
            "python/greeting.py": "def greet(name):\n    return 'hello ' + name\n",
            "python/lib/python3.12/site-packages/shouting.py": (
                "def shout(s):\n    return s.upper()\n"
            ),
        }
    )
    source = (
        "import greeting\nimport shouting\n\n"
        "def handler(event, context):\n"
        "    return shouting.shout(greeting.greet(event['name']))\n"
    )
    name = make_function({"app.py": source}, layers=[layer])

    response = invoke(name, {"name": "layer"})

    assert "FunctionError" not in response
    assert response["Payload"] == "HELLO LAYER"


def test_module_state_survives_between_invocations(invoke: Any, make_function: Any) -> None:
    name = make_function({"app.py": COUNTER_HANDLER})

    results = [invoke(name, {})["Payload"] for _ in range(3)]

    assert [result["count"] for result in results] == [1, 2, 3]
    assert len({result["environment"] for result in results}) == 1


def test_parallel_invocations_run_in_separate_environments(invoke: Any, make_function: Any) -> None:
    source = COUNTER_HANDLER + (
        "\n\ndef slow(event, context):\n"
        "    import time\n"
        "    time.sleep(2)\n"
        "    return handler(event, context)\n"
    )
    name = make_function({"app.py": source}, handler="app.slow")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: invoke(name, {}), range(2)))

    environments = {result["Payload"]["environment"] for result in results}
    assert len(environments) == 2


@pytest.mark.emulator_difference(
    ministack=(
        "context.aws_request_id differs from the Invoke RequestId; no AWS_EXECUTION_ENV, _HANDLER, "
        "TZ, AWS_LAMBDA_LOG_GROUP_NAME; the emulator's own settings (AUTH, GATEWAY_PORT, STATE_DIR,"
        " ...) are in the function's environment"
    )
)
def test_context_and_environment_match_lambda(invoke: Any, make_function: Any, region: str) -> None:
    source = """
import os
import sys


def handler(event, context):
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": [context.get_remaining_time_in_millis(), _wait_and_measure(context)],
        "client_context": context.client_context,
        "python": list(sys.version_info[:2]),
        "cwd": os.getcwd(),
        "env": dict(os.environ),
    }


def _wait_and_measure(context):
    import time
    time.sleep(0.3)
    return context.get_remaining_time_in_millis()
"""
    name = make_function(
        {"app.py": source}, memory_size=256, timeout=7, environment={"GREETING": "hi"}
    )

    response = invoke(name, {})

    ctx = response["Payload"]
    env = ctx["env"]
    assert ctx["function_name"] == name
    assert ctx["function_version"] == "$LATEST"
    assert re.fullmatch(
        rf"arn:aws:lambda:{region}:\d{{12}}:function:{name}", ctx["invoked_function_arn"]
    )
    assert int(ctx["memory_limit_in_mb"]) == 256
    assert ctx["aws_request_id"] == response["ResponseMetadata"]["RequestId"]
    assert ctx["log_group_name"] == f"/aws/lambda/{name}"
    assert ctx["log_stream_name"]
    first, later = ctx["remaining"]
    assert 0 < later < first <= 7000
    assert first - later >= 250
    assert ctx["client_context"] is None
    assert ctx["python"] == [3, 12]
    assert env["GREETING"] == "hi"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_REGION"] == region
    assert env["AWS_DEFAULT_REGION"] == region
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["_HANDLER"] == "app.handler"
    assert env["TZ"] == ":UTC"
    assert env["LAMBDA_TASK_ROOT"] == ctx["cwd"]
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == ctx["log_stream_name"]
    for credential in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert env[credential]
    assert not [key for key in env if key.startswith("LOCALSTACK")]
    assert "VIRTUAL_ENV" not in env


# Settings of the machine that started the emulator (the Makefile's, a venv's, Terraform's):
# on AWS none of them exists inside a function.
HOST_ONLY = ("LBP_", "TF_", "MAKE", "MINISTACK_", "LOCALAWS_", "CHECKPOINT_DISABLE", "VIRTUAL_ENV")


def test_the_host_environment_does_not_reach_the_function(invoke: Any, make_function: Any) -> None:
    """The emulator was started from this machine's environment (make exports LBP_*, TF_*, ...);
    a function must see Lambda's variables and its own, never those. MiniStack passes its own
    environment on to every function, so localaws starts it with an allowlist: this is the check
    that the allowlist holds (test_context_and_environment_match_lambda checks more, and is an
    expected failure on MiniStack for other reasons)."""
    here = [key for key in os.environ if key.startswith(HOST_ONLY)]
    assert here, f"none of {HOST_ONLY} is set here: run through make, or the check proves nothing"
    source = "import os\n\n\ndef handler(event, context):\n    return dict(os.environ)\n"
    env = invoke(make_function({"app.py": source}), {})["Payload"]
    assert [key for key in env if key.startswith(HOST_ONLY)] == []
    assert env["AWS_LAMBDA_FUNCTION_NAME"] and env["AWS_SESSION_TOKEN"]


REPORT_PATTERN = re.compile(
    r"REPORT RequestId: (?P<id>\S+)\s+Duration: [\d.]+ ms\s+Billed Duration: \d+ ms\s+"
    r"Memory Size: 128 MB\s+Max Memory Used: \d+ MB(?P<init>\s+Init Duration: [\d.]+ ms)?"
)


@pytest.mark.emulator_difference(
    ministack=(
        "START/END/REPORT lines carry a request id other than the Invoke RequestId, and REPORT has "
        "no Init Duration"
    )
)
def test_cloudwatch_logs_have_start_end_report_lines(
    wait_for: Any, lambda_client: Any, logs_client: Any, make_function: Any
) -> None:
    name = make_function({"app.py": COUNTER_HANDLER})
    request_ids = [
        lambda_client.invoke(FunctionName=name, Payload=b"{}")["ResponseMetadata"]["RequestId"]
        for _ in range(2)
    ]

    def messages() -> list[str]:
        try:
            events = logs_client.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs_client.exceptions.ResourceNotFoundException:
            return []
        found = [event["message"] for event in events]
        return found if sum(message.startswith("REPORT") for message in found) >= 2 else []

    lines = wait_for(messages, timeout=120, interval=1, what="REPORT lines in CloudWatch Logs")

    text = "".join(lines)
    for request_id in request_ids:
        assert f"START RequestId: {request_id} Version: $LATEST" in text
        assert f"END RequestId: {request_id}" in text
    assert "invocation 1 of" in text
    assert "invocation 2 of" in text
    reports = {m["id"]: m for m in REPORT_PATTERN.finditer(text)}
    assert set(reports) == set(request_ids)
    assert reports[request_ids[0]]["init"], "the cold start reports its Init Duration"
    assert not reports[request_ids[1]]["init"], "a warm invocation has no Init Duration"


@pytest.mark.emulator_difference(
    ministack=(
        "the LogType=Tail log holds the bare printed lines: no [LEVEL]<tab>time<tab>request-id "
        "prefix from the logging module, no END/REPORT lines"
    )
)
def test_log_type_tail_returns_the_log_tail(lambda_client: Any, make_function: Any) -> None:
    source = (
        "import logging\n\n"
        "def handler(event, context):\n"
        "    print('printed to stdout')\n"
        "    logging.getLogger().warning('logged a warning')\n"
        "    return 1\n"
    )
    name = make_function({"app.py": source})

    response = lambda_client.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")

    tail = base64.b64decode(response["LogResult"]).decode()
    request_id = response["ResponseMetadata"]["RequestId"]
    assert "printed to stdout" in tail
    assert re.search(rf"\[WARNING\]\t\S+Z\t{request_id}\tlogged a warning", tail)
    assert f"END RequestId: {request_id}" in tail
    assert f"REPORT RequestId: {request_id}" in tail


def test_s3_notification_invokes_the_function(
    wait_for: Any, lambda_client: Any, s3: Any, make_function: Any, bucket: str
) -> None:
    name = make_function({"app.py": S3_WRITER_HANDLER})
    function_arn = lambda_client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lambda_client.add_permission(
        FunctionName=name,
        StatementId="s3-invoke",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn=f"arn:aws:s3:::{bucket}",
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": function_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}},
                }
            ]
        },
    )

    s3.put_object(Bucket=bucket, Key="incoming/data.json", Body=b"{}")

    def proof() -> dict[str, Any] | None:
        try:
            body = s3.get_object(Bucket=bucket, Key="proof/incoming/data.json")["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None
        return dict(json.loads(body))

    record = wait_for(proof, timeout=60, what="the S3 notification to reach the function")
    assert record["eventName"].startswith("ObjectCreated:")
    assert record["s3"]["object"]["key"] == "incoming/data.json"
