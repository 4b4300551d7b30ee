"""make test's work units: a test file each, or one per declared xdist group."""

from __future__ import annotations

from pathlib import Path

from lbp_testing.xdist_groups import declared_group, work_unit


def test_files_are_units_unless_they_declare_a_group(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_x():\n    pass\n")
    (tmp_path / "test_one.py").write_text('pytestmark = pytest.mark.xdist_group("clock")\n')
    (tmp_path / "test_list.py").write_text(
        'pytestmark = [pytest.mark.integration, pytest.mark.xdist_group(name="clock")]\n'
    )
    assert work_unit(tmp_path, "test_plain.py::test_x[a@b]") == "test_plain.py"
    assert work_unit(tmp_path, "test_one.py::test_y") == "group:clock"
    assert work_unit(tmp_path, "test_list.py::Case::test_z[1]") == "group:clock"
    assert declared_group(tmp_path, "missing.py") is None


def test_the_four_time_driven_scenarios_share_the_clock_group() -> None:
    root = Path(__file__).resolve().parents[3]
    for scenario in ("scheduled_message", "ec2_scheduler", "ebs_snapshot_backup",
                     "fleet_provisioner"):  # fmt: skip
        file = f"tests/integration/{scenario}/test_{scenario}.py"
        assert declared_group(root, file) == "clock", file
    assert declared_group(root, "tests/integration/root_stack/test_root_stack.py") is None
