"""Usages against a schema: unknown types, arguments, blocks, attributes; deprecated ones."""

from __future__ import annotations

from dataclasses import dataclass

from provider_schema.schema import Node, Schema
from provider_schema.usage import Usage

# Deprecations in the hashicorp/aws v6 upgrade guide (website/docs/guides/version-6-upgrade)
# for the resource and data source types this project uses; the cdktf bindings do not mark
# deprecated attributes. Removed arguments need no entry: they are absent from the schema.
GUIDE_DEPRECATIONS: dict[str, dict[tuple[str, str], dict[str, str]]] = {
    "6": {
        ("data", "aws_region"): {"name": "deprecated in v6: use `region` (or `id`)"},
        ("data", "aws_s3_bucket"): {
            "region": "v6: now the Enhanced Region Support argument; use bucket_region"
        },
        ("resource", "aws_s3_bucket"): {
            "region": "v6: now the Enhanced Region Support argument; use bucket_region"
        },
    }
}


@dataclass(frozen=True)
class Problem:
    usage: Usage
    schema: str
    reason: str

    def __str__(self) -> str:
        return f"{self.usage}: {self.reason} in hashicorp/aws {self.schema}"


def _lookup(node: Node, path: tuple[str, ...]) -> tuple[Node | None, str]:
    for block in path[:-1]:
        if block not in node.blocks:
            return None, f"no block {block!r}"
        node = node.blocks[block]
    return node, ""


def check(found: list[Usage], schema: Schema) -> list[Problem]:
    major = schema.version.split(".")[0]
    guide = GUIDE_DEPRECATIONS.get(major, {})
    problems: list[Problem] = []
    for usage in found:
        types = schema.kind(usage.kind)
        node = types.get(usage.type)
        if node is None:
            problems.append(Problem(usage, schema.version, f"no {usage.kind} type {usage.type}"))
            continue
        if usage.what == "type":
            continue
        parent, reason = _lookup(node, usage.path)
        name = usage.path[-1]
        if parent is None:
            problems.append(Problem(usage, schema.version, reason))
            continue
        if usage.what == "block":
            known = name in parent.blocks
        elif usage.what == "argument":
            known = name in parent.attributes
        else:  # a reference reads an attribute or a block
            known = name in parent.attributes or name in parent.blocks
        if not known:
            problems.append(Problem(usage, schema.version, f"no {usage.what} {name!r}"))
            continue
        deprecated = parent.deprecated.get(name)
        if deprecated is None and len(usage.path) == 1:
            deprecated = guide.get((usage.kind, usage.type), {}).get(name)
        if deprecated:
            problems.append(Problem(usage, schema.version, f"{name!r} {deprecated}"))
    return sorted(set(problems), key=str)
