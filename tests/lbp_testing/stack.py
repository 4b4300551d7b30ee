"""The root stack deployed into a throw-away copy, so tests never touch the demo's state."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tftest

from lbp_testing.provider import REATTACH, SharedProvider, stack_provider
from lbp_testing.terraform_cli import ROOT, terraform_binary
from tfprogress import run_with_progress, terminal

ROOT_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
# Most of an apply or destroy is the provider waiting out AWS's eventual consistency (an SQS
# queue or its policy: 6 reads 5 s apart; an S3 lifecycle configuration: ≈ 55 s), not work: more
# of those waits run at once than Terraform's default 10. A destroy follows the test module that
# used the stack, whose state is current: refreshing it first re-read every resource for nothing
# (measured on the whole root stack: 14.4 → 11.3 CPU-s, 40 → 33 s).
OPERATION_FLAGS: dict[str, dict[str, object]] = {
    "apply": {"parallelism": "30"},
    "destroy": {"parallelism": "30", "refresh": False},
}


def offline_terraform(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Terraform against a mocked or offline provider: the target AWS is never reached, whatever
    the environment's AWS_ENDPOINT_URL says."""
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(ROOT / ".tools" / "terraform.rc"),
        "CHECKPOINT_DISABLE": "1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    return subprocess.run(
        [terraform_binary(), *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


def changed_attributes(change: Mapping[str, Any]) -> set[str]:
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    return {
        name
        for name in set(before) | set(after)
        if before.get(name) != after.get(name) or unknown.get(name) is True
    }


def scenario_switches() -> list[str]:
    """Scenario names, from the root's `enable_<scenario>` variables."""
    text = (ROOT / "variables.tf").read_text()
    return re.findall(r'^variable "enable_([a-z0-9_]+)"', text, flags=re.MULTILINE)


def unique_prefix(stem: str = "it") -> str:
    return f"{stem}{secrets.token_hex(3)}"


def copy_root(destination: Path) -> Path:
    """Copies the root's .tf files and modules/ into destination and links build/.

    A copy, not links: the stack must still destroy after someone edits the work tree.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for name in ROOT_FILES:
        shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "modules",
        destination / "modules",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(".terraform", "tests", "*.tfstate*"),
    )
    build = destination / "build"
    if not build.exists():
        build.symlink_to(ROOT / "build")
    return destination


class Stack:
    def __init__(self, workdir: Path, variables: Mapping[str, Any]) -> None:
        self.workdir = copy_root(workdir)
        # A tfvars JSON file keeps the variables' types (tftest's -var flags stringify them).
        (self.workdir / "test.auto.tfvars.json").write_text(json.dumps(dict(variables)))
        env = {"TF_CLI_CONFIG_FILE": str(ROOT / ".tools" / "terraform.rc")}
        env.update({k: v for k, v in os.environ.items() if k.startswith(("AWS_", "TF_VAR_"))})
        self.tf = tftest.TerraformTest(str(self.workdir), binary=terraform_binary(), env=env)
        # A provider process shared by mocked suites (lbp_testing.provider) is never configured
        # for a real target: this stack has its own (see stack_provider) or none.
        self.tf.env.pop(REATTACH, None)
        self._provider: SharedProvider | None = None
        self._outputs: dict[str, Any] | None = None
        self.destroy_attempted = False

    def apply(self) -> dict[str, Any]:
        if self._provider is None:
            self._provider = stack_provider(self.tf.env)
            if self._provider is not None:
                self.tf.env[REATTACH] = self._provider.reattach
        self.tf.setup(cleanup_on_exit=False)
        self._run("apply")
        self._outputs = {name: value for name, value in self.tf.output().items()}
        return self._outputs

    def _run(self, operation: str) -> None:
        """apply/destroy; in a terminal with a progress line (resources done / total, elapsed).

        pytest captures stdout and stderr, so progress goes to the controlling terminal; with
        xdist workers sharing it, each prints labelled lines instead of rewriting one.
        """
        flags = OPERATION_FLAGS[operation]
        with terminal() as tty:
            if tty is None and operation == "apply":
                self.tf.apply(**flags)
                return
            if tty is None:
                self.tf.destroy(**flags)
                return
            shared = "PYTEST_XDIST_WORKER" in os.environ
            run_with_progress(
                [self.tf.binary, operation, "-json", "-input=false", "-auto-approve",
                 *(f"-{name}={str(value).lower()}" for name, value in flags.items())],
                cwd=self.tf.tfdir, env=self.tf.env, out=tty, interactive=not shared,
                label=f"[{self.workdir.name}] ",
            )  # fmt: skip

    @property
    def outputs(self) -> dict[str, Any]:
        if self._outputs is None:
            raise RuntimeError("stack not applied")
        return self._outputs

    def planned_changes(self, tolerated: Mapping[str, set[str]] | None = None) -> list[str]:
        """Resources a fresh plan would change, with the attributes that differ.

        `tolerated` maps a resource type to attributes whose drift is known to come from the
        target (an emulator's gap), not from the configuration.
        """
        tolerated = tolerated or {}
        plan = self.tf.plan(output=True)
        changes = []
        for change in plan.resource_changes.values():
            actions = change["change"]["actions"]
            if actions == ["no-op"] or actions == ["read"]:
                continue
            attributes = changed_attributes(change["change"])
            if actions == ["update"] and attributes <= tolerated.get(change["type"], set()):
                continue
            changes.append(f"{change['address']}: {'/'.join(actions)} {sorted(attributes)}")
        return changes

    def destroy(self) -> None:
        """Destroys the stack; a stack a test destroyed (or tried to) is not destroyed again."""
        self.destroy_attempted = True
        try:
            self._run("destroy")
        finally:
            if self._provider is not None:
                self._provider.stop()


# The `deploy_stack` fixture: deploy_stack(["scenario", ...], **variables) -> Stack
DeployStack = Callable[..., Stack]


class Teardown:
    """Destroys each test module's stacks in the background once the module is done.

    A destroy is mostly Terraform and the provider waiting on the target, so the next test file
    applies its stack meanwhile instead of every destroy queueing at the end of the session.
    """

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="destroy")
        self._owned: dict[str | None, list[Stack]] = {}
        self._running: list[tuple[Stack, Future[None]]] = []
        self.owner: str | None = None  # the test module running now

    def own(self, stack: Stack) -> None:
        self._owned.setdefault(self.owner, []).append(stack)

    def release(self, owner: str | None) -> None:
        """Starts destroying owner's stacks (last deployed first) that no test destroyed."""
        for stack in reversed(self._owned.pop(owner, [])):
            if not stack.destroy_attempted:  # else a test did, and reported how it went
                self._running.append((stack, self._pool.submit(stack.destroy)))

    def finish(self) -> list[str]:
        """Destroys what is left, waits for every destroy; the failures, one line each."""
        for owner in list(self._owned):
            self.release(owner)
        failures = []
        for stack, future in self._running:
            error = future.exception()
            if error is not None:
                failures.append(f"{stack.workdir}: {error}")
        self._pool.shutdown()
        return failures
