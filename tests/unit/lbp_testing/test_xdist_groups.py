"""make test's work units: a test file each, or one per declared xdist group."""

from __future__ import annotations

from pathlib import Path

from lbp_testing.xdist_groups import (
    LongestFirstQueue,
    committed_durations,
    declared_group,
    unit_durations,
    work_unit,
)


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


def test_the_time_driven_scenarios_are_units_of_their_own() -> None:
    """Each moves a clock scope of its own (lbp_testing.clock): no group serializes them."""
    root = Path(__file__).resolve().parents[3]
    files = sorted((root / "tests/integration").glob("**/test_*.py"))
    clock_files = [f for f in files if "schedule_clock" in f.read_text(encoding="utf-8")]
    assert len(clock_files) >= 5  # scheduler_clock, ec2, ebs, scheduled (two), fleet
    for file in clock_files:
        relative = str(file.relative_to(root))
        assert declared_group(root, relative) is None, relative
        assert work_unit(root, f"{relative}::test_x") == relative


def test_terraform_suites_split_into_single_tests(tmp_path: Path) -> None:
    assert work_unit(tmp_path, "tests/module/test_m.py::test_a[x]") == (
        "tests/module/test_m.py::test_a[x]"
    )
    assert (
        work_unit(tmp_path, "tests/examples/test_e.py::test_b")
        == "tests/examples/test_e.py::test_b"
    )
    assert work_unit(tmp_path, "tests/unit/test_u.py::test_c") == "tests/unit/test_u.py"
    iam = "tests/integration/iam_enforcement/test_iam_enforcement.py::test_enforcement_is_on"
    assert work_unit(tmp_path, iam) == iam


def test_committed_durations_are_read_and_missing_ones_are_empty(tmp_path: Path) -> None:
    table = tmp_path / "unit_seconds.json"
    table.write_text('{"tests/integration/a/test_a.py": 900}')
    assert committed_durations(table) == {"tests/integration/a/test_a.py": 900.0}
    assert committed_durations(tmp_path / "missing.json") == {}
    assert committed_durations(), "tests/lbp_testing/unit_seconds.json is committed"


def test_a_free_worker_takes_the_longest_unit_first() -> None:
    queue = LongestFirstQueue({"tests/unit/test_slow.py": 900.0})
    queue["tests/unit/test_many.py"] = dict.fromkeys(map(str, range(200)), False)
    queue["tests/integration/a/test_a.py"] = {"x": False}
    queue["group:clock"] = {"y": False}
    queue["tests/module/test_m.py::test_one"] = {"z": False}
    queue["tests/unit/test_slow.py"] = {"w": False}
    order = [queue.popitem(last=False)[0] for _ in range(len(queue))]
    assert order == [
        "tests/unit/test_slow.py",  # measured by the last run
        "group:clock",
        "tests/integration/a/test_a.py",
        "tests/module/test_m.py::test_one",
        "tests/unit/test_many.py",
    ]


def test_unit_durations_sum_the_tests_of_a_unit(tmp_path: Path) -> None:
    (tmp_path / "test_one.py").write_text('pytestmark = pytest.mark.xdist_group("clock")\n')
    (tmp_path / "test_two.py").write_text('pytestmark = pytest.mark.xdist_group("clock")\n')
    seconds = {"test_one.py::a": 2.0, "test_two.py::b": 3.0, "test_plain.py::c": 1.5}
    assert unit_durations(tmp_path, seconds) == {"group:clock": 5.0, "test_plain.py": 1.5}
