"""How a platform team consumes lambda-blueprints: a tag, released artifacts, a git source.

Outside the repository tree: a throw-away clone of the committed HEAD is tagged with the
newest CHANGELOG version, `python -m release` (what `make release` runs) builds that clone's
artifacts, they are uploaded to a versioned artifact bucket, and a Terraform configuration in a
temp folder uses `source = "git::file://<clone>//modules/<module>?ref=v<version>"` with
`packages = { <role> = { s3 = ... } }`. It is applied, an S3 upload must come out as a DynamoDB
row, the second scenario's function must run, and everything is destroyed. Uncommitted work never
reaches this test (the clone has only commits), as on CI's clean clone.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from lbp_testing.stack import ROOT, terraform_binary, unique_prefix
from scenario_client.polling import eventually
from scenario_client.target import AwsTarget

CONSUMER = Path(__file__).parent / "consumer"


@dataclass(frozen=True)
class Release:
    clone: Path
    tag: str
    version: str
    dist: Path
    manifest: dict[str, Any]

    def sha256(self, file: str) -> str:
        return next(str(a["sha256"]) for a in self.manifest["artifacts"] if a["file"] == file)


@dataclass(frozen=True)
class Deployment:
    release: Release
    outputs: dict[str, Any]
    config: Path
    env: dict[str, str]


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        f"{' '.join(command)}:\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
    )
    return result.stdout


def newest_changelog_version(changelog: str) -> str:
    match = re.search(r"^## \[(\d+\.\d+\.\d+[^\]]*)\]", changelog, re.MULTILINE)
    assert match, "CHANGELOG.md has no released version"
    return match.group(1)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    work = tmp_path_factory.mktemp("consumption")
    clone = work / "lambda-blueprints"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], cwd=work)
    version = newest_changelog_version((clone / "CHANGELOG.md").read_text())
    tag = f"v{version}"
    if not run(["git", "tag", "--list", tag], cwd=clone).strip():
        run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", "tag", tag], cwd=clone)
    dist = work / "dist"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(clone / "tools" / "release"), str(clone / "tools" / "packager")]
        ),
    }
    run(
        [sys.executable, "-m", "release", "--version", version, "--dist", str(dist),
         "--cache", str(ROOT / ".tools" / "pip-target-cache")],
        cwd=clone, env=env,
    )  # fmt: skip
    manifest = json.loads((dist / version / "manifest.json").read_text())
    return Release(clone, tag, version, dist / version, manifest)


@pytest.fixture(scope="module")
def deployment(
    release: Release, aws_target: AwsTarget, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    name = unique_prefix("cons")
    s3 = boto3.client("s3", region_name=aws_target.region)
    bucket = f"{name}-artifacts"
    create: dict[str, Any] = {"Bucket": bucket}
    if aws_target.region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": aws_target.region}
    s3.create_bucket(**create)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    # `aws s3 cp` of the release, keeping each object's version id for the configuration.
    versions = {}
    for path in sorted(release.dist.rglob("*")):
        if path.is_file():
            file = path.relative_to(release.dist).as_posix()
            answer = s3.put_object(
                Bucket=bucket,
                Key=f"lambda-blueprints/{release.version}/{file}",
                Body=path.read_bytes(),
            )
            versions[file] = answer["VersionId"]

    config = tmp_path_factory.mktemp("platform-team-stack")
    text = (CONSUMER / "main.tf").read_text()
    (config / "main.tf").write_text(
        text.replace("SOURCE_REPO", str(release.clone)).replace("RELEASE_TAG", release.tag)
    )
    shutil.copy(release.dist / "manifest.json", config / "manifest.json")
    (config / "terraform.tfvars.json").write_text(
        json.dumps(
            {
                "region": aws_target.region,
                "name": name,
                "artifact_bucket": bucket,
                "object_versions": {f: v for f, v in versions.items() if f.endswith(".zip")},
            }
        )
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(ROOT / ".tools" / "terraform.rc")}
    terraform = terraform_binary()
    try:
        run([terraform, "init", "-input=false", "-no-color"], cwd=config, env=env)
        run([terraform, "apply", "-input=false", "-auto-approve", "-no-color"], cwd=config, env=env)
        outputs = {
            key: value["value"]
            for key, value in json.loads(
                run([terraform, "output", "-json"], cwd=config, env=env)
            ).items()
        }
        yield Deployment(release, outputs, config, env)
    finally:
        run(
            [terraform, "destroy", "-input=false", "-auto-approve", "-no-color"],
            cwd=config,
            env=env,
        )
        listing = s3.list_object_versions(Bucket=bucket)
        for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
        s3.delete_bucket(Bucket=bucket)


def base64_of(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


def test_release_holds_both_architectures(release: Release) -> None:
    files = {a["file"] for a in release.manifest["artifacts"]}
    for architecture in ("x86_64", "arm64"):
        assert f"{architecture}/functions/s3_object_index.zip" in files
        assert f"{architecture}/layers/powertools.zip" in files
    sums = (release.dist / "SHA256SUMS").read_text().splitlines()
    file = "x86_64/functions/s3_object_index.zip"
    assert f"{release.sha256(file)}  {file}" in sums


def test_functions_run_the_released_zips(deployment: Deployment) -> None:
    lambda_ = boto3.client("lambda")
    for output, file in (
        ("indexer_function_name", "x86_64/functions/s3_object_index.zip"),
        ("ec2_scheduler_function_name", "x86_64/functions/ec2_scheduler.zip"),
    ):
        config = lambda_.get_function_configuration(FunctionName=deployment.outputs[output])
        assert config["CodeSha256"] == base64_of(deployment.release.sha256(file))


def test_an_upload_is_indexed(deployment: Deployment) -> None:
    bucket = deployment.outputs["uploads_bucket"]
    boto3.client("s3").put_object(Bucket=bucket, Key="reports/q4.csv", Body=b"a,b\n1,2\n")
    table = boto3.resource("dynamodb").Table(deployment.outputs["table_name"])
    item = eventually(
        lambda: table.get_item(
            Key={"bucket": bucket, "key": "reports/q4.csv"}, ConsistentRead=True
        ).get("Item"),
        timeout=60,
        what="the uploaded object's row",
    )
    assert item is not None and int(item["size"]) == 8


def test_the_second_scenario_runs_from_its_released_zip(deployment: Deployment) -> None:
    """Invoked by hand (EventBridge schedules do not fire on demand): the released zip, with its
    tzdata dependency, imports and reconciles (dry run) without error."""
    answer = boto3.client("lambda").invoke(
        FunctionName=deployment.outputs["ec2_scheduler_function_name"],
        Payload=json.dumps({"source": "aws.events", "time": "2026-12-01T10:00:00Z"}).encode(),
    )
    payload = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    assert payload["errors"] == 0, payload


def test_a_second_plan_changes_nothing(deployment: Deployment) -> None:
    """The hex sha256 re-encoded by the module equals what Lambda reports, so an S3-deployed
    function does not show a code update on every plan."""
    result = subprocess.run(
        [terraform_binary(), "plan", "-detailed-exitcode", "-input=false", "-no-color"],
        cwd=deployment.config, env=deployment.env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
