from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from release import (
    ReleaseError,
    changelog_has_entry,
    elf_machines,
    foreign_binaries,
    parse_version,
    write_release,
)
from release.cli import main

CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-12-01\n\n- Things.\n"


def make_sources(root: Path, *, native_layer: bool = False) -> dict[str, Path]:
    function = root / "functions" / "greeter"
    function.mkdir(parents=True)
    (function / "handler.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    layer = root / "layers" / "shared" / "python" / "shared"
    layer.mkdir(parents=True)
    (layer / "__init__.py").write_text("NAME = 'shared'\n")
    if native_layer:
        (root / "layers" / "fast").mkdir()
        (root / "layers" / "fast" / "requirements.txt").write_text("orjson==3.13.0\n")
    (root / "CHANGELOG.md").write_text(CHANGELOG)
    return {
        "functions_dir": root / "functions",
        "layers_dir": root / "layers",
        "changelog": root / "CHANGELOG.md",
        "dist_dir": root / "dist",
        "cache_dir": root / "cache",
    }


def test_release_writes_both_architectures_sums_and_manifest(tmp_path: Path) -> None:
    artifacts = write_release("1.2.0", **make_sources(tmp_path))
    out = tmp_path / "dist" / "1.2.0"
    assert sorted(a.file for a in artifacts) == [
        "arm64/functions/greeter.zip",
        "arm64/layers/shared.zip",
        "x86_64/functions/greeter.zip",
        "x86_64/layers/shared.zip",
    ]
    sums = (out / "SHA256SUMS").read_text().splitlines()
    for line in sums:
        digest, file = line.split("  ")
        assert hashlib.sha256((out / file).read_bytes()).hexdigest() == digest
    assert len(sums) == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == "1.2.0"
    entry = next(a for a in manifest["artifacts"] if a["file"] == "arm64/layers/shared.zip")
    assert entry == {
        "name": "shared",
        "kind": "layer",
        "file": "arm64/layers/shared.zip",
        "runtime": "python3.12",
        "architecture": "arm64",
        "sha256": hashlib.sha256((out / entry["file"]).read_bytes()).hexdigest(),
        "size": (out / entry["file"]).stat().st_size,
    }
    assert not list((tmp_path / "dist").glob(".*.partial"))


def test_release_is_reproducible(tmp_path: Path) -> None:
    sources = make_sources(tmp_path)
    write_release("1.2.0", **sources)
    first = (tmp_path / "dist" / "1.2.0" / "SHA256SUMS").read_text()
    (tmp_path / "dist" / "1.2.0").rename(tmp_path / "dist" / "old")
    write_release("1.2.0", **sources)
    assert (tmp_path / "dist" / "1.2.0" / "SHA256SUMS").read_text() == first


def test_release_refuses_without_a_changelog_entry(tmp_path: Path) -> None:
    sources = make_sources(tmp_path)
    with pytest.raises(ReleaseError, match=r"no entry for 1\.3\.0"):
        write_release("1.3.0", **sources)
    assert not (tmp_path / "dist").exists()


def test_release_refuses_to_overwrite_a_released_version(tmp_path: Path) -> None:
    sources = make_sources(tmp_path)
    write_release("1.2.0", **sources)
    with pytest.raises(ReleaseError, match="immutable"):
        write_release("1.2.0", **sources)


@pytest.mark.parametrize("version", ["1.2", "v1.2.0", "01.2.0", "1.2.0+build.5", "latest"])
def test_versions_must_be_semantic(version: str) -> None:
    with pytest.raises(ReleaseError, match="semantic version"):
        parse_version(version)


@pytest.mark.parametrize("version", ["0.1.0", "1.2.0", "2.0.0-rc.1", "10.20.30-alpha"])
def test_semantic_versions_are_accepted(version: str) -> None:
    assert parse_version(version) == version


def test_changelog_entry_forms() -> None:
    assert changelog_has_entry(CHANGELOG, "1.2.0")
    assert changelog_has_entry("## 1.2.0\n", "1.2.0")
    assert not changelog_has_entry(CHANGELOG, "1.2.1")
    assert not changelog_has_entry("## [1.2.0.1]\n", "1.2.0")
    assert not changelog_has_entry("- mentions 1.2.0 in a list\n", "1.2.0")


def test_cli_refuses_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = make_sources(tmp_path)
    code = main(
        [
            "--version", "9.9.9",
            "--functions", str(sources["functions_dir"]),
            "--layers", str(sources["layers_dir"]),
            "--changelog", str(sources["changelog"]),
            "--dist", str(sources["dist_dir"]),
            "--cache", str(sources["cache_dir"]),
        ]
    )  # fmt: skip
    assert code == 1
    assert "CHANGELOG.md has no entry for 9.9.9" in capsys.readouterr().err


def elf_header(machine: int) -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 11 + machine.to_bytes(2, "little") + b"\x00" * 44


def test_foreign_binaries_are_found_by_elf_machine(tmp_path: Path) -> None:
    package = tmp_path / "p.zip"
    with zipfile.ZipFile(package, "w") as zf:
        zf.writestr("python/a.so", elf_header(62))
        zf.writestr("python/b.so", elf_header(183))
        zf.writestr("python/c.py", "x = 1\n")
    assert elf_machines(package) == {"python/a.so": 62, "python/b.so": 183}
    assert foreign_binaries(package, "arm64") == ["python/a.so"]
    assert foreign_binaries(package, "x86_64") == ["python/b.so"]


def test_native_wheels_match_each_architecture(tmp_path: Path) -> None:
    """A real manylinux wheel (orjson) installed per target: aarch64 .so for arm64, x86-64 else."""
    artifacts = write_release("1.2.0", **make_sources(tmp_path, native_layer=True))
    out = tmp_path / "dist" / "1.2.0"
    for architecture, machine in (("x86_64", 62), ("arm64", 183)):
        (layer,) = [a for a in artifacts if a.name == "fast" and a.architecture == architecture]
        machines = set(elf_machines(out / layer.file).values())
        assert machines == {machine}
