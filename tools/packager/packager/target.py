"""The Lambda runtime and architecture a package is built for."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RUNTIME = re.compile(r"^python3\.(\d+)$")
_MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
# Lambda's Python 3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34); older ones on Amazon
# Linux 2 (glibc 2.26), which only manylinux2014 (glibc 2.17) wheels fit.
_AL2023_FIRST_MINOR = 12
_AL2023_TAGS = ("manylinux_2_34", "manylinux_2_28", "manylinux2014")
_AL2_TAGS = ("manylinux2014",)


@dataclass(frozen=True)
class Target:
    runtime: str = "python3.12"
    architecture: str = "x86_64"

    def __post_init__(self) -> None:
        if not _RUNTIME.match(self.runtime):
            raise ValueError(f"unsupported runtime {self.runtime!r}: expected python3.N")
        if self.architecture not in _MACHINES:
            raise ValueError(
                f"unsupported architecture {self.architecture!r}: expected one of "
                f"{sorted(_MACHINES)}"
            )

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def platforms(self) -> tuple[str, ...]:
        """Wheel platform tags the runtime's glibc accepts, newest first."""
        minor = int(self.python_version.split(".")[1])
        tags = _AL2023_TAGS if minor >= _AL2023_FIRST_MINOR else _AL2_TAGS
        return tuple(f"{tag}_{_MACHINES[self.architecture]}" for tag in tags)

    @property
    def layer_site_packages(self) -> str:
        return f"python/lib/python{self.python_version}/site-packages"
