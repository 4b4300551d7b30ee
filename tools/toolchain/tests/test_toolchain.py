from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from toolchain import cli_config
from toolchain.terraform_binary import ToolchainError, parse_version


def test_parse_version() -> None:
    assert parse_version("Terraform v1.11.4\non linux_amd64\n") == (1, 11, 4)
    assert parse_version("something else") is None


def _mirror(root: Path) -> Path:
    (root / cli_config.AWS_PROVIDER / "5.100.0" / "linux_amd64").mkdir(parents=True)
    return root


def test_mirror_from_env_var(tmp_path: Path) -> None:
    mirror = _mirror(tmp_path / "mirror")
    assert cli_config.find_mirror({cli_config.MIRROR_ENV: str(mirror)}) == mirror


def test_env_var_naming_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ToolchainError, match=r"holds no registry\.terraform\.io/hashicorp/aws"):
        cli_config.find_mirror({cli_config.MIRROR_ENV: str(tmp_path)})


def test_config_uses_mirror_only_for_aws(tmp_path: Path) -> None:
    text = cli_config.render(tmp_path / "cache", tmp_path / "mirror")
    assert "plugin_cache_dir" not in text  # init links the mirror itself, no shared cache
    assert f'path    = "{tmp_path / "mirror"}"' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in text


def test_config_without_mirror_installs_directly(tmp_path: Path) -> None:
    text = cli_config.render(tmp_path / "cache", None)
    assert "provider_installation" not in text
    assert "plugin_cache_dir" in text


def test_no_mirror_and_no_registry_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_config, "registry_reachable", lambda: False)
    with pytest.raises(ToolchainError, match="LBP_TF_PROVIDER_MIRROR"):
        cli_config.provider_source(None)


def test_written_config_lets_terraform_init_offline(tmp_path: Path) -> None:
    """The real check: terraform init against the generated config finds hashicorp/aws."""
    terraform = shutil.which("terraform")
    mirror = cli_config.find_mirror()
    if terraform is None or mirror is None:
        pytest.fail("this machine should have terraform on PATH and a provider mirror")
    config = cli_config.write(tmp_path / "tools", mirror)
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"}
    result = subprocess.run(
        [terraform, f"-chdir={stack}", "init", "-input=false", "-no-color"],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "hashicorp/aws" in result.stdout
    # Linked to the mirror itself, not through a plugin cache that concurrent inits re-link.
    [link] = (stack / ".terraform" / "providers").glob("*/hashicorp/aws/*/*")
    assert Path(os.readlink(link)).is_relative_to(mirror)
