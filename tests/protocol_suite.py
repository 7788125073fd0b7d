"""Runner for the W3C SPARQL 1.1 Protocol tests (``tests/data/w3c-sparql-protocol/``).

The manifest describes each test as HTTP exchanges in RDF; this reads it with pyoxigraph, sends
each exchange to a real ``claimgraph serve`` over a socket (http.client, so that the headers are
exactly the manifest's: no Accept, no Content-Type unless the test has one) and checks the
status class, the results format and the ASK answer. It is shared by
``test_w3c_protocol_suite.py`` (which asserts the counts) and ``python -m tests.protocol_suite``
(which prints every test's outcome, like a benchmark).

Two deliberate departures from the manifest, both needed by any endpoint under test:

* ``ht:connectionAuthority "www.example"`` is not sent as ``Host``: the endpoint refuses Host
  names it was not started with (DNS-rebinding protection), so the real address is sent.
* ``/sparql/`` is mapped to the endpoint's ``/sparql``; updates go there too, with the bearer
  token when the server has one.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tests.serving import running_serve

SUITE = Path(__file__).resolve().parent / "data" / "w3c-sparql-protocol"  # a copy, see README
MANIFEST = SUITE / "manifest.ttl"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"

#: The seven tests that need updates; a read-only endpoint is expected to fail exactly these.
UPDATE_TESTS = frozenset(
    {
        "update_dataset_default_graph",
        "update_dataset_default_graphs",
        "update_dataset_named_graphs",
        "update_dataset_full",
        "update_post_form",
        "update_post_direct",
        "update_base_uri",
    }
)

RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "text/html",
             "application/xhtml+xml"}


@dataclass
class Exchange:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes | None
    statuses: set[int]  # status classes: 2, 3, 4, 5
    fmt: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None


@dataclass
class ProtocolTest:
    name: str
    exchanges: list[Exchange]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)  # (file, graph IRI)


@dataclass
class Outcome:
    name: str
    passed: bool
    detail: str = ""


def _one(store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str) -> ox.Term | None:
    for q in store.quads_for_pattern(s, ox.NamedNode(p), None):
        return q.object
    return None


def _all(store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str) -> list[ox.Term]:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def _list(store: ox.Store, head: ox.Term | None) -> list[ox.Term]:
    items: list[ox.Term] = []
    nil = ox.NamedNode(RDF + "nil")
    while head is not None and head != nil:
        assert isinstance(head, (ox.NamedNode, ox.BlankNode))
        first = _one(store, head, RDF + "first")
        assert first is not None
        items.append(first)
        head = _one(store, head, RDF + "rest")
    return items


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """The tests in manifest order."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    manifest = ox.NamedNode(path.as_uri())
    tests: list[ProtocolTest] = []
    for entry in _list(store, _one(store, manifest, MF + "entries")):
        assert isinstance(entry, ox.NamedNode)
        name = entry.value.rsplit("#", 1)[1]
        graph_data = []
        for gd in _all(store, entry, UT + "graphData"):
            assert isinstance(gd, ox.BlankNode)
            file = _one(store, gd, UT + "graph")
            label = _one(store, gd, RDFS + "label")
            assert isinstance(file, ox.NamedNode) and isinstance(label, ox.Literal)
            graph_data.append((Path(file.value.removeprefix("file://")), label.value))
        action = _one(store, entry, MF + "action")
        assert isinstance(action, ox.BlankNode)
        exchanges = []
        for req in _list(store, _one(store, action, HT + "requests")):
            assert isinstance(req, ox.BlankNode)
            exchanges.append(_exchange(store, req))
        tests.append(ProtocolTest(name, exchanges, graph_data))
    return tests


def _exchange(store: ox.Store, req: ox.BlankNode) -> Exchange:
    method = _one(store, req, HT + "methodName")
    path = _one(store, req, HT + "absolutePath")
    assert isinstance(method, ox.Literal) and isinstance(path, ox.Literal)
    headers = []
    for h in _list(store, _one(store, req, HT + "headers")):
        assert isinstance(h, ox.BlankNode)
        name, value = _one(store, h, HT + "fieldName"), _one(store, h, HT + "fieldValue")
        assert isinstance(name, ox.Literal) and isinstance(value, ox.Literal)
        headers.append((name.value, value.value))
    body: bytes | None = None
    content = _one(store, req, HT + "body")
    if isinstance(content, ox.BlankNode):
        chars = _one(store, content, CNT + "chars")
        encoding = _one(store, content, CNT + "characterEncoding")
        assert isinstance(chars, ox.Literal)
        codec = encoding.value if isinstance(encoding, ox.Literal) else "UTF-8"
        body = chars.value.encode(codec)
    resp = _one(store, req, HT + "resp")
    assert isinstance(resp, ox.BlankNode)
    statuses = {
        int(s.value.rsplit("StatusCode", 1)[1][0])
        for s in _all(store, resp, MF + "expectedStatus")
        if isinstance(s, ox.NamedNode)
    }
    fmt = _one(store, resp, MF + "expectedFormat")
    boolean = _one(store, resp, MF + "expectedBoolean")
    return Exchange(
        method=method.value,
        path=path.value,
        headers=headers,
        body=body,
        statuses=statuses,
        fmt=fmt.value if isinstance(fmt, ox.Literal) else None,
        boolean=None if not isinstance(boolean, ox.Literal) else boolean.value == "true",
    )


