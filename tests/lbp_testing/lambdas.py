"""Lambda functions made by tests from source text: zips, creation, synchronous invokes."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

from botocore.exceptions import ClientError

from scenario_client.iam import service_trust_policy

RUNTIME = "python3.12"
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
LAMBDA_TRUST_POLICY = service_trust_policy("lambda.amazonaws.com")
# On AWS a new role takes a few seconds before Lambda may assume it.
ROLE_PROPAGATION_SECONDS = 60


def zip_files(files: dict[str, str]) -> bytes:
    """A zip archive (in memory) holding ``files``: archive path -> source text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text)
    return buffer.getvalue()


def create_active_function(lambda_client: Any, **kwargs: Any) -> dict[str, Any]:
    """create_function(**kwargs), retried while the new role cannot be assumed yet (AWS), then
    waits until the function is Active; returns create_function's response."""
    deadline = time.monotonic() + ROLE_PROPAGATION_SECONDS
    while True:
        try:
            created: dict[str, Any] = lambda_client.create_function(**kwargs)
            break
        except ClientError as error:
            message = error.response["Error"].get("Message", "")
            if "cannot be assumed" not in message or time.monotonic() > deadline:
                raise
            time.sleep(3)
    lambda_client.get_waiter("function_active_v2").wait(
        FunctionName=kwargs["FunctionName"], WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )
    return created


def invoke_json(client: Any, name: str, event: Any = None, **kwargs: Any) -> dict[str, Any]:
    """Invokes synchronously; returns the response with ``Payload`` already JSON-decoded."""
    response = client.invoke(
        FunctionName=name, Payload=json.dumps(event if event is not None else {}), **kwargs
    )
    response["Payload"] = json.loads(response["Payload"].read() or b"null")
    return dict(response)
