"""s3-bucket-data-classification-tags: access reviews, residency, retention and the safety case all start
from knowing what a bucket holds; the tags are how every tool finds out."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET, ISO_PAS_8800_DATA, effective_tags, resource_rule


def check(args, report_violation) -> None:
    config = args.get_config()
    tags = effective_tags(args.props, args.provider)
    if tags.get("layer") not in config["layers"]:
        args.not_applicable(f"layer {tags.get('layer')!r} is not one of {', '.join(config['layers'])}")
    data_class = tags.get("data-class")
    if data_class not in config["dataClasses"]:
        report_violation(f"tag data-class is {data_class!r}; allowed: {', '.join(config['dataClasses'])}")
        return
    if "purpose" in tags and "safety-relevant" not in tags:
        return  # the lake's own log and inventory buckets hold no data product
    expected = "true" if data_class in config["safetyRelevantClasses"] else "false"
    if tags.get("safety-relevant") != expected:
        report_violation(
            f"tag safety-relevant is {tags.get('safety-relevant')!r}; data class {data_class} requires {expected!r}"
        )


POLICY = resource_rule(
    name="s3-bucket-data-classification-tags",
    description="Checks whether every lake bucket carries a known data-class tag and a safety-relevant tag "
    "that matches its class.",
    types=[BUCKET],
    check=check,
    severity=Severity.MEDIUM,
    framework=ISO_PAS_8800_DATA,
    config={
        "layers": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "dataClasses": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "safetyRelevantClasses": {"type": "array", "items": {"type": "string"}},
    },
    remediation="Tag the bucket with `data-class` (a class of environments/org.yaml) and `safety-relevant` "
    "(true exactly for the safety-relevant classes); components/data_product.py sets both.",
)
