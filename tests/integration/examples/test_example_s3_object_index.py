"""examples/s3-object-index applied as a user would: `terraform apply` in the example folder.

A copy of the example and of modules/ (so `../../modules` resolves, and the stack still
destroys after someone edits the work tree) with the packages of `make build`. On an emulator a
provider override adds path-style S3 addressing, as TF_VAR_s3_use_path_style does for the root.
One upload must come out as a row of the index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from lbp_testing.stack import ROOT, terraform_binary, unique_prefix
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget


def run(command: list[str], cwd: Path) -> str:
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(ROOT / ".tools" / "terraform.rc")}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        f"{' '.join(command)}:\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def example(
    aws_target: AwsTarget, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    build = ROOT / "build" / "x86_64"
    if not (build / "functions" / "s3_object_index.zip").exists():
        pytest.fail("no build/x86_64/: run make build first")
    work = tmp_path_factory.mktemp("example")
    shutil.copytree(
        ROOT / "modules", work / "modules", ignore=shutil.ignore_patterns(".terraform", "tests")
    )
    config = work / "examples" / "s3-object-index"
    shutil.copytree(
        ROOT / "examples" / "s3-object-index",
        config,
        ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"),
    )
    if aws_target.is_emulator:
        (config / "emulator_override.tf").write_text(
            'provider "aws" {\n  s3_use_path_style = true\n}\n'
        )
    (config / "terraform.tfvars.json").write_text(
        json.dumps(
            {"region": aws_target.region, "name": unique_prefix("ex"), "build_dir": str(build)}
        )
    )
    terraform = terraform_binary()
    run([terraform, "init", "-input=false", "-no-color"], config)
    try:
        run([terraform, "apply", "-input=false", "-auto-approve", "-no-color"], config)
        outputs = json.loads(run([terraform, "output", "-json"], config))
        yield {key: value["value"] for key, value in outputs.items()}
    finally:
        run([terraform, "destroy", "-input=false", "-auto-approve", "-no-color"], config)


def test_the_example_indexes_an_upload(example: dict[str, Any]) -> None:
    bucket = example["bucket_names"]["uploads"]
    # The example keeps the module's defaults (versioned bucket, no force_destroy), like a real
    # stack: the test removes every version of what it writes, so the bucket can be destroyed.
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key="example/hello.txt", Body=b"hello")
    try:
        table = boto3.resource("dynamodb").Table(example["table_name"])
        item = eventually(
            lambda: table.get_item(
                Key={"bucket": bucket, "key": "example/hello.txt"}, ConsistentRead=True
            ).get("Item"),
            timeout=60,
            what="the uploaded object's row",
        )
        assert item is not None and int(item["size"]) == 5
    finally:
        listing = s3.list_object_versions(Bucket=bucket, Prefix="example/")
        for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
