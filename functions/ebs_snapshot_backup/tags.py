"""Tag keys this function writes, and the pure rules for matching and copying tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PREFIX = "ebs-backup:"
MANAGED_BY = PREFIX + "managed-by"
KIND = PREFIX + "kind"
SOURCE_VOLUME = PREFIX + "source-volume"
SOURCE_REGION = PREFIX + "source-region"
WINDOW = PREFIX + "window"
EXPIRES_AT = PREFIX + "expires-at"
RETAIN = PREFIX + "retain"
COPY_OF = PREFIX + "copy-of"

KIND_SNAPSHOT = "snapshot"
KIND_COPY = "copy"

# EC2 allows 50 tags per resource.
MAX_TAGS = 50
# Any value of the key matches.
ANY_VALUE = "*"


def tag_map(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or ()}


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def matches_any(tags: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    """True when the tags carry at least one of the wanted key=value pairs ("*" = any value)."""
    return any(
        key in tags and (value == ANY_VALUE or tags[key] == value) for key, value in wanted.items()
    )


def copyable(key: str) -> bool:
    """aws: tags are reserved to AWS; ebs-backup: tags are this function's own and never taken
    from a volume (a volume tag must not be able to forge the managed-by marker)."""
    return not key.lower().startswith(("aws:", PREFIX))


def snapshot_tags(
    volume_tags: Mapping[str, str],
    managed: Mapping[str, str],
    extra: Mapping[str, str],
    copy_volume_tags: bool,
) -> dict[str, str]:
    """The snapshot's tags: its managed tags win, then extra tags, then the volume's (Name first),
    cut to EC2's limit of 50."""
    result = dict(managed)
    for key, value in extra.items():
        if copyable(key) and len(result) < MAX_TAGS:
            result.setdefault(key, value)
    ordered = sorted(volume_tags.items(), key=lambda item: item[0] != "Name")
    for key, value in ordered:
        if not copy_volume_tags and key != "Name":
            continue
        if copyable(key) and len(result) < MAX_TAGS:
            result.setdefault(key, value)
    return result
