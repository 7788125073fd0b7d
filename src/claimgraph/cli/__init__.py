"""The ``claimgraph`` command line.

Each command parses its options and makes one library call; errors of the
:class:`~claimgraph.errors.ClaimgraphError` family and usage errors become one line
``claimgraph: error: …`` on stderr and an exit code in exactly one place, :func:`main`.
Results go to stdout alone; messages go to stderr. The command table lives in
:mod:`claimgraph.cli.commandtable`, the parser and help in :mod:`claimgraph.cli.spec`, and what
each command does in :mod:`claimgraph.cli.commands` (imported only once a command runs).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import ClaimgraphError, Interrupted
from .commandtable import COMMANDS, DESCRIPTION
from .spec import UsageError, command_help, parse, top_help

__all__ = ["app", "main", "run"]


def _error(message: str) -> str:
    return f"claimgraph: error: {' '.join(message.split())}"


def _dispatch(argv: Sequence[str]) -> int:
    if not argv:
        sys.stderr.write(top_help(DESCRIPTION, COMMANDS))
        return 2
    first, rest = argv[0], list(argv[1:])
    if first == "--help":
        sys.stdout.write(top_help(DESCRIPTION, COMMANDS))
        return 0
    if first == "--version":
        print(f"claimgraph {__version__}")
        return 0
    if first.startswith("-"):
        raise UsageError(f"No such option: {first}")
    by_name = {c.name: c for c in COMMANDS}
    cmd = by_name.get(first)
    if cmd is None:
        import difflib

        close = difflib.get_close_matches(first, list(by_name))
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UsageError(f"No such command {first!r}.{hint}")
    values, wants_help = parse(cmd, rest)
    if wants_help:
        sys.stdout.write(command_help(cmd))
        return 0
    from . import commands

    return int(getattr(commands, cmd.run)(**values))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` and return the exit code (no ``sys.exit``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _dispatch(args)
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None
    except Interrupted:  # Ctrl-C: not an error, but the shell's code for SIGINT
        print("claimgraph: interrupted", file=sys.stderr)
        return 130
    except ClaimgraphError as e:
        print(_error(str(e)), file=sys.stderr)
        return e.exit_code
    except UsageError as e:
        hint = f" (see 'claimgraph {e.command} --help')" if e.command else ""
        print(_error(f"{e}{hint}"), file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        return 1
    except Exception as e:  # a bug: still one line, with a way to see the traceback
        if os.environ.get("CLAIMGRAPH_DEBUG"):
            raise
        print(
            _error(f"unexpected {type(e).__name__}: {e} (set CLAIMGRAPH_DEBUG=1 for details)"),
            file=sys.stderr,
        )
        return 1


class _App:
    """Callable entry object kept for tests and embedders: ``app(argv)`` returns the code."""

    def __call__(self, argv: Sequence[str] | None = None) -> int:
        return run(argv)


app = _App()


def main() -> None:
    """Console-script entry point."""
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = 1
    sys.exit(code)
