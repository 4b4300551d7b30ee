"""Zip files whose bytes depend only on the files' paths and contents."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

# Zip timestamps cannot predate 1980; every entry gets this one.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755


def _entry(arcname: str, executable: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=FIXED_DATE_TIME)
    mode = EXECUTABLE_MODE if executable else FILE_MODE
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.create_system = 3  # Unix, so the mode above is honoured on extraction
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def zip_bytes_for(files: Mapping[str, Path]) -> bytes:
    """Builds the archive in memory: arcname -> source file, sorted by arcname."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arcname in sorted(files):
            source = files[arcname]
            executable = bool(source.stat().st_mode & stat.S_IXUSR)
            zf.writestr(_entry(arcname, executable), source.read_bytes())
    return buffer.getvalue()


def write_deterministic_zip(destination: Path, files: Mapping[str, Path]) -> bool:
    """Writes the zip only when its bytes change, so file times stay stable too.

    Returns True when the file was (re)written.
    """
    data = zip_bytes_for(files)
    if destination.exists() and destination.read_bytes() == data:
        return False
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(destination.suffix + f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(destination)
    return True


EXCLUDED_DIRS = frozenset({"__pycache__", "tests", ".pytest_cache", ".mypy_cache", "fixtures"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
EXCLUDED_NAMES = frozenset({"requirements.txt", "shared.txt", ".DS_Store"})


def collect_tree(root: Path, prefix: str = "") -> dict[str, Path]:
    """Maps every packagable file below root to its arcname (prefix + relative path)."""
    files: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS)
        for name in filenames:
            if name in EXCLUDED_NAMES or name.endswith(EXCLUDED_SUFFIXES):
                continue
            path = Path(dirpath) / name
            relative = path.relative_to(root).as_posix()
            files[f"{prefix}{relative}"] = path
    return files


def merge(*trees: Iterable[tuple[str, Path]]) -> dict[str, Path]:
    merged: dict[str, Path] = {}
    for tree in trees:
        for arcname, path in tree:
            if arcname in merged:
                raise ValueError(f"two sources for {arcname}: {merged[arcname]} and {path}")
            merged[arcname] = path
    return merged
