"""Which volumes a run backs up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ebs_snapshot_backup import tags as t
from ebs_snapshot_backup.config import Selection


def select(volume: Mapping[str, Any], rules: Selection) -> tuple[bool, str]:
    """(selected, reason). Exclusion tags win over everything; then a volume is selected when
    it carries one of the target tags, or (include_in_use) when it is attached."""
    tags = t.tag_map(volume.get("Tags"))
    if rules.exclude_tags and t.matches_any(tags, rules.exclude_tags):
        return False, "excluded by tag"
    if rules.target_tags and t.matches_any(tags, rules.target_tags):
        return True, "target tag"
    if rules.include_in_use and volume.get("State") == "in-use":
        return True, "in use"
    return False, "not selected"
