"""IAM condition operators, compiled once per Condition block.

Semantics follow AWS's IAM JSON policy reference (Condition operators; single-valued vs
multivalued context keys):

- operators in a block AND; keys under an operator AND; values of one key OR;
- condition key names are case-insensitive; values are case-sensitive except ``...IgnoreCase``;
- a key absent from the request: a positive operator does not match, a negated one
  (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``...) matches, ``...IfExists`` matches;
- a negated operator matches when the request value matches none of the policy values;
- ``ForAnyValue:``: at least one request value matches (false when the key is absent or empty);
  ``ForAllValues:``: every request value matches (true when the key is absent or empty);
  with a negated operator the negation applies to each request value; ``IfExists`` changes
  nothing under a set qualifier (``ForAnyValue:StringEqualsIfExists`` on an absent key is
  false on AWS);
- without a set qualifier, a multivalued key matches a positive operator when any of its values
  matches;
- ``Null``: ``true`` matches an absent key (or an empty multivalued key), ``false`` a present one;
- policy variables are substituted in the values of String*, Arn* and Bool operators (not in
  Numeric, Date, Binary or IP ones); a value whose variable cannot be resolved matches nothing.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .patterns import (
    ContextLookup,
    Matcher,
    arn_condition_regex,
    parse_template,
    plain_regex,
    resolve_text,
)

# value from the request -> does it match any of the operator's policy values
ValueTest = Callable[[str, ContextLookup], bool]


class InvalidConditionError(ValueError):
    """A Condition block AWS would reject (unknown operator, malformed value)."""


def _policy_values(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for v in items:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, int | float | str):
            out.append(str(v))
        else:
            raise InvalidConditionError(f"condition value {v!r} is not a string, number or bool")
    return out


# ------------------------------------------------------------------ value tests per family
def _string_equals(values: list[str], variables: bool, ignore_case: bool) -> ValueTest:
    templates = [parse_template(v, variables=variables) for v in values]
    if not any(t.has_variables for t in templates):
        fixed = frozenset(v.lower() for v in values) if ignore_case else frozenset(values)
        if ignore_case:
            return lambda value, _lookup: value.lower() in fixed
        return lambda value, _lookup: value in fixed

    def test(value: str, lookup: ContextLookup) -> bool:
        probe = value.lower() if ignore_case else value
        for t in templates:
            text = resolve_text(t, lookup)
            if text is not None and (text.lower() if ignore_case else text) == probe:
                return True
        return False

    return test


def _string_like(values: list[str], variables: bool) -> ValueTest:
    return Matcher([parse_template(v, variables=variables) for v in values], plain_regex)


def _arn_like(values: list[str], variables: bool) -> ValueTest:
    matcher = Matcher([parse_template(v, variables=variables) for v in values], arn_condition_regex)

    def test(value: str, lookup: ContextLookup) -> bool:
        # Arn operators compare the six colon-separated components: a non-ARN never matches.
        return value.count(":") >= 5 and matcher(value, lookup)

    return test


def _number(text: str) -> Decimal | None:
    try:
        n = Decimal(text.strip())
    except InvalidOperation:
        return None
    return n if n.is_finite() else None


def parse_date(text: str) -> float | None:
    """ISO 8601 (date, date-time, with or without offset; naive = UTC) or epoch seconds."""
    text = text.strip()
    n = _number(text)
    if n is not None:
        return float(n)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}


def _ordered(values: list[str], parse: Callable[[str], Any], compare: str) -> ValueTest:
    parsed = [parse(v) for v in values]
    if any(p is None for p in parsed):
        raise InvalidConditionError(f"condition values {values!r} are not all valid")
    cmp = _COMPARE[compare]

    def test(value: str, _lookup: ContextLookup) -> bool:
        v = parse(value)
        # request value `cmp` policy value, e.g. NumericLessThan: request < policy
        return v is not None and any(cmp(v, p) for p in parsed)

    return test


def _bool(values: list[str], variables: bool) -> ValueTest:
    # Bool takes policy variables (AWS documents them for String, Arn and Bool operators).
    return _string_equals(values, variables, ignore_case=True)


def _binary(values: list[str]) -> ValueTest:
    def decode(text: str) -> bytes | None:
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None

    fixed = {decode(v) for v in values} - {None}
    if len(fixed) != len(values):
        raise InvalidConditionError(f"BinaryEquals values {values!r} are not all base64")
    return lambda value, _lookup: decode(value) in fixed


def _ip(values: list[str]) -> ValueTest:
    try:
        networks = [ipaddress.ip_network(v.strip(), strict=False) for v in values]
    except ValueError as exc:
        raise InvalidConditionError(f"IpAddress values {values!r}: {exc}") from None

    def test(value: str, _lookup: ContextLookup) -> bool:
        try:
            ip = ipaddress.ip_address(value.strip())
        except ValueError:
            return False
        return any(ip.version == n.version and ip in n for n in networks)

    return test


@dataclass(frozen=True, slots=True)
class _Family:
    build: Callable[[list[str], bool], ValueTest]  # (policy values, variables allowed)
    negated: bool = False


def _families() -> dict[str, _Family]:
    f: dict[str, _Family] = {
        "StringEquals": _Family(lambda v, var: _string_equals(v, var, ignore_case=False)),
        "StringNotEquals": _Family(lambda v, var: _string_equals(v, var, False), negated=True),
        "StringEqualsIgnoreCase": _Family(lambda v, var: _string_equals(v, var, True)),
        "StringNotEqualsIgnoreCase": _Family(
            lambda v, var: _string_equals(v, var, True), negated=True
        ),
        "StringLike": _Family(_string_like),
        "StringNotLike": _Family(_string_like, negated=True),
        "Bool": _Family(_bool),
        "BinaryEquals": _Family(lambda v, _var: _binary(v)),
        "IpAddress": _Family(lambda v, _var: _ip(v)),
        "NotIpAddress": _Family(lambda v, _var: _ip(v), negated=True),
        # ArnEquals also accepts wildcards in each component (AWS documents them alike).
        "ArnEquals": _Family(_arn_like),
        "ArnLike": _Family(_arn_like),
        "ArnNotEquals": _Family(_arn_like, negated=True),
        "ArnNotLike": _Family(_arn_like, negated=True),
    }
    parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
        ("Numeric", _number),
        ("Date", parse_date),
    )
    for prefix, parse in parsers:
        for compare in _COMPARE:
            f[prefix + compare] = _Family(_ordered_builder(parse, compare))
        f[prefix + "NotEquals"] = _Family(_ordered_builder(parse, "Equals"), negated=True)
    return f


def _ordered_builder(
    parse: Callable[[str], Any], compare: str
) -> Callable[[list[str], bool], ValueTest]:
    return lambda values, _variables: _ordered(values, parse, compare)


_FAMILIES = _families()
_FAMILIES_CI = {name.lower(): name for name in _FAMILIES}
OPERATORS: frozenset[str] = frozenset([*_FAMILIES, "Null"])


# ------------------------------------------------------------------ compiled conditions
@dataclass(frozen=True, slots=True)
class _KeyTest:
    operator: str  # as written, for messages
    key: str  # lower-cased
    test: ValueTest | None  # None: Null
    negated: bool
    if_exists: bool
    qualifier: str | None  # "forallvalues" | "foranyvalue" | None
    null_wants: frozenset[bool] = frozenset()  # Null: True = wants absent

    def __call__(self, lookup: ContextLookup) -> bool:
        raw = lookup(self.key)
        values: tuple[str, ...] = (raw,) if isinstance(raw, str) else (raw or ())
        if self.test is None:
            return (not values) in self.null_wants
        if not values:
            if self.qualifier is None:
                return self.if_exists or self.negated
            # AWS ignores IfExists under a set qualifier: ForAnyValue needs the key.
            return self.qualifier == "forallvalues"
        test = self.test
        if self.qualifier is None:
            hit = any(test(v, lookup) for v in values)
            return not hit if self.negated else hit
        if self.qualifier == "forallvalues":
            return all(test(v, lookup) != self.negated for v in values)
        return any(test(v, lookup) != self.negated for v in values)


class Conditions:
    """A compiled Condition block: call it with a context lookup."""

    __slots__ = ("_tests", "keys")

    def __init__(self, block: Mapping[str, Any], *, variables: bool = True) -> None:
        if not isinstance(block, Mapping):
            raise InvalidConditionError(f"Condition must be an object, not {block!r}")
        tests: list[_KeyTest] = []
        for operator, keys in block.items():
            if not isinstance(keys, Mapping):
                raise InvalidConditionError(f"{operator}: expected an object of condition keys")
            tests.extend(_compile_operator(str(operator), keys, variables))
        self._tests = tuple(tests)
        self.keys = frozenset(t.key for t in tests)

    def __call__(self, lookup: ContextLookup) -> bool:
        return all(t(lookup) for t in self._tests)


def _compile_operator(
    operator: str, keys: Mapping[str, Any], variables: bool
) -> Sequence[_KeyTest]:
    name = operator
    qualifier: str | None = None
    if ":" in name:
        q, name = name.split(":", 1)
        qualifier = q.lower()
        if qualifier not in ("forallvalues", "foranyvalue"):
            raise InvalidConditionError(f"unknown condition set qualifier in {operator!r}")
    if_exists = name.lower().endswith("ifexists") and name.lower() != "null"
    if if_exists:
        name = name[: -len("IfExists")]
    if name.lower() == "null":
        if if_exists:
            raise InvalidConditionError("Null cannot take IfExists")
        out = []
        for key, raw in keys.items():
            wants = set()
            for v in _policy_values(raw):
                if v.lower() not in ("true", "false"):
                    raise InvalidConditionError(f"Null {key}: {v!r} is not true or false")
                wants.add(v.lower() == "true")
            out.append(_KeyTest(operator, key.lower(), None, False, False, None, frozenset(wants)))
        return out
    canonical = _FAMILIES_CI.get(name.lower())
    if canonical is None:
        raise InvalidConditionError(f"unknown condition operator {operator!r}")
    family = _FAMILIES[canonical]
    var_ok = variables and canonical.startswith(("String", "Arn", "Bool"))
    return [
        _KeyTest(
            operator,
            key.lower(),
            family.build(_policy_values(raw), var_ok),
            family.negated,
            if_exists,
            qualifier,
        )
        for key, raw in keys.items()
    ]
