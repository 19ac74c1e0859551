"""One module per rule; `registry.py` lists them all."""
