"""A click group whose built-in commands are imported only when they run."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import click


class LazyGroup(click.Group):
    """Commands given as ``name -> (module, attribute, short help)`` load on first use.

    ``ecoute --help`` then lists them from the table without importing the runtime,
    the store or anything they pull in. Plugin commands are added as usual.
    """

    def __init__(
        self, *args: object, lazy_commands: Mapping[str, tuple[str, str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy_commands, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module_name, attribute, _ = self.lazy_commands[cmd_name]
            module = importlib.import_module(module_name)
            self.add_command(getattr(module, attribute), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                command = self.commands[name]
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
            else:
                rows.append((name, self.lazy_commands[name][2]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
