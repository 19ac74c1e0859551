"""Grant helpers: a team role's access to a data product, through the product's access points.

Later layers (training jobs, registries) get access with `grant_read(...)`/`grant_write(...)`
instead of hand-written IAM. Both work from the product's export (the `data_products` output of
the `<env>-data` stack, or `DataProduct.export` in the same stack): a plain mapping

    {"domain", "owner_team", "formats", "zones": {zone: {"region", "data_class", "personal_data", "bucket",
     "bucket_arn", "kms_key_arn", "access_points": {team: arn}, "replicas": {...}}}}

The identity policy is half of the grant; the access point's policy (team tag condition), the
bucket's delegation to its access points and the key policy are the other half, made by the
data layer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components import _iam

READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:ListBucket")
WRITE_ACTIONS = (
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
    "s3:ListBucketMultipartUploads",
    "s3:DeleteObject",
)


class NoAccess(ValueError):
    """The team has no access point on the product (it is neither owner nor consumer)."""


def access_policy(product_key: str, product: Mapping[str, Any], team: str, *, write: bool) -> dict:
    """The identity policy that lets `team`'s role read (or write) `product` through its access points."""
    statements = []
    for zone, details in sorted(product["zones"].items()):
        if write and team != product["owner_team"]:
            continue
        access_point = details["access_points"].get(team)
        if access_point is None:
            continue
        sid = "".join(part.capitalize() for part in f"{zone}-{'write' if write else 'read'}".split("-"))
        statements += [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": list(WRITE_ACTIONS if write else READ_ACTIONS),
                "Resource": [access_point, f"{access_point}/object/*"],
            },
            {
                "Sid": f"{sid}Key",
                "Effect": "Allow",
                "Action": list(_iam.KEY_USAGE_ACTIONS if write else ("kms:Decrypt", "kms:DescribeKey")),
                "Resource": details["kms_key_arn"],
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{details['region']}.amazonaws.com"}},
            },
        ]
    if not statements:
        role = "owner" if write else "owner or consumer"
        raise NoAccess(
            f"team {team!r} is not the {role} of data product {product_key!r}; "
            f"owner: {product['owner_team']}, access points for: "
            f"{', '.join(sorted({t for z in product['zones'].values() for t in z['access_points']}))}"
        )
    return _iam.document(*statements)


def grant_read(
    name: str,
    *,
    role: pulumi.Input[str],
    team: str,
    product_key: str,
    product: pulumi.Input[Mapping[str, Any]],
    opts: pulumi.ResourceOptions | None = None,
) -> aws.iam.RolePolicy:
    """Attach to `role` (a role name) read access to every zone the team has an access point on."""
    return _grant(name, role, team, product_key, product, write=False, opts=opts)


def grant_write(
    name: str,
    *,
    role: pulumi.Input[str],
    team: str,
    product_key: str,
    product: pulumi.Input[Mapping[str, Any]],
    opts: pulumi.ResourceOptions | None = None,
) -> aws.iam.RolePolicy:
    """Attach to `role` write access to the product's zones; only its owner team may write."""
    return _grant(name, role, team, product_key, product, write=True, opts=opts)


def _grant(name, role, team, product_key, product, *, write, opts) -> aws.iam.RolePolicy:
    policy = pulumi.Output.from_input(product).apply(
        lambda exported: json.dumps(access_policy(product_key, exported, team, write=write))
    )
    return aws.iam.RolePolicy(name, role=role, policy=policy, opts=opts)
