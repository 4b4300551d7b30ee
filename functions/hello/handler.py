"""Smoke-test function: proves the runtime, the shared layer and the AWS endpoint work."""

from __future__ import annotations

import os
import sys
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from hello.greeting import BadRequestError, greeting, parse_name

logger = Logger()
_invocations = 0


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    global _invocations  # noqa: PLW0603 — warm-start counter, module state is the point
    _invocations += 1
    try:
        name = parse_name(event)
    except BadRequestError as error:
        logger.error("bad request", extra={"reason": str(error)})
        raise
    runtime = {
        "python": ".".join(map(str, sys.version_info[:3])),
        "function": context.function_name,
        "memory_mb": int(context.memory_limit_in_mb),
        "remaining_ms": context.get_remaining_time_in_millis(),
        "region": os.environ.get("AWS_REGION"),
        "warm_invocations": _invocations,
    }
    logger.info("greeted", extra={"greeted": name})
    return greeting(name, runtime)
