"""`python -m provider_schema extract|check`.

extract: a normalized schema from `terraform providers schema -json` output (--terraform-json
FILE --version X) or from a cdktf-cdktf-provider-aws wheel (--cdktf-wheel FILE), trimmed to the
types the configuration uses (--used PATH...).
check: every usage in the configuration PATHs against each --schema FILE.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from provider_schema.check import check
from provider_schema.schema import Schema, from_cdktf_wheel, from_terraform_json
from provider_schema.usage import configuration_files, usages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="provider_schema", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract")
    source = extract.add_mutually_exclusive_group(required=True)
    source.add_argument("--terraform-json", type=Path)
    source.add_argument("--cdktf-wheel", type=Path)
    extract.add_argument("--version", help="provider version (with --terraform-json)")
    extract.add_argument("--used", type=Path, nargs="+", required=True)
    extract.add_argument("--out", type=Path, required=True)
    verify = sub.add_parser("check")
    verify.add_argument("--schema", type=Path, action="append", required=True)
    verify.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args(argv)

    if args.command == "extract":
        if args.terraform_json:
            if not args.version:
                parser.error("--version is required with --terraform-json")
            schema = from_terraform_json(json.loads(args.terraform_json.read_text()), args.version)
        else:
            schema = from_cdktf_wheel(args.cdktf_wheel)
        found = usages(configuration_files(args.used), Path.cwd())
        used: dict[str, set[str]] = {"resource": set(), "data": set()}
        for usage in found:
            used[usage.kind].add(usage.type)
        schema.trimmed(used).save(args.out)
        print(
            f"{args.out}: hashicorp/aws {schema.version}, {len(used['resource'])} resource and "
            f"{len(used['data'])} data source types"
        )
        return 0

    found = usages(configuration_files(args.paths), Path.cwd())
    failed = False
    for path in args.schema:
        schema = Schema.load(path)
        problems = check(found, schema)
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)
        state = "FAIL" if problems else "ok"
        print(
            f"hashicorp/aws {schema.version} ({schema.source}): {len(found)} usages, "
            f"{len(problems)} problems: {state}"
        )
    return 1 if failed else 0
