"""``python -m tfdocs_check [--write] [--strict] MODULE_DIR...``

Exit status: 0 in sync (or written), 1 out of sync (each problem names module and item),
2 usage error (a path that is not a Terraform module).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tfdocs_check import check_module, write_module


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tfdocs_check",
        description=(
            "Check that each module's README Inputs/Outputs tables list exactly the "
            "variables and outputs it declares, or regenerate them with --write."
        ),
    )
    parser.add_argument("modules", nargs="+", type=Path, help="module directories")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--write",
        action="store_true",
        help="regenerate the tables between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->",
    )
    mode.add_argument(
        "--strict",
        action="store_true",
        help="also fail when descriptions, types or defaults in the docs block are stale",
    )
    args = parser.parse_args(argv)

    problems: list[str] = []
    checked = 0
    for module_dir in args.modules:
        if not module_dir.is_dir():
            print(f"tfdocs_check: skipping {module_dir}: not a directory", file=sys.stderr)
            continue
        try:
            if args.write:
                changed = write_module(module_dir)
                print(f"{module_dir}: README.md {'updated' if changed else 'unchanged'}")
            else:
                problems += check_module(module_dir, strict=args.strict)
        except (FileNotFoundError, UnicodeDecodeError) as exc:
            print(f"tfdocs_check: {exc}", file=sys.stderr)
            return 2
        checked += 1

    if checked == 0:
        print("tfdocs_check: no module directories given", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"tfdocs_check: {len(problems)} problem(s); fix the README or run "
            "`python -m tfdocs_check --write <module>`",
            file=sys.stderr,
        )
        return 1
    if not args.write:
        print(f"tfdocs_check: {checked} module(s) in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
