"""cloudwatch: default mapping from the dataset (special cases pending)."""

from __future__ import annotations

from localaws_iam.mapping.base import ServiceMapping, no_values

MAPPING = ServiceMapping(prefix="cloudwatch", values=no_values)
