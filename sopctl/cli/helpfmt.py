"""How `--help` names the values a command takes: by a metavar (CYCLE, TAG, PATH, N, DATE),
never by the Python type behind it.

Typer shows an argument as `cycle <str>` and in the usage line as `{cycle}` or `[cycle]`, an
option without a metavar as `--top <int range>`, and a choice as `<text|json>`. Every command
of the app is built with `HelpCommand` (`use_everywhere`), which shows an argument by its
metavar (its name in capitals when it has none), the usage line as Click writes it (`TAG`
required, `[CYCLE]` optional, `[NAME]...` repeated; a metavar that already has brackets is
written as it is) and a choice as `[text|json]`. Other options carry their metavar where they
are declared; a test reads every command's help for a type that leaks through.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand


def _choices(param: Any) -> list[str] | None:
    # Typer before 0.20 hands Click a Choice type; later ones describe the type themselves
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices is None:
        desc = getattr(param, "type_descriptor", None)
        choices = getattr(desc, "choices", None) if getattr(desc, "is_choice", False) else None
    if not choices:
        return None
    return [str(getattr(c, "value", c)) for c in choices]


class HelpCommand(TyperCommand):
    """A Typer command whose help shows metavars only (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is not None or getattr(param, "is_flag", False):
                continue
            choices = _choices(param)
            if choices is not None:
                param.metavar = f"[{'|'.join(choices)}]"
            elif param.param_type_name == "argument" and param.name:
                param.metavar = param.name.upper()

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_usage(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":  # Typer adds the type to the name
                args.append((str(param.metavar), record[1]))
            else:
                opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _usage(param: Any) -> str:
    name = str(param.metavar)
    if name.startswith("["):  # written as a usage form already: "[CYCLE] [NAME]..."
        return name
    shown = name if param.required else f"[{name}]"
    return f"{shown}..." if param.nargs != 1 and not name.endswith("...") else shown


def use_everywhere(app: typer.Typer) -> None:
    """Build every command of `app` and of its sub-apps (export, import) as `HelpCommand`."""
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):  # Typer fills in its own class
            info.cls = HelpCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            use_everywhere(group.typer_instance)
