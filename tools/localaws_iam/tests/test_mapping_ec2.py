"""EC2 request mapping: RunInstances' resources, tag-on-create, per-instance tags, snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from localaws_iam.mapping import authorization
from localaws_iam.model import Authorization, AuthzRequest, ServiceCall, UnmappedOperationError

ACCOUNT = "111122223333"
REGION = "eu-west-1"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class Lookup:
    def __init__(
        self,
        tags: Mapping[str, Mapping[str, str]] | None = None,
        keys: Mapping[str, str] | None = None,
    ) -> None:
        self._tags = dict(tags or {})
        self._keys = dict(keys or {})

    def tags(self, arn: str) -> Mapping[str, str] | None:
        return self._tags.get(arn)

    def kms_key(self, arn: str) -> str | None:
        return self._keys.get(arn)


def ec2(operation: str, lookup: Lookup | None = None, **params: Any) -> Authorization:
    return authorization(ServiceCall("ec2", operation, params, REGION, ACCOUNT), lookup or Lookup())


def pairs(authz: Authorization) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in authz.requests]


def find(authz: Authorization, action: str, resource: str) -> AuthzRequest:
    matches = [r for r in authz.requests if r.action == action and r.resource == resource]
    assert len(matches) == 1, pairs(authz)
    return matches[0]


FLEET_TAGS = [
    {"ResourceType": "instance", "Tags": [{"Key": "fleet", "Value": "web"}]},
    {"ResourceType": "volume", "Tags": [{"Key": "fleet", "Value": "web"}]},
]


def test_run_instances_authorizes_every_resource_it_touches() -> None:
    authz = ec2(
        "RunInstances",
        ImageId="ami-0abc",
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId="subnet-1",
        SecurityGroupIds=["sg-1", "sg-2"],
        KeyName="ops",
    )
    assert sorted(r for a, r in pairs(authz) if a == "ec2:RunInstances") == sorted(
        [
            f"{EC2}:instance/*",
            f"{EC2}:volume/*",
            f"{EC2}:network-interface/*",
            f"arn:aws:ec2:{REGION}::image/ami-0abc",
            f"{EC2}:security-group/sg-1",
            f"{EC2}:security-group/sg-2",
            f"{EC2}:subnet/subnet-1",
            f"{EC2}:key-pair/ops",
        ]
    )
    assert find(authz, "ec2:RunInstances", f"{EC2}:instance/*").context == {
        "ec2:InstanceType": "t3.micro"
    }
    assert not [a for a, _ in pairs(authz) if a == "ec2:CreateTags"]


def test_run_instances_without_network_ids_uses_wildcards_for_defaults() -> None:
    authz = ec2("RunInstances", ImageId="ami-1", MinCount=1, MaxCount=1)
    resources = {r for _, r in pairs(authz)}
    assert {f"{EC2}:security-group/*", f"{EC2}:subnet/*"} <= resources


def test_run_instances_with_tags_needs_create_tags_with_create_action() -> None:
    authz = ec2(
        "RunInstances",
        ImageId="ami-1",
        InstanceType="t3.small",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=FLEET_TAGS,
    )
    instance = find(authz, "ec2:RunInstances", f"{EC2}:instance/*")
    assert instance.context["aws:RequestTag/fleet"] == "web"
    assert instance.context["aws:TagKeys"] == ["fleet"]
    assert instance.context["ec2:InstanceType"] == "t3.small"
    for rtype in ("instance", "volume"):
        tagging = find(authz, "ec2:CreateTags", f"{EC2}:{rtype}/*")
        assert tagging.context["ec2:CreateAction"] == "RunInstances"
        assert tagging.context["aws:RequestTag/fleet"] == "web"
    # Not tagged: the network interface gets no CreateTags.
    assert ("ec2:CreateTags", f"{EC2}:network-interface/*") not in pairs(authz)
    # Existing resources carry no request tags.
    image = find(authz, "ec2:RunInstances", f"arn:aws:ec2:{REGION}::image/ami-1")
    assert "aws:RequestTag/fleet" not in image.context


def test_run_instances_with_customer_key_volume_needs_kms() -> None:
    authz = ec2(
        "RunInstances",
        ImageId="ami-1",
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": KEY}}
        ],
    )
    kms = [r for r in authz.requests if r.action.startswith("kms:")]
    assert {r.action for r in kms} >= {"kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext"}
    assert {r.resource for r in kms} == {KEY}
    assert kms[0].context["kms:ViaService"] == f"ec2.{REGION}.amazonaws.com"


@pytest.mark.parametrize("operation", ["StartInstances", "StopInstances", "TerminateInstances"])
def test_instance_actions_are_per_instance_with_resource_tags(operation: str) -> None:
    lookup = Lookup(tags={f"{EC2}:instance/i-1": {"Schedule": "office"}})
    authz = ec2(operation, lookup, InstanceIds=["i-1", "i-2"])
    assert pairs(authz) == [
        (f"ec2:{operation}", f"{EC2}:instance/i-1"),
        (f"ec2:{operation}", f"{EC2}:instance/i-2"),
    ]
    assert authz.requests[0].context == {
        "ec2:ResourceTag/Schedule": "office",
        "aws:ResourceTag/Schedule": "office",
    }
    assert authz.requests[1].context == {}


def test_start_instance_with_customer_key_volumes_needs_create_grant() -> None:
    lookup = Lookup(keys={f"{EC2}:instance/i-1": KEY})
    authz = ec2("StartInstances", lookup, InstanceIds=["i-1"])
    assert pairs(authz) == [
        ("ec2:StartInstances", f"{EC2}:instance/i-1"),
        ("kms:CreateGrant", KEY),
    ]
    assert authz.requests[1].context["kms:GrantIsForAWSResource"] == "true"


def test_copy_snapshot_is_authorized_in_the_destination_region() -> None:
    lookup = Lookup(tags={"arn:aws:ec2:us-east-1::snapshot/snap-1": {"managed-by": "backup"}})
    authz = ec2(
        "CopySnapshot",
        lookup,
        SourceRegion="us-east-1",
        SourceSnapshotId="snap-1",
        TagSpecifications=[
            {"ResourceType": "snapshot", "Tags": [{"Key": "managed-by", "Value": "backup"}]}
        ],
    )
    assert pairs(authz) == [
        ("ec2:CopySnapshot", "arn:aws:ec2:us-east-1::snapshot/snap-1"),
        ("ec2:CopySnapshot", f"arn:aws:ec2:{REGION}::snapshot/*"),
        ("ec2:CreateTags", f"arn:aws:ec2:{REGION}::snapshot/*"),
    ]
    assert authz.requests[0].context["ec2:ResourceTag/managed-by"] == "backup"
    assert authz.requests[1].context["aws:RequestTag/managed-by"] == "backup"
    assert authz.requests[2].context["ec2:CreateAction"] == "CopySnapshot"


def test_copy_snapshot_with_customer_keys_needs_kms_on_both_keys() -> None:
    source_key = "arn:aws:kms:us-east-1:111122223333:key/src"
    lookup = Lookup(keys={"arn:aws:ec2:us-east-1::snapshot/snap-1": source_key})
    authz = ec2(
        "CopySnapshot",
        lookup,
        SourceRegion="us-east-1",
        SourceSnapshotId="snap-1",
        Encrypted=True,
        KmsKeyId=KEY,
    )
    kms = [(a, r) for a, r in pairs(authz) if a.startswith("kms:")]
    assert ("kms:Decrypt", source_key) in kms
    assert ("kms:CreateGrant", KEY) in kms
    assert ("kms:GenerateDataKeyWithoutPlaintext", KEY) in kms


def test_create_snapshot_on_volume_and_new_snapshot_with_tags() -> None:
    authz = ec2(
        "CreateSnapshot",
        VolumeId="vol-1",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    assert pairs(authz) == [
        ("ec2:CreateSnapshot", f"{EC2}:volume/vol-1"),
        ("ec2:CreateSnapshot", f"arn:aws:ec2:{REGION}::snapshot/*"),
        ("ec2:CreateTags", f"arn:aws:ec2:{REGION}::snapshot/*"),
    ]
    assert authz.requests[2].context["ec2:CreateAction"] == "CreateSnapshot"
    assert "aws:RequestTag/k" not in authz.requests[0].context


def test_create_volume_with_tags() -> None:
    authz = ec2(
        "CreateVolume",
        AvailabilityZone="eu-west-1a",
        Size=8,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    assert pairs(authz) == [
        ("ec2:CreateVolume", f"{EC2}:volume/*"),
        ("ec2:CreateTags", f"{EC2}:volume/*"),
    ]
    assert authz.requests[1].context["ec2:CreateAction"] == "CreateVolume"


def test_delete_snapshot_carries_the_snapshots_tags() -> None:
    snapshot = f"arn:aws:ec2:{REGION}::snapshot/snap-9"
    lookup = Lookup(tags={snapshot: {"managed-by": "backup"}})
    authz = ec2("DeleteSnapshot", lookup, SnapshotId="snap-9")
    assert pairs(authz) == [("ec2:DeleteSnapshot", snapshot)]
    assert authz.requests[0].context["aws:ResourceTag/managed-by"] == "backup"


def test_create_tags_on_its_own_has_no_create_action() -> None:
    authz = ec2("CreateTags", Resources=["i-1", "snap-2"], Tags=[{"Key": "k", "Value": "v"}])
    assert pairs(authz) == [
        ("ec2:CreateTags", f"{EC2}:instance/i-1"),
        ("ec2:CreateTags", f"arn:aws:ec2:{REGION}::snapshot/snap-2"),
    ]
    assert "ec2:CreateAction" not in authz.requests[0].context
    assert authz.requests[0].context["aws:RequestTag/k"] == "v"


def test_describe_operations_are_unscoped() -> None:
    for operation in (
        "DescribeInstances",
        "DescribeSnapshots",
        "DescribeRegions",
        "DescribeVolumes",
    ):
        assert pairs(ec2(operation)) == [(f"ec2:{operation}", "*")]


def test_attach_volume_by_default_rule_uses_both_ids() -> None:
    authz = ec2("AttachVolume", InstanceId="i-1", VolumeId="vol-1", Device="/dev/sdf")
    assert pairs(authz) == [
        ("ec2:AttachVolume", f"{EC2}:instance/i-1"),
        ("ec2:AttachVolume", f"{EC2}:volume/vol-1"),
    ]


def test_instance_action_without_ids_is_not_guessed() -> None:
    with pytest.raises(UnmappedOperationError, match="InstanceIds"):
        ec2("StopInstances")


def test_other_creates_authorize_the_new_resource_with_tag_on_create() -> None:
    authz = ec2(
        "CreateSecurityGroup",
        GroupName="g",
        Description="d",
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": "a", "Value": "b"}]}
        ],
    )
    assert pairs(authz) == [
        ("ec2:CreateSecurityGroup", f"{EC2}:security-group/*"),
        ("ec2:CreateTags", f"{EC2}:security-group/*"),
    ]
    assert authz.requests[0].context == {"aws:RequestTag/a": "b", "aws:TagKeys": ["a"]}
    assert authz.requests[1].context["ec2:CreateAction"] == "CreateSecurityGroup"


def test_operation_on_an_existing_resource_is_not_wildcarded() -> None:
    with pytest.raises(UnmappedOperationError, match="SecurityGroupId"):
        ec2("AuthorizeSecurityGroupIngress", IpPermissions=[])
