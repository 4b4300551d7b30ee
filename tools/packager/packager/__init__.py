"""Deterministic packaging of Lambda functions and layers (`make build`)."""

from packager.build import BuildResult, build_all, build_function, build_layer
from packager.target import Target
from packager.zipper import write_deterministic_zip

__all__ = [
    "BuildResult",
    "Target",
    "build_all",
    "build_function",
    "build_layer",
    "write_deterministic_zip",
]
