"""The one interface a query runs through, locally or on a SPARQL server.

Its own module so that the commands that never name it (every cold ``claimgraph query``) do
not import :mod:`typing` for it: implementations (``sparql.LocalExecutor``,
``remote.RemoteExecutor``) satisfy it structurally and do not inherit from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import pyoxigraph as ox

from .sparql import QueryResult

__all__ = ["Executor"]


class Executor(Protocol):
    """Where a query runs: the local store or a remote SPARQL endpoint.

    Stored queries, parameter checks, the instance check and the card are written once against
    this, so they answer the same on either. ``bindings`` are validated terms (never text); each
    executor puts them into the query its own way (``binding.bind``).
    """

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        max_rows: int | None = None,
        source: str = "query",
    ) -> QueryResult: ...
