"""Each handler's Logger takes its service name from POWERTOOLS_SERVICE_NAME (set by its module)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
SETTINGS: dict[str, dict[str, str]] = {
    "alarm_notifier": {
        "NOTIFICATION_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:t",
        "DELIVERY_TABLE_NAME": "deliveries",
    },
    "ebs_snapshot_backup": {"BACKUP_NAME": "b", "RETENTION_DAYS": "3"},
    "ec2_scheduler": {
        "SCHEDULER_CONFIG": json.dumps(
            {
                "tag_key": "Schedule",
                "regions": ["eu-west-1"],
                "schedules": {
                    "s": {
                        "time_zone": "UTC",
                        "periods": [{"weekdays": ["mon"], "begin": "08:00", "end": "19:00"}],
                    }
                },
            }
        )
    },
    "fleet_provisioner": {"FLEET_PARAMETER_NAME": "p", "FLEET_OWNER": "o"},
    "hello": {},
    "image_renditions": {
        "DESTINATION_BUCKET": "d",
        "RENDITIONS": json.dumps({"t": {"max_width": 10, "max_height": 10}}),
    },
    "image_renditions_report": {"TABLE_NAME": "t"},
    "json_to_csv_s3": {"INPUT_BUCKET": "b", "INPUT_PREFIX": "in/"},
    "json_to_csv_stream": {"OUTPUT_BUCKET": "b"},
    "s3_object_index": {"TABLE_NAME": "t"},
    "s3_object_index_api": {"TABLE_NAME": "t"},
    "scheduled_message": {
        "TABLE_NAME": "t",
        "SENDER": "a@example.com",
        "SUBJECT_TEMPLATE": "hi",
        "BODY_TEMPLATE": "hi",
    },
}


def test_every_handler_is_listed() -> None:
    handlers = {path.parent.name for path in FUNCTIONS.glob("*/handler.py")}
    assert handlers == set(SETTINGS)


@pytest.mark.parametrize("function", sorted(SETTINGS))
def test_logger_service_comes_from_the_environment(load_handler: Any, function: str) -> None:
    for name in [name for name in sys.modules if name.startswith(f"{function}.")]:
        sys.modules.pop(name)
    service = f"svc-{function.replace('_', '-')}"
    handler = load_handler(
        f"{function}.handler", POWERTOOLS_SERVICE_NAME=service, **SETTINGS[function]
    )
    assert handler.logger.service == service
