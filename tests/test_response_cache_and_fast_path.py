"""The endpoint's response cache and its fast path for GET queries.

The cache must answer a repeat with the same bytes and never answer when the store changed, the
query varies between runs, or the first answer was an error or cut short. The fast path must
send exactly what the Starlette handlers send, and leave every refusal to them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.endpoint.cache import ResponseCache, varies
from claimgraph.endpoint.fastpath import FastPath
from claimgraph.endpoint.wire import Reply

BASE = "http://127.0.0.1:7878"
TOKEN = "cache-test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
CLAIM = "https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/no-binding-agreement"
JSON = "application/sparql-results+json"


def ok(body: bytes = b"{}", media: str = JSON, truncated: bool = False) -> Reply:
    return Reply(200, media, body, truncated)


# ---- the cache alone ---------------------------------------------------------------------


def test_lru_keeps_the_recently_used_within_the_entry_bound():
    cache = ResponseCache(max_entries=2, max_bytes=1000)
    for key in ("a", "b"):
        assert cache.put(key, ok(), 0, "ASK {}")
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", ok(), 0, "ASK {}")
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert len(cache) == 2


def test_byte_bound_drops_the_oldest_and_refuses_an_answer_bigger_than_it():
    cache = ResponseCache(max_entries=100, max_bytes=10)
    cache.put("a", ok(b"123456"), 0, "ASK {}")
    cache.put("b", ok(b"1234"), 0, "ASK {}")
    assert cache.bytes == 10
    cache.put("c", ok(b"12"), 0, "ASK {}")
    assert cache.get("a") is None and cache.bytes == 6
    assert not cache.put("d", ok(b"x" * 11), 0, "ASK {}")


@pytest.mark.parametrize(
    ("reply", "text"),
    [
        (Reply(400, "application/json", b"{}"), "ASK {"),
        (Reply(503, "application/json", b"{}"), "ASK {}"),
        (ok(truncated=True), "SELECT * { ?s ?p ?o }"),
        (ok(), "SELECT (NOW() AS ?t) {}"),
        (ok(), "SELECT (rand() AS ?r) {}"),
        (ok(), "SELECT (UUID() AS ?u) {}"),
        (ok(), "SELECT (STRUUID() AS ?u) {}"),
        (ok(), "SELECT (BNODE() AS ?b) {}"),
        (ok(), "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
        (ok(b"_:b0 <urn:p> 1 .", "application/n-triples"), "CONSTRUCT { _:x <urn:p> 1 } {}"),
        (ok(b"_:b0 <urn:p> 1 .", "application/n-triples"), "CONSTRUCT { [] <urn:p> 1 } {}"),
    ],
)
def test_never_cached(reply, text):
    cache = ResponseCache()
    assert not cache.put("k", reply, 0, text)
    assert cache.get("k") is None


def test_an_answer_from_before_an_update_is_not_kept_after_it():
    cache = ResponseCache()
    generation = cache.generation
    cache.clear()  # an update ran while the query was out
    assert not cache.put("k", ok(), generation, "ASK {}")
    assert cache.put("k", ok(), cache.generation, "ASK {}")


def test_varies_reads_words_not_substrings():
    assert varies("select (now() as ?t) {}")
    assert not varies("SELECT ?nowhere ?random { ?s <urn:knows> ?o }")


def test_zero_bounds_turn_it_off():
    cache = ResponseCache(max_entries=0)
    assert not cache.enabled and not cache.put("k", ok(), 0, "ASK {}")


# ---- in the app ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def writable() -> Iterator[TestClient]:
    config = ServerConfig(allow_update=True, token=TOKEN, workers=1, timeout=5.0)
    with TestClient(create_app(config), base_url=BASE) as c:
        yield c


def endpoint_of(client: TestClient):
    stack = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(stack, FastPath):
        stack = stack.app
    return stack.endpoint


def test_a_repeat_is_answered_from_the_cache_with_the_same_bytes(writable):
    cache = endpoint_of(writable).cache
    query = {"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}
    first = writable.get("/sparql", params=query)
    hits = cache.hits
    second = writable.get("/sparql", params=query)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and cache.hits == hits + 1
    assert second.headers == first.headers


def test_an_update_clears_the_cache_so_the_next_answer_sees_it(writable):
    query = {"query": "ASK { <urn:cache:a> <urn:cache:b> <urn:cache:c> }"}
    assert writable.get("/sparql", params=query).json()["boolean"] is False
    assert writable.get("/sparql", params=query).json()["boolean"] is False  # cached
    insert = b"INSERT DATA { <urn:cache:a> <urn:cache:b> <urn:cache:c> }"
    assert writable.post("/sparql", content=insert, headers=AUTH).status_code == 204
    assert writable.get("/sparql", params=query).json()["boolean"] is True


def test_stored_query_repeats_are_cached_per_parameter_value(writable):
    cache = endpoint_of(writable).cache
    path = "/api/queries/sources-supporting-claim"
    first = writable.get(path, params={"claim": CLAIM})
    hits = cache.hits
    assert writable.get(path, params={"claim": CLAIM}).content == first.content
    assert cache.hits == hits + 1
    other = writable.get(path, params={"claim": CLAIM + "-nope"})
    assert other.status_code != 200 or other.content != first.content
    assert cache.hits == hits + 1


def test_errors_are_not_cached(writable):
    cache = endpoint_of(writable).cache
    before = len(cache)
    r = writable.get("/sparql", params={"query": "SELECT ?x WHERE {"})
    assert r.status_code == 400 and len(cache) == before


# ---- the fast path sends what the handlers send ------------------------------------------

REQUESTS = [  # (path, params, headers, goes the fast way)
    ("/sparql", {"query": "ASK {}"}, {}, True),
    ("/sparql", {"query": "SELECT * { ?s ?p ?o } LIMIT 2"}, {"Accept": "text/csv"}, True),
    ("/sparql", {"query": "SELECT * { ?s ?p ?o } LIMIT 2", "format": "tsv"}, {}, True),
    ("/sparql", {"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"}, {"Accept": "text/turtle"},
     True),
    ("/sparql", {"query": "SELECT * WHERE {"}, {}, True),  # the worker finds the syntax error
    ("/sparql", {"query": "ASK {}"}, {"Accept": "image/png"}, False),
    ("/sparql", {"query": "ASK {}", "default-graph-uri": "not an iri"}, {}, False),
    ("/sparql", {}, {"Accept": "text/turtle"}, False),
    ("/sparql", {"query": "ASK {}", "update": "CLEAR ALL"}, {}, False),
    ("/sparql", {"query": "ASK {}"}, {"Origin": "https://evil.example"}, False),
    ("/sparql", {"query": "ASK {}"}, {"Host": "evil.example"}, False),
    ("/api/queries/sources-supporting-claim", {"claim": CLAIM}, {}, True),
    ("/api/queries/sources-supporting-claim", {"claim": CLAIM, "format": "csv"}, {}, True),
    ("/api/queries/sources-supporting-claim", {}, {}, True),  # the worker binds parameters
    ("/api/queries/no-such-query", {}, {}, False),
    ("/api/queries/sources-supporting-claim", {"claim": "x", "nope": "1"}, {}, True),
]


@pytest.fixture(scope="module")
def reader() -> Iterator[TestClient]:
    config = ServerConfig(workers=1, timeout=5.0, cache_entries=0)
    with TestClient(create_app(config), base_url=BASE) as c:
        yield c


@pytest.mark.parametrize(("path", "params", "headers", "fast_way"), REQUESTS)
def test_fast_path_and_handlers_answer_alike(reader, monkeypatch, path, params, headers,
                                             fast_way):
    fast = reader.get(path, params=params, headers=headers)
    taken = []
    original = FastPath._job

    def spy(self, scope):
        job = original(self, scope)
        taken.append(job is not None)
        return None  # always hand over: the Starlette handlers answer

    monkeypatch.setattr(FastPath, "_job", spy)
    slow = reader.get(path, params=params, headers=headers)
    assert (fast.status_code, fast.content) == (slow.status_code, slow.content)
    assert fast.headers == slow.headers
    # every refusal decided in the server process is the handlers' to word
    assert taken == [fast_way]


def test_a_failure_in_the_fast_path_is_the_json_500(reader, monkeypatch):
    from claimgraph.endpoint.app import Endpoint

    async def broken(self, job):
        raise RuntimeError("boom")

    monkeypatch.setattr(Endpoint, "answer", broken)
    r = reader.get("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 500
    assert r.json() == {"error": {"status": 500, "code": "internal-error",
                                  "message": "internal server error"}}
    assert "boom" not in r.text
