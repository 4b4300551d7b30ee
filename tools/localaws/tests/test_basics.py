from pathlib import Path

import pytest

from localaws import prereqs, shell
from localaws.layout import Layout, RootNotFoundError, find_root


def test_java_major() -> None:
    assert prereqs.java_major('openjdk version "17.0.15" 2025-04-15') == 17
    assert prereqs.java_major('java version "1.8.0_392"') == 8
    assert prereqs.java_major('openjdk version "21" 2023-09-19') == 21
    assert prereqs.java_major("nothing") is None


def test_filter_noise() -> None:
    lines = [
        "WARNING: Location 'file:///opt/pypi-more/simple/hpack/' is ignored: it is neither a file",
        "Successfully installed boto3",
        "",
    ]
    assert shell.filter_noise(lines) == ["Successfully installed boto3"]


def test_stamps_replace_old_keys(tmp_path: Path) -> None:
    stamps = shell.Stamps(tmp_path)
    assert not stamps.done("venv", "a")
    stamps.mark("venv", "a")
    stamps.mark("venv", "b")
    assert stamps.done("venv", "b")
    assert not stamps.done("venv", "a")


def test_find_root_needs_pyproject_and_makefile(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "Makefile").write_text("")
    nested = tmp_path / "tools" / "localaws"
    nested.mkdir(parents=True)
    (nested / "pyproject.toml").write_text("")
    assert find_root(nested) == tmp_path.resolve()


def test_find_root_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(RootNotFoundError, match="--root"):
        find_root(tmp_path)


def test_layout_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALAWS_PORT", "4577")
    monkeypatch.setenv("LOCALAWS_STATE_DIR", str(tmp_path / "state"))
    layout = Layout.resolve(tmp_path)
    assert layout.port == 4577
    assert layout.state_dir == (tmp_path / "state").resolve()
    assert layout.var_libs == layout.state_dir / "fs/var/lib/localstack/lib"
    assert Layout.resolve(tmp_path, port=4600).port == 4600
    monkeypatch.delenv("LOCALAWS_PORT")
    monkeypatch.delenv("LOCALAWS_STATE_DIR")
    default = Layout.resolve(tmp_path)
    assert (default.port, default.state_dir) == (4566, tmp_path.resolve() / ".localstack")
