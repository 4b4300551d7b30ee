from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo import console
from demo.cli import demo_variables
from demo.terraform import Terraform, summary_line


def test_summary_line_is_the_apply_complete_line() -> None:
    output = "module.x: Creating...\nApply complete! Resources: 3 added, 0 changed, 0 destroyed.\n"
    assert summary_line(output) == "Apply complete! Resources: 3 added, 0 changed, 0 destroyed."


def test_table_aligns_columns(capsys: pytest.CaptureFixture[str]) -> None:
    console.table(["key", "size"], [["a", 1], ["longer-key", 12345]])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].index("size") == lines[2].index("1") == lines[3].index("12345")
    assert set(lines[1].strip()) == {"-", " "}


def test_the_fleet_provisioner_is_turned_on_only_for_an_emulator() -> None:
    """The root stack defaults it off (it launches real instances); the demo shows it locally."""
    local = {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "LBP_TARGET": "local"}
    assert demo_variables(local) == {"enable_fleet_provisioner": "true"}
    assert demo_variables({"AWS_ENDPOINT_URL": "http://localhost:4566"}) == {
        "enable_fleet_provisioner": "true"
    }
    assert demo_variables({"LBP_TARGET": "aws"}) == {}
    assert demo_variables({"LBP_TARGET": "aws", "AWS_ENDPOINT_URL": "http://x:1"}) == {}


def test_apply_passes_the_variables(tmp_path: Path) -> None:
    """A fake terraform logs its arguments and answers as `terraform apply -json` does."""
    script = tmp_path / "terraform"
    log = tmp_path / "calls"
    summary_message = json.dumps(
        {
            "type": "change_summary",
            "@message": "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
            "changes": {"add": 1, "change": 0, "remove": 0, "operation": "apply"},
        }
    )
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\necho '{summary_message}'\n")
    script.chmod(0o755)
    summary = Terraform(str(script), tmp_path).apply({"enable_fleet_provisioner": "true"})
    assert summary == "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
    apply_call = log.read_text().splitlines()[-1].split()
    assert apply_call[:3] == [f"-chdir={tmp_path}", "apply", "-json"]
    assert "-var=enable_fleet_provisioner=true" in apply_call
