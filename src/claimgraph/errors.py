"""The one family of exceptions claimgraph raises.

Every failure a user can cause (a missing file, a syntax error, an unknown query, an ill-typed
parameter, a remote server that is down) is a :class:`ClaimgraphError`. The CLI turns each into
one line on stderr and the exit code the class carries, in one place (``cli.main``), so no
traceback and no parser's internal exception ever reaches a user.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "ClaimgraphError",
    "InputError",
    "RdfSyntaxError",
    "QuerySyntaxError",
    "QueryRefused",
    "CatalogError",
    "UnknownQueryError",
    "ParameterError",
    "StoreError",
    "RemoteError",
    "QueryTimeout",
    "Interrupted",
    "ProcessCrashed",
    "query_error_position",
]


class ClaimgraphError(Exception):
    """Base class: a one-line message, optionally located at ``path:line:column``."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = " ".join(str(message).split())  # one line, always
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    @property
    def location(self) -> str | None:
        if self.path is None:
            return None
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        loc = self.location
        return f"{loc}: {self.message}" if loc else self.message


class InputError(ClaimgraphError):
    """A file that cannot be read or used (missing, unknown format, unsafe content)."""


class RdfSyntaxError(InputError):
    """An RDF file that does not parse; carries the file, line and column."""


class QuerySyntaxError(ClaimgraphError):
    """A SPARQL query that does not parse."""


class QueryRefused(ClaimgraphError):
    """A query claimgraph will not run: too large, too deeply nested, or reaching out (SERVICE)."""


class CatalogError(ClaimgraphError):
    """A stored query file whose header or body is malformed; names the file and line."""


class UnknownQueryError(ClaimgraphError):
    """No stored query has that name."""


class ParameterError(ClaimgraphError):
    """A query parameter that is unknown, missing, or not of its declared type."""


class StoreError(ClaimgraphError):
    """The on-disk store cannot be opened or written (locked by another process, not a store)."""


class RemoteError(ClaimgraphError):
    """A remote SPARQL endpoint failed, refused or timed out."""

    exit_code = 3


class QueryTimeout(ClaimgraphError):
    """A local query ran past its ``--timeout``: too costly for the limit the user set (exit 2,
    like any refused query; 3 stays for remote endpoints that fail or time out)."""


class Interrupted(ClaimgraphError):
    """The user pressed Ctrl-C; the CLI prints ``claimgraph: interrupted``, not an error line."""

    exit_code = 130


class ProcessCrashed(ClaimgraphError):
    """The child process running a command died without an answer (a crash in the engine, the
    kernel's OOM killer): not the user's input being wrong, so exit 1."""

    exit_code = 1


def query_error_position(e: SyntaxError) -> tuple[int | None, int | None, str]:
    """Line, column and message of pyoxigraph's ``error at L:C: …``, so errors point at the text."""
    msg = e.msg if isinstance(e.msg, str) else str(e)
    m = re.match(r"error at (\d+):(\d+): (.*)", msg, re.S)
    if m:
        return int(m[1]), int(m[2]), m[3]
    return e.lineno, e.offset, msg
