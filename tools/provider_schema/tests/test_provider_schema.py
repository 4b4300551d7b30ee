from __future__ import annotations

from pathlib import Path

import pytest

from provider_schema import Node, Schema, check, usages
from provider_schema.schema import node_from_binding
from provider_schema.usage import configuration_files

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = sorted((ROOT / "tools" / "provider_schema" / "schemas").glob("aws-*.json"))

BINDING = """
function widgetVpcConfigToTerraform(struct) {
    if (!cdktf.canInspect(struct)) {
        return struct;
    }
    return {
        subnet_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(struct.subnetIds),
    };
}
class Widget extends cdktf.TerraformResource {
    constructor() {
        super(scope, id, {
            terraformResourceType: "aws_widget",
        });
    }
    get arn() {
        return this.getStringAttribute('arn');
    }
    synthesizeAttributes() {
        return {
            name: cdktf.stringToTerraform(this._name),
            tags: cdktf.hashMapper(cdktf.stringToTerraform)(this._tags),
            vpc_config: widgetVpcConfigToTerraform(this._vpcConfig.internalValue),
        };
    }
}
"""

CONFIG = """
resource "aws_widget" "this" {
  count = 1
  name  = "w"
  dynamic "vpc_config" {
    for_each = [1]
    content {
      subnet_ids = ["subnet-1"]
      vpc_id     = "vpc-1"
    }
  }
  lifecycle {
    ignore_changes = [tags]
  }
}

data "aws_region" "current" {}

output "x" {
  value = "${aws_widget.this[0].arn}/${data.aws_region.current.name}/${aws_widget.this[0].colour}"
}
"""


def schema(version: str) -> Schema:
    parsed = node_from_binding(BINDING)
    assert parsed is not None
    region = Node({"name", "id"}) if version.startswith("5") else Node({"name", "id", "region"})
    return Schema(version, "test", {parsed[0]: parsed[1]}, {"aws_region": region})


def test_bindings_give_arguments_blocks_and_attributes() -> None:
    parsed = node_from_binding(BINDING)
    assert parsed is not None
    resource_type, node = parsed
    assert resource_type == "aws_widget"
    assert node.attributes == {"name", "tags", "arn"}
    assert node.blocks["vpc_config"].attributes == {"subnet_ids"}


def test_usages_and_problems(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    found = usages(configuration_files([tmp_path]), tmp_path)
    assert {str(u) for u in found} >= {
        "main.tf: aws_widget.name (argument)",
        "main.tf: aws_widget.vpc_config (block)",
        "main.tf: aws_widget.vpc_config.subnet_ids (argument)",
        "main.tf: aws_widget.arn (attribute)",
        "main.tf: data.aws_region.name (attribute)",
    }
    assert not any(u.path and u.path[0] in {"count", "lifecycle"} for u in found)
    problems = {p.reason for p in check(found, schema("5.100.0"))}
    assert problems == {"no argument 'vpc_id'", "no attribute 'colour'"}
    v6 = {p.reason for p in check(found, schema("6.25.0"))}
    assert "'name' deprecated in v6: use `region` (or `id`)" in v6


def test_unknown_type_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_gadget" "this" {\n  name = "g"\n}\n')
    found = usages(configuration_files([tmp_path]), tmp_path)
    assert {p.reason for p in check(found, schema("6.25.0"))} == {"no resource type aws_gadget"}


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_the_project_configuration_fits_each_provider_major(path: Path) -> None:
    """Root stack, modules and examples against hashicorp/aws 5.100 (from the provider) and 6.25
    (from the cdktf bindings): every type, argument, block and attribute exists, none is
    deprecated."""
    found = usages(
        configuration_files([ROOT / "main.tf", ROOT / "modules", ROOT / "examples"]), ROOT
    )
    assert len(found) > 500
    assert [str(p) for p in check(found, Schema.load(path))] == []


def test_both_majors_are_checked() -> None:
    assert sorted(Schema.load(p).version.split(".")[0] for p in SCHEMAS) == ["5", "6"]
