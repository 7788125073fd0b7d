"""The one family of exceptions claimgraph raises.

Every failure a user can cause (a missing file, a syntax error, an unknown query, an ill-typed
parameter, a remote server that is down) is a :class:`ClaimgraphError`. Each class carries what
every front end needs to report it, so no front end keeps its own table: ``exit_code`` for the
CLI (one line on stderr, in one place), ``http_status`` and ``code`` (the JSON error code) for
the endpoint. No traceback and no parser's internal exception ever reaches a user.

The tree (exit code, HTTP status, code)::

    ClaimgraphError              2  400  bad-request
    ├── InputError               2  400  bad-request     unreadable or unusable file
    │   └── RdfSyntaxError       2  400  bad-request     RDF that does not parse
    ├── QuerySyntaxError         2  400  query-syntax
    ├── QueryRefused             2  400  query-refused   too large, too deep, reaching out
    ├── CatalogError             2  400  bad-request     a malformed stored query file
    ├── UnknownQueryError        2  404  unknown-query
    ├── ParameterError           2  400  bad-parameter
    ├── StoreError               2  500  store-error
    ├── RemoteError              3  502  remote-error
    ├── QueryTimeout             2  503  query-timeout
    ├── Interrupted            130  500  interrupted
    └── ProcessCrashed           1  503  worker-failed

(``remote.push.PushCheckFailed`` adds exit 1 for a push whose graphs differ on the server.)
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

    exit_code: int = 2
    http_status: int = 400
    code: str = "bad-request"

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

    code = "query-syntax"


class QueryRefused(ClaimgraphError):
    """A query claimgraph will not run: too large, too deeply nested, or reaching out (SERVICE)."""

    code = "query-refused"


class CatalogError(ClaimgraphError):
    """A stored query file whose header or body is malformed; names the file and line."""


class UnknownQueryError(ClaimgraphError):
    """No stored query has that name."""

    http_status = 404
    code = "unknown-query"


class ParameterError(ClaimgraphError):
    """A query parameter that is unknown, missing, or not of its declared type."""

    code = "bad-parameter"


class StoreError(ClaimgraphError):
    """The on-disk store cannot be opened or written (locked by another process, not a store)."""

    http_status = 500
    code = "store-error"


class RemoteError(ClaimgraphError):
    """A remote SPARQL endpoint failed, refused or timed out."""

    exit_code = 3
    http_status = 502
    code = "remote-error"


class QueryTimeout(ClaimgraphError):
    """A local query ran past its ``--timeout``: too costly for the limit the user set (exit 2,
    like any refused query; 3 stays for remote endpoints that fail or time out)."""

    http_status = 503
    code = "query-timeout"


class Interrupted(ClaimgraphError):
    """The user pressed Ctrl-C; the CLI prints ``claimgraph: interrupted``, not an error line."""

    exit_code = 130
    http_status = 500
    code = "interrupted"


class ProcessCrashed(ClaimgraphError):
    """The child process running a command died without an answer (a crash in the engine, the
    kernel's OOM killer): not the user's input being wrong, so exit 1."""

    exit_code = 1
    http_status = 503
    code = "worker-failed"


def query_error_position(e: SyntaxError) -> tuple[int | None, int | None, str]:
    """Line, column and message of pyoxigraph's ``error at L:C: …``, so errors point at the text."""
    msg = e.msg if isinstance(e.msg, str) else str(e)
    m = re.match(r"error at (\d+):(\d+): (.*)", msg, re.S)
    if m:
        return int(m[1]), int(m[2]), m[3]
    return e.lineno, e.offset, msg
