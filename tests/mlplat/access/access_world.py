"""Small inventories for the authorization model's tests, in the shape `pulumi stack export` writes
(resources with urn, type, inputs, outputs, provider), built resource by resource."""

from __future__ import annotations

import json
from typing import Any

from mlplat.access import Inventory

MANAGEMENT = "111111111111"
ALICE = "123456789012"  # the "trusted" account of AWS's examples
BOB = "444455556666"  # the "trusting" account
REGION = "eu-central-1"


class World:
    def __init__(self, stack: str = "test"):
        self.stack = stack
        self.resources: list[dict[str, Any]] = []
        self.providers: dict[tuple[str, str], str] = {}
        self.count = 0

    def _urn(self, type_: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::project::{type_}::{name}"

    def provider(self, account: str, region: str = REGION) -> str:
        if (account, region) not in self.providers:
            urn = self._urn("pulumi:providers:aws", f"{account}-{region}")
            self.resources.append(
                {
                    "urn": urn,
                    "type": "pulumi:providers:aws",
                    "inputs": {"allowedAccountIds": json.dumps([account]), "region": region},
                }
            )
            self.providers[(account, region)] = f"{urn}::id-{account}-{region}"
        return self.providers[(account, region)]

    def add(
        self,
        type_: str,
        name: str,
        account: str,
        outputs: dict[str, Any],
        *,
        id_: str | None = None,
        region: str = REGION,
    ) -> str:
        urn = self._urn(type_, name)
        self.resources.append(
            {
                "urn": urn,
                "type": type_,
                "id": id_ or name,
                "custom": True,
                "inputs": dict(outputs),
                "outputs": dict(outputs),
                "provider": self.provider(account, region),
            }
        )
        return urn

    def role(
        self,
        name: str,
        account: str,
        *policies: dict[str, Any],
        tags: dict[str, str] | None = None,
        boundary: str | None = None,
        trust: dict[str, Any] | None = None,
        managed: tuple[str, ...] = (),
    ) -> str:
        arn = f"arn:aws:iam::{account}:role/{name}"
        outputs: dict[str, Any] = {"arn": arn, "name": name, "tags": tags or {}}
        if boundary:
            outputs["permissionsBoundary"] = boundary
        if trust:
            outputs["assumeRolePolicy"] = json.dumps(trust)
        self.add("aws:iam/role:Role", name, account, outputs)
        for index, document in enumerate(policies):
            self.add(
                "aws:iam/rolePolicy:RolePolicy",
                f"{name}-{index}",
                account,
                {"role": name, "policy": json.dumps(document)},
            )
        for policy_arn in managed:
            self.add(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                f"{name}-{policy_arn.rsplit('/', 1)[-1]}",
                account,
                {"role": name, "policyArn": policy_arn},
            )
        return arn

    def managed_policy(self, name: str, account: str, document: dict[str, Any]) -> str:
        arn = f"arn:aws:iam::{account}:policy/{name}"
        self.add(
            "aws:iam/policy:Policy", name, account, {"arn": arn, "name": name, "policy": json.dumps(document)}
        )
        return arn

    def bucket(self, name: str, account: str, policy: dict[str, Any] | None = None) -> str:
        self.add(
            "aws:s3/bucket:Bucket",
            name,
            account,
            {"arn": f"arn:aws:s3:::{name}", "bucket": name, "region": REGION},
        )
        if policy is not None:
            self.add(
                "aws:s3/bucketPolicy:BucketPolicy",
                f"{name}-policy",
                account,
                {"bucket": name, "policy": json.dumps(policy)},
            )
        return f"arn:aws:s3:::{name}"

    def access_point(self, name: str, account: str, bucket: str, policy: dict[str, Any] | None = None) -> str:
        arn = f"arn:aws:s3:{REGION}:{account}:accesspoint/{name}"
        outputs: dict[str, Any] = {
            "arn": arn,
            "name": name,
            "bucket": bucket,
            "accountId": account,
            "networkOrigin": "Internet",
        }
        if policy is not None:
            outputs["policy"] = json.dumps(policy)
        self.add("aws:s3/accessPoint:AccessPoint", name, account, outputs)
        return arn

    def key(self, name: str, account: str, policy: dict[str, Any] | None = None) -> str:
        self.count += 1
        key_id = f"1234abcd-12ab-34cd-56ef-{self.count:012d}"
        arn = f"arn:aws:kms:{REGION}:{account}:key/{key_id}"
        outputs: dict[str, Any] = {"arn": arn, "keyId": key_id}
        if policy is not None:
            outputs["policy"] = json.dumps(policy)
        self.add("aws:kms/key:Key", name, account, outputs, id_=key_id)
        return arn

    def grant(
        self,
        name: str,
        account: str,
        key_arn: str,
        grantee: str,
        operations: list[str],
        constraints: list[dict[str, Any]] | None = None,
    ) -> None:
        outputs: dict[str, Any] = {"keyId": key_arn, "granteePrincipal": grantee, "operations": operations}
        if constraints:
            outputs["constraints"] = constraints
        self.add("aws:kms/grant:Grant", name, account, outputs)

    def organization(self, accounts: dict[str, str], ous: dict[str, str] | None = None) -> None:
        """`accounts` and `ous`: id -> parent id; the root is `r-root`; the management account MANAGEMENT."""
        self.add(
            "aws:organizations/organization:Organization",
            "org",
            MANAGEMENT,
            {
                "roots": [{"id": "r-root", "name": "Root"}],
                "masterAccountId": MANAGEMENT,
                "enabledPolicyTypes": ["SERVICE_CONTROL_POLICY"],
                "featureSet": "ALL",
            },
            id_="o-exampleorg",
        )
        for ou, parent in (ous or {}).items():
            self.add(
                "aws:organizations/organizationalUnit:OrganizationalUnit",
                ou,
                MANAGEMENT,
                {"name": ou, "parentId": parent},
                id_=ou,
            )
        for account, parent in {MANAGEMENT: "r-root", **accounts}.items():
            self.add(
                "aws:organizations/account:Account",
                f"account-{account}",
                MANAGEMENT,
                {"name": f"account-{account}", "parentId": parent},
                id_=account,
            )

    def scp(self, name: str, document: dict[str, Any], *targets: str) -> None:
        self.add(
            "aws:organizations/policy:Policy",
            name,
            MANAGEMENT,
            {"content": json.dumps(document), "name": name, "type": "SERVICE_CONTROL_POLICY"},
            id_=f"p-{name}",
        )
        for target in targets:
            self.add(
                "aws:organizations/policyAttachment:PolicyAttachment",
                f"{name}-{target}",
                MANAGEMENT,
                {"policyId": f"p-{name}", "targetId": target},
            )

    def document(self) -> dict[str, Any]:
        return {"version": 3, "deployment": {"manifest": {}, "resources": self.resources}}

    def inventory(self, **options: Any) -> Inventory:
        return Inventory([self.document()], **options)


def allow(actions: str | list[str], resources: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    """A policy with one Allow statement; `extra` adds elements (Principal, Condition, Sid, ...)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources, **extra}],
    }


def deny(actions: str | list[str], resources: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": actions, "Resource": resources, **extra}],
    }


def statements(*items: dict[str, Any]) -> dict[str, Any]:
    """A policy of several statements, each given as the one statement of `allow(...)` or `deny(...)`."""
    return {"Version": "2012-10-17", "Statement": [item["Statement"][0] for item in items]}
