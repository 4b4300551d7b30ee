"""The emulator_difference marker becomes a strict xfail on the named emulator only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from lbp_testing.differences import expected_failure


@dataclass
class Item:
    """What expected_failure reads from a pytest item: its id and its markers."""

    marks: list[pytest.Mark] = field(default_factory=list)
    nodeid: str = "tests/integration/x/test_x.py::test_y"

    def iter_markers(self, name: str) -> Iterator[pytest.Mark]:
        return (mark for mark in self.marks if mark.name == name)


def marked(*args: object, **kwargs: object) -> Item:
    return Item([pytest.mark.emulator_difference(*args, **kwargs).mark])


def test_the_named_emulator_expects_a_strict_failure_with_the_reason() -> None:
    xfail = expected_failure(marked(ministack="no on-success destinations"), "ministack")
    assert xfail is not None
    assert xfail.mark.name == "xfail"
    assert xfail.mark.kwargs == {
        "strict": True,
        "reason": "ministack differs: no on-success destinations",
    }


def test_other_targets_and_unmarked_tests_run_as_usual() -> None:
    assert expected_failure(marked(ministack="x"), "localstack") is None
    assert expected_failure(marked(ministack="x"), None) is None
    assert expected_failure(Item(), "ministack") is None


def test_reasons_from_several_marks_are_joined() -> None:
    item = Item(
        [
            pytest.mark.emulator_difference(ministack="module-wide").mark,
            pytest.mark.emulator_difference(ministack="this test", localstack="other").mark,
        ]
    )
    xfail = expected_failure(item, "ministack")
    assert xfail is not None
    assert xfail.mark.kwargs["reason"] == "ministack differs: module-wide; this test"


@pytest.mark.parametrize(
    "mark",
    [marked("positional"), marked(minstack="typo"), marked(), marked(ministack="")],
    ids=["positional", "unknown emulator", "no reason", "empty reason"],
)
def test_a_malformed_marker_is_a_usage_error(mark: Item) -> None:
    with pytest.raises(pytest.UsageError, match="emulator_difference takes only"):
        expected_failure(mark, "ministack")
