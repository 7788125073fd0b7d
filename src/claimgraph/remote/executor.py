"""Running the stored and ad-hoc queries on an existing SPARQL server.

``claimgraph query NAME --endpoint URL`` sends the same query text the local store would run,
with the same parameter checks, and renders the answer with the same code, so a result reads the
same wherever it was computed. :class:`RemoteExecutor` is the remote side of
``sparql.Executor``: stored queries, the instance check and the card run on it unchanged.

Requests are SPARQL protocol POSTs (URL-encoded ``query=``) sent with httpx through
``remote.client.send``, the same client and the same error mapping as ``push``. SPARQLWrapper
used to send them, but claimgraph overrode its query type (its keyword search misreads queries
our lexer reads right), its timeout (``setTimeout`` rounds to whole seconds), its response
reading (no size cap) and its error mapping (the body survives only as ``repr`` in the message);
what was left of it was a URL-encoded POST. Answers are parsed by pyoxigraph.

Assumptions and rules:

- The stored queries expect the default graph to be the union of the named graphs (each document
  lives in its own graph): start Oxigraph server with ``--union-default-graph``; give a Fuseki
  TDB2 dataset ``tdb2:unionDefaultGraph true``.
- Every query gets our default ``PREFIX`` declarations for the prefixes it uses but does not
  declare (as the local store does). They go on the query's first line, so the server's error
  positions keep their line numbers.
- Parameter values are checked exactly as locally (``binding.bind_parameters``) and bound by a
  ``VALUES`` block placed right after the opening brace of the query's outermost ``WHERE`` group
  (``binding.bind(..., inline=True)``): each term is written in N-Triples form, checked once more
  and parsed back, so a value can only ever be one RDF term. The whole outgoing text then
  passes ``guard.guard_query``.
- Every failure (connection refused, no answer within ``--timeout``, an HTTP error, an answer
  that is not SPARQL results) is a :class:`~claimgraph.errors.RemoteError`, exit code 3.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..binding import bind, bind_parameters, inject_values, term_text
from ..catalog import Catalog, StoredQuery, load_catalog
from ..errors import ClaimgraphError, QueryRefused, RemoteError
from ..guard import declared_prefixes, guard_query, query_form, tokens
from ..render import render_result
from ..sparql import QueryResult, materialise, run_request
from ..terms import PREFIXES
from .client import Credentials, check_endpoint, send, server_text, shown

#: ``typing.TYPE_CHECKING`` without importing typing (see ``executor.py``).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..executor import Executor

__all__ = [
    "MAX_ANSWER_DEPTH",
    "RemoteExecutor",
    "run_remote_query",
    "remote_execute",
    "remote_count",
    "prepare_stored_query",
    "with_default_prefixes",
    "inject_values",
    "term_text",
    "parse_results",
]

#: The deepest nesting accepted in an answer (pyoxigraph's parsers crash on ~10,000 levels).
MAX_ANSWER_DEPTH = 256

_READ_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_RESULTS_ACCEPT = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_GRAPH_MEDIA = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


class RemoteExecutor:
    """Runs queries on a SPARQL endpoint; terms are bound by a re-validated ``VALUES`` row."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 30.0,
        credentials: Credentials | None = None,
        allow_service: tuple[str, ...] = (),
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        self.timeout = timeout
        self.credentials = credentials
        self.allow_service = allow_service

    def __repr__(self) -> str:
        return f"RemoteExecutor({shown(self.endpoint)!r})"

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        max_rows: int | None = None,
        source: str = "query",
    ) -> QueryResult:
        bound = bind(text, bindings, inline=True)
        result = remote_execute(
            self.endpoint,
            bound.text,
            timeout=self.timeout,
            credentials=self.credentials,
            allow_service=self.allow_service,
        )
        if max_rows is not None:
            _cut(result, max_rows)
        return result


def _cut(result: QueryResult, max_rows: int) -> None:
    if len(result.rows) > max_rows:
        result.rows, result.truncated = result.rows[:max_rows], True
    if len(result.triples) > max_rows:
        result.triples, result.truncated = result.triples[:max_rows], True


def with_default_prefixes(text: str) -> str:
    """``text`` with our PREFIX declarations for the prefixes it uses but does not declare.

    The declarations go in front of the first line, so line numbers in errors stay right.
    """
    text = text.removeprefix("\ufeff")
    declared = declared_prefixes(text)
    used: set[str] = set()
    for tok in tokens(text):
        if tok.kind == "word" and ":" in tok.text:
            used.add(tok.text.split(":", 1)[0])
    missing = sorted(p for p in used if p in PREFIXES and p not in declared)
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in missing) + text


