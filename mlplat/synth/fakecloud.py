"""What AWS would answer when a resource is created: ids, ARNs, names and computed outputs.

Every value is derived from the resource's URN with a hash, so the same program always gets
the same answers (byte-identical inventories) while ids still look like AWS's and flow
between resources and stacks as they would in a real deployment. A resource is placed in the
account and region of the provider it was registered with.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PROVIDER_AWS = "pulumi:providers:aws"
MANAGEMENT_PLACEHOLDER = "000000000000"


def digest(urn: str) -> str:
    return hashlib.sha256(urn.encode()).hexdigest()


@dataclass(frozen=True)
class Placement:
    account: str
    region: str


@dataclass(frozen=True)
class Created:
    id: str
    inputs: dict[str, Any]
    """The inputs after the provider's check: with the autoname where one was generated."""
    outputs: dict[str, Any]


Outputs = Callable[[str, str, dict[str, Any], Placement], tuple[str, dict[str, Any]]]
"""(urn hash, logical name, inputs, placement) -> (id, computed outputs)."""

ORG_PATH = "o-exampleorgid"
"""Organization id used in the ARNs of OUs, accounts and policies."""

# Resources whose physical name AWS needs and Pulumi generates when the program gives none.
AUTONAMED = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:cloudtrail/trail:Trail": "name",
    "aws:sqs/queue:Queue": "name",
    "aws:sns/topic:Topic": "name",
    "aws:kms/alias:Alias": "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:ec2/launchTemplate:LaunchTemplate": "name",
    "aws:ec2/placementGroup:PlacementGroup": "name",
    "aws:eks/nodeGroup:NodeGroup": "nodeGroupName",
}
AUTONAME_PREFIX = {"aws:kms/alias:Alias": "alias/"}


def _arn(
    service: str, place: Placement, resource: str, *, regional: bool = True, account: bool = True
) -> str:
    return (
        f"arn:aws:{service}:{place.region if regional else ''}:{place.account if account else ''}:{resource}"
    )


