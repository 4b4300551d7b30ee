"""Checks for what the host must already provide: Java, Node + npm, Python's venv module."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

MIN_JAVA = 11


class PrerequisiteError(RuntimeError):
    pass


def java_major(version_output: str) -> int | None:
    """The major version from ``java -version`` output (handles the legacy 1.8 form)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):
        return int(match.group(2))
    return major


def _java_binary() -> Path | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return Path(java_home) / "bin" / "java"
    found = shutil.which("java")
    return Path(found) if found else None


def java_home() -> Path:
    """The JDK home of the Java that will run DynamoDB Local; raises if unusable."""
    binary = _java_binary()
    if binary is None:
        raise PrerequisiteError("Java 17 not found: apt-get install openjdk-17-jdk-headless")
    proc = subprocess.run(
        [str(binary), "-version"], capture_output=True, text=True, check=False, timeout=30
    )
    major = java_major(proc.stderr + proc.stdout)
    if major is None or major < MIN_JAVA:
        raise PrerequisiteError(
            f"Java >= {MIN_JAVA} required, found {major} at {binary}: "
            "apt-get install openjdk-17-jdk-headless"
        )
    return binary.resolve().parent.parent


def require_jdk_tools(home: Path) -> tuple[Path, Path]:
    javac = home / "bin" / "javac"
    jar = home / "bin" / "jar"
    if not (javac.is_file() and jar.is_file()):
        raise PrerequisiteError(
            f"javac/jar not found in {home}: apt-get install openjdk-17-jdk-headless"
        )
    return javac, jar


def require_node() -> None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise PrerequisiteError(f"{tool} not found: apt-get install nodejs npm")


def require_venv_module(python: str) -> None:
    proc = subprocess.run(
        [python, "-c", "import venv, ensurepip"], capture_output=True, check=False, timeout=60
    )
    if proc.returncode != 0:
        raise PrerequisiteError(
            f"{python} lacks the venv/ensurepip modules: apt-get install python3-venv"
        )


def check_all(python: str) -> Path:
    """Run every check; returns the JDK home."""
    home = java_home()
    require_jdk_tools(home)
    require_node()
    require_venv_module(python)
    return home
