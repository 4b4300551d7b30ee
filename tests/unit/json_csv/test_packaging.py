"""Both JSON→CSV functions ship the shared json_csv package and orjson built for their target
(x86_64 or arm64), and nothing else duplicates the shared code."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from packager import Target, build_function

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
ELF_MACHINE = {"x86_64": 62, "arm64": 183}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pip-cache")


@pytest.mark.parametrize("architecture", ["x86_64", "arm64"])
@pytest.mark.parametrize("function", ["json_to_csv_s3", "json_to_csv_stream"])
def test_zip_holds_the_shared_package_and_orjson_for_the_target(
    tmp_path: Path, cache: Path, function: str, architecture: str
) -> None:
    result = build_function(
        FUNCTIONS / function, tmp_path, Target("python3.12", architecture), cache
    )
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        shared = sorted(n for n in names if n.startswith("json_csv/") and n.endswith(".py"))
        assert shared == sorted(f"json_csv/{p.name}" for p in (FUNCTIONS / "json_csv").glob("*.py"))
        bytecode = {n for n in names if n.startswith("json_csv/__pycache__/")}
        assert bytecode == {
            f"json_csv/__pycache__/{p.stem}.cpython-312.pyc"
            for p in (FUNCTIONS / "json_csv").glob("*.py")
        }
        assert not [n for n in names if n.startswith(f"{function}/") and "flatten" in n]
        [extension] = [n for n in names if n.startswith("orjson/") and n.endswith(".so")]
        assert "cpython-312" in extension
        header = zf.read(extension)[:20]
    assert header[:4] == b"\x7fELF"
    assert int.from_bytes(header[18:20], "little") == ELF_MACHINE[architecture]
