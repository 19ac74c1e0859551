import gc
import json

import pulumi
import pulumi_aws as aws
import pytest

from mlplat.synth.engine import DuplicateUrn, Registration, UnsupportedInvoke, synthesize
from mlplat.synth.inventory import (
    InventoryError,
    dependency_order,
    inventory_document,
    load_stacks,
    resource_document,
    to_json,
    write_inventory,
)


def program():
    provider = aws.Provider("p", region="eu-west-1", allowed_account_ids=["123456789012"])
    topic = aws.sns.Topic("alerts", opts=pulumi.ResourceOptions(provider=provider, protect=True))
    aws.sns.TopicPolicy(
        "alerts",
        arn=topic.arn,
        policy=pulumi.Output.secret("{}"),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    pulumi.export("topic", topic.arn)
    pulumi.export("token", pulumi.Output.secret("s3cr3t"))


@pytest.fixture(scope="module")
def document():
    run = synthesize(project="p", stack="s", config={}, program=program, references={})
    return inventory_document("p", "s", [run])


def test_resources_follow_pulumi_export_v3(document):
    export = document["stacks"]["s"]
    assert export["version"] == 3
    resources = export["deployment"]["resources"]
    assert [r["type"] for r in resources] == [
        "pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy",
    ]  # fmt: skip
    topic = resources[2]
    assert topic["protect"] is True
    assert topic["outputs"]["arn"] == f"arn:aws:sns:eu-west-1:123456789012:{topic['inputs']['name']}"
    assert topic["provider"] == f"{resources[1]['urn']}::{resources[1]['id']}"
    policy = resources[3]
    assert policy["propertyDependencies"] == {"arn": [topic["urn"]]}
    assert policy["dependencies"] == [topic["urn"]]


def test_secrets_are_masked_in_inputs_outputs_and_stack_outputs(document):
    text = json.dumps(document)
    assert "s3cr3t" not in text
    resources = document["stacks"]["s"]["deployment"]["resources"]
    masked = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "ciphertext": "[secret]",
    }
    assert resources[3]["inputs"]["policy"] == masked
    assert resources[0]["outputs"]["token"] == masked


def test_load_stacks_reads_an_inventory_and_a_plain_stack_export(document, tmp_path):
    write_inventory(tmp_path / "inventory.json", document)
    assert list(load_stacks(tmp_path / "inventory.json")) == ["s"]
    (tmp_path / "export.json").write_text(json.dumps(document["stacks"]["s"]))
    stacks = load_stacks(tmp_path / "export.json")
    assert list(stacks) == ["s"] and len(stacks["s"]) == 4
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(InventoryError, match="neither an mlplat inventory nor a `pulumi stack export`"):
        load_stacks(tmp_path / "other.json")


def test_to_json_turns_integral_floats_into_ints_and_sorts_maps():
    assert to_json({"b": 30.0, "a": [1.5, 2.0]}) == {"a": [1.5, 2], "b": 30}
    assert list(to_json({"b": 1, "a": 2})) == ["a", "b"]


def test_dependency_order_puts_dependencies_first_and_breaks_ties_by_urn():
    c = Registration(urn="c", type="t", custom=True, dependencies=["a"])
    b = Registration(urn="b", type="t", custom=True)
    a = Registration(urn="a", type="t", custom=True, parent="b")
    assert [r.urn for r in dependency_order([c, b, a])] == ["b", "a", "c"]
    with pytest.raises(ValueError, match="dependency cycle"):
        dependency_order([Registration(urn="x", type="t", custom=True, dependencies=["y"]),
                          Registration(urn="y", type="t", custom=True, dependencies=["x"])])  # fmt: skip


def test_provider_functions_are_refused_loudly():
    def calls_an_invoke():
        aws.get_caller_identity()

    with pytest.raises(UnsupportedInvoke, match="aws:index/getCallerIdentity:getCallerIdentity"):
        synthesize(project="p", stack="s", config={}, program=calls_an_invoke, references={})


def test_an_unknown_stack_reference_is_refused():
    def reads_a_missing_stack():
        pulumi.StackReference("organization/p/missing").get_output("x")

    with pytest.raises(UnsupportedInvoke, match="names no stack synthesized earlier"):
        synthesize(project="p", stack="s", config={}, program=reads_a_missing_stack, references={})


# The SDK abandons the failed registration's outputs; that warning is the failure path's own.
@pytest.mark.filterwarnings("ignore:coroutine 'Output.*' was never awaited:RuntimeWarning")
def test_two_resources_with_one_urn_are_refused_as_the_engine_would():
    def duplicates():
        provider = aws.Provider("p", region="eu-west-1", allowed_account_ids=["123456789012"])
        for _ in range(2):
            aws.sns.Topic("same", opts=pulumi.ResourceOptions(provider=provider))

    with pytest.raises(DuplicateUrn, match=r"duplicate resource URN .*aws:sns/topic:Topic::same"):
        synthesize(project="p", stack="s", config={}, program=duplicates, references={})
    gc.collect()  # the abandoned coroutines are collected here, under this test's filter


def test_unnamed_kms_alias_gets_an_alias_autoname():
    def alias():
        provider = aws.Provider("p", region="eu-west-1", allowed_account_ids=["123456789012"])
        aws.kms.Alias("platform", target_key_id="k", opts=pulumi.ResourceOptions(provider=provider))

    run = synthesize(project="p", stack="s", config={}, program=alias, references={})
    (registration,) = [r for r in run.registrations if r.type == "aws:kms/alias:Alias"]
    assert registration.inputs["name"].startswith("alias/platform-")
    assert registration.outputs["arn"] == f"arn:aws:kms:eu-west-1:123456789012:{registration.inputs['name']}"


def test_engine_warnings_reach_the_run():
    def warns():
        pulumi.log.warn("instance type is deprecated")

    run = synthesize(project="p", stack="s", config={}, program=warns, references={})
    assert run.warnings == ["instance type is deprecated"]


def test_aliases_are_recorded_as_the_urns_the_engine_resolves():
    def renamed():
        provider = aws.Provider("p", region="eu-west-1", allowed_account_ids=["123456789012"])
        parent = pulumi.ComponentResource("test:index:Group", "group")
        aws.sns.Topic(
            "handoff",
            opts=pulumi.ResourceOptions(
                provider=provider,
                parent=parent,
                aliases=[
                    pulumi.Alias(name="old-handoff"),  # renamed under the same parent
                    pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE),  # moved into the component
                    "urn:pulumi:s::p::aws:sns/topic:Topic::legacy",
                ],
            ),
        )

    run = synthesize(project="p", stack="s", config={}, program=renamed, references={})
    (topic,) = [r for r in run.registrations if r.type == "aws:sns/topic:Topic"]
    assert topic.aliases == [
        "urn:pulumi:s::p::aws:sns/topic:Topic::handoff",
        "urn:pulumi:s::p::aws:sns/topic:Topic::legacy",
        "urn:pulumi:s::p::test:index:Group$aws:sns/topic:Topic::old-handoff",
    ]
    assert resource_document(topic)["aliases"] == topic.aliases
