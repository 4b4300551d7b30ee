"""Keep a Terraform module's README Inputs/Outputs tables in sync with its code.

Stdlib only. ``check_module`` reports variables/outputs that are declared in the module's
``*.tf`` files but missing from the README tables (or listed there but no longer declared);
``write_module`` regenerates both tables between ``<!-- BEGIN_TF_DOCS -->`` and
``<!-- END_TF_DOCS -->``.

The HCL "parser" is deliberately small: it finds top-level ``variable``/``output`` blocks,
matches braces while skipping strings (with ``${...}`` templates), heredocs and comments,
and reads the top-level ``type``, ``default`` and ``description`` attributes of a block as
source text. It is not a general HCL parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "Item",
    "ModuleDocs",
    "check_module",
    "parse_module",
    "parse_readme_tables",
    "parse_tf",
    "render_docs",
    "write_module",
]

BEGIN_MARKER = "<!-- BEGIN_TF_DOCS -->"
END_MARKER = "<!-- END_TF_DOCS -->"

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(")]}")
_HEREDOC_RE = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_BLOCK_HEADER_RE = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)((?:\s+"[^"\n]*")*)\s*\{')
_ATTR_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*=(?![=>])")
_LABEL_RE = re.compile(r'"([^"\n]*)"')


@dataclass(frozen=True)
class Item:
    """One ``variable`` or ``output`` block. Attribute values are HCL source text or None."""

    kind: str  # "variable" | "output"
    name: str
    file: str
    description: str | None = None
    type: str | None = None
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.kind == "variable" and self.default is None


@dataclass(frozen=True)
class ModuleDocs:
    variables: list[Item]
    outputs: list[Item]


# --------------------------------------------------------------------------------------
# Scanner: skip strings, templates, heredocs and comments; balance brackets
# --------------------------------------------------------------------------------------


def _skip_comment(s: str, i: int) -> int:
    """If a comment starts at i, return the index just after it, else i."""
    if s.startswith("#", i) or s.startswith("//", i):
        end = s.find("\n", i)
        return len(s) if end == -1 else end  # keep the newline: it may end an expression
    if s.startswith("/*", i):
        end = s.find("*/", i + 2)
        return len(s) if end == -1 else end + 2
    return i


def _skip_heredoc(s: str, i: int) -> int:
    """If a heredoc starts at i, return the index just after its closing marker, else i."""
    m = _HEREDOC_RE.match(s, i)
    if not m:
        return i
    end = re.compile(r"^[ \t]*" + re.escape(m.group(2)) + r"[ \t]*$", re.MULTILINE)
    close = end.search(s, m.end())
    return len(s) if close is None else close.end()


def _skip_string(s: str, i: int) -> int:
    """s[i] is '"'; return the index just after the closing quote."""
    i += 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif s.startswith(("$${", "%%{"), i):
            i += 3
        elif s.startswith(("${", "%{"), i):
            i = _scan(s, i + 2, lambda ch, depth: depth == 0 and ch == "}") + 1
        else:
            i += 1
    return n


def _scan(s: str, i: int, stop: Callable[[str, int], bool]) -> int:
    """Walk from i, skipping strings/heredocs/comments, until ``stop(char, depth)`` is true.

    ``depth`` is the bracket nesting relative to i. Returns the index of the stopping
    character, or len(s).
    """
    stack: list[str] = []
    n = len(s)
    while i < n:
        c = s[i]
        if stop(c, len(stack)):
            return i
        skipped = _skip_comment(s, i)
        if skipped == i:
            skipped = _skip_heredoc(s, i)
        if skipped != i:
            i = skipped
            continue
        if c == '"':
            i = _skip_string(s, i)
            continue
        if c in _OPENERS:
            stack.append(_OPENERS[c])
        elif c in _CLOSERS and stack:
            stack.pop()
        i += 1
    return n


def _matching_brace(s: str, i: int) -> int:
    """s[i] is '{'; return the index of the matching '}' (or len(s))."""
    return _scan(s, i + 1, lambda ch, depth: depth == 0 and ch == "}")


# --------------------------------------------------------------------------------------
# Blocks and attributes
# --------------------------------------------------------------------------------------


def _blocks(s: str) -> list[tuple[str, list[str], str]]:
    """Top-level blocks of a body: (type, labels, body text)."""
    out: list[tuple[str, list[str], str]] = []
    i, n = 0, len(s)
    while i < n:
        skipped = _skip_comment(s, i)
        if skipped != i:
            i = skipped
            continue
        if s[i].isspace():
            i += 1
            continue
        m = _BLOCK_HEADER_RE.match(s, i)
        if m:
            open_idx = m.end() - 1
            close = _matching_brace(s, open_idx)
            out.append((m.group(1), _LABEL_RE.findall(m.group(2)), s[open_idx + 1 : close]))
            i = close + 1
            continue
        # An attribute (or anything else): skip to the end of its expression.
        i = _scan(s, i, lambda ch, depth: depth == 0 and ch == "\n") + 1
    return out


def _attributes(body: str) -> dict[str, str]:
    """Top-level ``name = expression`` pairs of a block body (nested blocks are skipped)."""
    attrs: dict[str, str] = {}
    i, n = 0, len(body)
    while i < n:
        skipped = _skip_comment(body, i)
        if skipped != i:
            i = skipped
            continue
        if body[i].isspace():
            i += 1
            continue
        m = _ATTR_RE.match(body, i)
        if m:
            end = _scan(body, m.end(), lambda ch, depth: depth == 0 and ch in "\n}")
            attrs.setdefault(m.group(1), _strip_comments(body[m.end() : end]).strip())
            i = end + 1
            continue
        header = _BLOCK_HEADER_RE.match(body, i)
        if header:
            i = _matching_brace(body, header.end() - 1) + 1
            continue
        i = _scan(body, i, lambda ch, depth: depth == 0 and ch == "\n") + 1
    return attrs


def _strip_comments(expr: str) -> str:
    """Remove comments from an expression's source text (strings and heredocs kept)."""
    out: list[str] = []
    i, n = 0, len(expr)
    while i < n:
        skipped = _skip_comment(expr, i)
        if skipped != i:
            i = skipped
            continue
        if expr[i] == '"':
            end = _skip_string(expr, i)
        else:
            end = _skip_heredoc(expr, i)
            if end == i:
                end = i + 1
        out.append(expr[i:end])
        i = end
    return "".join(out)


