"""Component resources of the ML platform: one component per module.

Components take typed, frozen args; they never read configuration and never build
providers (the stacks pass providers through `opts`).
"""
