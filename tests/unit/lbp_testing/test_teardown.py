"""Stacks are destroyed in the background when their test module is done, once each."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, cast

from lbp_testing.stack import Stack, Teardown


class FakeStack:
    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.workdir = Path(name)
        self.destroy_attempted = False
        self.log, self.fail = log, fail
        self.lock = threading.Lock()

    def destroy(self) -> None:
        self.destroy_attempted = True
        with self.lock:
            self.log.append(str(self.workdir))
        if self.fail:
            raise RuntimeError("destroy failed in the provider")


def stack(name: str, log: list[str], fail: bool = False) -> Stack:
    return cast(Stack, FakeStack(name, log, fail))


def test_a_module_releases_its_own_stacks_only() -> None:
    destroyed: list[str] = []
    teardown = Teardown(workers=1)
    teardown.owner = "tests/a.py"
    first, second = stack("a1", destroyed), stack("a2", destroyed)
    teardown.own(first)
    teardown.own(second)
    teardown.owner = "tests/b.py"
    teardown.own(stack("b1", destroyed))
    teardown.release("tests/a.py")
    teardown._pool.submit(lambda: None).result()  # the single worker is done with a's destroys
    assert destroyed == ["a2", "a1"]  # last deployed first
    assert teardown.finish() == []
    assert destroyed == ["a2", "a1", "b1"]


def test_a_stack_a_test_destroyed_is_not_destroyed_again() -> None:
    destroyed: list[str] = []
    teardown = Teardown()
    teardown.owner = "tests/a.py"
    done: Any = stack("done", destroyed)
    teardown.own(done)
    done.destroy()
    teardown.release("tests/a.py")
    assert teardown.finish() == []
    assert destroyed == ["done"]


def test_finish_reports_every_failed_destroy() -> None:
    teardown = Teardown()
    teardown.own(stack("broken", [], fail=True))
    teardown.own(stack("fine", []))
    assert teardown.finish() == ["broken: destroy failed in the provider"]
