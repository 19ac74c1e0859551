"""Entry point of the Pulumi program (the project root, so `components` and `stacks` import)."""

from stacks.main import main

main()
