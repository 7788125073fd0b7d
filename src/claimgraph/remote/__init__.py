"""Talking to other SPARQL servers: one HTTP client, queries run there, graphs pushed there.

``client`` holds the one HTTP client and the one mapping of its failures to
:class:`~claimgraph.errors.RemoteError` (exit 3); ``executor`` runs queries on an endpoint
(:class:`RemoteExecutor`, the remote side of ``sparql.Executor``); ``push`` uploads named graphs
with the Graph Store Protocol.
"""

from __future__ import annotations

from ..errors import RemoteError
from .client import Credentials, check_endpoint, http_error, server_text, shown
from .executor import (
    RemoteExecutor,
    inject_values,
    parse_results,
    prepare_stored_query,
    remote_count,
    remote_execute,
    run_remote_query,
    term_text,
    with_default_prefixes,
)

__all__ = [
    "Credentials",
    "RemoteError",
    "RemoteExecutor",
    "check_endpoint",
    "http_error",
    "inject_values",
    "parse_results",
    "prepare_stored_query",
    "remote_count",
    "remote_execute",
    "run_remote_query",
    "server_text",
    "shown",
    "term_text",
    "with_default_prefixes",
]
