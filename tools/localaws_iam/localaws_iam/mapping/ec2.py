"""EC2: every resource RunInstances touches, tag-on-create, per-instance actions, snapshots, KMS.

New resources are authorized on "<type>/*" ARNs (their ids do not exist yet), as AWS does.
Tags given on create (TagSpecifications) become aws:RequestTag/* and aws:TagKeys on the
resources of that type, plus an ec2:CreateTags request with ec2:CreateAction=<operation>.
Existing resources carry ec2:ResourceTag/* and aws:ResourceTag/* from the lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from localaws_iam.mapping.base import Context, Mapper, ServiceMapping, request_tags, tag_list
from localaws_iam.model import AuthzRequest

# Resource id prefix -> the dataset's resource type (for CreateTags/DeleteTags on ids).
ID_TYPES = {
    "i": "instance",
    "vol": "volume",
    "snap": "snapshot",
    "ami": "image",
    "sg": "security-group",
    "sgr": "security-group-rule",
    "subnet": "subnet",
    "eni": "network-interface",
    "vpc": "vpc",
    "igw": "internet-gateway",
    "rtb": "route-table",
    "acl": "network-acl",
    "eipalloc": "elastic-ip",
    "lt": "launch-template",
    "dopt": "dhcp-options",
    "nat": "natgateway",
    "pl": "prefix-list",
    "pcx": "vpc-peering-connection",
    "vpce": "vpc-endpoint",
    "tgw": "transit-gateway",
    "eigw": "egress-only-internet-gateway",
    "fleet": "fleet",
    "sir": "spot-instances-request",
    "sfr": "spot-fleet-request",
}

# What EBS encryption with a customer key needs from the caller (AWS's "Permissions for users").
EBS_KMS = ["CreateGrant", "Decrypt", "DescribeKey", "GenerateDataKeyWithoutPlaintext"]


# Single-id parameters -> the dataset's ARN placeholders (for operations mapped by default).
_PARAMS = {
    "InstanceId": "InstanceId",
    "VolumeId": "VolumeId",
    "SnapshotId": "SnapshotId",
    "ImageId": "ImageId",
    "SubnetId": "SubnetId",
    "GroupId": "SecurityGroupId",
    "VpcId": "VpcId",
    "NetworkInterfaceId": "NetworkInterfaceId",
    "KeyName": "KeyPairName",
    "LaunchTemplateId": "LaunchTemplateId",
    "AllocationId": "AllocationId",
    "RouteTableId": "RouteTableId",
    "InternetGatewayId": "InternetGatewayId",
}


def values(params: Mapping[str, Any]) -> dict[str, str]:
    return {ph: str(params[name]) for name, ph in _PARAMS.items() if params.get(name)}


def _arn(m: Mapper, rtype: str, ident: str = "*", region: str | None = None) -> str:
    placeholders = m.spec.arns[rtype].placeholders
    vals = {p: ident for p in placeholders if p not in ("Partition", "Region", "Account")}
    if region:
        vals["Region"] = region
    return m.arn(rtype, vals)


def id_arn(m: Mapper, ident: str, region: str | None = None) -> str:
    prefix = ident.split("-", 1)[0]
    rtype = ID_TYPES.get(prefix)
    if rtype is None:
        raise m.fail(f"no resource type for the id {ident!r}")
    return _arn(m, rtype, ident, region)


def tag_specs(params: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """TagSpecifications as {resource type: tags}."""
    out: dict[str, dict[str, str]] = {}
    for spec in params.get("TagSpecifications") or []:
        rtype = str(spec.get("ResourceType") or "")
        out.setdefault(rtype, {}).update(tag_list(spec.get("Tags")))
    return out


def existing(m: Mapper, arn: str, context: Context | None = None) -> Context:
    return {**m.resource_tags(arn), **(context or {})}


def _create_tags(
    m: Mapper, created: Iterable[tuple[str, str]], specs: Mapping[str, Mapping[str, str]]
) -> list[AuthzRequest]:
    """ec2:CreateTags with ec2:CreateAction for each created resource that gets tags."""
    requests = []
    for rtype, arn in created:
        tags = specs.get(rtype)
        if tags:
            context = {**request_tags(tags), "ec2:CreateAction": m.call.operation}
            requests.append(m.request("CreateTags", arn, context))
    return requests


def _kms_key(m: Mapper, key: str | None, region: str | None = None) -> str | None:
    return m.key_arn(key, region=region) if key else None


def run_instances(m: Mapper) -> list[AuthzRequest]:
    """RunInstances on image, instance, network interface, security groups, subnet, volume..."""
    p = m.params
    specs = tag_specs(p)
    action = "RunInstances"
    requests: list[AuthzRequest] = []
    created: list[tuple[str, str]] = []

    def new(rtype: str, extra: Context | None = None) -> None:
        arn = _arn(m, rtype)
        created.append((rtype, arn))
        context: Context = {**request_tags(specs.get(rtype, {})), **(extra or {})}
        requests.append(m.request(action, arn, context))

    def old(rtype: str, ident: str) -> None:
        requests.append(
            m.request(action, _arn(m, rtype, ident), existing(m, _arn(m, rtype, ident)))
        )

    instance_context: Context = {}
    if p.get("InstanceType"):
        instance_context["ec2:InstanceType"] = str(p["InstanceType"])
    new("instance", instance_context)
    new("volume")
    new("network-interface")
    if p.get("ImageId"):
        old("image", str(p["ImageId"]))
    interfaces = p.get("NetworkInterfaces") or []
    groups = [str(g) for g in p.get("SecurityGroupIds") or []]
    subnets = [str(p["SubnetId"])] if p.get("SubnetId") else []
    for eni in interfaces:
        groups += [str(g) for g in eni.get("Groups") or []]
        if eni.get("SubnetId"):
            subnets.append(str(eni["SubnetId"]))
    # Without ids, EC2 uses the default VPC's default group/subnet: their ids are not in the
    # request, so they are authorized as "<type>/*" (a policy naming them by id is stricter).
    for group in dict.fromkeys(groups) or ["*"]:
        old("security-group", group)
    for subnet in dict.fromkeys(subnets) or ["*"]:
        old("subnet", subnet)
    if p.get("KeyName"):
        old("key-pair", str(p["KeyName"]))
    template = p.get("LaunchTemplate") or {}
    if template.get("LaunchTemplateId"):
        old("launch-template", str(template["LaunchTemplateId"]))
    elif template:
        old("launch-template", "*")
    requests += _create_tags(m, created, specs)
    keys = {
        _kms_key(m, (bdm.get("Ebs") or {}).get("KmsKeyId"))
        for bdm in p.get("BlockDeviceMappings") or []
    }
    if p.get("ImageId"):
        keys.add(m.lookup.kms_key(_arn(m, "image", str(p["ImageId"]))))
    for key in sorted(k for k in keys if k):
        requests += m.kms(key, EBS_KMS, extra={"kms:GrantIsForAWSResource": "true"})
    return requests


def _instance_ids(m: Mapper) -> list[str]:
    ids = [str(i) for i in m.params.get("InstanceIds") or []]
    if not ids:
        raise m.fail("no InstanceIds")
    return ids


def per_instance(m: Mapper) -> list[AuthzRequest]:
    """Start/Stop/Terminate/Reboot: one request per instance ARN, with its tags."""
    requests = []
    for ident in _instance_ids(m):
        arn = _arn(m, "instance", ident)
        requests.append(m.request(m.call.operation, arn, existing(m, arn)))
    return requests


def start_instances(m: Mapper) -> list[AuthzRequest]:
    """StartInstances; an instance with customer-key-encrypted volumes needs kms:CreateGrant."""
    requests = per_instance(m)
    for ident in _instance_ids(m):
        key = m.lookup.kms_key(_arn(m, "instance", ident))
        requests += m.kms(key, ["CreateGrant"], extra={"kms:GrantIsForAWSResource": "true"})
    return requests


def tags(m: Mapper) -> list[AuthzRequest]:
    """CreateTags/DeleteTags called on their own: per resource, no ec2:CreateAction."""
    given = tag_list(m.params.get("Tags"))
    requests = []
    for ident in m.params.get("Resources") or []:
        arn = id_arn(m, str(ident))
        requests.append(m.request(m.call.operation, arn, existing(m, arn, request_tags(given))))
    if not requests:
        raise m.fail("no Resources")
    return requests


def create_snapshot(m: Mapper) -> list[AuthzRequest]:
    specs = tag_specs(m.params)
    snapshot = _arn(m, "snapshot")
    volume = _arn(m, "volume", str(m.params["VolumeId"]))
    requests = [
        m.request("CreateSnapshot", volume, existing(m, volume)),
        m.request("CreateSnapshot", snapshot, request_tags(specs.get("snapshot", {}))),
    ]
    return requests + _create_tags(m, [("snapshot", snapshot)], specs)


def create_snapshots(m: Mapper) -> list[AuthzRequest]:
    specs = tag_specs(m.params)
    ident = str((m.params.get("InstanceSpecification") or {})["InstanceId"])
    instance = _arn(m, "instance", ident)
    snapshot = _arn(m, "snapshot")
    requests = [
        m.request("CreateSnapshots", instance, existing(m, instance)),
        m.request("CreateSnapshots", _arn(m, "volume")),
        m.request("CreateSnapshots", snapshot, request_tags(specs.get("snapshot", {}))),
    ]
    return requests + _create_tags(m, [("snapshot", snapshot)], specs)


def copy_snapshot(m: Mapper) -> list[AuthzRequest]:
    """Authorized in the destination region (the call's): source snapshot ARN in its region."""
    specs = tag_specs(m.params)
    source_region = str(m.params.get("SourceRegion") or m.call.region)
    source = _arn(m, "snapshot", str(m.params["SourceSnapshotId"]), region=source_region)
    snapshot = _arn(m, "snapshot")
    requests = [
        m.request("CopySnapshot", source, existing(m, source)),
        m.request("CopySnapshot", snapshot, request_tags(specs.get("snapshot", {}))),
    ]
    requests += _create_tags(m, [("snapshot", snapshot)], specs)
    source_key = m.lookup.kms_key(source)
    target_key = _kms_key(m, m.params.get("KmsKeyId"))
    if target_key is None and source_region == m.call.region:
        target_key = source_key  # a same-region copy keeps the source's key by default
    requests += m.kms(source_key, ["Decrypt", "ReEncryptFrom"], region=source_region)
    requests += m.kms(
        target_key,
        ["CreateGrant", "DescribeKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptTo"],
        extra={"kms:GrantIsForAWSResource": "true"},
    )
    return requests


def snapshot_action(m: Mapper) -> list[AuthzRequest]:
    """DeleteSnapshot & co: on the snapshot ARN with its tags."""
    arn = _arn(m, "snapshot", str(m.params["SnapshotId"]))
    return [m.request(m.call.operation, arn, existing(m, arn))]


def volume_action(m: Mapper) -> list[AuthzRequest]:
    arn = _arn(m, "volume", str(m.params["VolumeId"]))
    return [m.request(m.call.operation, arn, existing(m, arn))]


def create_volume(m: Mapper) -> list[AuthzRequest]:
    specs = tag_specs(m.params)
    volume = _arn(m, "volume")
    requests = [m.request("CreateVolume", volume, request_tags(specs.get("volume", {})))]
    key = _kms_key(m, m.params.get("KmsKeyId"))
    if m.params.get("SnapshotId"):
        snapshot = _arn(m, "snapshot", str(m.params["SnapshotId"]))
        requests.append(m.request("CreateVolume", snapshot, existing(m, snapshot)))
        key = key or m.lookup.kms_key(snapshot)
    requests += _create_tags(m, [("volume", volume)], specs)
    requests += m.kms(key, EBS_KMS, extra={"kms:GrantIsForAWSResource": "true"})
    return requests


_CREATES = ("Create", "Allocate", "Import", "Request", "Purchase", "Register")


def generic(m: Mapper) -> list[AuthzRequest]:
    """Other operations: the dataset's rule; creates authorize their new resource as type/*
    and tag-on-create (TagSpecifications) as RunInstances does."""
    specs = tag_specs(m.params)
    new = m.call.operation.startswith(_CREATES)
    requests = m.default(new=new)
    if not specs:
        return requests
    out: list[AuthzRequest] = []
    created: list[tuple[str, str]] = []
    for request in requests:
        rtype = next((t for t in specs if request.resource.endswith(f":{t}/*")), None)
        if rtype is None:
            out.append(request)
            continue
        created.append((rtype, request.resource))
        context = {**request.context, **request_tags(specs[rtype])}
        out.append(AuthzRequest(request.action, request.resource, context))
    return out + _create_tags(m, created, specs)


HANDLERS = {
    "RunInstances": run_instances,
    "StartInstances": start_instances,
    "StopInstances": per_instance,
    "TerminateInstances": per_instance,
    "RebootInstances": per_instance,
    "MonitorInstances": per_instance,
    "UnmonitorInstances": per_instance,
    "CreateTags": tags,
    "DeleteTags": tags,
    "CreateSnapshot": create_snapshot,
    "CreateSnapshots": create_snapshots,
    "CopySnapshot": copy_snapshot,
    "DeleteSnapshot": snapshot_action,
    "ModifySnapshotAttribute": snapshot_action,
    "DescribeSnapshotAttribute": snapshot_action,
    "ResetSnapshotAttribute": snapshot_action,
    "CreateVolume": create_volume,
    "DeleteVolume": volume_action,
}

MAPPING = ServiceMapping(prefix="ec2", values=values, handlers=HANDLERS, fallback=generic)
