"""ses: default mapping from the dataset (special cases pending)."""

from __future__ import annotations

from localaws_iam.mapping.base import ServiceMapping, no_values

MAPPING = ServiceMapping(prefix="ses", values=no_values)

V2_MAPPING = MAPPING
