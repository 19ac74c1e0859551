"""Composition roots: one program per layer. They read the validated spec once, build one
explicit AWS provider per (account, region), wire components and export outputs."""
