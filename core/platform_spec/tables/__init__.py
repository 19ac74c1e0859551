"""Reviewed tables: what the platform may run and store (node pools, lake classes, tiering, Lustre), as data in code."""
