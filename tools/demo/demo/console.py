"""Readable demo output: headings, key/value blocks and small tables."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 74 - len(title)))


def step(text: str) -> None:
    print(f"  -> {text}")


def block(value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    for line in text.splitlines():
        print(f"     {line}")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print(
            "     " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        )
        if index == 0:
            print("     " + "  ".join("-" * width for width in widths))
