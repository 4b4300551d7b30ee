"""One AWS provider process shared by the offline `terraform test` suites of a pytest worker.

`terraform test` starts the provider plugin twice per run block, only to read its schema (the
suites mock it): ≈ 0.5 to 1 s each for hashicorp/aws, i.e. most of a suite's time. Started once in
debug mode (`-debug`, the plugin SDK's way to serve Terraform from a running process) and
handed to Terraform through TF_REATTACH_PROVIDERS, it serves every run instead. Same binary as
`terraform init` selects for the root's version constraints; only the process is shared.

Only for mocked suites: a configured provider must not be shared by concurrent Terraform runs,
so the integration stacks never see TF_REATTACH_PROVIDERS (lbp_testing.stack drops it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from lbp_testing.stack import ROOT, terraform_binary

REATTACH = "TF_REATTACH_PROVIDERS"
START_SECONDS = 60
_LINE = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")


class ProviderStartError(RuntimeError):
    pass


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

    def __init__(self, binary: Path) -> None:
        self.process = subprocess.Popen(
            [str(binary), "-debug"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
