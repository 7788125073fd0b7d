"""claimgraph: a knowledge graph of an essay's claims, with checkable provenance.

The library is usable without the CLI::

    from claimgraph import open_store, load_catalog, run_stored
    store = open_store()                       # the bundled essay graph, in memory
    query = load_catalog().get_query("sources-supporting-claim")
    result = run_stored(store, query, {"claim": "no-binding-agreement"})
"""

from __future__ import annotations

__version__ = "0.1.0"

from .binding import bind_parameters
from .catalog import Catalog, Parameter, StoredQuery, load_catalog
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
from .sparql import QueryResult, execute, run_stored
from .store import LoadReport, load_files, open_store, parse_rdf_file

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
