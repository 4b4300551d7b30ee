from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from local_lambda_executor.interpreters import InterpreterFinder
from packager import Target, build_function, build_layer
from packager.cli import main
from packager.dependencies import DependencyInstallError, install_for_target
from packager.zipper import FIXED_DATE_TIME


def make_function(root: Path, name: str = "sample") -> Path:
    source = root / "functions" / name
    (source / "tests").mkdir(parents=True)
    (source / "__pycache__").mkdir()
    (source / "handler.py").write_text("def lambda_handler(event, context):\n    return event\n")
    (source / "logic.py").write_text("VALUE = 1\n")
    (source / "tests" / "test_logic.py").write_text("def test(): pass\n")
    (source / "__pycache__" / "logic.cpython-311.pyc").write_bytes(b"junk")
    return source


def test_function_zip_holds_only_the_package(tmp_path: Path) -> None:
    source = make_function(tmp_path)
    result = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    with zipfile.ZipFile(result.path) as zf:
        assert sorted(zf.namelist()) == [
            "sample/__pycache__/handler.cpython-312.pyc",
            "sample/__pycache__/logic.cpython-312.pyc",
            "sample/handler.py",
            "sample/logic.py",
        ]


def test_shared_packages_are_copied_into_the_zip(tmp_path: Path) -> None:
    source = make_function(tmp_path)
    shared = tmp_path / "functions" / "common"
    shared.mkdir()
    (shared / "__init__.py").write_text("")
    (shared / "rows.py").write_text("WIDTH = 1\n")
    (source / "shared.txt").write_text("# vendored\ncommon\n")
    result = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    with zipfile.ZipFile(result.path) as zf:
        sources = sorted(name for name in zf.namelist() if name.endswith(".py"))
        assert sources == [
            "common/__init__.py",
            "common/rows.py",
            "sample/handler.py",
            "sample/logic.py",
        ]


@pytest.mark.parametrize("listed", ["missing", "../sample", "sample"])
def test_shared_packages_must_be_sibling_packages_not_functions(
    tmp_path: Path, listed: str
) -> None:
    source = make_function(tmp_path)
    (source / "__init__.py").write_text("")
    (source / "shared.txt").write_text(listed + "\n")
    with pytest.raises((FileNotFoundError, ValueError), match=repr(listed)):
        build_function(source, tmp_path / "build", Target(), tmp_path / "cache")


def test_rebuild_is_byte_identical_and_does_not_rewrite(tmp_path: Path) -> None:
    source = make_function(tmp_path)
    first = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    first_bytes = first.path.read_bytes()
    os.utime(source / "handler.py", (0, 0))
    (source / "logic.py").chmod(0o600)
    second = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    assert second.path.read_bytes() == first_bytes
    assert first.written and not second.written


def test_content_change_changes_the_zip(tmp_path: Path) -> None:
    source = make_function(tmp_path)
    first = build_function(source, tmp_path / "build", Target(), tmp_path / "cache").sha256
    (source / "logic.py").write_text("VALUE = 2\n")
    second = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    assert second.written and second.sha256 != first


def test_entries_have_fixed_time_and_mode(tmp_path: Path) -> None:
    source = make_function(tmp_path)
    (source / "run.sh").write_text("#!/bin/sh\n")
    (source / "run.sh").chmod(0o700)
    result = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    with zipfile.ZipFile(result.path) as zf:
        modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in zf.infolist()}
        assert {info.date_time for info in zf.infolist()} == {FIXED_DATE_TIME}
        assert zf.namelist() == sorted(zf.namelist())
    assert modes == {
        "sample/__pycache__/handler.cpython-312.pyc": 0o644,
        "sample/__pycache__/logic.cpython-312.pyc": 0o644,
        "sample/handler.py": 0o644,
        "sample/logic.py": 0o644,
        "sample/run.sh": 0o755,
    }


def test_function_without_handler_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "functions" / "nothing"
    source.mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=r"handler\.py"):
        build_function(source, tmp_path / "build", Target(), tmp_path / "cache")


def test_layer_puts_sources_under_python(tmp_path: Path) -> None:
    layer = tmp_path / "layers" / "shared"
    (layer / "python" / "shared").mkdir(parents=True)
    (layer / "python" / "shared" / "__init__.py").write_text("X = 1\n")
    result = build_layer(layer, tmp_path / "build", Target(), tmp_path / "cache")
    with zipfile.ZipFile(result.path) as zf:
        assert zf.namelist() == [
            "python/shared/__init__.py",
            "python/shared/__pycache__/__init__.cpython-312.pyc",
        ]


def test_empty_layer_is_refused(tmp_path: Path) -> None:
    layer = tmp_path / "layers" / "empty"
    layer.mkdir(parents=True)
    with pytest.raises(ValueError, match=r"neither requirements\.txt"):
        build_layer(layer, tmp_path / "build", Target(), tmp_path / "cache")