def parse_tf(text: str, file: str = "<string>") -> ModuleDocs:
    """Variables and outputs declared in one .tf file, in file order."""
    variables: list[Item] = []
    outputs: list[Item] = []
    for kind, labels, body in _blocks(text):
        if kind not in ("variable", "output") or len(labels) != 1:
            continue
        attrs = _attributes(body)
        item = Item(
            kind=kind,
            name=labels[0],
            file=file,
            description=attrs.get("description"),
            type=attrs.get("type") if kind == "variable" else None,
            default=attrs.get("default") if kind == "variable" else None,
        )
        (variables if kind == "variable" else outputs).append(item)
    return ModuleDocs(variables, outputs)


def parse_module(module_dir: Path) -> ModuleDocs:
    """Variables and outputs of every ``*.tf`` file of a module (file name order)."""
    tf_files = sorted(module_dir.glob("*.tf"))
    if not tf_files:
        raise FileNotFoundError(f"{module_dir}: no *.tf files (not a Terraform module?)")
    variables: list[Item] = []
    outputs: list[Item] = []
    for path in tf_files:
        docs = parse_tf(path.read_text(encoding="utf-8"), path.name)
        variables += docs.variables
        outputs += docs.outputs
    return ModuleDocs(variables, outputs)


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def _one_line(expr: str) -> str:
    """Collapse a multi-line HCL expression onto one line (object fields get commas)."""
    lines = [line.strip() for line in expr.splitlines()]
    result = ""
    for line in filter(None, lines):
        if not result:
            result = line
        elif result[-1] in "([{," or line[0] in ")]}":
            result += " " + line
        else:
            result += ", " + line
    return re.sub(r",\s*([)\]}])", r" \1", result)  # no trailing comma before a closer


def _string_value(expr: str | None) -> str:
    """The text of a description: a quoted string, a heredoc, or raw source otherwise."""
    if not expr:
        return ""
    m = _HEREDOC_RE.match(expr)
    if m:
        lines = expr[m.end() :].splitlines()[:-1]  # drop the closing marker line
        if m.group(1):  # <<- strips the common indentation
            indents = [len(x) - len(x.lstrip()) for x in lines if x.strip()]
            cut = min(indents, default=0)
            lines = [x[cut:] for x in lines]
        return " ".join(x.strip() for x in lines if x.strip())
    if len(expr) >= 2 and expr[0] == '"' and _skip_string(expr, 0) == len(expr):
        body = expr[1:-1]
        return re.sub(r'\\(["\\nt])', lambda m: {"n": " ", "t": " "}.get(m[1], m[1]), body)
    return _one_line(expr)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _prose(text: str) -> str:
    """A description cell: ``<`` and ``>`` outside code spans would render as HTML tags."""
    pieces = re.split(r"(`[^`]*`)", _cell(text))
    return "".join(
        p if p.startswith("`") else p.replace("<", "&lt;").replace(">", "&gt;") for p in pieces
    )


def _code(expr: str) -> str:
    return "`" + _cell(_one_line(expr)) + "`"


