"""One reconcile pass: every scheduled instance in every region, compared with its schedule.

Which instances: those carrying the schedule tag (value = schedule name) in the configured tag
regions, plus the explicitly listed instance ids in their own regions (their listed schedule
wins over a tag). A tagged instance in a region that only listed instances bring in is not
searched for: the role may start/stop tagged instances only in the tag regions.

What happens to each:
- unknown schedule name, or a schedule that failed validation -> error, instance left alone;
- pending / stopping / shutting-down -> skipped (acted on by a later run, once settled);
- otherwise the desired state at `now` is computed from the schedule, and
  - enforced: the instance is brought to it on every run (a stopped instance inside a period is
    started, a running one outside every period is stopped, including one started by hand);
  - not enforced (default): the instance is brought to it only by the run whose interval
    (now - interval, now] contains a period's begin or end. Between boundaries nothing is
    touched, so an instance started by hand outside its period keeps running, and one stopped
    by hand inside its period stays stopped, until the next boundary. A boundary whose run is
    lost (the function failed and its retries were exhausted) is not acted on.
- dry-run: the action is reported as would_start / would_stop and not performed.

AWS errors (a Describe in one region, a Start/Stop of one instance) are recorded as errors and the
pass goes on with the rest; `RunResult.aws_failures` tells the handler to fail the invocation
afterwards, so retries re-run the (idempotent) pass for the same moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ec2_scheduler.config import Config

TRANSITIONAL = frozenset({"pending", "stopping", "shutting-down"})
LIVE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]

Ec2ClientFactory = Callable[[str], Any]


@dataclass(frozen=True)
class Decision:
    instance_id: str
    region: str
    schedule: str | None
    state: str
    action: str  # start, stop, would_start, would_stop, unchanged, skipped, error
    reason: str

    def as_log(self) -> dict[str, str | None]:
        return {
            "instance_id": self.instance_id,
            "region": self.region,
            "schedule": self.schedule,
            "state": self.state,
            "action": self.action,
            "reason": self.reason,
        }


@dataclass
class RunResult:
    now: datetime
    dry_run: bool
    enforced: bool
    decisions: list[Decision] = field(default_factory=list)
    aws_failures: int = 0

    def summary(self) -> dict[str, Any]:
        def count(action: str) -> int:
            return sum(1 for d in self.decisions if d.action == action)

        return {
            "time": self.now.isoformat(),
            "dry_run": self.dry_run,
            "enforced": self.enforced,
            "started": count("start"),
            "stopped": count("stop"),
            "would_start": count("would_start"),
            "would_stop": count("would_stop"),
            "unchanged": count("unchanged"),
            "skipped": count("skipped"),
            "errors": count("error"),
        }


@dataclass(frozen=True)
class Instance:
    instance_id: str
    region: str
    state: str
    tags: dict[str, str]


def reconcile(config: Config, clients: Ec2ClientFactory, now: datetime) -> RunResult:
    result = RunResult(now, config.dry_run, config.enforced)
    for region in config.regions:
        ec2 = clients(region)
        try:
            instances = list(_scheduled_instances(ec2, config, region))
        except ClientError as error:
            result.aws_failures += 1
            result.decisions.append(
                Decision("*", region, None, "unknown", "error", f"describe failed: {_code(error)}")
            )
            continue
        found = {instance.instance_id for instance in instances}
        for instance_id, explicit in config.instances.items():
            if explicit.region == region and instance_id not in found:
                result.decisions.append(
                    Decision(
                        instance_id,
                        region,
                        explicit.schedule,
                        "unknown",
                        "error",
                        "listed instance not found (or terminated) in this region",
                    )
                )
        for instance in instances:
            decision = decide(config, instance, now)
            if decision.action in ("start", "stop"):
                decision = _apply(ec2, decision, result)
            result.decisions.append(decision)
    return result


def decide(config: Config, instance: Instance, now: datetime) -> Decision:
    explicit = config.instances.get(instance.instance_id)
    name = explicit.schedule if explicit else instance.tags.get(config.tag_key, "")

    def decision(action: str, reason: str) -> Decision:
        return Decision(instance.instance_id, instance.region, name, instance.state, action, reason)

    if name in config.invalid_schedules:
        return decision("error", f"invalid schedule {name!r}: {config.invalid_schedules[name]}")
    schedule = config.schedules.get(name)
    if schedule is None:
        known = ", ".join(sorted(config.schedules)) or "none"
        return decision("error", f"unknown schedule {name!r} (known: {known})")
    if instance.state in TRANSITIONAL:
        return decision("skipped", f"transitional state {instance.state}")
    running = schedule.is_running(now)
    if not config.enforced and not schedule.transition_between(now - config.interval, now):
        return decision("unchanged", "not enforced and no period boundary in the last interval")
    if running and instance.state == "stopped":
        action, reason = "start", "inside a period"
    elif not running and instance.state == "running":
        action, reason = "stop", "outside every period"
    else:
        return decision("unchanged", f"already {instance.state}")
    if config.dry_run:
        action = f"would_{action}"
    return decision(action, reason)


def _apply(ec2: Any, decision: Decision, result: RunResult) -> Decision:
    try:
        if decision.action == "start":
            ec2.start_instances(InstanceIds=[decision.instance_id])
        else:
            ec2.stop_instances(InstanceIds=[decision.instance_id])
    except ClientError as error:
        result.aws_failures += 1
        return Decision(
            decision.instance_id,
            decision.region,
            decision.schedule,
            decision.state,
            "error",
            f"{decision.action} failed: {_code(error)}",
        )
    return decision


def _scheduled_instances(ec2: Any, config: Config, region: str) -> Iterator[Instance]:
    state_filter = {"Name": "instance-state-name", "Values": LIVE_STATES}
    # Tags are searched only in the tag regions: the role may act on tagged instances only
    # there. In the other regions (those of listed instances) only the listed ids are read.
    queries = []
    if region in config.tag_regions:
        queries.append([{"Name": "tag-key", "Values": [config.tag_key]}, state_filter])
    listed = [i for i, e in config.instances.items() if e.region == region]
    if listed:
        queries.append([{"Name": "instance-id", "Values": listed}, state_filter])
    seen: set[str] = set()
    paginator = ec2.get_paginator("describe_instances")
    for filters in queries:
        for page in paginator.paginate(Filters=filters):
            for reservation in page.get("Reservations", []):
                for raw in reservation.get("Instances", []):
                    if raw["InstanceId"] in seen:
                        continue
                    seen.add(raw["InstanceId"])
                    yield Instance(
                        raw["InstanceId"],
                        region,
                        raw["State"]["Name"],
                        {t["Key"]: t["Value"] for t in raw.get("Tags", [])},
                    )


def _code(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'Unknown')}: {details.get('Message', '')}".rstrip(": ")
