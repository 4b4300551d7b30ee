"""Where the repository is and which Terraform binary `make setup` chose."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def terraform_binary() -> str:
    path_file = ROOT / ".tools" / "terraform-path"
    return path_file.read_text().strip() if path_file.exists() else "terraform"
