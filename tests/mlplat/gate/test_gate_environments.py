"""The pack over every environment's plan, through the analyzer protocol: what passes, what each rule judged."""

from __future__ import annotations

import json

import pytest

from mlplat.gate.check import CONFIG_DIR, pack_rules
from mlplat.synth.plan import stack_plans
from tests.mlplat.gate.gatekit import gate

ENVIRONMENTS = ("dev", "staging", "prod")


@pytest.fixture(scope="module")
def results(pack, planned):
    return {env: gate(pack, planned.stacks(env), env, planned.inventory(env)) for env in ENVIRONMENTS}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_environment_has_no_mandatory_violation(results, environment):
    result = results[environment]
    assert [(v.rule, v.resource, v.message) for v in result.mandatory] == []
    assert result.exit_code == 0
    assert list(result.stacks) == [stack.name for stack in stack_plans(environment)]


def test_advisory_findings_are_the_deliberately_hot_zones_and_the_unpriced_pools(results):
    """prod keeps two curated zones in S3 Standard on purpose (`access: hot`); the advisory rule shows them.
    core/platform_cost/data/prices.yaml has no price for p4d.24xlarge on demand in us-west-2 (only the pre-cut one) nor
    for the p5 Capacity Block there: the budget rules count those pools as $0, and the advisory rule says so."""
    found = sorted((env, v.rule, v.resource) for env, r in results.items() for v in r.advisory)
    assert found == [
        ("prod", "eks-nodegroup-worst-case-priced", "us-west-2-train-a100"),
        ("prod", "eks-nodegroup-worst-case-priced", "us-west-2-train-h100"),
        ("prod", "s3-bucket-tiering", "perception-labels-curated"),
        ("prod", "s3-bucket-tiering", "vehicle-signals-curated"),
        ("staging", "eks-nodegroup-worst-case-priced", "us-west-2-train-a100"),
    ]


def test_every_rule_judged_something_in_some_environment(results):
    """A rule keyed to a stale type token, or a scope that matches nothing, would judge nothing anywhere."""
    rules = [rule.name for rule in results["prod"].rules]
    unjudged = [name for name in rules if not any(r.judged_total(name) for r in results.values())]
    assert unjudged == []
    assert len(rules) == 74


def test_every_stateful_resource_was_judged_for_protection(results, planned):
    for env, result in results.items():
        stacks = planned.stacks(env)
        counts = {t: sum(1 for s in stacks.values() for r in s if r["type"] == t) for t in
                  ("aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:organizations/account:Account")}  # fmt: skip
        assert result.judged_total("kms-key-protect") == counts["aws:kms/key:Key"]
        assert result.judged_total("s3-bucket-protect") == counts["aws:s3/bucket:Bucket"]
        assert (
            result.judged_total("organizations-account-protect")
            == counts["aws:organizations/account:Account"]
        )


def test_the_pack_announces_exactly_the_rules_and_levels_of_each_config(pack):
    """The pack's rule list (over the protocol) and the config files list the same rules; levels come from config."""
    _, version, rules, schemas = pack_rules(pack)
    assert version == "0.1.0"
    for path in sorted(CONFIG_DIR.glob("*.json")):
        config = json.loads(path.read_text())
        assert sorted(config) == sorted(rule.name for rule in rules), path.name
        assert {entry["enforcementLevel"] for entry in config.values()} <= {"mandatory", "advisory"}
    # No rule carries its own level in code: without config every rule falls back to the pack default.
    assert {rule.level for rule in rules} == {"mandatory"}
    assert sorted(name for name, schema in schemas.items() if schema["properties"]) == sorted(
        name
        for name, entry in json.loads((CONFIG_DIR / "prod.json").read_text()).items()
        if set(entry) - {"enforcementLevel"}
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_levels_in_force_are_the_configs(results, environment):
    config = json.loads((CONFIG_DIR / f"{environment}.json").read_text())
    assert {rule.name: rule.level for rule in results[environment].rules} == {
        name: entry["enforcementLevel"] for name, entry in config.items()
    }
