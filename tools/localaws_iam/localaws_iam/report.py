"""The IAM report: what each function's role was used for, what was denied, what went unused.

:class:`IamReport` collects decisions (thread-safe, a dict update under a lock per call) and the
policies of each role; :meth:`IamReport.to_json` aggregates them per function:

- ``allowed``: every action + resource the function used, with the statement that allowed it;
- ``denied``: every denial (in ``report`` mode: would have been denied);
- ``unused_statements``: Allow statements of the role's policies that never decided a request
  (candidates to remove); ``unmatched_denies``: Deny statements that never denied anything.

``render_markdown`` turns that JSON into a readable report; ``python -m localaws_iam.report
FILE.json`` prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .evaluator import statements_of
from .model import Decision, DecisionKind, PolicyDocument, Principal, StatementRef

Mode = Literal["enforce", "report", "off"]
_SUMMARY_MAX = 160


@dataclass(frozen=True, slots=True)
class StatementInfo:
    """One statement of a role's policies, as the report lists it."""

    ref: StatementRef
    effect: str
    summary: str  # e.g. "Allow s3:GetObject on arn:aws:s3:::b/* if StringEquals aws:..."

    def to_json(self) -> dict[str, Any]:
        return {**_ref_json(self.ref), "effect": self.effect, "summary": self.summary}


