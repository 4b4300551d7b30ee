from __future__ import annotations

import pytest

from demo import console
from demo.terraform import summary_line


def test_summary_line_is_the_apply_complete_line() -> None:
    output = "module.x: Creating...\nApply complete! Resources: 3 added, 0 changed, 0 destroyed.\n"
    assert summary_line(output) == "Apply complete! Resources: 3 added, 0 changed, 0 destroyed."


def test_table_aligns_columns(capsys: pytest.CaptureFixture[str]) -> None:
    console.table(["key", "size"], [["a", 1], ["longer-key", 12345]])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].index("size") == lines[2].index("1") == lines[3].index("12345")
    assert set(lines[1].strip()) == {"-", " "}
