"""The LocalStack hook: starts the schedule engine and serves /_lbp/clock on the gateway.

Registered as a ``localstack.hooks.on_infra_start`` entry point; LocalStack loads it in its own
venv. ``LBP_TIME=off`` in LocalStack's environment leaves LocalStack as it ships: Scheduler
schedules never fire, rules fire on LocalStack's own real-time loop, no clock endpoint.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from localstack.http import Request, Response
from localstack.runtime import hooks
from localstack.services.edge import ROUTER

from . import api
from .scopes import Scopes

LOG = logging.getLogger(__name__)
ENV_SWITCH = "LBP_TIME"
_scopes: Scopes | None = None


def enabled(environ: dict[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(ENV_SWITCH, "on").strip().lower()
    if value not in {"on", "off"}:
        LOG.error("lbp-time: %s=%r is neither on nor off; treating it as on", ENV_SWITCH, value)
    return value != "off"


def _route(request: Request, **_: Any) -> Response:
    assert _scopes is not None
    query = {key: request.args[key] for key in request.args}
    status, body = api.handle(_scopes, request.method, request.path, request.get_data(), query)
    return Response.for_json(body, status=status)


@hooks.on_infra_start(should_load=enabled)  # type: ignore[untyped-decorator]
def start_schedule_clock() -> None:
    global _scopes  # noqa: PLW0603 — one set of clocks per LocalStack process
    from . import localstack_adapter  # noqa: PLC0415 — loads the events and scheduler stores

    localstack_adapter.silence_events_job_scheduler()
    _scopes = Scopes(localstack_adapter.catalog)
    for path in (api.CLOCK_PATH, f"{api.CLOCK_PATH}/advance", f"{api.CLOCK_PATH}/upcoming"):
        ROUTER.add(path, _route, methods=["GET", "POST"])
    _scopes.start()
    LOG.info("lbp-time: schedule clock on %s (set %s=off to disable)", api.CLOCK_PATH, ENV_SWITCH)
