"""Lambda entry point of the fleet provisioner (EventBridge schedules and direct invokes).

Events (anything else is rejected with a logged error and a `rejected` result, never retried):
- `{"action": "reconcile"}` (the default when `action` is missing): read the desired fleet from
  the SSM parameter, validate all of it, launch the missing slots. Optional `run_id`: the
  idempotency scope of the launches' ClientTokens (default: the Lambda request id, which
  asynchronous retries keep).
- `{"action": "plan"}`: the same, launching nothing; returns what a reconcile would launch.
- `{"action": "teardown", "specs": [...]}`: terminate the owned instances (of those specs only,
  when given).

Environment: FLEET_PARAMETER_NAME, FLEET_OWNER (required); OWNER_TAG_KEY, SPEC_TAG_KEY,
INDEX_TAG_KEY, MAX_INSTANCES, INSTANCE_TAGS (JSON object), ALLOWED_INSTANCE_TYPES (JSON list; an
entry of another type rejects the document, named); LOG_LEVEL.

An invalid fleet document launches nothing and returns status `rejected` with every entry's name
and reason (an operator has to fix it; retrying cannot). Launch failures do not stop the other
launches; afterwards FleetIncompleteError is raised so asynchronous retries and alarms on errors
see them, and the next run launches what is still missing. SSM and Describe errors raise.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fleet_provisioner.config import load_config
from fleet_provisioner.provisioner import FleetIncompleteError, reconcile, teardown
from fleet_provisioner.spec import parse_fleet

logger = Logger()
CONFIG = load_config(os.environ)
ACTIONS = ("reconcile", "plan", "teardown")


@cache
def ec2_client() -> Any:
    return boto3.client("ec2")


@cache
def ssm_client() -> Any:
    return boto3.client("ssm")


@logger.inject_lambda_context
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    event = event if isinstance(event, dict) else {}
    action = event.get("action", "reconcile")
    if action not in ACTIONS:
        logger.error("rejected event", extra={"reason": f"unknown action {action!r}"})
        return {"action": action, "status": "rejected", "errors": [{"reason": "unknown action"}]}

    if action == "teardown":
        specs = event.get("specs") or []
        if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
            logger.error("rejected event", extra={"reason": "specs must be a list of names"})
            return {"action": action, "status": "rejected", "errors": [{"reason": "bad specs"}]}
        result = teardown(ec2_client(), CONFIG, specs)
        logger.info("teardown", extra=result)
        return result

    document = ssm_client().get_parameter(Name=CONFIG.parameter_name)["Parameter"]["Value"]
    fleet = parse_fleet(
        document, CONFIG.reserved_tag_keys, CONFIG.max_instances, CONFIG.allowed_instance_types
    )
    run_id = str(event.get("run_id") or context.aws_request_id)
    report = reconcile(ec2_client(), CONFIG, fleet, run_id, dry_run=action == "plan").as_dict()
    report["action"] = action
    for error in report["errors"]:
        logger.error("invalid spec", extra=error)
    if report["status"] == "rejected":
        logger.error("fleet rejected, nothing launched", extra={"errors": report["errors"]})
        return report
    logger.info("fleet reconciled", extra=report)
    if report["failures"]:
        logger.error("fleet incomplete", extra={"failures": report["failures"]})
        raise FleetIncompleteError(
            "launch failed for "
            + ", ".join(
                f"{f['spec']}#{f['index']} ({f['code']}: {f['message']})"
                for f in report["failures"]
            )
            + f"; launched {len(report['launched'])}; the next run launches what is missing"
        )
    return report