def _organization(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    org_id = "o-" + _base36(h, 10)
    root_id = "r-" + _base36(h[10:], 4)
    master = place.account
    return org_id, {
        "arn": f"arn:aws:organizations::{master}:organization/{org_id}",
        "masterAccountId": master,
        "masterAccountArn": f"arn:aws:organizations::{master}:account/{org_id}/{master}",
        "roots": [
            {
                "id": root_id,
                "arn": f"arn:aws:organizations::{master}:root/{org_id}/{root_id}",
                "name": "Root",
                "policyTypes": [
                    {"status": "ENABLED", "type": t} for t in inputs.get("enabledPolicyTypes", [])
                ],
            }
        ],
    }


def _ou(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    ou_id = f"ou-{_base36(h, 4)}-{_base36(h[4:], 8)}"
    return ou_id, {"arn": f"arn:aws:organizations::{place.account}:ou/{ORG_PATH}/{ou_id}"}


def _account(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    number = str(int(h[:15], 16) % 10**12).rjust(12, "1")
    return number, {
        "arn": f"arn:aws:organizations::{place.account}:account/{ORG_PATH}/{number}",
        "status": "ACTIVE",
    }


def _scp(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    policy_id = "p-" + _base36(h, 8)
    return policy_id, {
        "arn": f"arn:aws:organizations::{place.account}:policy/{ORG_PATH}/service_control_policy/{policy_id}"
    }


def _kms_key(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    key_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    return key_id, {"arn": _arn("kms", place, f"key/{key_id}"), "keyId": key_id}


def _named(service: str, resource: str, *, regional: bool = True, key: str = "name") -> Outputs:
    def outputs(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
        physical = inputs[key]
        return physical, {"arn": _arn(service, place, f"{resource}{physical}", regional=regional)}

    return outputs


def _iam_role(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    path = inputs.get("path", "/")
    role = inputs["name"]
    return role, {
        "arn": f"arn:aws:iam::{place.account}:role{path}{role}",
        "uniqueId": "AROA" + _base36(h, 17).upper(),
    }


def _bucket(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    bucket = inputs["bucket"]
    return bucket, {
        "arn": f"arn:aws:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{place.region}.amazonaws.com",
        "region": place.region,
    }


def _prefixed(
    prefix: str, resource: str | None = None, extra: Callable[[str, Placement], dict] | None = None
) -> Outputs:
    def outputs(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
        physical = f"{prefix}-{h[:17]}"
        computed = {"arn": _arn("ec2", place, f"{resource}/{physical}")} if resource else {}
        computed.update(extra(h, place) if extra else {})
        return physical, computed

    return outputs


def _vpc_extra(h: str, place: Placement) -> dict:
    return {
        "defaultSecurityGroupId": f"sg-{h[17:34]}",
        "defaultRouteTableId": f"rtb-{h[17:34]}",
        "mainRouteTableId": f"rtb-{h[17:34]}",
        "defaultNetworkAclId": f"acl-{h[17:34]}",
        "ownerId": place.account,
    }


def _eip_extra(h: str, place: Placement) -> dict:
    octets = [int(h[i : i + 2], 16) for i in range(0, 6, 2)]
    return {"publicIp": f"3.{octets[0]}.{octets[1]}.{octets[2]}", "allocationId": f"eipalloc-{h[:17]}"}


def _endpoint_extra(h: str, place: Placement) -> dict:
    return {"ownerId": place.account, "state": "available"}


def _sns_topic(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    arn = _arn("sns", place, inputs["name"])
    return arn, {"arn": arn}


def _sqs_queue(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    queue = inputs["name"]
    url = f"https://sqs.{place.region}.amazonaws.com/{place.account}/{queue}"
    return url, {"arn": _arn("sqs", place, queue), "url": url}


def _trail(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    trail_name = inputs["name"]
    arn = _arn("cloudtrail", place, f"trail/{trail_name}")
    return arn, {"arn": arn, "homeRegion": place.region}


def _access_point(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    ap_name = inputs.get("name") or _kebab(name)
    arn = _arn("s3", place, f"accesspoint/{ap_name}")
    return f"{place.account}:{ap_name}", {
        "arn": arn,
        "accountId": place.account,
        "alias": f"{ap_name[:20]}-{h[:26]}-s3alias",
        "networkOrigin": "VPC" if inputs.get("vpcConfiguration") else "Internet",
    }


def _glue_database(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    database = inputs.get("name") or _kebab(name)
    return f"{place.account}:{database}", {
        "arn": _arn("glue", place, f"database/{database}"),
        "catalogId": place.account,
    }


def _ecr_repository(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    repository = inputs.get("name") or _kebab(name)
    return repository, {
        "arn": _arn("ecr", place, f"repository/{repository}"),
        "registryId": place.account,
        "repositoryUrl": f"{place.account}.dkr.ecr.{place.region}.amazonaws.com/{repository}",
    }


def _sagemaker(resource: str, key: str) -> Outputs:
    def outputs(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
        physical = inputs.get(key) or _kebab(name)
        return physical, {"arn": _arn("sagemaker", place, f"{resource}/{physical}")}

    return outputs


def _mlflow_server(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    physical, computed = _sagemaker("mlflow-tracking-server", "trackingServerName")(h, name, inputs, place)
    return physical, {
        **computed,
        "trackingServerUrl": f"https://t-{h[:12]}.{place.region}.experiments.sagemaker.aws",
    }


def _event_rule(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    rule = inputs.get("name") or _kebab(name)
    return rule, {"arn": _arn("events", place, f"rule/{rule}")}


def _uuid(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _eks_cluster(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    cluster = inputs["name"]
    endpoint_id = h[:32].upper()
    return cluster, {
        "arn": _arn("eks", place, f"cluster/{cluster}"),
        "endpoint": f"https://{endpoint_id}.gr7.{place.region}.eks.amazonaws.com",
        "certificateAuthority": {
            "data": base64.b64encode(f"fake CA of {cluster} {h[:16]}".encode()).decode()
        },
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{place.region}.amazonaws.com/id/{endpoint_id}"}]}
        ],
        "vpcConfig": {**inputs.get("vpcConfig", {}), "clusterSecurityGroupId": f"sg-{h[32:49]}"},
        "clusterId": _uuid(h),
        "platformVersion": "eks.1",
        "status": "ACTIVE",
    }


def _eks_node_group(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    cluster, group = inputs["clusterName"], inputs["nodeGroupName"]
    return f"{cluster}:{group}", {
        "arn": _arn("eks", place, f"nodegroup/{cluster}/{group}/{_uuid(h)}"),
        "status": "ACTIVE",
        "resources": [{"autoscalingGroups": [{"name": f"eks-{group}-{_uuid(h)}"}]}],
    }


def _eks_addon(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    cluster, addon = inputs["clusterName"], inputs["addonName"]
    return f"{cluster}:{addon}", {"arn": _arn("eks", place, f"addon/{cluster}/{addon}/{_uuid(h)}")}


def _eks_access_entry(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    cluster, principal = inputs["clusterName"], inputs["principalArn"]
    role = principal.rsplit("/", 1)[-1]
    return f"{cluster}:{principal}", {
        "accessEntryArn": _arn("eks", place, f"access-entry/{cluster}/role/{place.account}/{role}/{_uuid(h)}")
    }


def _eks_pod_identity(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    association = "a-" + _base36(h, 17)
    return f"{inputs['clusterName']},{association}", {
        "associationArn": _arn("eks", place, f"podidentityassociation/{inputs['clusterName']}/{association}"),
        "associationId": association,
    }


def _launch_template(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    template = f"lt-{h[:17]}"
    return template, {
        "arn": _arn("ec2", place, f"launch-template/{template}"),
        "latestVersion": 1,
        "defaultVersion": 1,
    }


def _placement_group(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    group = inputs["name"]
    return group, {"arn": _arn("ec2", place, f"placement-group/{group}"), "placementGroupId": f"pg-{h[:17]}"}


def _log_group(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    group = inputs.get("name") or _kebab(name)
    return group, {"arn": _arn("logs", place, f"log-group:{group}")}


def _lustre_file_system(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    file_system = f"fs-{h[:17]}"
    return file_system, {
        "arn": _arn("fsx", place, f"file-system/{file_system}"),
        "dnsName": f"{file_system}.fsx.{place.region}.amazonaws.com",
        "mountName": _base36(h[17:], 8),
        "ownerId": place.account,
    }


def _data_repository_association(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    association = f"dra-{h[:17]}"
    arn = _arn("fsx", place, f"association/{inputs['fileSystemId']}/{association}")
    return association, {"arn": arn, "associationId": association}


SERVICE_LINKED_ROLES = {"autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling"}


def _service_linked_role(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    service = inputs["awsServiceName"]
    role = SERVICE_LINKED_ROLES.get(service) or "AWSServiceRoleFor" + service.split(".")[0].capitalize()
    arn = f"arn:aws:iam::{place.account}:role/aws-service-role/{service}/{role}"
    return arn, {
        "arn": arn,
        "name": role,
        "path": f"/aws-service-role/{service}/",
        "uniqueId": "AROA" + _base36(h, 17).upper(),
    }


def _budget(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    budget = inputs.get("name") or _kebab(name)
    return f"{place.account}:{budget}", {
        "arn": f"arn:aws:budgets::{place.account}:budget/{budget}",
        "accountId": place.account,
    }


def _anomaly(resource: str) -> Outputs:
    """Cost Explorer anomaly monitors and subscriptions: the ARN (global, no region) is the id."""

    def outputs(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
        arn = f"arn:aws:ce::{place.account}:{resource}/{_uuid(h)}"
        return arn, {"arn": arn}

    return outputs


def _cost_allocation_tag(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    return inputs["tagKey"], {"type": "UserDefined"}


def _kms_grant(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    key = str(inputs.get("keyId", "")).rsplit("/", 1)[-1]
    grant = h[:64]
    return f"{key}:{grant}", {"grantId": grant, "grantToken": base64.b64encode(h.encode()).decode()}


RULES: dict[str, Outputs] = {
    "aws:organizations/organization:Organization": _organization,
    "aws:organizations/organizationalUnit:OrganizationalUnit": _ou,
    "aws:organizations/account:Account": _account,
    "aws:organizations/policy:Policy": _scp,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _named("kms", ""),
    "aws:iam/role:Role": _iam_role,
    "aws:iam/policy:Policy": _named("iam", "policy/", regional=False),
    "aws:s3/bucket:Bucket": _bucket,
    "aws:cloudtrail/trail:Trail": _trail,
    "aws:s3/accessPoint:AccessPoint": _access_point,
    "aws:glue/catalogDatabase:CatalogDatabase": _glue_database,
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": _sagemaker(
        "model-package-group", "modelPackageGroupName"
    ),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": _mlflow_server,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:sns/topic:Topic": _sns_topic,
    "aws:sqs/queue:Queue": _sqs_queue,
    "aws:ec2/vpc:Vpc": _prefixed("vpc", "vpc", _vpc_extra),
    "aws:ec2/subnet:Subnet": _prefixed("subnet", "subnet"),
    "aws:ec2/routeTable:RouteTable": _prefixed("rtb", "route-table"),
    "aws:ec2/internetGateway:InternetGateway": _prefixed("igw", "internet-gateway"),
    "aws:ec2/natGateway:NatGateway": _prefixed("nat", "natgateway"),
    "aws:ec2/eip:Eip": _prefixed("eipalloc", "elastic-ip", _eip_extra),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _prefixed("vpce", "vpc-endpoint", _endpoint_extra),
    "aws:ec2/securityGroup:SecurityGroup": _prefixed("sg", "security-group"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _prefixed("sg", "security-group"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _prefixed("sgr", "security-group-rule"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _prefixed("rtbassoc"),
    "aws:ec2/route:Route": _prefixed("r"),
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:ec2/placementGroup:PlacementGroup": _placement_group,
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _eks_node_group,
    "aws:eks/addon:Addon": _eks_addon,
    "aws:eks/accessEntry:AccessEntry": _eks_access_entry,
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": _eks_pod_identity,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": _service_linked_role,
    "aws:kms/grant:Grant": _kms_grant,
    "aws:budgets/budget:Budget": _budget,
    "aws:costexplorer/anomalyMonitor:AnomalyMonitor": _anomaly("anomalymonitor"),
    "aws:costexplorer/anomalySubscription:AnomalySubscription": _anomaly("anomalysubscription"),
    "aws:costexplorer/costAllocationTag:CostAllocationTag": _cost_allocation_tag,
    "aws:fsx/lustreFileSystem:LustreFileSystem": _lustre_file_system,
    "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation": _data_repository_association,
}


def _base36(hex_digits: str, length: int) -> str:
    number, alphabet, out = int(hex_digits or "0", 16), "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while len(out) < length:
        number, rest = divmod(number, 36)
        out += alphabet[rest]
    return out


def _generic(h: str, name: str, inputs: dict, place: Placement) -> tuple[str, dict]:
    """Types without a rule: an id from the hash and no invented ARN."""
    return f"{_kebab(name)[:40]}-{h[:8]}", {}


def _kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "resource"


class FakeCloud:
    """Answers resource registrations for one synthesis run, per provider placement."""

    def __init__(self) -> None:
        self.placements: dict[str, Placement] = {}

    def create(self, urn: str, type_: str, name: str, inputs: dict[str, Any], provider_ref: str) -> Created:
        h = digest(urn)
        if type_.startswith("pulumi:providers:"):
            return self._provider(urn, h, inputs)
        place = self.placements.get(provider_ref, Placement(MANAGEMENT_PLACEHOLDER, "us-east-1"))
        inputs = dict(inputs)
        physical_key = AUTONAMED.get(type_)
        if physical_key and not inputs.get(physical_key):
            # Pulumi's autonaming: the logical name plus a random suffix (here: from the hash).
            inputs[physical_key] = f"{AUTONAME_PREFIX.get(type_, '')}{_kebab(name)[:55]}-{h[:7]}"
        resource_id, computed = RULES.get(type_, _generic)(h, name, inputs, place)
        return Created(resource_id, inputs, {**inputs, **computed})

    def _provider(self, urn: str, h: str, inputs: dict[str, Any]) -> Created:
        provider_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        accounts = _json_list(inputs.get("allowedAccountIds"))
        self.placements[f"{urn}::{provider_id}"] = Placement(
            accounts[0] if accounts else MANAGEMENT_PLACEHOLDER, inputs.get("region", "us-east-1")
        )
        return Created(provider_id, dict(inputs), dict(inputs))


def _json_list(value: Any) -> list[str]:
    """Provider config arrives JSON-encoded (lists and objects as strings)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    return list(value) if isinstance(value, list) else []