def _listing(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    return ", ".join(str(i) for i in items)


def summarize_statement(statement: Mapping[str, Any]) -> str:
    """A one-line rendering: effect, actions, resources, condition operators and keys."""
    if not isinstance(statement, Mapping):
        return repr(statement)[:_SUMMARY_MAX]
    parts = [str(statement.get("Effect", "?"))]
    if "NotAction" in statement:
        parts.append(f"every action except {_listing(statement['NotAction'])}")
    else:
        parts.append(_listing(statement.get("Action", "?")))
    if "NotResource" in statement:
        parts.append(f"on every resource except {_listing(statement['NotResource'])}")
    else:
        parts.append(f"on {_listing(statement.get('Resource', '?'))}")
    condition = statement.get("Condition")
    if isinstance(condition, Mapping) and condition:
        tests = [
            f"{op} {', '.join(keys)}" if isinstance(keys, Mapping) else str(op)
            for op, keys in condition.items()
        ]
        parts.append("if " + "; ".join(tests))
    text = " ".join(parts)
    return text if len(text) <= _SUMMARY_MAX else text[: _SUMMARY_MAX - 1] + "…"


def enumerate_statements(policies: Sequence[PolicyDocument]) -> list[StatementInfo]:
    """Every statement of a role's policies, in order, with the ref the evaluator reports."""
    out: list[StatementInfo] = []
    for policy in policies:
        for i, st in enumerate(statements_of(policy.document)):
            sid = st.get("Sid") if isinstance(st, Mapping) else None
            effect = st.get("Effect", "?") if isinstance(st, Mapping) else "?"
            out.append(
                StatementInfo(
                    StatementRef(policy.name, i, sid if isinstance(sid, str) else None),
                    str(effect),
                    summarize_statement(st),
                )
            )
    return out


def _ref_json(ref: StatementRef | None) -> dict[str, Any]:
    if ref is None:
        return {}
    return {"policy": ref.policy, "index": ref.index, "sid": ref.sid}


# (action, resource, decision kind, deciding statement)
_Key = tuple[str, str, DecisionKind, StatementRef | None]


class _Subject:
    """One function (session) with its role: counts per distinct decision."""

    __slots__ = ("counts", "function", "policies", "principal", "statements")

    def __init__(self, function: str, principal: Principal) -> None:
        self.function = function
        self.principal = principal
        self.counts: dict[_Key, int] = {}
        self.statements: list[StatementInfo] = []
        self.policies: Sequence[PolicyDocument] = ()


class IamReport:
    """Thread-safe collector of authorization decisions per function and role."""

    def __init__(self, mode: Mode = "enforce") -> None:
        self.mode: Mode = mode
        self._lock = threading.Lock()
        # By function: the function's own session and the Lambda service's sessions acting for it
        # with the same role (logs, destinations, pollers) count together.
        self._subjects: dict[str, _Subject] = {}

    def _subject(self, principal: Principal, function: str | None) -> _Subject:
        name = function or principal.session_name
        subject = self._subjects.get(name)
        if subject is None:
            subject = _Subject(name, principal)
            self._subjects[name] = subject
        elif principal.session_name == name and subject.principal.session_name != name:
            subject.principal = principal  # show the function's own session, not a service's
        return subject

    def register_policies(
        self, principal: Principal, policies: Sequence[PolicyDocument], function: str | None = None
    ) -> None:
        """The role's current policies (call again when they change: the latest set counts).

        Cheap to call per request with the same policies: an unchanged set is not re-read."""
        subject = self._subjects.get(function or principal.session_name)
        if subject is not None and (
            subject.policies is policies or tuple(subject.policies) == tuple(policies)
        ):
            return
        statements = enumerate_statements(policies)
        with self._lock:
            subject = self._subject(principal, function)
            subject.statements, subject.policies = statements, policies

    def record(self, principal: Principal, decision: Decision, function: str | None = None) -> None:
        """Count one decision. ``function`` defaults to the session name (= function name)."""
        r = decision.request
        key: _Key = (r.action, r.resource, decision.kind, decision.statement)
        with self._lock:
            counts = self._subject(principal, function).counts
            counts[key] = counts.get(key, 0) + 1

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            subjects = [
                (s.function, s.principal, dict(s.counts), list(s.statements))
                for s in self._subjects.values()
            ]
        enforced = self.mode == "enforce"
        functions: list[dict[str, Any]] = []
        for function, principal, counts, statements in sorted(subjects, key=lambda s: s[0]):
            allowed: list[dict[str, Any]] = []
            denied: list[dict[str, Any]] = []
            deciding: set[StatementRef] = set()
            for (action, resource, kind, ref), n in sorted(
                counts.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1], kv[0][2])
            ):
                entry: dict[str, Any] = {"action": action, "resource": resource, "count": n}
                if ref is not None:
                    deciding.add(ref)
                    entry["statement"] = _ref_json(ref)
                if kind == "allow":
                    allowed.append(entry)
                else:
                    denied.append({**entry, "kind": kind, "enforced": enforced})
            functions.append(
                {
                    "function": function,
                    "principal": principal.arn,
                    "role": principal.role_arn,
                    "statements": len(statements),
                    "allowed": allowed,
                    "denied": denied,
                    "unused_statements": [
                        s.to_json()
                        for s in statements
                        if s.effect != "Deny" and s.ref not in deciding
                    ],
                    "unmatched_denies": [
                        s.to_json()
                        for s in statements
                        if s.effect == "Deny" and s.ref not in deciding
                    ],
                }
            )
        return {
            "mode": self.mode,
            "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "functions": functions,
            "totals": {
                "functions": len(functions),
                "allowed": sum(e["count"] for f in functions for e in f["allowed"]),
                "denied": sum(e["count"] for f in functions for e in f["denied"]),
                "unused_statements": sum(len(f["unused_statements"]) for f in functions),
            },
        }

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write iam-report.json and iam-report.md into ``folder``; returns both paths."""
        data = self.to_json()
        folder.mkdir(parents=True, exist_ok=True)
        json_path, md_path = folder / "iam-report.json", folder / "iam-report.md"
        json_path.write_text(json.dumps(data, indent=2) + "\n")
        md_path.write_text(render_markdown(data))
        return json_path, md_path


def _statement_label(ref: Mapping[str, Any] | None) -> str:
    if not ref:
        return "no statement"
    sid = f" ({ref['sid']})" if ref.get("sid") else ""
    return f"{ref['policy']} #{ref['index']}{sid}"


def render_markdown(data: Mapping[str, Any]) -> str:
    """The report as Markdown, from :meth:`IamReport.to_json`'s data."""
    mode = data.get("mode", "enforce")
    denied_word = "denied" if mode == "enforce" else "would be denied"
    t = data.get("totals", {})
    lines = [
        f"# IAM report (mode: {mode})",
        "",
        f"{t.get('functions', 0)} function(s); {t.get('allowed', 0)} allowed and "
        f"{t.get('denied', 0)} {denied_word} request(s); "
        f"{t.get('unused_statements', 0)} unused statement(s).",
    ]
    for f in data.get("functions", []):
        lines += ["", f"## {f['function']}", "", f"Role `{f['role']}` (session `{f['principal']}`)"]
        lines += ["", "### Used"]
        lines += [
            f"- `{e['action']}` on `{e['resource']}` x{e['count']} — allowed by "
            f"{_statement_label(e.get('statement'))}"
            for e in f["allowed"]
        ] or ["- nothing"]
        lines += ["", "### Denied" if mode == "enforce" else "### Would be denied"]
        lines += [
            f"- `{e['action']}` on `{e['resource']}` x{e['count']} — "
            + (
                f"explicit deny in {_statement_label(e.get('statement'))}"
                if e["kind"] == "explicit_deny"
                else "no identity-based policy allows it"
            )
            + ("" if e.get("enforced", True) else " (would be denied)")
            for e in f["denied"]
        ] or ["- nothing"]
        lines += ["", "### Candidates to remove (no request used them)"]
        lines += [f"- {_statement_label(s)}: {s['summary']}" for s in f["unused_statements"]] or [
            "- none"
        ]
        if f.get("unmatched_denies"):
            lines += ["", "### Deny statements that matched nothing"]
            lines += [f"- {_statement_label(s)}: {s['summary']}" for s in f["unmatched_denies"]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render an iam-report.json as Markdown.")
    parser.add_argument("report", type=Path, help="iam-report.json written by the local AWS")
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.report.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        print(f"iam-report: cannot read {args.report}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(render_markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
