"""The IAM report: what was used (and by which statement), what was denied, what went unused."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from localaws_iam.evaluator import evaluate
from localaws_iam.model import AuthzRequest, PolicyDocument, Principal
from localaws_iam.report import IamReport, enumerate_statements, main, render_markdown

ACCOUNT = "111122223333"


def principal(function: str, role: str = "role-a") -> Principal:
    return Principal(
        f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{function}",
        f"arn:aws:iam::{ACCOUNT}:role/{role}",
        role,
        function,
        ACCOUNT,
    )


POLICIES = [
    PolicyDocument(
        "app",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::in/*",
                },
                {
                    "Sid": "Write",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject"],
                    "Resource": "arn:aws:s3:::out/*",
                },
                {
                    "Sid": "Unused",
                    "Effect": "Allow",
                    "Action": "dynamodb:PutItem",
                    "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/t",
                    "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}},
                },
                {
                    "Sid": "NoDelete",
                    "Effect": "Deny",
                    "Action": "s3:DeleteObject",
                    "Resource": "*",
                },
                {
                    "Sid": "NeverMatched",
                    "Effect": "Deny",
                    "NotAction": "s3:*",
                    "NotResource": "arn:aws:s3:::*",
                },
            ],
        },
    ),
    PolicyDocument(
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
        },
        managed=True,
    ),
]


def run(report: IamReport, who: Principal, action: str, resource: str, times: int = 1) -> None:
    # Leave the NeverMatched deny out of the evaluation: it would deny logs:PutLogEvents.
    policies = [
        PolicyDocument(
            POLICIES[0].name,
            {**POLICIES[0].document, "Statement": POLICIES[0].document["Statement"][:4]},
        ),
        POLICIES[1],
    ]
    for _ in range(times):
        report.record(who, evaluate(who, policies, AuthzRequest(action, resource)))


def sample(mode: Any = "enforce") -> dict[str, Any]:
    report = IamReport(mode)
    fn = principal("fn-a")
    report.register_policies(fn, POLICIES)
    run(report, fn, "s3:GetObject", "arn:aws:s3:::in/k", times=3)
    run(report, fn, "s3:PutObject", "arn:aws:s3:::out/k")
    run(report, fn, "s3:DeleteObject", "arn:aws:s3:::in/k")
    run(report, fn, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q")
    return report.to_json()


def test_enumerate_statements_gives_the_evaluators_refs_and_a_summary() -> None:
    infos = enumerate_statements(POLICIES)
    assert [(i.ref.policy, i.ref.index, i.ref.sid, i.effect) for i in infos] == [
        ("app", 0, "Read", "Allow"),
        ("app", 1, "Write", "Allow"),
        ("app", 2, "Unused", "Allow"),
        ("app", 3, "NoDelete", "Deny"),
        ("app", 4, "NeverMatched", "Deny"),
        ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", 0, None, "Allow"),
    ]
    assert infos[0].summary == "Allow s3:GetObject on arn:aws:s3:::in/*"
    assert infos[2].summary.endswith("if StringEquals aws:ResourceTag/env")
    assert infos[4].summary == (
        "Deny every action except s3:* on every resource except arn:aws:s3:::*"
    )


def test_used_actions_with_their_allowing_statement() -> None:
    (fn,) = sample()["functions"]
    assert fn["function"] == "fn-a"
    assert fn["role"] == f"arn:aws:iam::{ACCOUNT}:role/role-a"
    assert fn["allowed"] == [
        {
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::in/k",
            "count": 3,
            "statement": {"policy": "app", "index": 0, "sid": "Read"},
        },
        {
            "action": "s3:PutObject",
            "resource": "arn:aws:s3:::out/k",
            "count": 1,
            "statement": {"policy": "app", "index": 1, "sid": "Write"},
        },
    ]


def test_denials_explicit_and_implicit() -> None:
    (fn,) = sample()["functions"]
    assert [(d["action"], d["kind"], d.get("statement"), d["enforced"]) for d in fn["denied"]] == [
        (
            "s3:DeleteObject",
            "explicit_deny",
            {"policy": "app", "index": 3, "sid": "NoDelete"},
            True,
        ),
        ("sqs:SendMessage", "implicit_deny", None, True),
    ]


def test_statements_nothing_used_are_candidates_to_remove() -> None:
    data = sample()
    (fn,) = data["functions"]
    assert [(s["policy"], s["index"], s["sid"]) for s in fn["unused_statements"]] == [
        ("app", 2, "Unused"),
        ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", 0, None),
    ]
    assert [s["sid"] for s in fn["unmatched_denies"]] == ["NeverMatched"]
    assert data["totals"] == {"functions": 1, "allowed": 4, "denied": 2, "unused_statements": 2}


def test_markdown_rendering_enforce_and_report_modes(tmp_path: Path) -> None:
    text = render_markdown(sample("enforce"))
    assert "## fn-a" in text
    assert "- `s3:GetObject` on `arn:aws:s3:::in/k` x3 — allowed by app #0 (Read)" in text
    assert "explicit deny in app #3 (NoDelete)" in text
    assert "`sqs:SendMessage` on `arn:aws:sqs:us-east-1:111122223333:q` x1 — no identity" in text
    assert "- app #2 (Unused): Allow dynamodb:PutItem on" in text
    assert "would be denied" not in text
    assert "4 allowed and 2 denied request(s); 2 unused statement(s)." in text
    report_mode = render_markdown(sample("report"))
    assert "4 allowed and 2 would be denied request(s)" in report_mode
    assert "### Would be denied" in report_mode
    assert "no identity-based policy allows it (would be denied)" in report_mode


def test_write_and_render_from_the_json_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = IamReport("report")
    fn = principal("fn-b")
    report.register_policies(fn, POLICIES)
    run(report, fn, "s3:PutObject", "arn:aws:s3:::out/x")
    json_path, md_path = report.write(tmp_path / "state")
    data = json.loads(json_path.read_text())
    assert data["functions"][0]["allowed"][0]["statement"]["sid"] == "Write"
    assert md_path.read_text() == render_markdown(data)
    assert main([str(json_path)]) == 0
    assert "allowed by app #1 (Write)" in capsys.readouterr().out
    assert main([str(tmp_path / "missing.json")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_functions_are_separate_and_policies_can_be_replaced() -> None:
    report = IamReport()
    a, b = principal("fn-a"), principal("fn-b", role="role-b")
    report.register_policies(a, POLICIES)
    report.register_policies(b, POLICIES[1:])
    run(report, a, "logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:g")
    data = report.to_json()
    by_name = {f["function"]: f for f in data["functions"]}
    assert set(by_name) == {"fn-a", "fn-b"}
    assert by_name["fn-b"]["allowed"] == []
    assert len(by_name["fn-b"]["unused_statements"]) == 1
    assert len(by_name["fn-a"]["unused_statements"]) == 3
    report.register_policies(a, POLICIES[1:])
    assert report.to_json()["functions"][0]["unused_statements"] == []


def test_recording_from_many_threads_loses_nothing() -> None:
    report = IamReport()
    who = [principal(f"fn-{i}") for i in range(4)]
    decision = evaluate(
        who[0], POLICIES[1:], AuthzRequest("logs:PutLogEvents", "arn:aws:logs:us-east-1:1:x")
    )
    start = threading.Barrier(8)

    def work(i: int) -> None:
        start.wait()
        for _ in range(5000):
            report.record(who[i % 4], decision)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = report.to_json()
    assert data["totals"]["allowed"] == 8 * 5000
    assert sorted(f["allowed"][0]["count"] for f in data["functions"]) == [10000] * 4
