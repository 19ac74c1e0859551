"""Each environment synthesized whole, as `mlplat plan` does: identity snapshot and invariants."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from mlplat.synth.inventory import inventory_document
from mlplat.synth.plan import plan
from platform_spec import load_spec

SNAPSHOTS = Path(__file__).parent / "snapshots"
ENVIRONMENTS = ["dev", "staging", "prod"]


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def planned(request, plans):
    result = plans.result(request.param)
    document = json.loads(result.inventory_path.read_text())
    resources = {name: export["deployment"]["resources"] for name, export in document["stacks"].items()}
    return request.param, result, resources


def all_resources(resources):
    return [r for stack in resources.values() for r in stack]


def test_urns_match_the_snapshot(planned):
    """Any rename or reparenting (a replacement in a real deploy) shows up as a diff here.

    After an intended identity change: UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/stacks/test_environments.py
    """
    environment, _, resources = planned
    urns = "\n".join(sorted(r["urn"] for r in all_resources(resources))) + "\n"
    snapshot = SNAPSHOTS / f"{environment}.urns.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(urns)
    assert urns == snapshot.read_text()


def test_layers_run_in_order(planned):
    environment, _, resources = planned
    assert list(resources) == [
        "org",
        f"{environment}-foundation",
        f"{environment}-data",
        f"{environment}-registry",
        f"{environment}-compute",
    ]


def test_every_aws_resource_has_an_explicit_provider_that_assumes_a_role(planned):
    _, _, resources = planned
    for stack in resources.values():
        providers = {f"{r['urn']}::{r['id']}": r for r in stack if r["type"] == "pulumi:providers:aws"}
        for resource in stack:
            if resource["type"].startswith("aws:"):
                assert resource["provider"] in providers, resource["urn"]
        for provider in providers.values():
            inputs = provider["inputs"]
            (role,) = json.loads(inputs["assumeRoles"])
            (account,) = json.loads(inputs["allowedAccountIds"])
            assert role["roleArn"].startswith(f"arn:aws:iam::{account}:role/")
            tags = json.loads(inputs["defaultTags"])["tags"]
            assert set(tags) == {"project", "environment", "layer", "owner", "cost-center", "managed-by"}
        placements = [(p["inputs"]["allowedAccountIds"], p["inputs"]["region"]) for p in providers.values()]
        assert len(placements) == len(set(placements)), "one provider per (account, region)"


def test_foundation_providers_use_the_account_ids_the_org_stack_exported(planned):
    environment, _, resources = planned
    org_root = next(r for r in resources["org"] if r["type"] == "pulumi:pulumi:Stack")
    exported = set(org_root["outputs"]["account_ids"].values())
    accounts = {
        json.loads(r["inputs"]["allowedAccountIds"])[0]
        for r in resources[f"{environment}-foundation"]
        if r["type"] == "pulumi:providers:aws"
    }
    assert accounts <= exported
    assert len(accounts) == len({a.account for a in load_spec(environment).env.accounts.values()})


def test_stateful_resources_are_protected_and_keys_rotate(planned):
    _, _, resources = planned
    stateful = ("aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:organizations/account:Account")
    for resource in all_resources(resources):
        if resource["type"] in stateful:
            assert resource.get("protect") and resource.get("retainOnDelete"), resource["urn"]
        if resource["type"] == "aws:kms/key:Key":
            assert resource["inputs"]["enableKeyRotation"] is True


def test_every_vpc_has_an_s3_gateway_endpoint_and_the_spec_nat_strategy(planned):
    environment, _, resources = planned
    spec = load_spec(environment).env
    foundation = resources[f"{environment}-foundation"]
    for key, vpc in spec.network.vpcs.items():
        endpoints = [r for r in foundation if r["urn"].endswith(f"::{key}-s3")]
        assert [e["inputs"]["vpcEndpointType"] for e in endpoints] == ["Gateway"]
        nats = [
            r
            for r in foundation
            if r["type"] == "aws:ec2/natGateway:NatGateway" and f"::{key}-nat-" in r["urn"]
        ]
        expected = {"none": 0, "single": 1, "per_az": len(vpc.availability_zones)}[spec.network.nat]
        assert len(nats) == expected


def test_personal_data_keys_exist_only_in_residency_regions(planned):
    environment, _, resources = planned
    spec = load_spec(environment)
    for resource in resources[f"{environment}-foundation"]:
        if resource["type"] == "aws:kms/key:Key" and resource["urn"].endswith("-sensor-raw"):
            region = resource["outputs"]["arn"].split(":")[3]
            assert region in spec.org.personal_data_regions


def test_prod_spans_four_accounts_and_two_regions_with_org_guardrails(tmp_path):
    result = plan("prod", tmp_path)
    document = json.loads(result.inventory_path.read_text())
    resources = [r for export in document["stacks"].values() for r in export["deployment"]["resources"]]
    types = Counter(r["type"] for r in resources)
    assert types["aws:organizations/account:Account"] == 8
    assert types["aws:organizations/policy:Policy"] == 5
    assert types["aws:cloudtrail/trail:Trail"] == 1
    foundation_providers = [
        r for r in resources if r["type"] == "pulumi:providers:aws" and "prod-foundation" in r["urn"]
    ]
    assert len({p["inputs"]["allowedAccountIds"] for p in foundation_providers}) == 4
    assert {p["inputs"]["region"] for p in foundation_providers} == {"eu-central-1", "eu-west-1", "us-west-2"}


def test_identical_runs_give_identical_inventories(tmp_path):
    first = plan("dev", tmp_path / "a")
    second = plan("dev", tmp_path / "b")
    assert first.inventory_path.read_bytes() == second.inventory_path.read_bytes()
    assert json.dumps(inventory_document("mlplatform", "dev", first.runs)) == json.dumps(
        inventory_document("mlplatform", "dev", second.runs)
    )
