"""claimgraph: a knowledge graph of an essay's claims, with checkable provenance.

The library is usable without the CLI (importing it loads neither the CLI framework, the
server stack, rdflib nor pyshacl; a function that needs one imports it when called)::

    from claimgraph import LocalExecutor, load_catalog, open_store, run_stored
    store = open_store()                       # the bundled essay graph, in memory
    query = load_catalog().get_query("sources-supporting-claim")
    result = run_stored(LocalExecutor(store), query, {"claim": "no-binding-agreement"})

The same stored query runs on a SPARQL server with ``RemoteExecutor("http://…/query")`` in
place of the local executor.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: ``typing.TYPE_CHECKING`` without importing typing (~2 ms of every cold command); type
#: checkers treat a module-level ``TYPE_CHECKING = False`` the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Where each public name lives. Importing ``claimgraph`` (which every ``claimgraph.x`` import
#: does first, the CLI included) loads none of them; a name's module loads on first use, so a
#: command pays only for what it runs.
_HOMES = {
    "errors": None,
    "export": "api",
    "show_claim": "api",
    "validate": "api",
    "bind_parameters": "binding",
    "claim_card": "card",
    "render_card": "card",
    "Catalog": "catalog",
    "Parameter": "catalog",
    "StoredQuery": "catalog",
    "load_catalog": "catalog",
    "CatalogError": "errors",
    "ClaimgraphError": "errors",
    "InputError": "errors",
    "ParameterError": "errors",
    "QueryRefused": "errors",
    "QuerySyntaxError": "errors",
    "QueryTimeout": "errors",
    "RdfSyntaxError": "errors",
    "RemoteError": "errors",
    "StoreError": "errors",
    "UnknownQueryError": "errors",
    "Credentials": "remote",
    "RemoteExecutor": "remote",
    "Executor": "executor",
    "LocalExecutor": "sparql",
    "QueryResult": "sparql",
    "execute": "sparql",
    "run_stored": "sparql",
    "LoadReport": "store",
    "load_files": "store",
    "open_store": "store",
    "parse_rdf_file": "store",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name not in _HOMES:
        raise AttributeError(f"module 'claimgraph' has no attribute {name!r}")
    home = _HOMES[name]
    if home is None:
        value: Any = importlib.import_module(f"{__name__}.{name}")
    else:
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


# The core nouns load with the package, as in 0.1: loading them lazily delays a fresh server's
# first request enough to change the timing test_slow_clients_long_urls_and_head.py pins
# (not understood yet). The front ends (api, card, remote) load on first use.
from . import errors  # noqa: E402
from .binding import bind_parameters  # noqa: E402
from .catalog import Catalog, Parameter, StoredQuery, load_catalog  # noqa: E402
from .sparql import LocalExecutor, QueryResult, execute, run_stored  # noqa: E402
from .store import LoadReport, load_files, open_store, parse_rdf_file  # noqa: E402

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ does this
    from . import errors
    from .api import export, show_claim, validate
    from .binding import bind_parameters
    from .card import claim_card, render_card
    from .catalog import Catalog, Parameter, StoredQuery, load_catalog
    from .errors import (
        CatalogError,
        ClaimgraphError,
        InputError,
        ParameterError,
        QueryRefused,
        QuerySyntaxError,
        QueryTimeout,
        RdfSyntaxError,
        RemoteError,
        StoreError,
        UnknownQueryError,
    )
    from .executor import Executor
    from .remote import Credentials, RemoteExecutor
    from .sparql import LocalExecutor, QueryResult, execute, run_stored
    from .store import LoadReport, load_files, open_store, parse_rdf_file

__all__ = [
    "__version__",
    "Catalog",
    "CatalogError",
    "ClaimgraphError",
    "Credentials",
    "Executor",
    "InputError",
    "LoadReport",
    "LocalExecutor",
    "Parameter",
    "ParameterError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "RdfSyntaxError",
    "RemoteError",
    "RemoteExecutor",
    "StoreError",
    "StoredQuery",
    "UnknownQueryError",
    "bind_parameters",
    "claim_card",
    "errors",
    "execute",
    "export",
    "load_catalog",
    "load_files",
    "open_store",
    "parse_rdf_file",
    "render_card",
    "run_stored",
    "show_claim",
    "validate",
]
