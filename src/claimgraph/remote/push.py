"""Uploading the store's named graphs to a SPARQL 1.1 Graph Store Protocol endpoint.

``claimgraph push --endpoint URL`` sends one ``PUT URL?graph=<iri>`` per named graph (Oxigraph
server: ``http://HOST:7878/store``; Fuseki: ``http://HOST:3030/DATASET/data``). A PUT replaces
the graph, so pushing twice leaves the server as pushing once did, and graphs not pushed are
left alone. The body is N-Triples, streamed from the store in batches (the store is never
serialised as a whole in memory); its triples are counted on the way out.

Each pushed graph is reported on stderr (``pushed 123 triples to <iri>``). With
``--query-endpoint`` every pushed graph is counted on the server afterwards; a count that differs
is reported and makes the command fail with exit code 1 (a check that found a problem), while a
server that is down, slow or answers an error gives exit code 3 (:class:`RemoteError`).

Secrets never come from the command line: the password is read from the environment variable
named by ``--password-env`` or asked for without echo; a bearer token from ``--token-env``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox

from ..errors import ClaimgraphError
from ..store import graph_names
from ..terms import expand
from .client import Credentials, check_endpoint, send, shown
from .executor import remote_count

__all__ = [
    "BATCH_TRIPLES",
    "GraphPush",
    "PushReport",
    "PushCheckFailed",
    "resolve_credentials",
    "ntriples_chunks",
    "push_graphs",
    "push",
]

#: Triples serialised per chunk of the request body.
BATCH_TRIPLES = 5000
_CONTENT_TYPE = "application/n-triples"

Report = Callable[[str], None]
Prompt = Callable[[str], str]


class PushCheckFailed(ClaimgraphError):
    """The server does not hold the triples just pushed (a check that found a problem)."""

    exit_code = 1


@dataclass(frozen=True)
class GraphPush:
    """One pushed graph: triples sent, and the server's count when it was checked."""

    graph: str
    triples: int
    remote: int | None = None

    @property
    def matches(self) -> bool:
        return self.remote is None or self.remote == self.triples


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graphs: tuple[GraphPush, ...]

    @property
    def mismatches(self) -> tuple[GraphPush, ...]:
        return tuple(g for g in self.graphs if not g.matches)


def _env_secret(var: str, option: str) -> str:
    value = os.environ.get(var)
    if not value:
        raise ClaimgraphError(f"{option} {var}: that environment variable is not set or empty")
    return value


def resolve_credentials(
    user: str | None = None,
    password_env: str | None = None,
    token_env: str | None = None,
    prompt: Prompt | None = None,
) -> Credentials:
    """Credentials from environment variables, or a password asked for with ``prompt``."""
    if token_env and (user or password_env):
        raise ClaimgraphError("give --token-env, or --user (with --password-env), not both")
    if token_env:
        return Credentials(token=_env_secret(token_env, "--token-env"))
    if password_env and not user:
        raise ClaimgraphError("--password-env needs --user")
    if user is None:
        return Credentials()
    if password_env:
        return Credentials(user=user, password=_env_secret(password_env, "--password-env"))
    if prompt is None:
        raise ClaimgraphError("--user needs --password-env VAR (no terminal to ask on)")
    return Credentials(user=user, password=prompt(f"Password for {user}"))


class _Counter:
    def __init__(self) -> None:
        self.n = 0


def ntriples_chunks(
    store: ox.Store, graph: str, counter: _Counter | None = None, batch: int = BATCH_TRIPLES
) -> Iterator[bytes]:
    """The triples of one named graph as N-Triples, ``batch`` triples per chunk."""
    pending: list[ox.Triple] = []
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        pending.append(quad.triple)
        if len(pending) >= batch:
            if counter is not None:
                counter.n += len(pending)
            yield _ntriples(pending)
            pending = []
    if pending:
        if counter is not None:
            counter.n += len(pending)
        yield _ntriples(pending)


