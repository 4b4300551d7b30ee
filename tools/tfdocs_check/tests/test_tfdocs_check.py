from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tfdocs_check import (
    BEGIN_MARKER,
    END_MARKER,
    check_module,
    parse_readme_tables,
    parse_tf,
    render_docs,
    write_module,
)
from tfdocs_check.__main__ import main

REPO_ROOT = Path(__file__).resolve().parents[3]

VARIABLES_TF = textwrap.dedent(
    """\
    # A comment with an unbalanced brace {
    variable "name" {
      description = "Function name (a | pipe, a <tag>, a \\"quote\\")."
      type        = string

      validation {
        condition     = can(regex("^[a-z]{1,64}$", var.name))
        error_message = "name: default = 5 must not be read as the default } {."
      }
    }

    variable "vpc" {
      description = <<-EOT
        Multi-line
        heredoc description.
      EOT
      type = object({
        subnet_ids         = list(string) # trailing comment {
        security_group_ids = list(string)
      })
      default = null
    }

    variable "tags" {
      type    = map(string)
      default = { team = "x}y", path = "${var.prefix}/#not-a-comment" }
    }

    variable "names" {
      description = "List default over several lines."
      type        = list(string)
      default = [
        "a",
        "b",
      ]
    }

    /* variable "commented_out" {} */
    // variable "also_commented_out" {}
    """
)

OUTPUTS_TF = textwrap.dedent(
    """\
    output "arn" {
      description = "The ARN."
      value       = { for k, v in aws_x.this : k => v.arn }
    }

    output "name" {
      value = aws_x.this.name
    }
    """
)


def make_module(root: Path, readme: str | None = None) -> Path:
    module = root / "mod"
    module.mkdir()
    (module / "variables.tf").write_text(VARIABLES_TF)
    (module / "outputs.tf").write_text(OUTPUTS_TF)
    (module / "main.tf").write_text('resource "aws_x" "this" {\n  name = var.name\n}\n')
    if readme is not None:
        (module / "README.md").write_text(readme)
    return module


def readme_with(inputs: list[str], outputs: list[str]) -> str:
    rows_in = "\n".join(f"| `{n}` | d | `string` | n/a | yes |" for n in inputs)
    rows_out = "\n".join(f"| `{n}` | d |" for n in outputs)
    return (
        '# mod\n\n```hcl\n# Inputs\nmodule "x" {}\n```\n\n'
        "## Inputs\n\n| Name | Description | Type | Default | Required |\n"
        f"|---|---|---|---|---|\n{rows_in}\n\n"
        f"## Outputs\n\n| Name | Description |\n|---|---|\n{rows_out}\n"
    )


# ---------------------------------------------------------------------------- parsing


def test_parse_finds_top_level_variables_and_outputs_in_order() -> None:
    variables = parse_tf(VARIABLES_TF, "variables.tf").variables
    outputs = parse_tf(OUTPUTS_TF, "outputs.tf").outputs
    assert [v.name for v in variables] == ["name", "vpc", "tags", "names"]
    assert [o.name for o in outputs] == ["arn", "name"]
    assert all(v.file == "variables.tf" for v in variables)


def test_parse_reads_type_default_description_but_not_nested_blocks() -> None:
    name, vpc, tags, names = parse_tf(VARIABLES_TF).variables
    assert name.type == "string"
    assert name.default is None and name.required
    assert vpc.default == "null" and not vpc.required
    assert vpc.type is not None and "# trailing comment" not in vpc.type
    assert tags.default == '{ team = "x}y", path = "${var.prefix}/#not-a-comment" }'
    assert tags.description is None
    assert names.default is not None and names.default.startswith("[")


def test_parse_output_without_description() -> None:
    arn, name = parse_tf(OUTPUTS_TF).outputs
    assert arn.description == '"The ARN."'
    assert name.description is None


# -------------------------------------------------------------------------- rendering


def test_render_collapses_types_and_escapes_cells() -> None:
    docs = parse_tf(VARIABLES_TF + OUTPUTS_TF)
    text = render_docs(docs)
    assert (
        "| `vpc` | Multi-line heredoc description. | "
        "`object({ subnet_ids = list(string), security_group_ids = list(string) })` | `null` | no |"
    ) in text
    assert (
        '| `name` | Function name (a \\| pipe, a &lt;tag&gt;, a "quote"). | `string` | n/a | yes |'
        in text
    )
    assert (
        '| `names` | List default over several lines. | `list(string)` | `[ "a", "b" ]` | no |'
        in text
    )
    assert "| `arn` | The ARN. |" in text
    assert "| `name` |  |" in text


def test_render_empty_module() -> None:
    text = render_docs(parse_tf(""))
    assert "No inputs." in text and "No outputs." in text


