"""The plux plugin LocalStack loads for LAMBDA_RUNTIME_EXECUTOR=local-process."""

from __future__ import annotations

from typing import Any

from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class LocalProcessRuntimeExecutorPlugin(RuntimeExecutorPlugin):  # type: ignore[misc,unused-ignore]
    name = "local-process"

    def load(self, *args: Any, **kwargs: Any) -> type:
        # Imported on load so that plugin discovery stays cheap.
        from local_lambda_executor.executor import LocalProcessRuntimeExecutor  # noqa: PLC0415

        return LocalProcessRuntimeExecutor
