"""The web UI at 10,000 claims (a synthetic store): the list, a filtered list, a late page, a
search, a claim page and a document page each render well within the query time limit.

The pages fetch one page of rows, a count and the facet values; none reads all claims into
the server process, so the cost grows with the store's size only inside the bounded queries.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app

from .web_fixtures import synthetic_store

TIMEOUT = 10.0  # serve's default time limit per query
BUDGET = 5.0  # seconds a page may take here (the limit is per query; a page runs several)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = synthetic_store(tmp_path_factory.mktemp("web-scale") / "store", claims=10_000)
    config = ServerConfig(store=folder, workers=2, timeout=TIMEOUT, cache_entries=0)
    with TestClient(create_app(config), base_url="http://127.0.0.1:7878") as c:
        yield c


SHARED = "https://w3id.org/claimgraph/id/"
PAGES = [
    "/",
    "/?contested=yes",
    f"/?doc={SHARED}doc/synthetic-3&kind=https://w3id.org/claimgraph/vocab/claim-type/factual",
    f"/?voice={SHARED}actor/synthetic-actor-7&page=2",
    "/?page=180",
    "/?q=treaty+border",
    "/claim/synthetic-4/c123",
    "/doc/synthetic-4",
    "/source/synthetic-work-12",
    "/actor/synthetic-actor-3",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_within_the_time_limit(client, path):
    client.get(path)  # the first request may warm the worker's store
    start = time.perf_counter()
    r = client.get(path)
    elapsed = time.perf_counter() - start
    assert r.status_code == 200, r.text[:300]
    assert elapsed < BUDGET, f"{path} took {elapsed:.2f} s"


def test_the_list_counts_every_claim_and_pages_them(client):
    text = client.get("/").text
    assert '<p id="count" aria-live="polite">10062 claims' in text or "claims · page 1 of" in text
    assert text.count("<tr><td>") == 50