@pytest.mark.parametrize(
    ("runtime", "architecture"), [("nodejs20.x", "x86_64"), ("python3.12", "sparc")]
)
def test_bad_target_is_refused(runtime: str, architecture: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        Target(runtime, architecture)


def _elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF"
    return int.from_bytes(header[18:20], "little")


ELF_X86_64, ELF_AARCH64 = 62, 183


@pytest.mark.parametrize(
    ("architecture", "machine"), [("arm64", ELF_AARCH64), ("x86_64", ELF_X86_64)]
)
def test_dependencies_are_built_for_the_target_not_the_build_machine(
    tmp_path: Path, architecture: str, machine: int
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("markupsafe==3.0.2\n")
    target = Target("python3.12", architecture)
    installed = install_for_target(requirements, target, tmp_path / "cache")
    extensions = list(installed.rglob("*.so"))
    assert extensions, "markupsafe ships a compiled speedup module"
    assert all("cpython-312" in so.name for so in extensions)
    assert {_elf_machine(so) for so in extensions} == {machine}
    assert install_for_target(requirements, target, tmp_path / "cache") == installed


def test_uninstallable_requirement_fails_with_pip_reason(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("this-package-does-not-exist-lbp==0.0.1\n")
    with pytest.raises(DependencyInstallError, match="this-package-does-not-exist-lbp"):
        install_for_target(requirements, Target(), tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*")), "a failed install leaves no cache entry"


def test_cli_builds_everything_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_function(tmp_path, "alpha")
    make_function(tmp_path, "beta")
    code = main(
        [
            "build",
            "--functions", str(tmp_path / "functions"),
            "--layers", str(tmp_path / "layers"),
            "--out", str(tmp_path / "build"),
            "--cache", str(tmp_path / "cache"),
        ]
    )  # fmt: skip
    assert code == 0
    for architecture in ("x86_64", "arm64"):
        assert (tmp_path / "build" / architecture / "functions" / "alpha.zip").exists()
        assert (tmp_path / "build" / architecture / "functions" / "beta.zip").exists()
    assert capsys.readouterr().out.count("built") == 4


def test_cli_builds_only_the_architectures_asked_for(tmp_path: Path) -> None:
    make_function(tmp_path, "alpha")
    code = main(
        [
            "build",
            "--functions", str(tmp_path / "functions"),
            "--layers", str(tmp_path / "layers"),
            "--out", str(tmp_path / "build"),
            "--cache", str(tmp_path / "cache"),
            "--architecture", "arm64",
        ]
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "build" / "arm64" / "functions" / "alpha.zip").exists()
    assert not (tmp_path / "build" / "x86_64").exists()


def test_python312_accepts_amazon_linux_2023_wheels_and_311_only_manylinux2014() -> None:
    assert Target("python3.12", "arm64").platforms == (
        "manylinux_2_34_aarch64",
        "manylinux_2_28_aarch64",
        "manylinux2014_aarch64",
    )
    assert Target("python3.11", "x86_64").platforms == ("manylinux2014_x86_64",)


def test_a_wheel_built_only_for_manylinux_2_28_installs_for_python312(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pillow==13.0.0\n")
    installed = install_for_target(requirements, Target("python3.12"), tmp_path / "cache")
    assert any(installed.glob("pillow-13.0.0.dist-info"))


def test_bytecode_is_what_the_runtime_imports_without_compiling(tmp_path: Path) -> None:
    """Checked-hash bytecode of the runtime's version: Python 3.12 accepts it for the shipped
    source (magic number and source hash match), named as Lambda shows it in tracebacks."""
    source = make_function(tmp_path)
    (source / "broken.py").write_text("def f(:\n")  # shipped as source only
    result = build_function(source, tmp_path / "build", Target(), tmp_path / "cache")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(unpacked)
        assert "sample/__pycache__/broken.cpython-312.pyc" not in zf.namelist()
    check = (
        "import importlib.util, marshal, sys\n"
        "src, pyc = (open(p, 'rb').read() for p in sys.argv[1:3])\n"
        "assert pyc[:4] == importlib.util.MAGIC_NUMBER, 'magic'\n"
        "assert int.from_bytes(pyc[4:8], 'little') == 0b11, 'checked-hash flags'\n"
        "assert pyc[8:16] == importlib.util.source_hash(src), 'source hash'\n"
        "print(marshal.loads(pyc[16:]).co_filename)\n"
    )
    python = InterpreterFinder().find("python3.12")
    shown = subprocess.run(
        [python, "-I", "-c", check, str(unpacked / "sample" / "logic.py"),
         str(unpacked / "sample" / "__pycache__" / "logic.cpython-312.pyc")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert shown == "/var/task/sample/logic.py"
