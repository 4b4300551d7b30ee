"""Is every resource, argument, block and attribute the configuration uses in a provider schema?

Schemas are normalized to one small JSON shape, whatever their source:
- `terraform providers schema -json` of an installed provider (5.100 here), which also marks
  deprecated attributes;
- the PyPI package cdktf-cdktf-provider-aws, whose jsii bindings are generated from the
  provider's schema (21.22.1 = hashicorp/aws 6.25.0): arguments and nested blocks from each
  class's `synthesizeAttributes`, attributes from its getters. The bindings carry no
  deprecation marks, so deprecations of that major come from its upgrade guide
  (`GUIDE_DEPRECATIONS`).
"""

from provider_schema.check import Problem, check
from provider_schema.schema import Node, Schema
from provider_schema.usage import Usage, usages

__all__ = ["Node", "Problem", "Schema", "Usage", "check", "usages"]
