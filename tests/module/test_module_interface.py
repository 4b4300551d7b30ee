"""Every scenario module keeps the one interface contract (README.md, "Module interface").

Reads the modules' variables.tf and outputs.tf as `terraform fmt` lays them out (`make lint`
checks the format): top-level blocks start at column 0 and close with a lone `}`, the attributes
of an object type sit two spaces deeper than its opening line. The contract is checked from the
text, so a module that departs from it fails here before anyone plans it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lbp_testing.stack import ROOT

# Building blocks, not scenarios: used through the scenario modules.
NOT_SCENARIOS = {"lambda-function", "private-bucket", "private-queue"}
SCENARIO_MODULES = sorted(
    path
    for path in (ROOT / "modules").iterdir()
    if (path / "main.tf").exists() and path.name not in NOT_SCENARIOS
)

NAME_RULE = 'condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))'
REQUIRED_VARIABLES = {
    "name", "packages", "layers", "functions", "architecture", "runtime",
    "log_retention_in_days", "tags",
}  # fmt: skip
FUNCTION_KEYS = {"memory_size", "timeout", "reserved_concurrency", "environment_variables"}
RETRY_KEYS = {"maximum_retry_attempts", "maximum_event_age_in_seconds"}
# Function settings live in `functions` only.
FUNCTION_SETTINGS = FUNCTION_KEYS | RETRY_KEYS | {"retry_attempts", "retries"}
REQUIRED_OUTPUTS = {
    "function_names", "function_arns", "log_group_names", "role_names",
    "on_failure_queue_urls", "on_failure_queue_arns",
}  # fmt: skip
# Per-function outputs are maps keyed by role; these older spellings are gone for good.
FORBIDDEN_OUTPUT = re.compile(
    r"^(function_name|function_arn|log_group_name|role_name|rule_name|schedule_name"
    r"|schedule_rule_names?|\w*failures?_queue_url|\w+_function_name|\w+_log_group_name"
    r"|on_failure_queue_url|on_failure_queue_arn)$"
)
SCHEDULED = re.compile(r'^resource "(aws_scheduler_schedule|aws_cloudwatch_event_rule)" ', re.M)


@dataclass
class Module:
    path: Path
    variables: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    source: str = ""


def blocks(text: str, kind: str) -> dict[str, str]:
    """Top-level `<kind> "<name>" { ... }` blocks of fmt-formatted HCL, by name."""
    pattern = rf'^{kind} "([\w-]+)" \{{\n.*?^\}}$'
    return {m.group(1): m.group(0) for m in re.finditer(pattern, text, re.M | re.S)}


def load(path: Path) -> Module:
    source = "\n".join(p.read_text() for p in sorted(path.glob("*.tf")))
    return Module(path, blocks(source, "variable"), blocks(source, "output"), source)


def object_attributes(block: str, indent: int) -> dict[str, str]:
    """Attributes `name = ...` at exactly `indent` spaces in a type, with their text below."""
    lines = block.splitlines()
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        match = re.match(rf"^ {{{indent}}}(\w+)\s+= (.*)$", line)
        if not match:
            continue
        body = [match.group(2)]
        for deeper in lines[i + 1 :]:
            if len(deeper) - len(deeper.lstrip(" ")) <= indent:
                break
            body.append(deeper)
        found[match.group(1)] = "\n".join(body)
    return found


def type_of(block: str) -> str:
    """The `type = ...` expression of a variable block (up to default/validation/nullable)."""
    end = r"(?=^  (default|nullable|validation|sensitive)\b|^\}$)"
    match = re.search(rf"^  type\s+= (.*?){end}", block, re.M | re.S)
    assert match, f"no type in\n{block}"
    return match.group(1)


def roles_of(module: Module, variable: str) -> dict[str, str]:
    return object_attributes(type_of(module.variables[variable]), 4)


MODULES = [load(path) for path in SCENARIO_MODULES]
IDS = [module.path.name for module in MODULES]


def test_there_are_eight_scenarios() -> None:
    assert len(MODULES) == 8, IDS


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_required_inputs(module: Module) -> None:
    assert sorted(REQUIRED_VARIABLES - module.variables.keys()) == []
    assert NAME_RULE in module.variables["name"], "name: the one rule (2-41 of a-z, 0-9, '-')"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_functions_by_role_with_the_same_keys(module: Module) -> None:
    functions, packages = roles_of(module, "functions"), roles_of(module, "packages")
    assert functions, "functions: an object of settings by function role"
    assert functions.keys() == packages.keys(), "packages are keyed by the same roles as functions"
    assert "default  = {}" in module.variables["functions"], "functions: optional, default {}"
    for role, settings in functions.items():
        assert settings.startswith("optional(object({"), f"functions.{role}: optional object"
        keys = set(object_attributes(settings, 6))
        assert sorted(FUNCTION_KEYS - keys) == [], f"functions.{role} lacks keys"
        retry = keys & RETRY_KEYS
        assert retry in (set(), RETRY_KEYS), f"functions.{role}: both retry keys or neither"
        assert not keys & {"retry_attempts", "retries"}, f"functions.{role}: retry key names"
    for role, package in packages.items():
        assert set(object_attributes(package, 6)) == {"file", "s3"}, f"packages.{role}: file | s3"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_function_settings_only_in_functions(module: Module) -> None:
    stray = {
        name: sorted(FUNCTION_SETTINGS & set(object_attributes(type_of(block), 4)))
        for name, block in module.variables.items()
        if name != "functions"
    }
    assert {name: keys for name, keys in stray.items() if keys} == {}
    assert sorted(FUNCTION_SETTINGS & module.variables.keys()) == [], "no flat function settings"
    assert not {"package", "function", "pillow_layer_arn"} & module.variables.keys()


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_layers_are_required_and_named(module: Module) -> None:
    layers = module.variables["layers"]
    assert "\n  default" not in layers, "layers: required (every handler imports Powertools)"
    assert "nullable = false" in layers and "validation {" in layers
    assert object_attributes(type_of(layers), 4).get("powertools") == "string"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_outputs(module: Module) -> None:
    assert sorted(REQUIRED_OUTPUTS - module.outputs.keys()) == []
    assert sorted(name for name in module.outputs if FORBIDDEN_OUTPUT.match(name)) == []
    if SCHEDULED.search(module.source):
        assert "schedule_names" in module.outputs, "scheduled scenarios output schedule_names"
    roles = roles_of(module, "functions")
    for name in ("function_names", "function_arns", "log_group_names", "role_names"):
        value = module.outputs[name]
        assert all(re.search(rf'\b"?{role}"? (=|=>) ', value) for role in roles), (
            f"{name}: a map keyed by the function roles {sorted(roles)}"
        )


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_optional_outputs_use_one_idiom(module: Module) -> None:
    """Optional values come from one(x[*].y) or a for expression, never `cond ? x[0].y : null`."""
    indexed = [name for name, block in module.outputs.items() if re.search(r"\[0\]", block)]
    assert indexed == []