def render_docs(docs: ModuleDocs) -> str:
    """The Markdown between the markers (without the markers)."""
    parts = ["## Inputs", ""]
    if docs.variables:
        parts += [
            "| Name | Description | Type | Default | Required |",
            "|------|-------------|------|---------|:--------:|",
        ]
        for v in docs.variables:
            default = "n/a" if v.default is None else _code(v.default)
            parts.append(
                f"| `{v.name}` | {_prose(_string_value(v.description))} | "
                f"{_code(v.type or 'any')} | {default} | {'yes' if v.required else 'no'} |"
            )
    else:
        parts.append("No inputs.")
    parts += ["", "## Outputs", ""]
    if docs.outputs:
        parts += ["| Name | Description |", "|------|-------------|"]
        parts += [f"| `{o.name}` | {_prose(_string_value(o.description))} |" for o in docs.outputs]
    else:
        parts.append("No outputs.")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------
# README reading, checking, writing
# --------------------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_NAME_CELL_RE = re.compile(r"`([^`]+)`")


def _docs_region(readme: str) -> str:
    """The text between the markers when both are present, else the whole README."""
    start, end = readme.find(BEGIN_MARKER), readme.find(END_MARKER)
    if start != -1 and end > start:
        return readme[start + len(BEGIN_MARKER) : end]
    return readme


def parse_readme_tables(readme: str) -> dict[str, list[str] | None]:
    """Names (first-column code spans) of the Inputs and Outputs tables, in order.

    A section that is missing maps to None; a section without a table to [].
    """
    tables: dict[str, list[str] | None] = {"inputs": None, "outputs": None}
    current: str | None = None
    in_fence = False
    for line in _docs_region(readme).splitlines():
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            title = heading.group(2).strip().lower()
            current = title if title in tables and tables[title] is None else None
            if current is not None:
                tables[current] = []
            continue
        if current is None or not line.lstrip().startswith("|"):
            continue
        first_cell = line.strip().strip("|").split("|")[0]
        name = _NAME_CELL_RE.search(first_cell)
        if name:  # header and separator rows have no code span
            names = tables[current]
            assert names is not None
            names.append(name.group(1))
    return tables


def _compare(module: str, label: str, declared: list[Item], listed: list[str] | None) -> list[str]:
    kind = "input" if label == "Inputs" else "output"
    if listed is None:
        return [f"{module}: README.md has no '## {label}' section"] if declared else []
    errors = []
    names = {item.name for item in declared}
    for item in declared:
        if item.name not in listed:
            errors.append(
                f"{module}: {kind} `{item.name}` is declared in {item.file} "
                f"but missing from the README {label} table"
            )
    for name in sorted(set(listed) - names):
        errors.append(
            f"{module}: {kind} `{name}` is listed in the README {label} table but not declared"
        )
    for name in sorted({n for n in listed if listed.count(n) > 1}):
        errors.append(f"{module}: {kind} `{name}` is listed more than once in the {label} table")
    return errors


def check_module(module_dir: Path, strict: bool = False) -> list[str]:
    """Problems found in one module; an empty list means the README is in sync.

    With ``strict``, the block between the markers must also be exactly what
    ``write_module`` would generate (descriptions, types and defaults included).
    """
    module = str(module_dir)
    readme_path = module_dir / "README.md"
    docs = parse_module(module_dir)
    if not readme_path.is_file():
        return [f"{module}: README.md not found (run with --write to create it)"]
    readme = readme_path.read_text(encoding="utf-8")
    tables = parse_readme_tables(readme)
    errors = _compare(module, "Inputs", docs.variables, tables["inputs"])
    errors += _compare(module, "Outputs", docs.outputs, tables["outputs"])
    if strict:
        start, end = readme.find(BEGIN_MARKER), readme.find(END_MARKER)
        if start == -1 or end < start:
            errors.append(f"{module}: README.md lacks the {BEGIN_MARKER} / {END_MARKER} markers")
        elif readme[start + len(BEGIN_MARKER) : end].strip() != render_docs(docs):
            errors.append(
                f"{module}: README.md docs block is out of date (descriptions, types or "
                "defaults changed); run `python -m tfdocs_check --write`"
            )
    return errors


def write_module(module_dir: Path) -> bool:
    """Regenerate the tables between the markers; return True when README.md changed.

    Without markers the block is appended; without a README one is created.
    """
    readme_path = module_dir / "README.md"
    block = f"{BEGIN_MARKER}\n{render_docs(parse_module(module_dir))}\n{END_MARKER}"
    old = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else ""
    start, end = old.find(BEGIN_MARKER), old.find(END_MARKER)
    if start != -1 and end > start:
        new = old[:start] + block + old[end + len(END_MARKER) :]
    elif old:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    else:
        new = f"# {module_dir.resolve().name}\n\n{block}\n"
    if new == old:
        return False
    readme_path.write_text(new, encoding="utf-8")
    return True
