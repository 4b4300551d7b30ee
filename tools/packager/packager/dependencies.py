"""Third-party dependencies installed for the Lambda target, not for the build machine."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from packager.target import Target

_COMPLETE_MARKER = ".complete"


class DependencyInstallError(RuntimeError):
    pass


def cache_key(requirements: Path, target: Target) -> str:
    digest = hashlib.sha256()
    digest.update(requirements.read_bytes())
    digest.update(f"\0{target.runtime}\0{target.architecture}".encode())
    return digest.hexdigest()[:24]


def pip_command(requirements: Path, target: Target, destination: Path) -> list[str]:
    return [
        sys.executable, "-m", "pip", "install",
        "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(destination),
        *(flag for platform in target.platforms for flag in ("--platform", platform)),
        "--implementation", "cp",
        "--python-version", target.python_version,
        "--only-binary=:all:",
        "--requirement", str(requirements),
    ]  # fmt: skip


def install_for_target(requirements: Path, target: Target, cache_dir: Path) -> Path:
    """Returns a folder holding the requirements installed for the target.

    Results are cached by the requirements' content and the target, so an unchanged
    requirements file costs nothing on the next build.
    """
    destination = cache_dir / cache_key(requirements, target)
    if (destination / _COMPLETE_MARKER).exists():
        return destination
    staging = destination.with_name(destination.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    result = subprocess.run(
        pip_command(requirements, target, staging), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        errors = [
            line for line in result.stderr.splitlines() if "is ignored: it is neither" not in line
        ]
        raise DependencyInstallError(
            f"pip could not install {requirements} for {target.runtime}/{target.architecture} "
            f"({', '.join(target.platforms)} wheels only):\n" + "\n".join(errors[-20:])
        )
    for cache in staging.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(staging / "bin", ignore_errors=True)
    (staging / _COMPLETE_MARKER).touch()
    shutil.rmtree(destination, ignore_errors=True)
    staging.rename(destination)
    return destination
