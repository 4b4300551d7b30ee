"""The handler against moto EC2 in two regions, replaying chosen moments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ec2_scheduler.config import ConfigError, load_config
from ec2_scheduler.reconcile import Instance, decide

from .conftest import Fleet, scheduled_event

# Wednesday 2024-05-08, Europe/Berlin is UTC+2.
BEFORE_OFFICE = "2024-05-08T05:30:00Z"  # 07:30 Berlin
OFFICE_BEGINS = "2024-05-08T06:02:00Z"  # 08:02 Berlin: the 08:00 boundary is in the last 5 min
MIDDAY = "2024-05-08T10:00:00Z"  # 12:00 Berlin, 06:00 New York
OFFICE_ENDS = "2024-05-08T17:03:00Z"  # 19:03 Berlin
EVENING = "2024-05-08T20:00:00Z"  # 22:00 Berlin


def summary_counts(summary: dict[str, Any]) -> dict[str, int]:
    keys = ("started", "stopped", "would_start", "would_stop", "skipped", "errors")
    return {k: summary[k] for k in keys if summary[k]}


def test_boundaries_start_and_stop_tagged_instances_in_both_regions(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    berlin_eu = fleet.launch("eu-west-1", "office-hours", stopped=True)
    berlin_us = fleet.launch("us-east-1", "office-hours", stopped=True)
    untagged = fleet.launch("eu-west-1", None, stopped=True)
    handler = scheduler()

    summary = handler.lambda_handler(scheduled_event(OFFICE_BEGINS), lambda_context)
    assert summary_counts(summary) == {"started": 2}
    assert summary["time"] == "2024-05-08T06:02:00+00:00"
    assert fleet.state("eu-west-1", berlin_eu) == "running"
    assert fleet.state("us-east-1", berlin_us) == "running"
    assert fleet.state("eu-west-1", untagged) == "stopped"

    summary = handler.lambda_handler(scheduled_event(OFFICE_ENDS), lambda_context)
    assert summary_counts(summary) == {"stopped": 2}
    assert fleet.state("eu-west-1", berlin_eu) == "stopped"
    assert fleet.state("us-east-1", berlin_us) == "stopped"


def test_not_enforced_leaves_manual_changes_alone_between_boundaries(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    started_by_hand = fleet.launch("eu-west-1", "office-hours")  # running in the evening
    stopped_by_hand = fleet.launch("us-east-1", "office-hours", stopped=True)
    handler = scheduler(enforced=False)
    evening = handler.lambda_handler(scheduled_event(EVENING), lambda_context)
    midday = handler.lambda_handler(scheduled_event(MIDDAY), lambda_context)
    assert summary_counts(evening) == summary_counts(midday) == {}
    assert evening["unchanged"] == 2
    assert fleet.state("eu-west-1", started_by_hand) == "running"
    assert fleet.state("us-east-1", stopped_by_hand) == "stopped"


def test_enforced_reconciles_on_every_run(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    started_by_hand = fleet.launch("eu-west-1", "office-hours")
    handler = scheduler(enforced=True)
    assert summary_counts(handler.lambda_handler(scheduled_event(EVENING), lambda_context)) == {
        "stopped": 1
    }
    assert fleet.state("eu-west-1", started_by_hand) == "stopped"
    assert summary_counts(handler.lambda_handler(scheduled_event(MIDDAY), lambda_context)) == {
        "started": 1
    }
    assert fleet.state("eu-west-1", started_by_hand) == "running"


def test_dry_run_changes_nothing_and_reports_what_it_would_do(
    scheduler: Any, fleet: Fleet, lambda_context: Any, caplog: pytest.LogCaptureFixture
) -> None:
    running = fleet.launch("eu-west-1", "office-hours")
    stopped = fleet.launch("us-east-1", "office-hours", stopped=True)
    handler = scheduler(enforced=True, dry_run=True)
    assert summary_counts(handler.lambda_handler(scheduled_event(EVENING), lambda_context)) == {
        "would_stop": 1
    }
    assert summary_counts(handler.lambda_handler(scheduled_event(MIDDAY), lambda_context)) == {
        "would_start": 1
    }
    assert fleet.state("eu-west-1", running) == "running"
    assert fleet.state("us-east-1", stopped) == "stopped"
    actions = [r.__dict__ for r in caplog.records if r.msg == "scheduler action"]
    assert {(a["instance_id"], a["action"]) for a in actions} == {
        (running, "would_stop"),
        (stopped, "would_start"),
    }


def test_schedule_crossing_midnight_in_another_zone(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    night = fleet.launch("us-east-1", "ny-nights", stopped=True)
    handler = scheduler(enforced=True)
    # Wed 2024-05-08 23:00 New York (EDT, UTC-4) = Thu 03:00Z.
    handler.lambda_handler(scheduled_event("2024-05-09T03:00:00Z"), lambda_context)
    assert fleet.state("us-east-1", night) == "running"
    # Sat 01:00 New York: Friday's night period is still on.
    handler.lambda_handler(scheduled_event("2024-05-11T05:00:00Z"), lambda_context)
    assert fleet.state("us-east-1", night) == "running"
    # Sun 01:00 New York: Saturday is not a begin day.
    handler.lambda_handler(scheduled_event("2024-05-12T05:00:00Z"), lambda_context)
    assert fleet.state("us-east-1", night) == "stopped"


def test_unknown_and_invalid_schedules_are_errors_and_others_proceed(
    scheduler: Any, fleet: Fleet, lambda_context: Any, caplog: pytest.LogCaptureFixture
) -> None:
    typo = fleet.launch("eu-west-1", "offfice-hours")
    broken = fleet.launch("eu-west-1", "broken")
    good = fleet.launch("us-east-1", "office-hours")
    schedules = {
        "office-hours": {
            "time_zone": "Europe/Berlin",
            "periods": [{"weekdays": ["mon"], "begin": "08:00", "end": "09:00"}],
        },
        "broken": {
            "time_zone": "Mars/Olympus_Mons",
            "periods": [{"weekdays": ["mon"], "begin": "08:00", "end": "09:00"}],
        },
    }
    handler = scheduler(enforced=True, schedules=schedules)
    summary = handler.lambda_handler(scheduled_event(EVENING), lambda_context)
    assert summary_counts(summary) == {"stopped": 1, "errors": 2}
    assert fleet.state("us-east-1", good) == "stopped"
    assert fleet.state("eu-west-1", typo) == fleet.state("eu-west-1", broken) == "running"
    errors = {
        r.__dict__["instance_id"]: r.__dict__["reason"]
        for r in caplog.records
        if r.msg == "scheduler action" and r.__dict__["action"] == "error"
    }
    assert errors[typo] == "unknown schedule 'offfice-hours' (known: office-hours)"
    assert "unknown IANA time zone 'Mars/Olympus_Mons'" in errors[broken]
    cold_start = [r.__dict__ for r in caplog.records if r.msg == "invalid schedule"]
    assert [r["schedule"] for r in cold_start] == ["broken"]


def test_explicit_instance_ids_win_over_tags_and_missing_ones_are_reported(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    untagged = fleet.launch("eu-west-1", None)
    gone = "i-0123456789abcdef0"
    handler = scheduler(
        enforced=True,
        instances={
            untagged: {"region": "eu-west-1", "schedule": "office-hours"},
            gone: {"region": "us-east-1", "schedule": "office-hours"},
        },
    )
    summary = handler.lambda_handler(scheduled_event(EVENING), lambda_context)
    assert summary_counts(summary) == {"stopped": 1, "errors": 1}
    assert fleet.state("eu-west-1", untagged) == "stopped"


def test_tags_are_searched_only_in_the_tag_regions(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    """A listed instance's region is not a tag region: tagged instances there are not touched.

    The role may start/stop tagged instances only in the tag regions (and listed instances by
    id): acting on a tagged instance elsewhere is UnauthorizedOperation on every run on AWS.
    """
    listed = fleet.launch("ap-southeast-2", None)
    tagged_elsewhere = fleet.launch("ap-southeast-2", "office-hours")
    handler = scheduler(
        enforced=True, instances={listed: {"region": "ap-southeast-2", "schedule": "office-hours"}}
    )
    summary = handler.lambda_handler(scheduled_event(EVENING), lambda_context)
    assert summary_counts(summary) == {"stopped": 1}
    assert fleet.state("ap-southeast-2", listed) == "stopped"
    assert fleet.state("ap-southeast-2", tagged_elsewhere) == "running"


def test_transitional_states_are_skipped() -> None:
    config = load_config(
        {
            "SCHEDULER_CONFIG": (
                '{"tag_key": "Schedule", "regions": ["eu-west-1"], "schedules": {"s": '
                '{"time_zone": "UTC", "periods": [{"weekdays": ["mon"], "begin": "08:00",'
                ' "end": "09:00"}]}}}'
            ),
            "ENFORCED": "true",
        }
    )
    now = datetime(2024, 5, 13, 8, 30, tzinfo=UTC)
    for state in ("pending", "stopping", "shutting-down"):
        decision = decide(config, Instance("i-1", "eu-west-1", state, {"Schedule": "s"}), now)
        assert (decision.action, decision.reason) == ("skipped", f"transitional state {state}")
    stopped = decide(config, Instance("i-1", "eu-west-1", "stopped", {"Schedule": "s"}), now)
    assert stopped.action == "start"


def test_a_failed_start_fails_the_invocation_after_the_others_ran(
    scheduler: Any, fleet: Fleet, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    eu = fleet.launch("eu-west-1", "office-hours", stopped=True)
    us = fleet.launch("us-east-1", "office-hours", stopped=True)
    handler = scheduler()
    client = handler.ec2_client("eu-west-1")

    def denied(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "StartInstances"
        )

    monkeypatch.setattr(client, "start_instances", denied)
    with pytest.raises(handler.SchedulerRunError, match="1 AWS call"):
        handler.lambda_handler(scheduled_event(OFFICE_BEGINS), lambda_context)
    assert fleet.state("eu-west-1", eu) == "stopped"
    assert fleet.state("us-east-1", us) == "running"


def test_event_time_is_required_to_be_readable(
    scheduler: Any, fleet: Fleet, lambda_context: Any
) -> None:
    fleet.launch("eu-west-1", "office-hours")
    handler = scheduler(enforced=True)
    summary = handler.lambda_handler(scheduled_event("yesterday"), lambda_context)
    assert summary["errors"] == 1 and summary["stopped"] == 0
    naive = handler.lambda_handler(scheduled_event("2024-05-08T20:00:00"), lambda_context)
    assert naive["errors"] == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SCHEDULER_CONFIG is required"),
        ({"SCHEDULER_CONFIG": "{not json"}, "not valid JSON"),
        ({"SCHEDULER_CONFIG": "[]"}, "must be a JSON object"),
        ({"SCHEDULER_CONFIG": '{"regions": ["eu-west-1"]}'}, "tag_key must be"),
        ({"SCHEDULER_CONFIG": '{"tag_key": "S", "regions": []}'}, "regions must be"),
        ({"SCHEDULER_CONFIG": '{"tag_key": "S", "regions": ["x"]}'}, "regions must be"),
        ({"SCHEDULER_CONFIG": '{"tag_key": "S", "regions": ["eu-west-1"]}'}, "schedules must"),
        (
            {
                "SCHEDULER_CONFIG": '{"tag_key": "S", "regions": ["eu-west-1"], "schedules": {}}',
            },
            "schedules must",
        ),
    ],
)
def test_cold_start_rejects_an_unusable_configuration(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(env)


def test_cold_start_rejects_bad_flags() -> None:
    base = '{"tag_key": "S", "regions": ["eu-west-1"], "schedules": {"s": {}}}'
    with pytest.raises(ConfigError, match="DRY_RUN must be true or false"):
        load_config({"SCHEDULER_CONFIG": base, "DRY_RUN": "maybe"})
    with pytest.raises(ConfigError, match="RUN_INTERVAL_MINUTES must be a positive integer"):
        load_config({"SCHEDULER_CONFIG": base, "RUN_INTERVAL_MINUTES": "0"})
