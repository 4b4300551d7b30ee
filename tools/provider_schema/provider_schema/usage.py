"""What a Terraform configuration uses of the provider: types, arguments, blocks, attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tfdocs_check import _attributes, _blocks

META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
_REFERENCE = re.compile(
    r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?\.([a-z0-9_]+)"
)


@dataclass(frozen=True)
class Usage:
    """One argument, nested block or attribute reference, e.g. resource aws_lambda_function
    path ("vpc_config", "subnet_ids")."""

    file: str
    kind: str  # "resource" | "data"
    type: str
    path: tuple[str, ...]
    what: str  # "argument" | "block" | "attribute" | "type"

    def __str__(self) -> str:
        where = ".".join(self.path)
        prefix = "data." if self.kind == "data" else ""
        return f"{self.file}: {prefix}{self.type}{'.' + where if where else ''} ({self.what})"


def _body_usages(file: str, kind: str, type_: str, body: str, path: tuple[str, ...]) -> list[Usage]:
    found = [
        Usage(file, kind, type_, (*path, name), "argument")
        for name in _attributes(body)
        if not (not path and name in META_ARGUMENTS)
    ]
    for block_type, labels, block_body in _blocks(body):
        if not path and block_type in META_BLOCKS:
            continue
        if block_type == "dynamic" and labels:
            name = labels[0]
            content = next((b for t, _, b in _blocks(block_body) if t == "content"), "")
        else:
            name, content = block_type, block_body
        found.append(Usage(file, kind, type_, (*path, name), "block"))
        found += _body_usages(file, kind, type_, content, (*path, name))
    return found


def usages(files: list[Path], root: Path) -> list[Usage]:
    found: list[Usage] = []
    for path in files:
        text = path.read_text()
        file = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        for block_type, labels, body in _blocks(text):
            if (
                block_type in ("resource", "data")
                and len(labels) == 2
                and labels[0].startswith("aws_")
            ):
                found.append(Usage(file, block_type, labels[0], (), "type"))
                found += _body_usages(file, block_type, labels[0], body, ())
        for data, type_, _name, attribute in _REFERENCE.findall(text):
            kind = "data" if data else "resource"
            found.append(Usage(file, kind, type_, (attribute,), "attribute"))
    return found


def configuration_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.tf") if ".terraform" not in p.parts)
        elif path.suffix == ".tf":
            files.append(path)
    return files
