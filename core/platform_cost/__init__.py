"""The platform's cost model: a monthly estimate of an inventory, its worst case and its savings.

`prices` is the price table (data/prices.yaml, a source and a date per row); `usage` what the model
assumes about use; `compute` and `lake` how EC2 and S3 bill at this scale; `model` the estimate
over the resources of one or more stacks; `stack` the same over one stack as a policy rule sees
it. Nothing here imports Pulumi.
"""
