"""SHACL validation compiled to SPARQL and run on pyoxigraph or any SPARQL endpoint.

The shapes graph is read once (:mod:`.model`), every targeted shape compiled into SELECT queries
whose rows are validation results (:mod:`.compiler`, :mod:`.components`, :mod:`.sparql_based`),
and the queries run on a :class:`~.executor.RowExecutor` — in threads on a local store. pyshacl
stays the reference (:mod:`.reference`) and the fallback for what the compiler does not support.

Entry points: :func:`validate_store` / :func:`validate_quads` (claimgraph's report, like
:mod:`claimgraph.validate`), :func:`validate_executor` (a SPARQL endpoint, without downloading it),
:func:`shacl_results` (result terms, any executor), and
:func:`compile_shapes` (the queries).
"""

from __future__ import annotations

from .compiler import Check, Compiled, compile_shapes
from .engine import (
    ENGINES,
    Outcome,
    run_checks,
    shacl_results,
    validate_executor,
    validate_file,
    validate_quads,
    validate_store,
)
from .errors import ShapesError, Unsupported
from .executor import ExecutorRows, RowExecutor, StoreRows
from .reference import pyshacl_results
from .results import CompiledReport, ShaclResult, to_report

__all__ = [
    "ENGINES",
    "Check",
    "Compiled",
    "CompiledReport",
    "ExecutorRows",
    "Outcome",
    "RowExecutor",
    "ShaclResult",
    "ShapesError",
    "StoreRows",
    "Unsupported",
    "compile_shapes",
    "pyshacl_results",
    "run_checks",
    "shacl_results",
    "to_report",
    "validate_quads",
    "validate_store",
    "validate_executor",
    "validate_file",
]
