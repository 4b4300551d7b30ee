"""The Lambda runtime and architecture a package is built for."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RUNTIME = re.compile(r"^python3\.(\d+)$")
_PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}


@dataclass(frozen=True)
class Target:
    runtime: str = "python3.12"
    architecture: str = "x86_64"

    def __post_init__(self) -> None:
        if not _RUNTIME.match(self.runtime):
            raise ValueError(f"unsupported runtime {self.runtime!r}: expected python3.N")
        if self.architecture not in _PLATFORMS:
            raise ValueError(
                f"unsupported architecture {self.architecture!r}: expected one of "
                f"{sorted(_PLATFORMS)}"
            )

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def platform(self) -> str:
        return _PLATFORMS[self.architecture]

    @property
    def layer_site_packages(self) -> str:
        return f"python/lib/python{self.python_version}/site-packages"
