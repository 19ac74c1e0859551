"""The pack's registry, its config files and its generated reference agree with each other and with the specs."""

from __future__ import annotations

import json
import re

import pytest

from components.eks_cluster import LOG_TYPES
from mlplat.gate.check import CONFIG_DIR, PACK_DIR
from mlplat.reference.policy_docs import DOC, registry, render
from platform_spec import load_spec
from platform_spec.tables.lake_classes import LAKE_CLASSES
from platform_spec.tables.node_pools import FAMILIES, KINDS
from stacks.providers import baseline_tags

ENVIRONMENTS = ("dev", "staging", "prod")


def config(environment: str) -> dict:
    return json.loads((CONFIG_DIR / f"{environment}.json").read_text())


def test_the_policy_reference_is_current():
    """After changing a rule or a config file: python -m mlplat.reference.policy_docs"""
    assert DOC.read_text(encoding="utf-8") == render()


def test_every_rule_module_is_in_the_registry_once():
    modules = sorted(p.stem for p in (PACK_DIR / "rules").glob("*.py") if not p.stem.startswith("_"))
    rules = registry().RULES
    names = [rule.name for rule in rules]
    assert sorted(names) == sorted(m.replace("_", "-") for m in modules)
    assert len(set(names)) == len(names) == 74


@pytest.mark.parametrize("rule", registry().RULES, ids=lambda rule: rule.name)
def test_each_rule_is_named_described_rated_and_remediable(rule):
    assert re.fullmatch(
        r"(aws|kms|s3|ecr|cloudtrail|organizations|iam|ec2|eks|sqs|logs|budgets)-[a-z0-9]+(-[a-z0-9]+)+",
        rule.name,
    )
    assert rule.description.startswith("Checks whether ") and rule.description.endswith(".")
    assert rule.severity is not None
    assert rule.remediation_steps
    assert rule.framework is not None and rule.framework.name in {
        "ISO 26262", "ISO/PAS 8800", "GDPR", "internal cost policy"
    }  # fmt: skip
    assert rule.enforcement_level is None, "levels belong in policies/config/<env>.json"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_config_values_are_the_specs(environment):
    spec = load_spec(environment)
    org, env = spec.org, spec.env
    c = config(environment)
    personal = sorted(name for name, data_class in org.data_classes.items() if data_class.personal_data)
    for rule in ("s3-bucket-personal-data-residency", "s3-bucket-replication-residency"):
        assert c[rule]["regions"] == list(org.personal_data_regions)
        assert c[rule]["personalDataClasses"] == personal
    assert c["organizations-scp-personal-data-residency"]["regions"] == list(org.personal_data_regions)
    for rule in ("aws-provider-region-allowed", "organizations-scp-region-allow-list"):
        assert c[rule]["regions"] == list(org.allowed_regions)
    assert c["ec2-vpc-nat-gateway-count"]["strategy"] == env.network.nat
    assert c["cloudtrail-trail-bucket-object-lock"]["minimumDays"] == org.cloudtrail.retention_days
    assert c["s3-bucket-data-classification-tags"]["dataClasses"] == sorted(org.data_classes)
    assert c["s3-bucket-data-classification-tags"]["safetyRelevantClasses"] == sorted(
        name for name, lake in LAKE_CLASSES.items() if lake.safety_relevant
    )
    assert c["s3-bucket-object-lock"]["minimumDays"] == {
        name: lake.object_lock_min_days
        for name, lake in sorted(LAKE_CLASSES.items())
        if lake.object_lock_min_days
    }
    tags = list(baseline_tags(environment=environment, layer="x", owner="o", cost_center="c"))
    assert c["aws-provider-default-tags"]["requiredTags"] == tags
    assert c["aws-resource-required-tags"]["requiredTags"] == tags
    assert c["eks-cluster-control-plane-logging"]["logTypes"] == list(LOG_TYPES)
    assert c["iam-role-team-products-only"]["teams"] == sorted(env.teams)
    assert c["eks-nodegroup-accelerator-taint"]["taintKeys"] == {
        kind.accelerator: kind.taint[0] for kind in KINDS.values() if kind.accelerator
    }
    spot_first = c["eks-nodegroup-spot-first"]
    assert spot_first["onDemandPoolKinds"] == [
        name
        for name, kind in KINDS.items()
        if kind.accelerator in spot_first["accelerators"]
        and not any("spot" in capacity for capacity in kind.capacities)
    ]


def test_the_packs_accelerator_table_is_node_pools():
    """The pack keeps its own copy (rules/_compute.py says why); core/platform_spec/tables/node_pools.py is the source."""
    registry()  # the pack directory on sys.path, as the analyzer has it
    from rules._compute import ACCELERATORS

    accelerator = {family: kind.accelerator for kind in KINDS.values() for family in kind.families}
    assert {name: (accelerator[name], dict(family.sizes)) for name, family in FAMILIES.items()} == {
        name: (vendor, dict(sizes)) for name, (vendor, sizes) in ACCELERATORS.items()
    }


def test_environments_differ_only_in_nat_instance_types_accelerator_caps_and_dev_levels():
    dev, staging, prod = (config(e) for e in ENVIRONMENTS)
    advisory_in_dev = sorted(name for name, entry in dev.items() if entry["enforcementLevel"] == "advisory")
    assert advisory_in_dev == [
        "ec2-eip-associated", "ec2-vpc-endpoint-private-dns", "ec2-vpc-nat-gateway-count", "ec2-vpc-s3-gateway-endpoint",
        "eks-nodegroup-worst-case-priced", "s3-bucket-lifecycle-abort-multipart", "s3-bucket-lifecycle-attached", "s3-bucket-lifecycle-noncurrent-expiration",
        "s3-bucket-lifecycle-transition-pays-off", "s3-bucket-tiering",
    ]  # fmt: skip
    assert [n for n, e in prod.items() if e["enforcementLevel"] == "advisory"] == [
        "eks-nodegroup-worst-case-priced", "s3-bucket-tiering"
    ]  # fmt: skip
    per_environment = {"strategy", "instanceTypes", "maximum", "capUsd", "stackWorstCaseUsd", "usage", "zones",
                       "teamBudgetsUsd"}  # fmt: skip
    strip = lambda c: {n: {k: v for k, v in e.items() if k not in per_environment} for n, e in c.items()}  # noqa: E731
    assert strip(staging) == strip(prod)
    # Only dev may run a cluster without deletion protection.
    assert [n for c in (dev, staging, prod) for n, e in c.items() if e.get("required") is False] == [
        "eks-cluster-deletion-protection"
    ]
