"""The root stack as arm64: packages and layers built for arm64, functions declared arm64.

Scenarios 2 and 4 are deployed with `architecture = "arm64"` (4 because the root builds the Pillow
layer only for it); the functions and both shared layers must be the zips of build/arm64/ (by
CodeSha256), whose native wheels (Pillow's) are aarch64 ELF objects, and an S3 upload must still
be indexed. What this does not prove: the local executor
runs every function with the host's interpreter (x86_64 here), so arm64 *execution* is only
exercised for pure-Python code; a real account runs it on Graviton.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import boto3
import pytest

from lbp_testing.stack import ROOT, DeployStack, Stack
from release import elf_machines
from scenario_client.polling import eventually

BUILD = ROOT / "build"
EM_X86_64, EM_AARCH64 = 62, 183


def code_sha256(path: Path) -> str:
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


@pytest.fixture(scope="module")
def stack(deploy_stack: DeployStack) -> Stack:
    if not (BUILD / "arm64" / "layers" / "pillow.zip").exists():
        pytest.fail("no build/arm64/: run make build first")
    return deploy_stack(["s3_object_index", "image_renditions"], architecture="arm64")


@pytest.mark.parametrize("layer", ["pillow"])
def test_native_wheels_are_built_for_each_architecture(layer: str) -> None:
    for architecture, machine in (("arm64", EM_AARCH64), ("x86_64", EM_X86_64)):
        machines = elf_machines(BUILD / architecture / "layers" / f"{layer}.zip")
        assert len(machines) > 5, f"{layer} for {architecture} has no native objects"
        assert set(machines.values()) == {machine}, architecture


def test_functions_are_arm64_with_the_arm64_packages(stack: Stack) -> None:
    outputs: dict[str, Any] = stack.outputs["s3_object_index"]
    lambda_ = boto3.client("lambda")
    for output, package in (
        ("indexer_function_name", "s3_object_index"),
        ("api_function_name", "s3_object_index_api"),
    ):
        config = lambda_.get_function_configuration(FunctionName=outputs[output])
        assert config["Architectures"] == ["arm64"]
        assert config["CodeSha256"] == code_sha256(BUILD / "arm64" / "functions" / f"{package}.zip")
        assert [layer["Arn"] for layer in config["Layers"]] == [
            stack.outputs["powertools_layer_arn"]
        ]


@pytest.mark.parametrize("layer", ["powertools", "pillow"])
def test_layers_are_the_arm64_builds(stack: Stack, layer: str) -> None:
    version = boto3.client("lambda").get_layer_version_by_arn(
        Arn=stack.outputs[f"{layer}_layer_arn"]
    )
    assert version["CompatibleArchitectures"] == ["arm64"]
    assert version["Content"]["CodeSha256"] == code_sha256(
        BUILD / "arm64" / "layers" / f"{layer}.zip"
    )


def test_an_upload_is_indexed_by_the_arm64_function(stack: Stack) -> None:
    outputs: dict[str, Any] = stack.outputs["s3_object_index"]
    bucket = outputs["bucket_name"]
    boto3.client("s3").put_object(Bucket=bucket, Key="arm64/hello.txt", Body=b"graviton")
    table = boto3.resource("dynamodb").Table(outputs["table_name"])
    item = eventually(
        lambda: table.get_item(
            Key={"bucket": bucket, "key": "arm64/hello.txt"}, ConsistentRead=True
        ).get("Item"),
        timeout=60,
        what="the uploaded object's row",
    )
    assert item is not None and int(item["size"]) == 8
