"""Builds one zip per function in functions/ and one per shared layer in layers/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from packager.bytecode import FUNCTION_ROOT, LAYER_ROOT, compiled
from packager.dependencies import install_for_target
from packager.target import Target
from packager.zipper import collect_tree, merge, write_deterministic_zip

HANDLER_FILE = "handler.py"
REQUIREMENTS_FILE = "requirements.txt"
# Names of sibling packages (folders next to the function without a handler) copied into the
# function's zip, so code two functions share lives once in the repository.
SHARED_FILE = "shared.txt"


@dataclass(frozen=True)
class BuildResult:
    kind: str
    name: str
    path: Path
    written: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _installed_dependencies(source: Path, target: Target, cache_dir: Path) -> Path | None:
    requirements = source / REQUIREMENTS_FILE
    if not requirements.exists() or not _has_requirements(requirements):
        return None
    return install_for_target(requirements, target, cache_dir)


def _has_requirements(requirements: Path) -> bool:
    lines = (line.split("#", 1)[0].strip() for line in requirements.read_text().splitlines())
    return any(lines)


def _marker_free(tree: dict[str, Path]) -> dict[str, Path]:
    return {name: path for name, path in tree.items() if not name.endswith(".complete")}


def shared_packages(source: Path) -> list[Path]:
    """The sibling packages listed in the function's shared.txt (one name a line, # comments)."""
    listing = source / SHARED_FILE
    if not listing.exists():
        return []
    names = [line.split("#", 1)[0].strip() for line in listing.read_text().splitlines()]
    packages = []
    for name in filter(None, names):
        package = source.parent / name
        if "/" in name or name.startswith(".") or not (package / "__init__.py").is_file():
            raise FileNotFoundError(f"{listing}: {name!r} is not a package next to {source.name}")
        if (package / HANDLER_FILE).exists():
            raise ValueError(f"{listing}: {name!r} is a function, not a shared package")
        packages.append(package)
    return packages


def build_function(source: Path, out_dir: Path, target: Target, cache_dir: Path) -> BuildResult:
    """Zips functions/<name>/ as the package <name>/, the shared packages its shared.txt names
    (each as <package>/) and its requirements, all at the zip root.

    The handler setting is then `<name>.handler.lambda_handler`.
    """
    if not (source / HANDLER_FILE).exists():
        raise FileNotFoundError(f"{source} has no {HANDLER_FILE}")
    name = source.name
    code = collect_tree(source, prefix=f"{name}/")
    shared = [collect_tree(pkg, prefix=f"{pkg.name}/") for pkg in shared_packages(source)]
    deps_dir = _installed_dependencies(source, target, cache_dir)
    deps = _marker_free(collect_tree(deps_dir)) if deps_dir else {}
    destination = out_dir / "functions" / f"{name}.zip"
    trees = [code.items(), *(tree.items() for tree in shared), deps.items()]
    files = merge(*trees)
    files.update(compiled(files, target, FUNCTION_ROOT, cache_dir))
    written = write_deterministic_zip(destination, files)
    return BuildResult("function", name, destination, written)


def build_layer(source: Path, out_dir: Path, target: Target, cache_dir: Path) -> BuildResult:
    """Zips layers/<name>/: requirements installed under python/, plus any python/ sources."""
    name = source.name
    deps_dir = _installed_dependencies(source, target, cache_dir)
    deps = _marker_free(collect_tree(deps_dir, prefix="python/")) if deps_dir else {}
    own_code = source / "python"
    code = collect_tree(own_code, prefix="python/") if own_code.is_dir() else {}
    if not deps and not code:
        raise ValueError(f"layer {source} has neither {REQUIREMENTS_FILE} nor a python/ folder")
    destination = out_dir / "layers" / f"{name}.zip"
    files = merge(code.items(), deps.items())
    files.update(compiled(files, target, LAYER_ROOT, cache_dir))
    written = write_deterministic_zip(destination, files)
    return BuildResult("layer", name, destination, written)


def discover(folder: Path, marker: str | None) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [
        child
        for child in sorted(folder.iterdir())
        if child.is_dir()
        and not child.name.startswith((".", "_"))
        and (marker is None or (child / marker).exists())
    ]
    return found


def build_all(
    functions_dir: Path, layers_dir: Path, out_dir: Path, target: Target, cache_dir: Path
) -> list[BuildResult]:
    results = [
        build_function(source, out_dir, target, cache_dir)
        for source in discover(functions_dir, HANDLER_FILE)
    ]
    results += [
        build_layer(source, out_dir, target, cache_dir) for source in discover(layers_dir, None)
    ]
    return results
