"""claimgraph: a knowledge graph of an essay's claims, with checkable provenance.

The library is usable without the CLI::

    from claimgraph import open_store, load_catalog, run_stored
    store = open_store()                       # the bundled essay graph, in memory
    query = load_catalog().get_query("sources-supporting-claim")
    result = run_stored(store, query, {"claim": "no-binding-agreement"})
"""

from __future__ import annotations

__version__ = "0.1.0"

#: ``typing.TYPE_CHECKING`` without importing typing (~2 ms of every cold command); type
#: checkers treat a module-level ``TYPE_CHECKING = False`` the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:  # type checkers and IDEs see the real names; runtime imports them lazily
    from .errors import (
        CatalogError,
        ClaimgraphError,
        InputError,
        ParameterError,
        QueryRefused,
        QuerySyntaxError,
        RdfSyntaxError,
        RemoteError,
        StoreError,
        UnknownQueryError,
    )
    from .queries import (
        Catalog,
        Parameter,
        QueryResult,
        StoredQuery,
        bind_parameters,
        execute,
        load_catalog,
        run_stored,
    )
    from .store import LoadReport, load_files, open_store, parse_rdf_file

#: Where each public name lives. Imported on first use (PEP 562), so that ``import claimgraph``
#: -- which every CLI command pays for -- costs nothing beyond this table.
_HOMES = {
    "CatalogError": "errors",
    "ClaimgraphError": "errors",
    "InputError": "errors",
    "ParameterError": "errors",
    "QueryRefused": "errors",
    "QuerySyntaxError": "errors",
    "RdfSyntaxError": "errors",
    "RemoteError": "errors",
    "StoreError": "errors",
    "UnknownQueryError": "errors",
    "Catalog": "queries",
    "Parameter": "queries",
    "QueryResult": "queries",
    "StoredQuery": "queries",
    "bind_parameters": "queries",
    "execute": "queries",
    "load_catalog": "queries",
    "run_stored": "queries",
    "LoadReport": "store",
    "load_files": "store",
    "open_store": "store",
    "parse_rdf_file": "store",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'claimgraph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "__version__",
    "Catalog",
    "CatalogError",
    "ClaimgraphError",
    "InputError",
    "LoadReport",
    "Parameter",
    "ParameterError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "RdfSyntaxError",
    "RemoteError",
    "StoreError",
    "StoredQuery",
    "UnknownQueryError",
    "bind_parameters",
    "execute",
    "load_catalog",
    "load_files",
    "open_store",
    "parse_rdf_file",
    "run_stored",
]
