"""Builds every function and layer for each architecture into dist/<version>/ and describes them.

Layout (the same as build/, under the version): `<architecture>/functions/<name>.zip`,
`<architecture>/layers/<name>.zip`, plus `SHA256SUMS` (`sha256sum -c` format) and
`manifest.json` (every artifact's name, kind, file, runtime, architecture, sha256, size).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from packager import Target, build_all

ARCHITECTURES = ("x86_64", "arm64")
PROJECT = "lambda-blueprints"
# Semantic Versioning 2.0.0, without build metadata (it has no meaning for artifacts).
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?$"
)


# ELF e_machine values of the shared objects a package may carry, per Lambda architecture.
ELF_MACHINES = {"x86_64": 62, "arm64": 183}  # EM_X86_64, EM_AARCH64


class ReleaseError(Exception):
    """A release that must not be written; the message says what to fix."""


@dataclass(frozen=True)
class Artifact:
    name: str
    kind: str  # "function" | "layer"
    file: str  # relative to dist/<version>/
    runtime: str
    architecture: str
    sha256: str
    size: int


def parse_version(version: str) -> str:
    if not _SEMVER.match(version):
        raise ReleaseError(
            f"VERSION={version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0 or "
            "2.0.0-rc.1)"
        )
    return version


def changelog_has_entry(changelog: str, version: str) -> bool:
    """True when CHANGELOG.md has a `## [x.y.z]` (or `## x.y.z`) heading for the version."""
    heading = re.compile(rf"^##\s+\[?v?{re.escape(version)}\]?(?:\s|$)", re.MULTILINE)
    return bool(heading.search(changelog))


def elf_machines(package: Path) -> dict[str, int]:
    """e_machine of every ELF file in a zip, by entry name (native wheels' .so files)."""
    machines: dict[str, int] = {}
    with zipfile.ZipFile(package) as zf:
        for info in zf.infolist():
            with zf.open(info) as entry:
                header = entry.read(20)
            if len(header) == 20 and header[:4] == b"\x7fELF":
                endian = "<" if header[5] == 1 else ">"
                machines[info.filename] = struct.unpack(f"{endian}H", header[18:20])[0]
    return machines


def foreign_binaries(package: Path, architecture: str) -> list[str]:
    """Entries whose machine type is not the architecture's (a package that cannot load there)."""
    expected = ELF_MACHINES[architecture]
    return sorted(name for name, machine in elf_machines(package).items() if machine != expected)


def write_release(
    version: str,
    *,
    functions_dir: Path,
    layers_dir: Path,
    changelog: Path,
    dist_dir: Path,
    cache_dir: Path,
    runtime: str = "python3.12",
    architectures: tuple[str, ...] = ARCHITECTURES,
) -> list[Artifact]:
    parse_version(version)
    if not changelog.exists() or not changelog_has_entry(changelog.read_text(), version):
        raise ReleaseError(
            f"{changelog} has no entry for {version}: add a `## [{version}] - <date>` section "
            "saying what changed before releasing it"
        )
    out = dist_dir / version
    if out.exists():
        raise ReleaseError(
            f"{out} already exists: a released version is immutable (delete it to rebuild)"
        )
    staging = dist_dir / f".{version}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    artifacts: list[Artifact] = []
    for architecture in architectures:
        target = Target(runtime, architecture)
        for result in build_all(
            functions_dir, layers_dir, staging / architecture, target, cache_dir
        ):
            foreign = foreign_binaries(result.path, architecture)
            if foreign:
                shutil.rmtree(staging, ignore_errors=True)
                raise ReleaseError(
                    f"{result.kind} {result.name} for {architecture} holds binaries for another "
                    f"machine: {', '.join(foreign[:5])}"
                )
            artifacts.append(
                Artifact(
                    name=result.name,
                    kind=result.kind,
                    file=result.path.relative_to(staging).as_posix(),
                    runtime=runtime,
                    architecture=architecture,
                    sha256=result.sha256,
                    size=result.size,
                )
            )
    if not artifacts:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(f"nothing to release in {functions_dir} or {layers_dir}")
    artifacts.sort(key=lambda a: a.file)
    (staging / "SHA256SUMS").write_text("".join(f"{a.sha256}  {a.file}\n" for a in artifacts))
    manifest = {
        "project": PROJECT,
        "version": version,
        "artifacts": [asdict(a) for a in artifacts],
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    staging.rename(out)
    return artifacts
