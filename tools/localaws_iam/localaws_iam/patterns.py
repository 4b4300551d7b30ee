"""Wildcards and policy variables, compiled once per policy text.

A policy string is parsed into a :class:`Template`: literal text (where ``*`` and ``?`` are
wildcards) and ``${...}`` variables (whose substituted values are always literal). Templates
without variables compile to one regex up front; templates with variables build their regex per
distinct substitution, cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# A request's condition context after normalisation: lower-cased key -> its value(s).
# A str is a single-valued key; a tuple a multivalued one (which cannot be a policy variable).
ContextLookup = Callable[[str], "str | tuple[str, ...] | None"]


@dataclass(frozen=True, slots=True)
class Variable:
    """``${key}`` or ``${key, 'default'}``: the key is looked up case-insensitively."""

    key: str  # lower-cased
    default: str | None = None


# A template piece: literal policy text (wildcards active) or a variable.
Piece = str | Variable

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
# ${*} ${?} ${$}: the literal character (a literal * or ? is not a wildcard).
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Template:
    pieces: tuple[Piece, ...]

    @property
    def has_variables(self) -> bool:
        return any(isinstance(p, Variable) for p in self.pieces)

    def resolve(self, lookup: ContextLookup) -> tuple[str | tuple[str], ...] | None:
        """Substitute the variables: literal text stays ``str``, substituted values become
        1-tuples (so callers can escape them). None when a variable cannot be resolved: its key
        is absent or multivalued and it has no default (AWS: the value then matches nothing)."""
        out: list[str | tuple[str]] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = lookup(piece.key)
            if not isinstance(value, str):
                if piece.default is None:
                    return None
                value = piece.default
            out.append((value,))
        return tuple(out)


def parse_template(text: str, *, variables: bool) -> Template:
    """Split ``text`` into literal pieces and variables (only when ``variables``: policy
    Version 2012-10-17; in 2008-10-17 policies ``${...}`` is literal text)."""
    if not variables or "${" not in text:
        return Template((text,))
    pieces: list[Piece] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        if m.start() > pos:
            pieces.append(text[pos : m.start()])
        body = m.group(1).strip()
        if body in _ESCAPES:
            pieces.append(Variable(key="", default=_ESCAPES[body]))
        elif dm := _DEFAULT.match(body):
            pieces.append(Variable(dm.group(1).lower(), dm.group(2).replace("''", "'")))
        else:
            pieces.append(Variable(body.lower()))
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
    return Template(tuple(pieces))


def _wildcards(text: str, any_char: str, any_run: str) -> str:
    return "".join(any_run if c == "*" else any_char if c == "?" else re.escape(c) for c in text)


def plain_regex(parts: Sequence[str | tuple[str]]) -> str:
    """``*`` = any run of characters, ``?`` = any one character (StringLike, actions)."""
    return "".join(
        re.escape(p[0]) if isinstance(p, tuple) else _wildcards(p, ".", ".*") for p in parts
    )


def arn_regex(parts: Sequence[str | tuple[str]]) -> str:
    """An ARN pattern in a Resource or NotResource element.

    AWS matches the colon-separated segments of an ARN one by one: a wildcard stays inside its
    segment, except a ``*`` that ends a segment, which extends across later colons
    (``arn:aws:sqs:*`` covers every queue). The sixth segment (the resource id) may itself
    contain colons and slashes: there ``*`` matches anything and ``?`` any one character.
    """
    return _arn_regex(parts, span=True)


def arn_condition_regex(parts: Sequence[str | tuple[str]]) -> str:
    """An ARN pattern in an Arn* condition operator: each of the six components is matched
    separately and no wildcard crosses a colon before the resource id, so the policy value
    must spell all six (``arn:aws:sns:*:*:*``, not ``arn:aws:sns:*``)."""
    return _arn_regex(parts, span=False)


def _arn_regex(parts: Sequence[str | tuple[str]], *, span: bool) -> str:
    out: list[str] = []
    colons = 0
    flat: list[tuple[str, bool]] = []  # (char, is_literal)
    for p in parts:
        if isinstance(p, tuple):
            flat.extend((c, True) for c in p[0])
        else:
            flat.extend((c, False) for c in p)
    for i, (c, literal) in enumerate(flat):
        if literal or c not in "*?":
            out.append(re.escape(c))
            if c == ":":
                colons += 1
            continue
        in_resource_id = colons >= 5
        if c == "?":
            out.append("." if in_resource_id else "[^:]")
            continue
        ends_segment = span and (i + 1 == len(flat) or flat[i + 1] == (":", False))
        out.append(".*" if in_resource_id or ends_segment else "[^:]*")
    return "".join(out)


@lru_cache(maxsize=4096)
def _compile(regex: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@lru_cache(maxsize=4096)
def _substituted(
    parts: tuple[str | tuple[str], ...],
    to_regex: Callable[[Sequence[str | tuple[str]]], str],
    ignore_case: bool,
) -> re.Pattern[str]:
    return _compile(to_regex(parts), ignore_case)


class Matcher:
    """Does a value match any of a set of policy patterns (wildcards, optional variables)."""

    __slots__ = ("_dynamic", "_exact", "_ignore_case", "_regex", "_to_regex")

    def __init__(
        self,
        templates: Sequence[Template],
        to_regex: Callable[[Sequence[str | tuple[str]]], str],
        *,
        ignore_case: bool = False,
    ) -> None:
        self._to_regex = to_regex
        self._ignore_case = ignore_case
        exact: set[str] = set()
        wild: list[str] = []
        dynamic: list[Template] = []
        for t in templates:
            if t.has_variables:
                dynamic.append(t)
                continue
            text = t.pieces[0] if t.pieces else ""
            assert isinstance(text, str)
            if "*" in text or "?" in text:
                wild.append(to_regex((text,)))
            else:
                exact.add(text.lower() if ignore_case else text)
        self._exact = frozenset(exact)
        self._regex = _compile("|".join(f"(?:{w})" for w in wild), ignore_case) if wild else None
        self._dynamic = tuple(dynamic)

    @property
    def matches_everything(self) -> bool:
        return self._regex is not None and self._regex.pattern == "(?:.*)" and not self._dynamic

    def __call__(self, value: str, lookup: ContextLookup) -> bool:
        if (value.lower() if self._ignore_case else value) in self._exact:
            return True
        if self._regex is not None and self._regex.fullmatch(value):
            return True
        for t in self._dynamic:
            parts = t.resolve(lookup)
            if parts is not None and _substituted(
                parts, self._to_regex, self._ignore_case
            ).fullmatch(value):
                return True
        return False


def resolve_text(template: Template, lookup: ContextLookup) -> str | None:
    """The template's text with variables substituted (for equality operators)."""
    if not template.has_variables:
        first = template.pieces[0] if template.pieces else ""
        return first if isinstance(first, str) else None
    parts = template.resolve(lookup)
    if parts is None:
        return None
    return "".join(p[0] if isinstance(p, tuple) else p for p in parts)
