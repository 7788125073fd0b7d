"""Running the stored and ad-hoc queries on an existing SPARQL server.

``claimgraph query NAME --endpoint URL`` sends the same query text the local store would run,
with the same parameter checks, and renders the answer with the same code, so a result reads the
same wherever it was computed. Requests go through SPARQLWrapper (POST, URL-encoded), answers are
parsed by pyoxigraph into a :class:`~claimgraph.queries.QueryResult`.

Assumptions and rules:

- The stored queries expect the default graph to be the union of the named graphs (each document
  lives in its own graph): start Oxigraph server with ``--union-default-graph``; give a Fuseki
  TDB2 dataset ``tdb2:unionDefaultGraph true``.
- Every query gets our default ``PREFIX`` declarations for the prefixes it uses but does not
  declare (as the local store does). They go on the query's first line, so the server's error
  positions keep their line numbers.
- Parameter values are checked exactly as locally (``queries.bind_parameters``) and bound by a
  ``VALUES`` block placed right after the opening brace of the query's outermost ``WHERE`` group:
  ``VALUES (?claim) { (<https://…>) }``. Each term is written in N-Triples form by pyoxigraph
  (which escapes quotes, backslashes and line breaks), checked once more (an IRI must have a
  scheme and none of ``<>"{}|^`\\``, spaces or control characters) and parsed back, so a value can
  only ever be one RDF term. The whole outgoing text then passes ``guard.guard_query``.
- Every failure (connection refused, no answer within ``--timeout``, an HTTP error, an answer
  that is not SPARQL results) is a :class:`~claimgraph.errors.RemoteError`: one line naming the
  endpoint and, for HTTP errors, the status and the first line of the server's text, cleaned of
  control characters and cut to 200 characters. Exit code 3.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import http.client
import json
import re
import socket
import ssl
import time
import unicodedata
import urllib.error
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from .binding import INSTANCE_ASK, INSTANCES, bind_parameters
from .catalog import Catalog, StoredQuery, did_you_mean, load_catalog
from .errors import ClaimgraphError, ParameterError, QueryRefused, RemoteError
from .guard import declared_prefixes, guard_query, query_form, tokens
from .render import render_result
from .sparql import QueryResult, drop_parameter_columns, materialise
from .terms import PREFIXES, compact

__all__ = [
    "Credentials",
    "MAX_ANSWER_BYTES",
    "run_remote_query",
    "remote_execute",
    "remote_count",
    "prepare_stored_query",
    "check_remote_instances",
    "with_default_prefixes",
    "inject_values",
    "term_text",
    "check_endpoint",
    "shown",
    "server_text",
    "http_error",
    "parse_results",
]

#: The largest answer read from a server; a bigger one is refused rather than held in memory.
MAX_ANSWER_BYTES = 256 * 1024**2
#: The deepest nesting accepted in an answer (pyoxigraph's parsers crash on ~10,000 levels).
MAX_ANSWER_DEPTH = 256
_ERROR_TEXT_CHARS = 200

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
#: An IRI we are willing to write between ``<`` and ``>`` in a query.
_SAFE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")


# --------------------------------------------------------------------------------------------
# Credentials and endpoints
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic (user and password) or a bearer token; never shown by ``repr``."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:
        kind = "token" if self.token else "basic" if self.user else "none"
        return f"Credentials({kind})"

    def authorization(self) -> str | None:
        """The ``Authorization`` header value, if any."""
        if self.token:
            return f"Bearer {self.token}"
        if self.user is not None:
            pair = f"{self.user}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return None


def check_endpoint(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL we can use; credentials in it are refused."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise ClaimgraphError(f"{option} must be a URL without spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ClaimgraphError(f"{option} must be an http:// or https:// URL, not {shown(url)!r}")
    if parts.username is not None or parts.password is not None:
        raise ClaimgraphError(
            f"{option} must not carry credentials; use --user with --password-env, or --token-env"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ClaimgraphError(f"{option} has an invalid port: {shown(url)!r}") from None
    return url


def shown(url: str | None) -> str | None:
    """An endpoint as named in messages: without its query string, which may carry a key."""
    if url is None:
        return None
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


_TAG = re.compile(r"<[^<>]*>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def server_text(body: bytes | str | None, limit: int = _ERROR_TEXT_CHARS) -> str:
    """The first non-blank line of a server's text, without markup or control characters."""
    if not body:
        return ""
    text = body if isinstance(body, str) else body[:65536].decode("utf-8", "replace")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body", "<h1", "<p>")):
        text = unescape(_TAG.sub("\n", _SCRIPT.sub("", text)))
    for line in text.splitlines():
        clean = "".join(
            c for c in line if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs")
        )
        clean = " ".join(clean.split())
        if clean:
            return clean if len(clean) <= limit else clean[: limit - 1] + "…"
    return ""


