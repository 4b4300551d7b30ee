"""LocalStack's RuntimeExecutor interface, backed by a local worker process."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from localstack import config
from localstack.services.lambda_.invocation.executor_endpoint import (
    NAMESPACE,
    StatusErrorException,
)
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import RuntimeExecutor

from local_lambda_executor.environment import (
    RUNTIME_SITE_VARIABLE,
    worker_environment,
    worker_sys_path,
)
from local_lambda_executor.interpreters import (
    InterpreterFinder,
    InterpreterNotFoundError,
    UnsupportedRuntimeError,
)
from local_lambda_executor.reports import error_payload
from local_lambda_executor.worker import InvokeRequest, Worker, WorkerSpec, WorkerStartError

LOG = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
FINDER = InterpreterFinder()


class LocalProcessRuntimeExecutor(RuntimeExecutor):  # type: ignore[misc,unused-ignore]
    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id=id, function_version=function_version)
        self.worker: Worker | None = None

    def start(self, env_vars: dict[str, str]) -> None:
        fn_config = self.function_version.config
        try:
            interpreter = FINDER.find(fn_config.runtime)
        except (InterpreterNotFoundError, UnsupportedRuntimeError) as e:
            LOG.error("Lambda %s cannot start: %s", self.function_version.qualified_arn, e)
            raise StatusErrorException(
                str(e), payload=error_payload("Runtime.InvalidRuntime", str(e))
            ) from e
        task_root = _unzipped(fn_config.code)
        python_tag = fn_config.runtime
        spec = WorkerSpec(
            interpreter=interpreter,
            handler=fn_config.handler,
            task_root=task_root,
            sys_path=worker_sys_path(
                task_root=task_root,
                layer_roots=[_unzipped(layer.code) for layer in fn_config.layers],
                python_tag=python_tag,
                runtime_site=os.environ.get(RUNTIME_SITE_VARIABLE),
            ),
            env=worker_environment(
                provided=env_vars,
                function_variables=fn_config.environment or {},
                runtime=fn_config.runtime,
                task_root=task_root,
                runtime_dir=Path(__file__).parent,
            ),
            timeout_seconds=float(fn_config.timeout),
            memory_mb=int(fn_config.memory_size),
            version=self.function_version.id.qualifier,
        )
        self.worker = Worker(spec)
        try:
            self.worker.start()
        except WorkerStartError as e:
            LOG.error("Lambda %s cannot start: %s", self.function_version.qualified_arn, e)
            raise StatusErrorException(
                str(e), payload=error_payload("Runtime.InvalidRuntime", str(e))
            ) from e

    def stop(self) -> None:
        if self.worker:
            self.worker.stop()

    def get_address(self) -> str:
        return LOOPBACK

    def get_endpoint_from_executor(self) -> str:
        return LOOPBACK

    def get_runtime_endpoint(self) -> str:
        return f"http://{LOOPBACK}:{config.GATEWAY_LISTEN[0].port}{NAMESPACE}/{self.id}"

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        if self.worker is None:
            raise RuntimeError(f"Execution environment {self.id} was not started")
        outcome = self.worker.invoke(
            InvokeRequest(
                request_id=payload["invoke-id"],
                invoked_function_arn=payload["invoked-function-arn"],
                payload=payload["payload"],
                trace_id=payload.get("trace-id"),
            )
        )
        return InvocationResult(
            request_id=outcome.request_id,
            payload=outcome.payload,
            is_error=outcome.is_error,
            logs=outcome.logs,
        )

    def get_logs(self) -> str:
        return self.worker.logs() if self.worker else ""

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        fn_config = function_version.config
        try:
            FINDER.find(fn_config.runtime)
        except (InterpreterNotFoundError, UnsupportedRuntimeError) as e:
            LOG.error("Lambda %s cannot run: %s", function_version.qualified_arn, e)
            raise
        for code in [fn_config.code, *(layer.code for layer in fn_config.layers)]:
            if code:
                _prepare(code)

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        if not os.environ.get(RUNTIME_SITE_VARIABLE):
            LOG.warning(
                "%s is not set: boto3 will not be importable by Lambda handlers run by the "
                "local-process executor",
                RUNTIME_SITE_VARIABLE,
            )
        return True


def _unzipped(code: Any) -> Path:
    """Where LocalStack unzipped an S3Code archive (a function's code or a layer)."""
    return Path(code.get_unzipped_code_location())


def _prepare(code: Any) -> None:
    """Downloads and unzips an archive unless LocalStack already did."""
    code.prepare_for_execution()
