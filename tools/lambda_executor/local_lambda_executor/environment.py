"""The process environment and import path a worker gets, as in the Lambda sandbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

RUNTIME_SITE_VARIABLE = "LBP_LAMBDA_RUNTIME_SITE"

# Variables LocalStack computes for an environment that the Lambda service also sets.
# Everything else it passes (LOCALSTACK_*, EDGE_PORT, AWS_LAMBDA_FUNCTION_TIMEOUT, ...)
# exists only for its Docker init and stays out of the worker.
PASSED_THROUGH = (
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_XRAY_CONTEXT_MISSING",
    "AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_PORT",
    "AWS_ENDPOINT_URL",
    "TZ",
    "_HANDLER",
)

FIXED = {
    "LANG": "en_US.UTF-8",
    "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    "TZ": ":UTC",
}


def worker_environment(
    *,
    provided: Mapping[str, str],
    function_variables: Mapping[str, str],
    runtime: str,
    task_root: Path,
    runtime_dir: Path,
) -> dict[str, str]:
    env = dict(FIXED)
    env.update({key: str(provided[key]) for key in PASSED_THROUGH if key in provided})
    env.update(
        {
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(runtime_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({key: str(value) for key, value in function_variables.items()})
    return env


def worker_sys_path(
    *, task_root: Path, layer_roots: Sequence[Path], python_tag: str, runtime_site: str | None
) -> list[str]:
    """Code first, then layers, then the runtime's own packages (boto3).

    On AWS layers are extracted into /opt in order, a later layer overwriting an earlier
    one's files, so later layers come first here.
    """
    path = [str(task_root)]
    for layer in reversed(layer_roots):
        path.append(str(layer / "python" / "lib" / python_tag / "site-packages"))
        path.append(str(layer / "python"))
    if runtime_site:
        path.append(runtime_site)
    return path
