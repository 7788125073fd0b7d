"""Commands and options as data: one table feeds both the parser and the help text.

The CLI uses argparse (standard library) rather than typer or click because start-up is the
product here: ``claimgraph query NAME`` must cost a few times a bare ``import pyoxigraph``,
and typer alone took about 170 ms to import. Help is rendered from the same table, so
metavars, defaults and one example per command are written once, by hand.
"""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing costs ~2 ms of every cold command; annotations are strings
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = ["Argument", "Command", "Opt", "UsageError", "build_parser", "command_help", "top_help"]


class UsageError(Exception):
    """A command line that does not parse; exit code 2 like every other bad input."""

    exit_code = 2

    def __init__(self, message: str, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Opt:
    """One option: flags, help, metavar (None for a switch), default and checks."""

    flags: tuple[str, ...]
    help: str
    metavar: str | None = "TEXT"
    default: Any = None
    type: Callable[[str], Any] = str
    repeat: bool = False
    choices: tuple[str, ...] | None = None
    envvar: str | None = None
    minimum: float | None = None
    required: bool = False
    show_default: bool = True

    @property
    def dest(self) -> str:
        return self.flags[0].lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Argument:
    """A positional argument; ``many`` takes one or more."""

    name: str
    help: str
    required: bool = True
    many: bool = False


@dataclass(frozen=True)
class Command:
    """A command: its summary line, a longer text, an example and its inputs."""

    name: str
    summary: str
    example: str
    run: str  # name of the function in claimgraph.cli.commands
    options: tuple[Opt, ...] = ()
    arguments: tuple[Argument, ...] = field(default_factory=tuple)


class _Parser(argparse.ArgumentParser):
    def __init__(self, command: str, **kwargs: Any) -> None:
        super().__init__(prog=f"claimgraph {command}", add_help=False, allow_abbrev=False, **kwargs)
        self.command = command

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.command)


def _checked(opt: Opt) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = opt.type(text)
        except ValueError:
            kind = "a number" if opt.type is float else "an integer"
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
        if opt.minimum is not None and value < opt.minimum:
            raise argparse.ArgumentTypeError(f"{text} is below the minimum {opt.minimum:g}")
        return value

    convert.__name__ = opt.type.__name__
    return convert


def build_parser(cmd: Command) -> argparse.ArgumentParser:
    """An argparse parser for ``cmd``; ``--help`` is a plain switch read by the caller."""
    parser = _Parser(cmd.name)
    parser.add_argument("--help", action="store_true")
    for arg in cmd.arguments:
        nargs = "+" if arg.many else (None if arg.required else "?")
        parser.add_argument(arg.name.lower(), nargs=nargs, metavar=arg.name)
    for opt in cmd.options:
        kwargs: dict[str, Any] = {"dest": opt.dest}
        if opt.metavar is None:
            kwargs.update(action="store_true")
        else:
            kwargs.update(type=_checked(opt), metavar=opt.metavar)
            if opt.repeat:
                kwargs["action"] = "append"
            if opt.choices:
                kwargs["choices"] = opt.choices
        parser.add_argument(*opt.flags, **kwargs)
    return parser


def parse(cmd: Command, argv: Sequence[str]) -> tuple[dict[str, Any], bool]:
    """Parsed values (environment and defaults filled in) and whether help was asked."""
    parser = build_parser(cmd)
    if "--help" in argv:
        return {}, True
    values = vars(parser.parse_args(list(argv)))
    values.pop("help", None)
    for opt in cmd.options:
        if values.get(opt.dest) is None and opt.envvar and os.environ.get(opt.envvar):
            values[opt.dest] = _checked(opt)(os.environ[opt.envvar])
        if values.get(opt.dest) is None:
            if opt.required:
                raise UsageError(f"missing option '{opt.flags[0]}'", cmd.name)
            values[opt.dest] = opt.default
    return {k.lower(): v for k, v in values.items()}, False


def _width() -> int:
    return max(60, min(100, shutil.get_terminal_size((80, 24)).columns))


def _rows(rows: list[tuple[str, str]]) -> str:
    import textwrap  # help only: a command that runs never pays for it

    width = _width()
    left = min(max((len(a) for a, _ in rows), default=0), 30)
    out = []
    for term, text in rows:
        body = textwrap.wrap(text, width - left - 6) or [""]
        if len(term) > left:
            out.append(f"  {term}")
            out.extend(f"  {'':<{left}}  {line}" for line in body)
        else:
            out.append(f"  {term:<{left}}  {body[0]}")
            out.extend(f"  {'':<{left}}  {line}" for line in body[1:])
    return "\n".join(out)


def _option_text(opt: Opt) -> str:
    text = opt.help
    extras = []
    if opt.envvar:
        extras.append(f"env var: {opt.envvar}")
    if opt.show_default and opt.default not in (None, False, ()):
        extras.append(f"default: {opt.default}")
    if opt.required:
        extras.append("required")
    return f"{text} [{'; '.join(extras)}]" if extras else text


def _paragraph(text: str) -> str:
    import textwrap

    return textwrap.fill(text, _width() - 2, initial_indent="  ", subsequent_indent="  ")


def command_help(cmd: Command) -> str:
    """The ``claimgraph CMD --help`` text."""
    args = " ".join(
        (f"{a.name}..." if a.many else a.name) if a.required else f"[{a.name}]"
        for a in cmd.arguments
    )
    usage = f"Usage: claimgraph {cmd.name} [OPTIONS]{' ' + args if args else ''}"
    parts = [usage, "", _paragraph(cmd.summary), "", "  Example:", f"    {cmd.example}"]
    if cmd.arguments:
        parts += ["", "Arguments:", _rows([(a.name, a.help) for a in cmd.arguments])]
    rows = []
    for opt in cmd.options:
        term = ", ".join(opt.flags) + (f" {opt.metavar}" if opt.metavar else "")
        rows.append((term, _option_text(opt)))
    rows.append(("--help", "Show this message and exit."))
    parts += ["", "Options:", _rows(rows)]
    return "\n".join(parts) + "\n"


def top_help(description: str, commands: Sequence[Command]) -> str:
    """The ``claimgraph --help`` text."""
    parts = [
        "Usage: claimgraph [OPTIONS] COMMAND [ARGS]...",
        "",
        _paragraph(description),
        "",
        "Options:",
        _rows(
            [
                ("--version", "Print the version and exit."),
                ("--help", "Show this message and exit."),
            ]
        ),
        "",
        "Commands:",
        _rows([(c.name, c.summary) for c in commands]),
    ]
    return "\n".join(parts) + "\n"