# --------------------------------------------------------------------------- checking


def test_readme_tables_ignore_code_fences_and_header_rows() -> None:
    tables = parse_readme_tables(readme_with(["name", "vpc"], ["arn"]))
    assert tables == {"inputs": ["name", "vpc"], "outputs": ["arn"]}


def test_readme_tables_prefer_the_marker_region() -> None:
    readme = (
        "## Inputs\n\n| Name |\n|---|\n| `stale` |\n\n"
        f"{BEGIN_MARKER}\n## Inputs\n\n| Name |\n|---|\n| `fresh` |\n{END_MARKER}\n"
    )
    assert parse_readme_tables(readme)["inputs"] == ["fresh"]


def test_check_in_sync(tmp_path: Path) -> None:
    module = make_module(tmp_path, readme_with(["name", "vpc", "tags", "names"], ["arn", "name"]))
    assert check_module(module) == []


def test_check_reports_missing_and_extra_items(tmp_path: Path) -> None:
    module = make_module(tmp_path, readme_with(["name", "vpc", "tags", "gone"], ["arn"]))
    errors = check_module(module)
    assert (
        f"{module}: input `names` is declared in variables.tf "
        "but missing from the README Inputs table" in errors
    )
    assert f"{module}: input `gone` is listed in the README Inputs table but not declared" in errors
    assert (
        f"{module}: output `name` is declared in outputs.tf "
        "but missing from the README Outputs table" in errors
    )
    assert len(errors) == 3


def test_check_reports_duplicates_and_missing_sections(tmp_path: Path) -> None:
    module = make_module(
        tmp_path, "# mod\n\n## Inputs\n\n| Name |\n|---|\n| `name` |\n| `name` |\n"
    )
    errors = check_module(module)
    assert any("`name` is listed more than once" in e for e in errors)
    assert f"{module}: README.md has no '## Outputs' section" in errors


def test_check_without_readme(tmp_path: Path) -> None:
    module = make_module(tmp_path)
    assert check_module(module) == [
        f"{module}: README.md not found (run with --write to create it)"
    ]


def test_strict_detects_stale_descriptions(tmp_path: Path) -> None:
    module = make_module(tmp_path, "# mod\n")
    write_module(module)
    assert check_module(module, strict=True) == []
    (module / "variables.tf").write_text(VARIABLES_TF.replace("List default", "A list default"))
    assert check_module(module) == []  # names still match
    assert any("out of date" in e for e in check_module(module, strict=True))


# ---------------------------------------------------------------------------- writing


def test_write_replaces_only_the_marker_region_and_is_idempotent(tmp_path: Path) -> None:
    module = make_module(
        tmp_path, f"# mod\n\nIntro.\n\n{BEGIN_MARKER}\nold\n{END_MARKER}\n\nFooter.\n"
    )
    assert write_module(module) is True
    text = (module / "README.md").read_text()
    assert text.startswith("# mod\n\nIntro.\n\n" + BEGIN_MARKER + "\n## Inputs")
    assert text.endswith(END_MARKER + "\n\nFooter.\n")
    assert "old" not in text
    assert write_module(module) is False
    assert check_module(module, strict=True) == []


def test_write_appends_block_without_markers_and_creates_missing_readme(tmp_path: Path) -> None:
    module = make_module(tmp_path, "# mod\n\nHand-written.\n")
    write_module(module)
    text = (module / "README.md").read_text()
    assert text.startswith("# mod\n\nHand-written.\n\n" + BEGIN_MARKER)
    (module / "README.md").unlink()
    write_module(module)
    assert (module / "README.md").read_text().startswith(f"# mod\n\n{BEGIN_MARKER}\n")
    assert check_module(module) == []


# -------------------------------------------------------------------------------- CLI


def test_cli_fails_naming_module_and_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = make_module(tmp_path, readme_with(["name", "vpc", "tags"], ["arn", "name"]))
    assert main([str(module)]) == 1
    err = capsys.readouterr().err
    assert str(module) in err and "`names`" in err


def test_cli_write_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = make_module(tmp_path, "# mod\n")
    assert main(["--write", str(module)]) == 0
    assert main(["--strict", str(module)]) == 0
    assert "1 module(s) in sync" in capsys.readouterr().out


def test_cli_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 2
    (tmp_path / "file.md").write_text("x")
    assert main([str(tmp_path / "file.md")]) == 2  # skipped, so nothing was checked


# ------------------------------------------------------------------- the repo's modules


@pytest.mark.skipif(
    not (REPO_ROOT / "modules" / "lambda-function").is_dir(), reason="not in the repository"
)
def test_lambda_function_module_readme_is_in_sync() -> None:
    assert check_module(REPO_ROOT / "modules" / "lambda-function", strict=True) == []
