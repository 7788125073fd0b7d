"""Where the compiled queries run: anything that turns a SELECT text into rows.

:class:`StoreRows` runs them on a pyoxigraph store over a chosen dataset (pyoxigraph releases
the GIL while it evaluates, so :func:`run_all` runs independent queries in threads);
:class:`ExecutorRows` adapts claimgraph's :class:`~claimgraph.executor.Executor` (the local
executor or ``remote.RemoteExecutor``), so validation runs on a SPARQL server unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol, TypeVar

import pyoxigraph as ox

if TYPE_CHECKING:
    from ..executor import Executor

__all__ = ["Row", "RowExecutor", "StoreRows", "ExecutorRows", "run_all", "default_threads"]

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]
T = TypeVar("T")


class RowExecutor(Protocol):
    """Runs one SPARQL SELECT; a row maps each bound variable (without ``?``) to its term."""

    def select(self, text: str) -> list[Row]: ...


class StoreRows:
    """A local store. ``default_graph``: the graphs validated (None: the union of all graphs)."""

    def __init__(
        self, store: ox.Store, default_graph: Sequence[ox.NamedNode | ox.DefaultGraph] | None = None
    ) -> None:
        self.store = store
        self.default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = (
            list(default_graph) if default_graph is not None else None
        )

    def select(self, text: str) -> list[Row]:
        if self.default_graph is None:
            raw = self.store.query(text, use_default_graph_as_union=True)
        else:
            raw = self.store.query(text, default_graph=self.default_graph)
        assert isinstance(raw, ox.QuerySolutions)
        names = [v.value for v in raw.variables]
        rows: list[Row] = []
        for solution in raw:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None and not isinstance(term, ox.Triple):
                    row[name] = term
            rows.append(row)
        return rows


class ExecutorRows:
    """Any claimgraph :class:`~claimgraph.executor.Executor` (e.g. a remote endpoint)."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    def select(self, text: str) -> list[Row]:
        result = self.executor.query(text, source="shacl")
        rows: list[Row] = []
        for values in result.rows:
            rows.append(
                {
                    name: term
                    for name, term in zip(result.variables, values, strict=False)
                    if term is not None and not isinstance(term, ox.Triple)
                }
            )
        return rows


def default_threads() -> int:
    """One thread per core: the queries are CPU-bound in pyoxigraph, outside the GIL."""
    return max(
        1,
        min(
            8,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
        ),
    )


def run_all(jobs: Sequence[T], run: Callable[[T], list[Row]], threads: int) -> list[list[Row]]:
    """``run`` on every job, in ``threads`` threads, answers in the jobs' order."""
    if threads <= 1 or len(jobs) <= 1:
        return [run(j) for j in jobs]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, jobs))
