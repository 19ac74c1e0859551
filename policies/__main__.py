"""The CrossGuard pack: assembled from the registry; the rules and their logic live in `rules/`.

Pulumi's Python policy analyzer runs this file with the pack directory first on `sys.path`.
Constructing `PolicyPack` starts the analyzer's gRPC server, prints its port and serves until
the process is stopped, so nothing may import this module.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from registry import PACK_DESCRIPTION, PACK_NAME, RULES

PolicyPack(
    name=PACK_NAME,
    description=PACK_DESCRIPTION,
    policies=list(RULES),
    # Only the fallback when no --policy-pack-config is given: the levels per environment are in
    # config/<env>.json. Failing closed means a forgotten config blocks instead of waving through.
    enforcement_level=EnforcementLevel.MANDATORY,
)
