from __future__ import annotations

import sys
from pathlib import Path

import pytest

from local_lambda_executor.interpreters import (
    InterpreterFinder,
    InterpreterNotFoundError,
    UnsupportedRuntimeError,
    env_var_name,
    parse_runtime,
    probe_version,
)


def make_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def finder(tmp_path: Path, versions: dict[str, str], **environ: str) -> InterpreterFinder:
    return InterpreterFinder(
        environ={"PATH": str(tmp_path / "bin"), **environ},
        home=tmp_path / "home",
        system_dirs=(str(tmp_path / "usr-bin"),),
        version_of=versions.get,
    )


def test_parse_runtime() -> None:
    assert parse_runtime("python3.12") == (3, 12)
    assert env_var_name(3, 12) == "LBP_LAMBDA_PYTHON_3_12"
    for runtime in ("nodejs20.x", "python3", None, "provided.al2023"):
        with pytest.raises(UnsupportedRuntimeError):
            parse_runtime(runtime)


def test_environment_variable_wins(tmp_path: Path) -> None:
    chosen = make_executable(tmp_path / "custom" / "py")
    make_executable(tmp_path / "bin" / "python3.12")
    found = finder(tmp_path, {str(chosen): "3.12"}, LBP_LAMBDA_PYTHON_3_12=str(chosen))
    assert found.find("python3.12") == str(chosen)


def test_environment_variable_of_the_wrong_version_is_an_error(tmp_path: Path) -> None:
    wrong = make_executable(tmp_path / "custom" / "py")
    on_path = make_executable(tmp_path / "bin" / "python3.12")
    versions = {str(wrong): "3.11", str(on_path): "3.12"}
    with pytest.raises(InterpreterNotFoundError, match=r"is Python 3\.11"):
        finder(tmp_path, versions, LBP_LAMBDA_PYTHON_3_12=str(wrong)).find("python3.12")


def test_search_order_path_then_newest_pyenv_then_system(tmp_path: Path) -> None:
    on_path = make_executable(tmp_path / "bin" / "python3.12")
    old = make_executable(tmp_path / "home/.pyenv/versions/3.12.1/bin/python3.12")
    new = make_executable(tmp_path / "home/.pyenv/versions/3.12.10/bin/python3.12")
    system = make_executable(tmp_path / "usr-bin" / "python3.12")
    all_good = {str(p): "3.12" for p in (on_path, old, new, system)}

    assert finder(tmp_path, all_good).find("python3.12") == str(on_path)
    assert finder(tmp_path, {**all_good, str(on_path): None}).find("python3.12") == str(new)
    candidates = finder(tmp_path, all_good).candidates(3, 12)
    assert [c.path for c in candidates] == [str(on_path), str(new), str(old), str(system)]


def test_not_found_names_runtime_and_everything_searched(tmp_path: Path) -> None:
    broken_shim = make_executable(tmp_path / "bin" / "python3.12")
    with pytest.raises(InterpreterNotFoundError) as error:
        finder(tmp_path, {str(broken_shim): None}).find("python3.12")
    message = str(error.value)
    assert "python3.12" in message
    assert "LBP_LAMBDA_PYTHON_3_12" in message
    assert ".pyenv/versions/3.12.*/bin/python3.12" in message
    assert f"{tmp_path}/usr-bin/python3.12" in message
    assert f"{broken_shim} (PATH) does not run" in message


def test_no_fallback_to_another_version(tmp_path: Path) -> None:
    make_executable(tmp_path / "bin" / "python3.11")
    make_executable(tmp_path / "bin" / "python3")
    with pytest.raises(InterpreterNotFoundError):
        finder(tmp_path, {}).find("python3.12")


def test_probe_reads_the_real_version() -> None:
    assert probe_version(sys.executable) == "{}.{}".format(*sys.version_info[:2])
    assert probe_version("/nonexistent/python") is None


def test_results_are_cached(tmp_path: Path) -> None:
    on_path = make_executable(tmp_path / "bin" / "python3.12")
    calls: list[str] = []

    def version_of(path: str) -> str:
        calls.append(path)
        return "3.12"

    found = InterpreterFinder(
        environ={"PATH": str(tmp_path / "bin")}, home=tmp_path, version_of=version_of
    )
    assert found.find("python3.12") == found.find("python3.12") == str(on_path)
    assert calls == [str(on_path)]
