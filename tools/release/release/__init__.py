"""`make release VERSION=x.y.z`: versioned, checksummed artifacts in dist/x.y.z/."""

from release.artifacts import (
    ARCHITECTURES,
    Artifact,
    ReleaseError,
    changelog_has_entry,
    elf_machines,
    foreign_binaries,
    parse_version,
    write_release,
)

__all__ = [
    "ARCHITECTURES",
    "Artifact",
    "ReleaseError",
    "changelog_has_entry",
    "elf_machines",
    "foreign_binaries",
    "parse_version",
    "write_release",
]
