"""AWS provider processes that Terraform runs reattach to instead of starting their own.

A Terraform command starts the provider plugin once per graph walk (an apply: about three), and
each start of hashicorp/aws costs ≈ 0.6 CPU-s building its schema before any work. Started once
in debug mode (`-debug`, the plugin SDK's way to serve Terraform from a running process) and
handed to Terraform through TF_REATTACH_PROVIDERS, one process serves every run instead. Same
binary as `terraform init` selects for the root's version constraints; only the process is shared.

- The offline `terraform test` suites of a pytest worker share one (they mock it: it is never
  configured).
- Each integration stack has its own (stack_provider): its init, apply, outputs, plans and destroy
  run one after another, never beside another stack's, so a configured process is never shared.
  Measured on scenario 2's stack: apply + destroy 14.6 -> 11.0 CPU-s. Only against a plain-HTTP
  endpoint (the local AWS): the process runs without AWS_CA_BUNDLE, which makes the provider's
  second configuration of one process fail ("unable to add custom RootCAs HTTPClient") and
  which a plain-HTTP endpoint never uses. Anywhere else each command starts its own, as
  Terraform does by default.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from lbp_testing.terraform_cli import ROOT, terraform_binary

REATTACH = "TF_REATTACH_PROVIDERS"
START_SECONDS = 60
_LINE = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")


class ProviderStartError(RuntimeError):
    pass


@cache
def aws_provider_binary() -> Path:
    """The hashicorp/aws binary `terraform init` selects for the root's versions.tf."""
    with tempfile.TemporaryDirectory(prefix="lbp-provider-") as scratch:
        shutil.copy(ROOT / "versions.tf", scratch)
        env = {**os.environ, "TF_CLI_CONFIG_FILE": str(ROOT / ".tools" / "terraform.rc")}
        env.pop(REATTACH, None)
        subprocess.run(
            [terraform_binary(), f"-chdir={scratch}", "init", "-backend=false", "-input=false",
             "-no-color"],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        found = sorted(
            Path(scratch, ".terraform", "providers").glob(
                "*/hashicorp/aws/*/*/terraform-provider-aws*"
            )
        )
        if not found:
            raise ProviderStartError("terraform init selected no hashicorp/aws binary")
        # Init links it to the mirror (or the plugin cache): the target outlives the scratch folder.
        return found[-1].resolve()


class SharedProvider:
    """A running `terraform-provider-aws -debug`; `reattach` is TF_REATTACH_PROVIDERS' value."""

    def __init__(self, binary: Path, env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [str(binary), "-debug"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=None if env is None else dict(env),
        )  # fmt: skip
        self.reattach = self._read_reattach()
        # Keep reading its output, or the process blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _read_reattach(self) -> str:
        assert self.process.stdout is not None
        timer = threading.Timer(START_SECONDS, self.process.kill)
        timer.start()
        try:
            for line in self.process.stdout:
                found = _LINE.search(line)
                if found:
                    return found.group(1)
        finally:
            timer.cancel()
        raise ProviderStartError(f"{self.process.args} exited before serving")

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for _ in self.process.stdout:
            pass

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def stack_provider(env: Mapping[str, str]) -> SharedProvider | None:
    """A provider process of its own for one stack whose Terraform runs with `env`, or None (each
    command then starts its own) when the target is not a plain-HTTP endpoint or none starts."""
    if not env.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        return None
    own = {name: value for name, value in env.items() if name not in (REATTACH, "AWS_CA_BUNDLE")}
    try:
        return SharedProvider(aws_provider_binary(), own)
    except (ProviderStartError, OSError, subprocess.CalledProcessError):
        return None
