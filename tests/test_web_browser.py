"""The web UI in a real browser: Debian's Chromium driven by Playwright (``executable_path``;
never ``playwright install`` — CI installs the ``chromium`` package), against real
``claimgraph serve`` processes.

Every request the browser makes is intercepted: one to anything but 127.0.0.1 is aborted and
recorded, and the last test asserts there was none. The run also refreshes the screenshots the
README shows (``docs/claims-list.png``, ``docs/claim-page.png``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from .conftest import REPO, essay_path
from .serving import running_serve
from .test_browser_cross_site_requests_refused import chromium_path
from .web_fixtures import DOC, TAMPERED_SLUG, claim, hostile_store

DOCS = REPO / "docs"
CLAIM_SLUG = "no-binding-agreement"
FOREIGN: list[str] = []
SEEN: list[str] = []


@pytest.fixture(scope="module")
def essay() -> Path:
    path = essay_path()
    if path is None:
        pytest.skip("the essay is not at ../shared/essay/ and CLAIMGRAPH_ESSAY is unset")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, essay: Path) -> Iterator[str]:
    log = tmp_path_factory.mktemp("web-serve") / "stderr.txt"
    with running_serve([], log=log, env={"CLAIMGRAPH_ESSAY": str(essay)}) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def tampered_server(tmp_path_factory: pytest.TempPathFactory, essay: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("web-tampered")
    store = hostile_store(folder / "store")
    with running_serve(["--store", str(store), "--workers", "1"], log=folder / "stderr.txt",
                       env={"CLAIMGRAPH_ESSAY": str(essay)}) as port:
        yield f"http://127.0.0.1:{port}"


def _guard(route: Any) -> None:
    url = route.request.url
    SEEN.append(url)
    parts = urlsplit(url)
    if parts.hostname != "127.0.0.1" and parts.scheme != "file":  # file: the static site
        FOREIGN.append(url)
        route.abort()
    else:
        route.continue_()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True,
                              args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", _guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()
    assert errors == [], errors  # no script failed (a CSP refusal of ours would show here)


def sparql(base: str, query: str) -> list[dict[str, str]]:
    r = httpx.get(base + "/sparql", params={"query": query},
                  headers={"Accept": "application/sparql-results+json"})
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def count_of(pg: Any) -> int:
    return int(pg.inner_text("#count").split()[0])


def test_facet_filtering_changes_rows_and_url(page, server):
    page.goto(server + "/")
    everything = count_of(page)
    with page.expect_navigation():
        page.select_option("#facet-contested", "yes")
    assert parse_qs(urlsplit(page.url).query) == {"contested": ["yes"]}
    contested = count_of(page)
    assert 0 < contested < everything
    assert page.locator("#claims tbody tr").count() == min(contested, 50)
    flags = page.locator("#claims tbody td:last-child").all_inner_texts()
    assert set(flags) == {"contested"}
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "claims-list.png"), full_page=False)
    kind = page.locator("#facet-kind option").nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#facet-kind", kind)
    assert parse_qs(urlsplit(page.url).query) == {"kind": [kind], "contested": ["yes"]}
    assert count_of(page) <= contested
    page.go_back()
    assert parse_qs(urlsplit(page.url).query) == {"contested": ["yes"]}
    assert count_of(page) == contested


def test_search_over_labels(page, server):
    page.goto(server + "/")
    page.fill("#q", "NATO")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert parse_qs(urlsplit(page.url).query).get("q") == ["NATO"]
    labels = page.locator("#claims tbody tr td:first-child").all_inner_texts()
    assert labels and all("nato" in label.lower() for label in labels)
    assert count_of(page) == len(labels)


def test_keyboard_reaches_the_skip_link_and_the_filters(page, server):
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.focus("#q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "facet-doc"


def test_claim_page_highlights_exactly_the_anchored_span(page, server):
    anchor = sparql(server, f"""PREFIX cg: <https://w3id.org/claimgraph/ontology#>
        SELECT ?sha WHERE {{ <{claim(CLAIM_SLUG)}> cg:anchor/cg:sha256 ?sha }}""")[0]["sha"]
    page.goto(f"{server}/claim/{DOC}/{CLAIM_SLUG}")
    marks = page.locator("mark")
    assert marks.count() == 1
    text = marks.first.text_content()
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == anchor
    assert page.locator("#text-banner").count() == 0
    page.wait_for_function("window.claimGraph && window.claimGraph.nodes().length > 0")
    page.screenshot(path=str(DOCS / "claim-page.png"), full_page=True)


def test_tampered_anchor_shows_the_banner_and_no_highlight(page, tampered_server):
    page.goto(f"{tampered_server}/claim/{DOC}/{TAMPERED_SLUG}")
    assert page.locator("#text-banner").is_visible()
    assert "Text changed" in page.inner_text("#text-banner")
    assert page.locator("mark").count() == 0


def test_graph_renders_a_node_for_each_backing_source(page, server):
    backing = {r["s"] for r in sparql(server, f"""PREFIX cito: <http://purl.org/spar/cito/>
        SELECT ?s WHERE {{ <{claim(CLAIM_SLUG)}> cito:obtainsSupportFrom|cito:citesAsEvidence ?s }}
        """)}
    assert len(backing) >= 2
    page.goto(f"{server}/claim/{DOC}/{CLAIM_SLUG}")
    page.wait_for_function("window.claimGraph && window.claimGraph.nodes().length > 0")
    drawn = page.evaluate("""window.claimGraph.nodes('[kind = "source"]')
        .filter(n => n.renderedBoundingBox().w > 0).map(n => n.id())""")
    assert set(drawn) == backing
    assert page.evaluate("document.querySelector('#graph canvas') !== null")


def test_stored_query_form_submits_and_shows_rows(page, server):
    page.goto(server + "/queries/claims-in-section")
    current = page.input_value("#param-section")
    values = [o.get_attribute("value") for o in page.locator("#param-section option").all()]
    second = next(v for v in values if v and v != current)
    page.select_option("#param-section", second)
    with page.expect_navigation():
        page.click("#query-form button[type=submit]")
    assert parse_qs(urlsplit(page.url).query) == {"section": [second]}
    assert page.locator("#results tbody tr").count() > 0
    api = httpx.get(server + "/api/queries/claims-in-section", params={"section": second},
                    headers={"Accept": "application/sparql-results+json"}).json()
    assert page.locator("#results tbody tr").count() == len(api["results"]["bindings"])


def test_yasgui_runs_a_query_against_the_endpoint(page, server):
    page.goto(server + "/editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql") as answer:
        page.click(".yasqe_queryButton")
    assert answer.value.status == 200
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() == 20


def test_claim_page_opens_the_editor_prefilled_with_its_provenance_query(page, server):
    page.goto(f"{server}/claim/{DOC}/{CLAIM_SLUG}")
    with page.expect_navigation():
        page.click("text=open in SPARQL editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    text = page.evaluate("window.yasgui.getTab().getQuery()")
    assert f"<{claim(CLAIM_SLUG)}>" in text and "CONSTRUCT" in text
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql") as answer:
        page.click(".yasqe_queryButton")
    assert answer.value.status == 200


def test_static_site_works_from_file_urls(page, essay, tmp_path, monkeypatch):
    from claimgraph.endpoint import ServerConfig
    from claimgraph.web.site import build_site

    out = tmp_path / "site"
    monkeypatch.setenv("CLAIMGRAPH_ESSAY", str(essay))
    build_site(ServerConfig(workers=1), out)
    page.goto((out / "index.html").as_uri())
    with page.expect_navigation():
        page.click("#claims tbody tr:first-child td:first-child a")
    assert page.url.startswith("file://") and page.url.endswith(".html")
    page.goto((out / "claim" / DOC / f"{CLAIM_SLUG}.html").as_uri())
    page.wait_for_function("window.claimGraph && window.claimGraph.nodes().length > 0")
    assert page.locator("mark").count() == 1
    with page.expect_navigation():
        page.click("#backing a >> nth=0")
    assert "/source/" in page.url and page.locator("h1").count() == 1


def test_no_request_left_127_0_0_1():
    assert len(SEEN) > 20  # the tests above did run through the interception
    assert FOREIGN == []