def _json_depth_ok(data: bytes) -> None:
    try:
        json.loads(data)
    except RecursionError:
        raise ValueError("the answer is nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"the answer is not JSON ({e})") from None


def _graph_depth_ok(data: bytes) -> None:
    depth = deepest = 0
    for m in re.finditer(rb"<<|>>", data):
        depth = depth + 1 if m.group() == b"<<" else max(0, depth - 1)
        deepest = max(deepest, depth)
        if deepest > MAX_ANSWER_DEPTH:
            raise ValueError("the answer nests quoted triples too deeply")


def parse_results(data: bytes, media_type: str, form: str) -> QueryResult:
    """A server's answer as a QueryResult of pyoxigraph terms; ValueError if it is not one."""
    media = media_type.split(";", 1)[0].strip().lower()
    if form in ("SELECT", "ASK"):
        if media not in ("application/sparql-results+json", "application/json"):
            raise ValueError(f"expected SPARQL JSON results, got {media or 'no content type'}")
        _json_depth_ok(data)
        try:
            raw = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            return materialise(raw, None)
        except SyntaxError as e:
            raise ValueError(f"the answer is not SPARQL JSON results ({e.msg})") from None
    fmt = _GRAPH_MEDIA.get(media)
    if fmt is None:
        raise ValueError(f"expected N-Triples or Turtle, got {media or 'no content type'}")
    _graph_depth_ok(data)
    try:
        triples = [q.triple for q in ox.parse(data, format=fmt)]
    except SyntaxError as e:
        raise ValueError(f"the answer is not valid {media} ({e.msg})") from None
    return QueryResult(form="CONSTRUCT", triples=triples)


def remote_execute(
    endpoint: str,
    text: str,
    *,
    timeout: float = 30.0,
    credentials: Credentials | None = None,
    allow_service: tuple[str, ...] = (),
) -> QueryResult:
    """Send one read query (default prefixes added, guarded) and return its parsed answer."""
    check_endpoint(endpoint)
    if timeout <= 0:
        raise ClaimgraphError("--timeout must be more than 0 seconds")
    text = with_default_prefixes(text)
    guard_query(text, allow_service=allow_service)
    form = query_form(text)
    if form not in _READ_FORMS:
        raise QueryRefused(
            "only SELECT, ASK, CONSTRUCT and DESCRIBE queries can run on an --endpoint"
        )
    accept = _RESULTS_ACCEPT if form in ("SELECT", "ASK") else _GRAPH_ACCEPT
    answer = send(
        "POST",
        endpoint,
        timeout=timeout,
        credentials=credentials,
        headers={"Accept": accept},
        data={"query": text},
    )
    try:
        return parse_results(answer.body, answer.media_type, form)
    except ValueError as e:
        raise RemoteError(server_text(str(e), 300), path=shown(endpoint)) from None


def prepare_stored_query(
    name: str,
    params: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    executor: Executor | None = None,
) -> tuple[str, StoredQuery]:
    """The text to send for a stored query with its parameters bound, and the StoredQuery.

    ``executor`` (the server's, or any) finds the document of a bare claim or section slug and
    checks that each value names an instance; without it such a value needs ``DOC/SLUG``.
    """
    query = (catalog or load_catalog()).get_query(name)
    subs = bind_parameters(query, params or {}, executor)
    text = inject_values(query.text, subs)
    return text, query


def remote_count(
    endpoint: str,
    graph: str,
    *,
    timeout: float = 30.0,
    credentials: Credentials | None = None,
) -> int:
    """How many triples the server holds in named graph ``graph``."""
    iri = term_text(ox.NamedNode(graph))
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}"
    result = remote_execute(endpoint, text, timeout=timeout, credentials=credentials)
    try:
        (row,) = result.rows
        value = row[0]
        assert isinstance(value, ox.Literal)
        return int(value.value)
    except (ValueError, AssertionError, IndexError, TypeError):
        raise RemoteError(
            "the server's count of triples is not a number", path=shown(endpoint)
        ) from None


def run_remote_query(
    endpoint: str,
    *,
    name: str | None = None,
    sparql: str | None = None,
    file: str | Path | None = None,
    params: Mapping[str, str] | None = None,
    fmt: str = "table",
    timeout: float = 30.0,
    catalog: Catalog | None = None,
    credentials: Credentials | None = None,
    allow_service: tuple[str, ...] = (),
    check_instances: bool = True,
) -> bytes:
    """Run a stored query by name, or ad-hoc SPARQL, on ``endpoint`` and render the result.

    As locally, an IRI parameter declared as ``IRI of a cg:Claim`` must name a claim on the
    server (one ASK more; ``check_instances=False`` skips it).
    """
    executor = RemoteExecutor(
        endpoint, timeout=timeout, credentials=credentials, allow_service=allow_service
    )
    result = run_request(
        executor,
        name=name,
        sparql=sparql,
        file=file,
        params=params,
        lookup=(catalog or load_catalog()).get_query,
        check_instances=check_instances,
    )
    if fmt == "default":
        fmt = "table" if result.form in ("SELECT", "ASK") else "turtle"
    return render_result(result, fmt)
