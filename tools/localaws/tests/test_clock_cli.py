from pathlib import Path

import pytest

from localaws import clock_cli, launcher
from localaws.layout import Layout, find_root

REPO = find_root(Path(__file__).parent)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("5m", 300), ("2h", 7200), ("1d", 86400), ("1d12h", 129600), ("30", 30)],
)
def test_durations(text: str, seconds: float) -> None:
    assert clock_cli.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5x", "h", "1h 30m", "-5m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(clock_cli.ClockCommandError):
        clock_cli.parse_duration(text)


def test_set_needs_an_offset() -> None:
    assert clock_cli.parse_at("2027-02-28T12:00:00Z").utcoffset() is not None
    with pytest.raises(clock_cli.ClockCommandError, match="UTC offset"):
        clock_cli.parse_at("2027-02-28T12:00:00")


def test_time_switch_defaults_on_and_is_passed_to_localstack(tmp_path: Path) -> None:
    layout = Layout(root=REPO, state_dir=tmp_path, port=4600)
    assert launcher.localstack_env(layout, base={"PATH": "/usr/bin"})["LBP_TIME"] == "on"
    env = launcher.localstack_env(layout, base={"PATH": "/usr/bin", "LBP_TIME": "OFF"})
    assert env["LBP_TIME"] == "off"
    with pytest.raises(launcher.LaunchError, match="on or off"):
        launcher.localstack_env(layout, base={"PATH": "/usr/bin", "LBP_TIME": "maybe"})
