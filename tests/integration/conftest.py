"""Integration fixtures: the AWS target from the environment and deployed root stacks.

Each scenario's tests deploy the real root stack with only that scenario switched on (so
scenarios stay independent and a broken one cannot fail another's tests); `root_stack`
deploys everything at once and checks that the whole stack is in sync with itself.

Emulator differences are explicit: a test (or module, via pytestmark, or one parameter, via
pytest.param(..., marks=...)) that fails on one emulator because that emulator behaves
differently from AWS carries

    @pytest.mark.emulator_difference(ministack="what MiniStack does instead, and why it matters")

On that emulator the test becomes an expected failure that fails the run if it starts passing
(xfail, strict); on every other target it runs as usual (lbp_testing.differences). Each one is
listed in README.md, "What differs between the emulators".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lbp_testing.clock import NO_CLOCK, ScheduleClock, is_project_local_aws
from lbp_testing.differences import DIFFERENCE, expected_failure
from lbp_testing.stack import DeployStack, Stack, Teardown, scenario_switches, unique_prefix
from scenario_client.clock import clock_from_environment
from scenario_client.emulator import emulator_of
from scenario_client.target import AwsTarget, NoTargetError, from_environment

INTEGRATION_DIR = Path(__file__).parent


def current_emulator() -> str | None:
    try:
        return emulator_of(from_environment())
    except NoTargetError:
        return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    marked = [item for item in items if item.get_closest_marker(DIFFERENCE)]
    emulator = current_emulator() if marked else None
    for item in items:
        if INTEGRATION_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)
    for item in marked:
        xfail = expected_failure(item, emulator)
        if xfail is not None:
            item.add_marker(xfail)


@pytest.fixture(scope="session")
def stack_teardown() -> Teardown:
    return Teardown()


@pytest.fixture(scope="module", autouse=True)
def _stacks_of_the_module(
    stack_teardown: Teardown, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Stacks deployed while a test module runs are its own: destroyed once it is done."""
    stack_teardown.owner = request.node.nodeid
    yield
    stack_teardown.release(request.node.nodeid)
    stack_teardown.owner = None


@pytest.fixture(scope="session")
def clock_scopes() -> dict[str, str]:
    """Test module (node id) -> its schedule clock's scope, until its stack takes it as prefix."""
    return {}


@pytest.fixture(scope="session")
def deploy_stack(
    aws_target: AwsTarget,
    stack_teardown: Teardown,
    clock_scopes: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DeployStack]:
    """deploy_stack(["s3_object_index"], **variables): the root stack with those scenarios on.

    A stack lives as long as the test module that deployed it: when the module is done it is
    destroyed in the background (the next module's stack applies meanwhile). The session waits
    for every destroy at its end and fails if one failed. In a module with a schedule_clock,
    the first stack takes the clock's scope as its name prefix: its schedules and rules are the
    ones that clock drives.
    """

    def deploy(scenarios: list[str], **variables: Any) -> Stack:
        unknown = set(scenarios) - set(scenario_switches())
        if unknown:
            raise ValueError(f"no enable_<scenario> switch in variables.tf for {sorted(unknown)}")
        switches = {f"enable_{name}": name in scenarios for name in scenario_switches()}
        stack = Stack(
            tmp_path_factory.mktemp("-".join(scenarios) or "none"),
            {
                "name_prefix": clock_scopes.pop(str(stack_teardown.owner), None) or unique_prefix(),
                "force_destroy": True,
                "region": aws_target.region,
                **switches,
                **variables,
            },
        )
        stack_teardown.own(stack)
        stack.apply()
        return stack

    yield deploy
    failures = stack_teardown.finish()
    if failures:
        pytest.fail("destroy failed:\n" + "\n".join(failures))


@pytest.fixture(scope="module")
def root_stack(deploy_stack: DeployStack) -> Stack:
    """The whole root stack, every scenario on."""
    return deploy_stack(scenario_switches())


@pytest.fixture(scope="module")
def schedule_clock(
    aws_target: AwsTarget, clock_scopes: dict[str, str], request: pytest.FixtureRequest
) -> Iterator[ScheduleClock]:
    """The module's own schedule clock, frozen for the module and dropped after it.

    A clock scope (tools/localaws_time, localaws_time.scopes): it drives only the schedules and
    rules whose names start with the module's stack prefix, so modules that move their clocks
    run side by side, each with its own time. Request it before deploying the stack: the
    module's first stack is deployed with that prefix, and its schedules never fire on real
    time while the module runs.

    On a target without a clock (a real account, a plain LocalStack) the module is skipped with
    "target has no controllable clock"; on this project's local AWS a missing clock fails.
    """
    found = clock_from_environment()
    if found is None or not found.available():
        if is_project_local_aws():
            pytest.fail(
                f"the local AWS at {aws_target.endpoint_url} has no schedule clock "
                "(GET /_lbp/clock): its clock extension is off or broken, and these tests need "
                "it to make the schedules fire"
            )
        pytest.skip(NO_CLOCK)
    scope = unique_prefix()
    clock = found.scoped(scope)
    clock.set(clock.now(), freeze=True)
    clock_scopes[request.node.nodeid] = scope
    try:
        yield ScheduleClock(clock)
    finally:
        clock_scopes.pop(request.node.nodeid, None)
        clock.reset()
