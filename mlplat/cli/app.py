"""The `mlplat` application: the Typer app every command registers on, and how errors end a command.

A `PlatformError` raised by the work of a command (a bad spec, a bad inventory, a step that could
not run) ends it with its lines on stderr and its exit status (2 for bad input), never a
traceback; `command` registers a function with that mapping.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import typer

from platform_spec import PlatformError

app = typer.Typer(
    help="Offline review tool of the ML platform: what an environment would deploy, without a cloud account.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
INPUT_ERROR = 2


def fail(lines: Iterable[str], exit_code: int = INPUT_ERROR) -> NoReturn:
    """End the command: one line per problem on stderr, then the exit status."""
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(exit_code)


def command(name: str, on: typer.Typer = app) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command whose `PlatformError`s end it with their lines and exit status."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except PlatformError as error:
                fail(error.lines, error.exit_code)

        return on.command(name)(run)

    return register


@app.callback()
def _root() -> None:
    """Subcommands: plan, check, cost, prices, diff, diagram, preflight, audit, validate-manifest."""
