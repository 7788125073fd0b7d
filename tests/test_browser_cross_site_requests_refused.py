"""A real browser cannot make the local endpoint run a query for a foreign page (issue 8 §2).

Debian's Chromium, driven by Playwright (never ``playwright install``: CI installs the
``chromium`` package), loads a page served from 127.0.0.2 (another site than 127.0.0.1) that
posts a form to a real ``claimgraph serve`` and ``fetch``-es it, and a page on a name that
resolves to 127.0.0.1 (``--host-resolver-rules``, the browser's view of DNS rebinding). The
endpoint may reach a local listener by SERVICE; every query sent is a SERVICE to it, so
"refused and ran nothing" is: status 403 and the listener never saw a connection. The
endpoint's own page does run such a query, which shows the oracle works.
"""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests import protocol_suite
from tests._listener import Listener  # the type of the `listener` fixture

REBOUND = "rebound.test"


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is not installed; this test needs Debian's chromium package "
            "(apt-get install chromium; .ci/run installs it when missing)"
        )
    return path


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Iterator[str]:
    log = tmp_path_factory.mktemp("browser-serve") / "stderr.txt"
    with protocol_suite.serving(None, token=None, log=log,
                                extra=["--allow-service", "127.0.0.1"]) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def foreign_site() -> Iterator[tuple[str, dict[str, bytes]]]:
    """An HTTP server on 127.0.0.2 serving the pages put in the returned dict."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"<p>nothing here</p>")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{httpd.server_address[1]}", pages
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            # --no-sandbox: CI runs as root in a container without user namespaces
            args=["--no-sandbox", f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"],
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def service_query(listener: Listener) -> str:
    return f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"


def error_code(text: str) -> str:
    import json

    return str(json.loads(text)["error"]["code"])


def test_cross_site_form_post_from_a_browser_is_refused_and_runs_nothing(
    page, endpoint, foreign_site, listener
):
    site, pages = foreign_site
    pages["/form.html"] = f"""<!doctype html><form id="f" method="post" action="{endpoint}/sparql">
<input type="hidden" name="query" value="{service_query(listener)}"></form>""".encode()
    before = listener.connections
    page.goto(site + "/form.html")
    with page.expect_navigation() as nav:
        page.evaluate("document.getElementById('f').submit()")
    response = nav.value
    assert response.status == 403
    assert error_code(response.text()) == "cross-site-refused"
    assert listener.connections == before


FETCH = """([url, body, mode]) => fetch(url, {method: "POST", mode: mode, body: body,
    headers: {"Content-Type": "application/x-www-form-urlencoded"}})
    .then(r => "answered " + r.type, e => "blocked")"""


def test_cross_site_no_cors_fetch_from_a_browser_is_refused_and_runs_nothing(
    page, endpoint, foreign_site, listener
):
    site, pages = foreign_site
    pages["/blank.html"] = b"<!doctype html><p>a foreign page</p>"
    page.goto(site + "/blank.html")
    before = listener.connections
    body = "query=" + quote(service_query(listener))
    with page.expect_response(lambda r: r.url.startswith(endpoint + "/sparql")) as caught:
        outcome = page.evaluate(FETCH, [endpoint + "/sparql", body, "no-cors"])
    assert caught.value.status == 403
    assert outcome == "answered opaque"  # the page itself learns nothing
    assert listener.connections == before


def test_cross_site_cors_fetch_from_a_browser_runs_nothing(
    page, endpoint, foreign_site, listener
):
    # A form-encoded POST is a "simple" CORS request: sent without a preflight. Chromium
    # reports a response without Access-Control-Allow-Origin only as a failed request, so
    # the 403 itself is pinned by the no-cors test and by test_host_and_origin_checks.py.
    site, pages = foreign_site
    pages["/blank.html"] = b"<!doctype html><p>a foreign page</p>"
    page.goto(site + "/blank.html")
    before = listener.connections
    body = "query=" + quote(service_query(listener))
    with page.expect_event("requestfailed") as failed:
        outcome = page.evaluate(FETCH, [endpoint + "/sparql", body, "cors"])
    assert failed.value.url.startswith(endpoint + "/sparql")
    assert outcome == "blocked"
    assert listener.connections == before


def test_dns_rebound_name_in_a_browser_is_refused_and_runs_nothing(page, endpoint, listener):
    port = endpoint.rsplit(":", 1)[1]
    before = listener.connections
    response = page.goto(
        f"http://{REBOUND}:{port}/sparql?query=" + quote(service_query(listener))
    )
    assert response is not None and response.status == 403
    assert error_code(response.text()) == "host-not-allowed"
    assert listener.connections == before


def test_the_endpoints_own_page_does_run_the_query(page, endpoint, listener, tmp_path: Path):
    # The oracle: the same SERVICE query, from the endpoint's own form, reaches the listener.
    page.goto(endpoint + "/endpoint")  # the query form; / is the claims list
    page.fill("textarea[name=query]", service_query(listener))
    before = listener.connections
    with page.expect_navigation() as nav:
        page.click("button[type=submit]")
    assert nav.value.status == 200, nav.value.text()
    assert listener.connections > before