# --------------------------------------------------------------------------------------------
# Running against a server
# --------------------------------------------------------------------------------------------


def _boolean(media: str, body: bytes) -> bool | None:
    try:
        if media == "application/sparql-results+json":
            value = json.loads(body).get("boolean")
            return value if isinstance(value, bool) else None
        if media == "application/sparql-results+xml":
            root = ET.fromstring(body)
            for el in root.iter():
                if el.tag.endswith("}boolean") or el.tag == "boolean":
                    return (el.text or "").strip() == "true"
    except (ValueError, ET.ParseError, AttributeError):
        return None
    return None


def _check(ex: Exchange, status: int, media: str, body: bytes) -> str:
    """'' when the response is one the test accepts, else why not."""
    if status // 100 not in ex.statuses:
        return f"status {status}, wanted {sorted(ex.statuses)}xx: {body[:200]!r}"
    if status // 100 != 2:
        return ""
    if ex.fmt == "boolean" and media not in BOOLEAN_TYPES:
        return f"media type {media!r} is not a boolean results format"
    if ex.fmt == "tabular" and media not in RESULT_TYPES:
        return f"media type {media!r} is not a tabular results format"
    if ex.fmt == "RDF" and media not in RDF_TYPES:
        return f"media type {media!r} is not RDF/XML, Turtle, N-Triples or RDFa"
    if ex.boolean is not None and _boolean(media, body) is not ex.boolean:
        return f"expected boolean {ex.boolean}, got {body[:200]!r}"
    return ""


def send(host: str, port: int, ex: Exchange, token: str | None) -> tuple[int, str, bytes]:
    """One exchange over a fresh connection; (status, media type, body)."""
    path = ex.path
    if path.startswith("/sparql/"):
        path = "/sparql" + path[len("/sparql/") :]
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.putrequest(ex.method, path, skip_accept_encoding=True)
        for name, value in ex.headers:
            conn.putheader(name, value)
        if token is not None:
            conn.putheader("Authorization", f"Bearer {token}")
        if ex.body is not None or ex.method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(ex.body or b"")))
        conn.endheaders(ex.body)
        resp = conn.getresponse()
        body = resp.read()
        media = (resp.getheader("content-type") or "").split(";")[0].strip().lower()
        return resp.status, media, body
    finally:
        conn.close()


def run_suite(host: str, port: int, token: str | None = None,
              tests: list[ProtocolTest] | None = None) -> list[Outcome]:
    """Every test in manifest order; an exchange that fails stops its test."""
    outcomes = []
    for test in tests if tests is not None else load_manifest():
        detail = ""
        for i, ex in enumerate(test.exchanges, 1):
            try:
                status, media, body = send(host, port, ex, token)
            except OSError as e:
                detail = f"request {i}: {type(e).__name__}: {e}"
                break
            problem = _check(ex, status, media, body)
            if problem:
                detail = f"request {i}: {problem}"
                break
        outcomes.append(Outcome(test.name, not detail, detail))
    return outcomes


def make_store(folder: Path, tests: list[ProtocolTest] | None = None) -> Path:
    """An on-disk store holding every ``ut:graphData`` file in its named graph."""
    from claimgraph.store import open_store

    store = open_store(folder, write=True, create=True)
    seen = set()
    for test in tests if tests is not None else load_manifest():
        for file, graph in test.graph_data:
            if graph not in seen:
                seen.add(graph)
                store.load(path=str(file), format=ox.RdfFormat.N_TRIPLES,
                           to_graph=ox.NamedNode(graph))
    store.flush()
    del store
    return folder


@contextlib.contextmanager
def serving(
    store: Path | None, *, token: str | None, log: Path, extra: Sequence[str] = ()
) -> Iterator[int]:
    """A real ``claimgraph serve`` on a free 127.0.0.1 port; yields the port."""
    options = ["--timeout", "20", "--workers", "1", *extra]
    if store is not None:
        options += ["--store", str(store)]
    env = {}
    if token is not None:
        options += ["--allow-update", "--token-env", "CG_PROTOCOL_TOKEN"]
        env["CG_PROTOCOL_TOKEN"] = token
    with running_serve(options, log=log, env=env) as port:
        yield port


def run_mode(workdir: Path, *, updates: bool) -> list[Outcome]:
    """The whole suite against a fresh store, read-only or with updates on."""
    tests = load_manifest()
    name = "updates" if updates else "read-only"
    store = make_store(workdir / f"store-{name}", tests)
    token = "protocol-suite-token-0123456789" if updates else None
    with serving(store, token=token, log=workdir / f"serve-{name}.log") as port:
        return run_suite("127.0.0.1", port, token, tests)


def summary(outcomes: list[Outcome], mode: str) -> str:
    passed = sum(o.passed for o in outcomes)
    return f"W3C SPARQL protocol: {passed} of {len(outcomes)} passed ({mode})"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="cg-protocol-"))
    try:
        for updates, mode in ((False, "read-only"), (True, "updates on")):
            outcomes = run_mode(work, updates=updates)
            for o in outcomes:
                print(f"  {'pass' if o.passed else 'FAIL'} {o.name}"
                      + (f": {o.detail}" if o.detail else ""))
            print(summary(outcomes, mode), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