def _ntriples(triples: list[ox.Triple]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def _selected(store: ox.Store, graphs: Sequence[str] | None) -> list[str]:
    available = graph_names(store)
    if not graphs:
        return available
    chosen: list[str] = []
    for g in graphs:
        iri = expand(g)
        if iri not in available:
            listed = ", ".join(f"<{a}>" for a in available) or "none"
            raise ClaimgraphError(f"the store has no named graph <{iri}> (its graphs: {listed})")
        if iri not in chosen:
            chosen.append(iri)
    return chosen


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def push_graphs(
    store: ox.Store,
    endpoint: str,
    *,
    graphs: Sequence[str] | None = None,
    credentials: Credentials | None = None,
    query_endpoint: str | None = None,
    timeout: float = 30.0,
    report: Report | None = None,
    batch: int = BATCH_TRIPLES,
) -> PushReport:
    """PUT each named graph (all, or ``graphs``) to ``endpoint``; optionally count them back.

    Raises :class:`RemoteError` (exit 3) when a request fails and :class:`PushCheckFailed`
    (exit 1) when the server's count of a graph differs from the triples sent.
    """
    import httpx

    check_endpoint(endpoint)
    if query_endpoint is not None:
        check_endpoint(query_endpoint, "--query-endpoint")
    if timeout <= 0:
        raise ClaimgraphError("--timeout must be more than 0 seconds")
    say = report or (lambda line: None)
    selected = _selected(store, graphs)
    credentials = credentials or Credentials()
    headers = {"Content-Type": _CONTENT_TYPE}
    auth = credentials.authorization()
    if auth:
        headers["Authorization"] = auth
        if urlsplit(endpoint).scheme == "http" and not _is_loopback(endpoint):
            say("warning: sending credentials over plain http")
    in_default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if in_default and not graphs:
        say(f"note: {in_default} triples in the default graph are not pushed (named graphs only)")

    pushed: list[GraphPush] = []
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False) as client:
        for graph in selected:
            counter = _Counter()
            send(
                "PUT",
                endpoint,
                timeout=timeout,
                headers=headers,
                params={"graph": graph},
                content=ntriples_chunks(store, graph, counter, batch),
                during=f"pushing <{graph}>",
                client=client,
            )
            pushed.append(GraphPush(graph, counter.n))
            say(f"pushed {counter.n} triples to <{graph}>")

    if query_endpoint is not None:
        checked: list[GraphPush] = []
        for p in pushed:
            n = remote_count(query_endpoint, p.graph, timeout=timeout, credentials=credentials)
            checked.append(GraphPush(p.graph, p.triples, n))
            verdict = "ok" if n == p.triples else f"MISMATCH: {p.triples} pushed"
            say(f"checked <{p.graph}>: the server has {n} triples ({verdict})")
        pushed = checked
    result = PushReport(endpoint, tuple(pushed))
    if result.mismatches:
        detail = "; ".join(
            f"<{g.graph}> has {g.remote} triples, {g.triples} pushed" for g in result.mismatches
        )
        raise PushCheckFailed(
            f"{len(result.mismatches)} graph(s) differ on the server after the push: {detail}",
            path=shown(query_endpoint),
        )
    return result


def push(
    store: ox.Store,
    endpoint: str,
    *,
    graphs: Sequence[str] | None = None,
    user: str | None = None,
    password_env: str | None = None,
    token_env: str | None = None,
    query_endpoint: str | None = None,
    timeout: float = 30.0,
    prompt: Prompt | None = None,
    report: Report | None = None,
) -> PushReport:
    """The ``push`` command: resolve the credentials, then :func:`push_graphs`."""
    check_endpoint(endpoint)
    credentials = resolve_credentials(user, password_env, token_env, prompt)
    return push_graphs(
        store,
        endpoint,
        graphs=graphs,
        credentials=credentials,
        query_endpoint=query_endpoint,
        timeout=timeout,
        report=report,
    )
