"""Finds a host interpreter whose version matches a Lambda runtime such as python3.12."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_RUNTIME_PATTERN = re.compile(r"^python(\d+)\.(\d+)$")
_VERSION_CHECK = "import sys; print('%d.%d' % sys.version_info[:2])"


class UnsupportedRuntimeError(Exception):
    pass


class InterpreterNotFoundError(Exception):
    pass


@dataclass(frozen=True)
class Candidate:
    path: str
    origin: str


@dataclass
class InterpreterFinder:
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    home: Path = field(default_factory=Path.home)
    system_dirs: tuple[str, ...] = ("/usr/bin", "/usr/local/bin")
    version_of: Callable[[str], str | None] = field(default=None)  # type: ignore[assignment]
    _cache: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.version_of is None:
            self.version_of = probe_version

    def find(self, runtime: str) -> str:
        major, minor = parse_runtime(runtime)
        with self._lock:
            if runtime in self._cache:
                return self._cache[runtime]
            wanted = f"{major}.{minor}"
            rejected: list[str] = []
            for candidate in self.candidates(major, minor):
                found = self.version_of(candidate.path)
                if found == wanted:
                    self._cache[runtime] = candidate.path
                    return candidate.path
                reason = "does not run" if found is None else f"is Python {found}"
                rejected.append(f"{candidate.path} ({candidate.origin}) {reason}")
            raise InterpreterNotFoundError(self._not_found_message(runtime, major, minor, rejected))

    def candidates(self, major: int, minor: int) -> list[Candidate]:
        name = f"python{major}.{minor}"
        found: list[Candidate] = []
        override = self.environ.get(env_var_name(major, minor))
        if override:
            return [Candidate(override, f"${env_var_name(major, minor)}")]
        on_path = shutil.which(name, path=self.environ.get("PATH", ""))
        if on_path:
            found.append(Candidate(on_path, "PATH"))
        for versions_dir in self._pyenv_version_dirs():
            for version_dir in sorted(
                versions_dir.glob(f"{major}.{minor}.*"), key=_version_key, reverse=True
            ):
                executable = version_dir / "bin" / name
                if executable.exists():
                    found.append(Candidate(str(executable), "pyenv"))
        for directory in self.system_dirs:
            executable = Path(directory) / name
            if executable.exists():
                found.append(Candidate(str(executable), directory))
        return found

    def _pyenv_version_dirs(self) -> list[Path]:
        roots = [Path(self.environ["PYENV_ROOT"])] if self.environ.get("PYENV_ROOT") else []
        roots.append(self.home / ".pyenv")
        unique = dict.fromkeys(root / "versions" for root in roots)
        return [directory for directory in unique if directory.is_dir()]

    def _not_found_message(self, runtime: str, major: int, minor: int, rejected: list[str]) -> str:
        name = f"python{major}.{minor}"
        searched = (
            f"${env_var_name(major, minor)}, {name} on PATH, "
            f"{self.home}/.pyenv/versions/{major}.{minor}.*/bin/{name}, "
            + ", ".join(f"{directory}/{name}" for directory in self.system_dirs)
        )
        message = f"No Python {major}.{minor} interpreter found for Lambda runtime {runtime}."
        message += f" Searched: {searched}."
        if rejected:
            message += " Rejected: " + "; ".join(rejected) + "."
        message += f" Install Python {major}.{minor} or set ${env_var_name(major, minor)}."
        return message


def parse_runtime(runtime: str | None) -> tuple[int, int]:
    match = _RUNTIME_PATTERN.match(runtime or "")
    if not match:
        raise UnsupportedRuntimeError(
            f"Runtime {runtime!r} is not supported by the local-process Lambda executor"
            " (it runs Python zip functions only)."
        )
    return int(match.group(1)), int(match.group(2))


def env_var_name(major: int, minor: int) -> str:
    return f"LBP_LAMBDA_PYTHON_{major}_{minor}"


def probe_version(executable: str) -> str | None:
    try:
        completed = subprocess.run(
            [executable, "-I", "-S", "-c", _VERSION_CHECK],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.strip() or None


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in path.name.split("."))