def http_error(
    endpoint: str, status: int, body: bytes | str | None, reason: str = ""
) -> RemoteError:
    """``<endpoint>: HTTP 500: <first line of the server's text>``."""
    detail = server_text(body) or server_text(reason)
    message = f"HTTP {status}: {detail}" if detail else f"HTTP {status}"
    return RemoteError(message, path=shown(endpoint))


def _network_error(endpoint: str, err: BaseException, timeout: float) -> RemoteError:
    """A connection-level failure as one plain sentence."""
    reason: Any = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, TimeoutError | socket.timeout):
        message = f"no answer within {timeout:g} s (--timeout)"
    elif isinstance(reason, ConnectionRefusedError):
        message = "connection refused (is the server running?)"
    elif isinstance(reason, socket.gaierror):
        message = "unknown host"
    elif isinstance(reason, ssl.SSLError):
        message = f"TLS error: {server_text(str(reason))}"
    elif isinstance(reason, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        message = "the server closed the connection"
    elif isinstance(reason, http.client.HTTPException):
        message = f"the server closed the connection or sent a bad answer ({type(reason).__name__})"
    elif isinstance(reason, OSError):
        message = f"cannot connect: {server_text(reason.strerror or str(reason))}"
    else:
        message = f"cannot connect: {server_text(str(reason))}"
    return RemoteError(message, path=shown(endpoint))


def _sparqlwrapper_error(endpoint: str, err: Exception) -> RemoteError:
    """Map SPARQLWrapper's exceptions (one class per HTTP status) back to status and body."""
    from SPARQLWrapper import SPARQLExceptions as swe

    statuses: dict[type, int] = {
        swe.QueryBadFormed: 400,
        swe.Unauthorized: 401,
        swe.EndPointNotFound: 404,
        swe.URITooLong: 414,
        swe.EndPointInternalError: 500,
    }
    status = next((s for cls, s in statuses.items() if isinstance(err, cls)), None)
    body: bytes | str | None = None
    text = str(err.args[0]) if err.args else ""
    if "\n\nResponse:\n" in text:  # SPARQLWrapper keeps the body only as repr() in its message
        with contextlib.suppress(ValueError, SyntaxError):
            value = ast.literal_eval(text.split("\n\nResponse:\n", 1)[1])
            if isinstance(value, bytes | str):
                body = value
    if status is None:
        return RemoteError(f"request failed: {server_text(text)}", path=shown(endpoint))
    return http_error(endpoint, status, body)


# --------------------------------------------------------------------------------------------
# Query text: prefixes and parameter binding
# --------------------------------------------------------------------------------------------


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


def _where_brace(text: str) -> int:
    """The offset just after the ``{`` that opens the query's outermost WHERE group."""
    toks = list(tokens(text))
    k = next(
        (i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() in _READ_FORMS),
        None,
    )
    if k is None:
        raise ParameterError(
            "cannot bind parameters: the query is not SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    form = toks[k].text.upper()
    i = k + 1
    if form == "CONSTRUCT":
        if i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() == "WHERE":
            raise ParameterError(
                "cannot bind parameters of a 'CONSTRUCT WHERE { … }' short-form query remotely"
            )
        depth = 0
        while i < len(toks):  # skip the template
            t = toks[i]
            i += 1
            if t.kind == "punct" and t.text == "{":
                depth += 1
            elif t.kind == "punct" and t.text == "}":
                depth -= 1
                if depth == 0:
                    break
    depth = 0
    for t in toks[i:]:
        if t.kind != "punct":
            continue
        if t.text == "{" and depth == 0:
            return t.end
        if t.text in "({[":
            depth += 1
        elif t.text in ")}]":
            depth -= 1
    raise ParameterError("cannot bind parameters: the query has no WHERE group")


def term_text(term: ox.NamedNode | ox.Literal) -> str:
    """One RDF term as SPARQL text, checked to read back as exactly that term."""
    if isinstance(term, ox.NamedNode):
        if not _SAFE_IRI.fullmatch(term.value):
            raise ParameterError(f"{term.value!r} is not an IRI that can be sent to a server")
        text = f"<{term.value}>"
    elif isinstance(term, ox.Literal):
        text = str(term)  # N-Triples form: quotes, backslashes and line breaks escaped
        if "\n" in text or "\r" in text:  # pragma: no cover - pyoxigraph escapes them
            raise ParameterError("a parameter value could not be escaped")
    else:  # pragma: no cover - bind_parameters makes only IRIs and literals
        raise ParameterError(f"cannot send {type(term).__name__} as a parameter")
    try:
        back = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .\n", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        back = []
    if len(back) != 1 or back[0].object != term:
        raise ParameterError("a parameter value could not be written as one RDF term")
    return text


def inject_values(text: str, bindings: Mapping[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """Bind ``bindings`` with one ``VALUES`` row at the start of the outermost WHERE group.

    The group's other patterns, OPTIONALs and FILTERs are joined with that row, which gives the
    same answers as pyoxigraph's substitution for the stored queries (no sub-SELECTs).
    """
    if not bindings:
        return text
    names = " ".join(f"?{v.value}" for v in bindings)
    values = " ".join(term_text(t) for t in bindings.values())
    at = _where_brace(text)
    return f"{text[:at]} VALUES ({names}) {{ ({values}) }} {text[at:]}"


def prepare_stored_query(
    name: str,
    params: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> tuple[str, StoredQuery]:
    """The text to send for a stored query with its parameters bound, and the StoredQuery."""
    query = (catalog or load_catalog()).get_query(name)
    subs = bind_parameters(query, params or {}, None)
    text = inject_values(query.text, subs)
    return text, query


def check_remote_instances(
    endpoint: str,
    query: StoredQuery,
    params: Mapping[str, str] | None = None,
    *,
    timeout: float = 30.0,
    credentials: Credentials | None = None,
) -> None:
    """As locally: an IRI parameter that names a class must name an instance of it (remotely).

    Raises the same :class:`ParameterError`, with "did you mean", as a local run would.
    """
    subs = bind_parameters(query, params or {}, None)
    for p in query.params:
        term = subs.get(ox.Variable(p.name))
        if p.class_iri is None or not isinstance(term, ox.NamedNode):
            continue
        cls = ox.NamedNode(p.class_iri)
        ask = inject_values(INSTANCE_ASK, {ox.Variable("x"): term, ox.Variable("class"): cls})
        if remote_execute(endpoint, ask, timeout=timeout, credentials=credentials).boolean:
            continue
        listing = inject_values(INSTANCES, {ox.Variable("class"): cls})
        found = remote_execute(endpoint, listing, timeout=timeout, credentials=credentials)
        names = [compact(row[0].value) for row in found.rows if isinstance(row[0], ox.NamedNode)]
        shown = compact(term.value)
        hint = did_you_mean(shown, names)
        raise ParameterError(
            f"parameter {p.name!r}: there is no {compact(p.class_iri)} {shown}{hint}"
        )


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


def _read_body(response: Any, deadline: float, timeout: float, endpoint: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise RemoteError(
                f"no complete answer within {timeout:g} s (--timeout)", path=shown(endpoint)
            )
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise RemoteError(
                f"the answer is larger than {MAX_ANSWER_BYTES // 1024**2} MiB", path=shown(endpoint)
            )
        chunks.append(chunk)


def remote_execute(
    endpoint: str,
    text: str,
    *,
    timeout: float = 30.0,
    credentials: Credentials | None = None,
    allow_service: tuple[str, ...] = (),
) -> QueryResult:
    """Send one read query (default prefixes added, guarded) and return its parsed answer."""
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

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
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    wrapper.setOnlyConneg(True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wrapper.setQuery(text)
    wrapper.queryType = form  # our lexer's answer, not SPARQLWrapper's keyword search
    wrapper.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
    wrapper.addCustomHttpHeader(
        "Accept", _RESULTS_ACCEPT if form in ("SELECT", "ASK") else _GRAPH_ACCEPT
    )
    auth = credentials.authorization() if credentials else None
    if auth:
        wrapper.addCustomHttpHeader("Authorization", auth)
    wrapper.timeout = timeout  # type: ignore[assignment]  # setTimeout() would round to int
    deadline = time.monotonic() + timeout
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            response = wrapper.query().response
        with contextlib.closing(response):
            media = response.headers.get("Content-Type", "") if response.headers else ""
            data = _read_body(response, deadline, timeout, endpoint)
    except urllib.error.HTTPError as e:  # a status SPARQLWrapper does not map (403, 503, …)
        raise http_error(endpoint, e.code, _error_body(e), str(e.reason or "")) from None
    except SPARQLWrapperException as e:
        raise _sparqlwrapper_error(endpoint, e) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        raise _network_error(endpoint, e, timeout) from None
    try:
        return parse_results(data, media, form)
    except ValueError as e:
        raise RemoteError(server_text(str(e), 300), path=shown(endpoint)) from None


def _error_body(err: urllib.error.HTTPError) -> bytes | None:
    try:
        with contextlib.closing(err):
            return err.read(65536)
    except Exception:  # the body of an error is a courtesy: never fail on reading it
        return None


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
    from .api import query_text_from

    given = [x is not None for x in (name, sparql, file)]
    if sum(given) != 1:
        raise ClaimgraphError("give exactly one of a query NAME, --sparql TEXT or --file FILE")
    check_endpoint(endpoint)
    if name is not None:
        text, query = prepare_stored_query(name, params, catalog)
        if check_instances:
            check_remote_instances(
                endpoint, query, params, timeout=timeout, credentials=credentials
            )
        result = remote_execute(
            endpoint, text, timeout=timeout, credentials=credentials, allow_service=allow_service
        )
        result = drop_parameter_columns(result, query)
    else:
        if params:
            raise ParameterError("--param applies to stored queries only")
        text, _source = query_text_from(sparql, file)
        result = remote_execute(
            endpoint, text, timeout=timeout, credentials=credentials, allow_service=allow_service
        )
    if fmt == "default":
        fmt = "table" if result.form in ("SELECT", "ASK") else "turtle"
    return render_result(result, fmt)
