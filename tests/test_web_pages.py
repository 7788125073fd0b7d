"""The web UI in process (Starlette TestClient): every route answers, every HTML page carries
the Content-Security-Policy, data is escaped, the span is highlighted only when its hash holds,
and the static site's links all resolve.

Queries still run in the worker pool (the app's lifespan starts it), as on a real server.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.web.site import build_site, resolve_links

from .conftest import essay_path
from .web_fixtures import DOC, HOSTILE_SLUG, TAMPERED_SLUG, hostile_store

BASE = "http://127.0.0.1:7878"
CLAIM = f"/claim/{DOC}/no-binding-agreement"

#: One path per route of the UI (and the endpoint's own pages it must not break).
ROUTES = [
    "/", "/?contested=yes&q=nato", CLAIM, CLAIM + ".ttl", CLAIM + ".jsonld",
    "/source/sarotte-2009", "/actor/russia", "/event/2004-baltic-enlargement", "/events",
    f"/doc/{DOC}", "/queries", "/queries/claims-in-section", "/queries/claim-provenance",
    "/queries/contested-claims.csv", "/queries/contested-claims.json",
    "/queries/claim-provenance.ttl", "/editor", "/endpoint", "/static/site.css",
    "/static/vendor/cytoscape/cytoscape.min.js", "/static/vendor/yasgui/yasgui.min.js",
    "/health", "/api/queries",
]


@pytest.fixture(scope="module", autouse=True)
def essay_env() -> Iterator[None]:
    path = essay_path()
    if path is None:
        pytest.skip("the essay is not at ../shared/essay/ and CLAIMGRAPH_ESSAY is unset")
    old = os.environ.get("CLAIMGRAPH_ESSAY")
    os.environ["CLAIMGRAPH_ESSAY"] = str(path)
    yield
    if old is None:
        os.environ.pop("CLAIMGRAPH_ESSAY", None)
    else:
        os.environ["CLAIMGRAPH_ESSAY"] = old


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServerConfig(workers=2, timeout=5.0)), base_url=BASE) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = hostile_store(tmp_path_factory.mktemp("hostile") / "store")
    with TestClient(create_app(ServerConfig(store=folder, workers=1)), base_url=BASE) as c:
        yield c


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_answers(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    if r.headers["content-type"].startswith("text/html"):
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp  # /endpoint's stricter policy allows no script
        assert "script-src" not in csp or "script-src 'self';" in csp
        assert "http" not in csp  # no other origin is named
        assert r.headers["x-content-type-options"] == "nosniff"
        for src in re.findall(r'(?:src|href)="([^"]+)"', r.text):
            # every script, style and page link stays on this origin (DOI/URL links are data)
            assert not src.startswith("//")


def test_unknown_pages_are_404_pages(client):
    for path in (f"/claim/{DOC}/no-such-claim", "/source/none", "/actor/none", "/event/none",
                 "/doc/none", "/queries/none", "/queries/contested-claims.exe"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html")


def test_a_filter_that_is_no_iri_is_a_400_page(client):
    r = client.get("/", params={"doc": "not an iri>"})
    assert r.status_code == 400 and "must be an IRI" in r.text


def test_facets_and_search_narrow_the_rows(client):
    def rows(params: dict[str, str]) -> int:
        text = client.get("/", params=params).text
        count = re.search(r'<p id="count"[^>]*>(\d+) claim', text)
        assert count is not None
        assert len(re.findall(r"<tr><td>", text)) == min(int(count.group(1)), 50)
        return int(count.group(1))

    everything = rows({})
    contested = rows({"contested": "yes"})
    assert 0 < contested < everything
    assert rows({"contested": "no"}) == everything - contested
    assert rows({"q": "zzzz-nothing"}) == 0
    kind = client.get("/").text
    first_kind = re.search(r'name="kind" class="facet">\s*<option value="">\(any\)</option>\s*'
                           r'<option value="([^"]+)"', kind)
    assert first_kind is not None
    assert 0 < rows({"kind": html.unescape(first_kind.group(1))}) <= everything


def test_claim_page_marks_exactly_the_anchored_span(client):
    page = client.get(CLAIM).text
    mark = re.search(r'<mark id="span" data-sha256="([0-9a-f]{64})">(.*?)</mark>', page, re.S)
    assert mark is not None
    span = html.unescape(mark.group(2))
    assert hashlib.sha256(span.encode("utf-8")).hexdigest() == mark.group(1)
    assert 'id="text-banner"' not in page
    for name in ("backing", "related", "chain", "graph-data"):
        assert f'id="{name}"' in page


def test_hostile_label_is_escaped_everywhere(hostile):
    for path in ("/", f"/claim/{DOC}/{HOSTILE_SLUG}", "/source/sarotte-2009", "/actor/nato",
                 "/queries/contested-claims"):
        r = hostile.get(path)
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text and "<b>bold</b>" not in r.text, path
    page = hostile.get(f"/claim/{DOC}/{HOSTILE_SLUG}").text
    assert "&lt;script&gt;alert(" in page
    data = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert data is not None and "<" not in data.group(1)  # the JSON block cannot close itself


def test_tampered_anchor_shows_the_banner_and_no_highlight(hostile):
    page = hostile.get(f"/claim/{DOC}/{TAMPERED_SLUG}").text
    assert 'id="text-banner"' in page and "Text changed" in page
    assert "<mark" not in page
    doc = hostile.get(f"/doc/{DOC}").text
    assert "<strong>1 do not</strong>" in doc


def test_no_text_means_a_banner_not_a_highlight(client, monkeypatch):
    monkeypatch.setenv("CLAIMGRAPH_ESSAY", "/nonexistent/essay.txt")
    monkeypatch.setenv("CLAIMGRAPH_TEXTS", "")
    page = client.get(CLAIM).text
    assert 'id="text-banner"' in page and "<mark" not in page


def test_stored_query_form_has_typed_fields_and_downloads(client):
    page = client.get("/queries/claims-in-section").text
    assert '<form id="query-form" method="get" action="/queries/claims-in-section">' in page
    assert '<label for="param-section">' in page and '<select id="param-section"' in page
    assert re.search(r"<option value=\"[^\"]+/section/1989-1990\" selected>", page)
    assert 'id="results"' in page and 'href="/queries/claims-in-section.csv' in page
    csv = client.get("/queries/claims-in-section.csv")
    assert csv.headers["content-type"].startswith("text/csv")


def test_static_site_links_all_resolve(tmp_path):
    out = tmp_path / "site"
    count = build_site(ServerConfig(workers=2), out)
    assert count > 60
    assert (out / "index.html").is_file() and (out / "claim" / DOC / "no-binding-agreement.html")
    assert resolve_links(out) == []
    page = (out / "claim" / DOC / "no-binding-agreement.html").read_text(encoding="utf-8")
    assert 'href="../../static/site.css"' in page and 'href="/' not in page
    assert not (out / "editor.html").exists()  # the editor needs a server


def test_site_command_writes_the_pages_with_the_span(runner, tmp_path):
    from claimgraph.cli import app

    out = tmp_path / "report"
    result = runner.invoke(app, ["site", "-o", str(out), "--text", str(essay_path())])
    assert result.exit_code == 0, result.output
    page = (out / "claim" / DOC / "no-binding-agreement.html").read_text(encoding="utf-8")
    assert '<mark id="span"' in page
    assert resolve_links(out) == []


@pytest.mark.parametrize("case", ["output is a file", "text is missing"])
def test_site_bad_input_is_one_line_and_exit_2(runner, tmp_path, case):
    from claimgraph.cli import app

    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    if case == "output is a file":
        args, shown = ["site", "-o", str(taken)], f"{taken}: is a file; --output takes a folder"
    else:
        missing = tmp_path / "nowhere.txt"
        args = ["site", "-o", str(tmp_path / "out"), "--text", str(missing)]
        shown = f"{missing}: no such file"
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"claimgraph: error: {shown}\n"
    assert not (tmp_path / "out").exists()


def test_enumerate_header_offers_the_listed_values(tmp_path):
    from claimgraph.catalog import load_catalog
    from claimgraph.errors import CatalogError

    (tmp_path / "kinds.rq").write_text(
        "#+ summary: the kinds\n\nPREFIX cg: <https://w3id.org/claimgraph/ontology#>\n"
        "SELECT DISTINCT ?kind WHERE { ?c cg:kind ?kind } ORDER BY ?kind\n", encoding="utf-8")
    (tmp_path / "by-kind.rq").write_text(
        "#+ summary: claims of a kind\n#+ param: kind: iri\n#+ enumerate: kind: kinds\n\n"
        "PREFIX cg: <https://w3id.org/claimgraph/ontology#>\n"
        "SELECT ?kind ?c WHERE { ?c cg:kind ?kind }\n", encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert catalog["by-kind"].params[0].enumerate == "kinds"
    with TestClient(create_app(ServerConfig(workers=1, queries_dir=tmp_path)),
                    base_url=BASE) as c:
        page = c.get("/queries/by-kind").text
    options = re.findall(r'<option value="([^"]*)"', page)
    assert any(o.endswith("claim-type/factual") for o in options)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "q.rq").write_text("#+ summary: s\n#+ param: kind: iri\n#+ enumerate: kind: nope\n\n"
                              "SELECT ?kind WHERE { ?c ?p ?kind }\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="enumerated by 'nope'"):
        load_catalog(bad)
