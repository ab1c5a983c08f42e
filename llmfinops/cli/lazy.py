"""A command group that imports a command's module only when that command runs.

``llmfinops --help`` lists every command from one-line summaries kept in the registration table
(``llmfinops/cli/__init__.py``); ``llmfinops ingest …`` imports ``llmfinops.cli.ingest_cmd`` and
nothing of ``metrics``, ``report`` or ``export``. The modules themselves are unchanged typer code:
each has a ``register(app)`` that adds its commands to a typer app.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, ClassVar  # typer vendors click privately (typer._click): its types are not public

import typer
import typer.main
from typer.core import DEFAULT_MARKUP_MODE, TyperCommand, TyperGroup

# command name -> (module with a register(app), the command's one-line summary for --help)
LazyTable = dict[str, tuple[str, str]]


class LazyGroup(TyperGroup):
    """A typer group whose commands come from :data:`table` and load on first use."""

    table: ClassVar[LazyTable] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        self._loaded: dict[str, dict[str, Any]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(name for name in self.table if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in self.table:
            return None
        module, summary = self.table[cmd_name]
        if self._listing:
            # the root --help needs only the summary line: no import of the command's module
            return TyperCommand(cmd_name, help=summary)
        return self.load(module)[cmd_name]

    def load(self, module: str) -> dict[str, Any]:
        """Every command ``module`` registers, as click commands (imported once)."""
        if module not in self._loaded:
            sub = typer.Typer(rich_markup_mode=DEFAULT_MARKUP_MODE)  # a command's help keeps rich's layout
            import_module(module).register(sub)
            self._loaded[module] = dict(typer.main.get_group(sub).commands)
        return self._loaded[module]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # click cuts each summary to fit one line ("Re-price the stored history with..."): the
        # summaries here are written to be read whole, so they wrap instead
        rows = [
            (name, self.table[name][1] if name in self.table else self.commands[name].get_short_help_str(200))
            for name in self.list_commands(ctx)
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
