"""The project's own Terraform CLI config (TF_CLI_CONFIG_FILE)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from toolchain.terraform_binary import ToolchainError

DEFAULT_MIRRORS = (Path("/opt/tf-plugins"),)
MIRROR_ENV = "LBP_TF_PROVIDER_MIRROR"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


def find_mirror(environ: dict[str, str] | None = None) -> Path | None:
    """A filesystem mirror holding hashicorp/aws, from the env var or a known location."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(MIRROR_ENV):
        mirror = Path(environ[MIRROR_ENV])
        if not (mirror / AWS_PROVIDER).is_dir():
            raise ToolchainError(
                f"{MIRROR_ENV}={mirror} holds no {AWS_PROVIDER}/<version>/<os_arch>/ folder"
            )
        return mirror
    return next((m for m in DEFAULT_MIRRORS if (m / AWS_PROVIDER).is_dir()), None)


def render(plugin_cache: Path, mirror: Path | None) -> str:
    """With an unpacked mirror, init links each stack's provider to the mirror itself: no plugin
    cache, whose entry every concurrent init re-links (Terraform's cache is not safe for
    concurrent inits: 'lstat …/linux_amd64: no such file' under make test's parallel stacks)."""
    if mirror is None:
        return f'disable_checkpoint = true\nplugin_cache_dir   = "{plugin_cache}"\n'
    lines = [
        "disable_checkpoint = true",
        "",
        "provider_installation {",
        "  filesystem_mirror {",
        f'    path    = "{mirror}"',
        f'    include = ["{AWS_PROVIDER}"]',
        "  }",
        "  direct {",
        f'    exclude = ["{AWS_PROVIDER}"]',
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def registry_reachable(host: str = "registry.terraform.io", timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def write(tools_dir: Path, mirror: Path | None) -> Path:
    cache = tools_dir / "tf-plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    config = tools_dir / "terraform.rc"
    text = render(cache, mirror)
    if not config.exists() or config.read_text() != text:
        config.write_text(text)
    return config


def provider_source(mirror: Path | None) -> str:
    if mirror is not None:
        return f"filesystem mirror {mirror}"
    if registry_reachable():
        return "registry.terraform.io (no local mirror found)"
    raise ToolchainError(
        "the hashicorp/aws provider cannot be installed: no filesystem mirror was found "
        f"({', '.join(map(str, DEFAULT_MIRRORS))} or ${MIRROR_ENV}) and registry.terraform.io "
        "is unreachable. Provide a mirror: `terraform providers mirror <dir>` on a connected "
        f"machine, copy <dir> here and export {MIRROR_ENV}=<dir>."
    )
