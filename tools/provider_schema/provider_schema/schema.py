"""One normalized shape for provider schemas: resource/data type -> attributes and blocks."""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Node:
    attributes: set[str] = field(default_factory=set)
    blocks: dict[str, Node] = field(default_factory=dict)
    deprecated: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": sorted(self.attributes)}
        if self.blocks:
            out["blocks"] = {name: node.to_json() for name, node in sorted(self.blocks.items())}
        if self.deprecated:
            out["deprecated"] = dict(sorted(self.deprecated.items()))
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Node:
        return cls(
            set(data.get("attributes", [])),
            {name: cls.from_json(node) for name, node in data.get("blocks", {}).items()},
            dict(data.get("deprecated", {})),
        )


@dataclass
class Schema:
    version: str
    source: str
    resource: dict[str, Node]
    data: dict[str, Node]

    def kind(self, kind: str) -> dict[str, Node]:
        return self.resource if kind == "resource" else self.data

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": "hashicorp/aws",
            "version": self.version,
            "source": self.source,
            "resource": {k: v.to_json() for k, v in sorted(self.resource.items())},
            "data": {k: v.to_json() for k, v in sorted(self.data.items())},
        }

    @classmethod
    def load(cls, path: Path) -> Schema:
        raw = json.loads(path.read_text())
        return cls(
            raw["version"],
            raw["source"],
            {k: Node.from_json(v) for k, v in raw["resource"].items()},
            {k: Node.from_json(v) for k, v in raw["data"].items()},
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n")

    def trimmed(self, used: dict[str, set[str]]) -> Schema:
        """Only the types in used ({"resource": {...}, "data": {...}}), to keep in the repo."""
        return Schema(
            self.version,
            self.source,
            {k: v for k, v in self.resource.items() if k in used.get("resource", set())},
            {k: v for k, v in self.data.items() if k in used.get("data", set())},
        )


# ---------------------------------------------------------------- terraform providers schema
def _node_from_block(block: dict[str, Any]) -> Node:
    node = Node()
    for name, attribute in block.get("attributes", {}).items():
        node.attributes.add(name)
        if attribute.get("deprecated"):
            node.deprecated[name] = "marked deprecated in the provider schema"
    for name, nested in block.get("block_types", {}).items():
        node.blocks[name] = _node_from_block(nested.get("block", {}))
    return node


def from_terraform_json(raw: dict[str, Any], version: str) -> Schema:
    """From `terraform providers schema -json`."""
    provider = raw["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    return Schema(
        version,
        "terraform providers schema -json",
        {k: _node_from_block(v["block"]) for k, v in provider["resource_schemas"].items()},
        {k: _node_from_block(v["block"]) for k, v in provider["data_source_schemas"].items()},
    )


# ---------------------------------------------------------------- cdktf prebuilt bindings
_RESOURCE_TYPE = re.compile(r'terraformResourceType: "(aws_[a-z0-9_]+)"')
_SYNTH = re.compile(
    r"\n    synthesizeAttributes\(\) \{\n        return \{\n(.*?)\n        \};", re.S
)
_FUNCTION = re.compile(r"\nfunction (\w+)ToTerraform\(struct\) \{\n(.*?)\n\}", re.S)
_RETURN = re.compile(r"return \{\n(.*?)\n    \};", re.S)
_ENTRY = re.compile(r"^\s*([a-z0-9_]+): (.*?),?$", re.M)
_CALL = re.compile(r"(\w+)ToTerraform\b")
_GETTER = re.compile(r"get\w*Attribute\('([a-z0-9_]+)'\)")
_PROVIDER_VERSION = re.compile(r"hashicorp/aws provider version (\d+\.\d+\.\d+)")


def _entries(body: str, functions: dict[str, str], seen: frozenset[str]) -> Node:
    node = Node()
    for name, expression in _ENTRY.findall(body):
        call = next((c for c in _CALL.findall(expression) if c in functions), None)
        if call is None or call in seen:
            node.attributes.add(name)
            continue
        returned = _RETURN.search(functions[call])
        node.blocks[name] = _entries(
            returned.group(1) if returned else "", functions, seen | {call}
        )
    return node


def node_from_binding(source: str) -> tuple[str, Node] | None:
    """(terraform type, node) of one lib/<name>/index.js of the bindings."""
    resource_type = _RESOURCE_TYPE.search(source)
    synth = _SYNTH.search(source)
    if not resource_type or not synth:
        return None
    functions = {name: body for name, body in _FUNCTION.findall(source)}
    node = _entries(synth.group(1), functions, frozenset())
    # Computed attributes have getters only (arn, invoke_arn, ...); nested getters add a few
    # names of their own, which only makes the attribute check more lenient.
    node.attributes |= set(_GETTER.findall(source)) - set(node.blocks)
    return resource_type.group(1), node


def from_cdktf_wheel(wheel: Path) -> Schema:
    """From a cdktf-cdktf-provider-aws wheel: its jsii tarball holds the generated JS bindings."""
    resource: dict[str, Node] = {}
    data: dict[str, Node] = {}
    with zipfile.ZipFile(wheel) as zf:
        metadata = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        version_match = _PROVIDER_VERSION.search(zf.read(metadata).decode())
        if not version_match:
            raise ValueError(f"{wheel}: no 'hashicorp/aws provider version' in its METADATA")
        tarball = next(n for n in zf.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(zf.read(tarball)), mode="r:gz") as tar:
            for member in tar:
                match = re.fullmatch(r"package/lib/([a-z0-9-]+)/index\.js", member.name)
                extracted = tar.extractfile(member) if match else None
                if not match or extracted is None:
                    continue
                parsed = node_from_binding(extracted.read().decode())
                if parsed:
                    kind = data if match.group(1).startswith("data-aws-") else resource
                    kind[parsed[0]] = parsed[1]
    return Schema(version_match.group(1), f"PyPI {wheel.name} (jsii bindings)", resource, data)
