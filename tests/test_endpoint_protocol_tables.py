"""The endpoint's protocol rules as tables: pure functions, no server.

Negotiation, the ``format`` override, Content-Type parsing, body decoding and dataset IRIs are
what decide a request before any worker runs; each row is one case a client can send.
"""

from __future__ import annotations

import pytest

from claimgraph.endpoint.protocol import (
    HTTPError,
    charset,
    choose_formats,
    decode_body,
    graph_iris,
    media_type,
    multi_dict,
    negotiate,
    not_acceptable,
    parse_accept,
)
from claimgraph.endpoint.wire import error_body, status_of
from claimgraph.errors import (
    ClaimgraphError,
    ParameterError,
    QueryRefused,
    QuerySyntaxError,
    RemoteError,
    StoreError,
    UnknownQueryError,
)


@pytest.mark.parametrize(
    ("accept", "form", "expected"),
    [
        (None, None, ("json", "turtle")),
        ("", "SELECT", ("json", None)),
        ("*/*", "CONSTRUCT", (None, "turtle")),
        ("application/sparql-results+xml", "ASK", ("xml", None)),
        ("application/xml", "SELECT", ("xml", None)),
        ("text/xml", "SELECT", ("xml", None)),
        ("application/json", None, ("json", "jsonld")),  # an alias, named exactly
        ("text/csv;q=0.4, text/tab-separated-values;q=0.6", "SELECT", ("tsv", None)),
        ("text/*", "SELECT", ("csv", None)),
        ("application/n-triples, text/turtle;q=0.5", "DESCRIBE", (None, "ntriples")),
        ("application/rdf+xml", "CONSTRUCT", (None, "rdfxml")),
        ("application/x-turtle", "CONSTRUCT", (None, "turtle")),
        ("image/png", "SELECT", (None, None)),
        ("image/png", "CONSTRUCT", (None, None)),
        ("text/csv;q=0", "SELECT", (None, None)),
        ("*/*;q=bad", "SELECT", ("json", None)),  # nothing parseable: the default
    ],
)
def test_accept_header_picks_a_format_per_family(accept, form, expected):
    assert choose_formats(accept, [], form) == expected


@pytest.mark.parametrize(
    ("values", "form", "expected"),
    [
        (["csv"], "SELECT", ("csv", None)),
        (["TSV"], "SELECT", ("tsv", None)),
        (["text/csv"], "SELECT", ("csv", None)),
        (["ttl"], "CONSTRUCT", (None, "turtle")),
        (["nt"], "CONSTRUCT", (None, "ntriples")),
        (["json-ld"], "CONSTRUCT", (None, "jsonld")),
        (["xml"], None, ("xml", "rdfxml")),  # one name, read per family
        (["json"], None, ("json", "jsonld")),
        (["nonsense", "csv"], "SELECT", ("csv", None)),  # the first that names a format
        (["nonsense"], "SELECT", ("json", None)),  # none does: Accept decides
    ],
)
def test_format_parameter_overrides_accept(values, form, expected):
    assert choose_formats(None, values, form) == expected


@pytest.mark.parametrize(
    ("header", "media", "cs"),
    [
        (None, "", "utf-8"),
        ("application/sparql-query", "application/sparql-query", "utf-8"),
        ("Application/SPARQL-Query; charset=UTF-8", "application/sparql-query", "utf-8"),
        ('application/x-www-form-urlencoded; charset="latin1"',
         "application/x-www-form-urlencoded", "latin1"),
        ("text/plain;foo=bar;charset=us-ascii", "text/plain", "us-ascii"),
    ],
)
def test_content_type_is_read_as_media_type_and_charset(header, media, cs):
    assert media_type(header) == media
    assert charset(header) == cs


@pytest.mark.parametrize(
    ("body", "cs", "status", "code"),
    [
        (b"\xff\xfe", "utf-8", 400, "bad-request"),
        (b"ASK {}", "latin1", 415, "unsupported-media-type"),
        (b"ASK {}", "utf-16", 415, "unsupported-media-type"),
    ],
)
def test_bodies_that_are_not_utf8_are_refused(body, cs, status, code):
    with pytest.raises(HTTPError) as e:
        decode_body(body, cs)
    assert (e.value.status, e.value.code) == (status, code)


@pytest.mark.parametrize("cs", ["utf-8", "utf8", "us-ascii", "ascii"])
def test_utf8_and_ascii_bodies_decode(cs):
    assert decode_body("ASK { ?s ?p \"é\" }".encode(), cs) == 'ASK { ?s ?p "é" }'


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        (["urn:g"], True),
        (["https://example.org/g", "urn:h"], True),
        (["relative/g"], False),
        (["not an iri"], False),
        (["<urn:g>"], False),
        ([], True),
    ],
)
def test_dataset_iris_must_be_absolute_iris(values, ok):
    if ok:
        assert graph_iris(values, "default-graph-uri") == values
    else:
        with pytest.raises(HTTPError) as e:
            graph_iris(values, "default-graph-uri")
        assert e.value.status == 400 and "default-graph-uri" in e.value.message


def test_repeated_parameters_keep_their_order():
    assert multi_dict([("a", "1"), ("b", "2"), ("a", "3")]) == {"a": ["1", "3"], "b": ["2"]}


@pytest.mark.parametrize(
    ("form", "lists"),
    [
        ("SELECT", "application/sparql-results+json, application/sparql-results+xml"),
        ("CONSTRUCT", "text/turtle, application/n-triples"),
        (None, "application/sparql-results+json"),
    ],
)
def test_not_acceptable_names_what_is_offered(form, lists):
    e = not_acceptable(form)
    assert (e.status, e.code) == (406, "not-acceptable")
    assert lists in e.message


@pytest.mark.parametrize(
    ("accept", "ranges"),
    [
        ("*", [("*", "*", 1.0)]),
        ("text/csv;q=1.5", []),
        ("text/csv;Q=0.3", [("text", "csv", 0.3)]),
        ("/json, text/", []),
    ],
)
def test_parse_accept_edge_cases(accept, ranges):
    assert parse_accept(accept) == ranges


def test_negotiate_counts_an_alias_only_when_named():
    offers = {"json": ("application/sparql-results+json", "application/json")}
    assert negotiate("application/*", offers) == "json"  # the first media type matches ranges
    assert negotiate("application/json", offers) == "json"
    assert negotiate("application/json;q=0", offers) is None


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (UnknownQueryError("x"), 404, "unknown-query"),
        (QuerySyntaxError("x"), 400, "query-syntax"),
        (QueryRefused("x"), 400, "query-refused"),
        (ParameterError("x"), 400, "bad-parameter"),
        (RemoteError("x"), 502, "remote-error"),
        (StoreError("x"), 500, "store-error"),
        (ClaimgraphError("x"), 400, "bad-request"),
    ],
)
def test_each_library_error_has_one_status_and_code(exc, status, code):
    assert status_of(exc) == (status, code)


def test_error_bodies_are_one_line_and_bounded():
    body = error_body(400, "bad-request", "a\n  b\t" + "x" * 5000)
    text = body.decode()
    assert "\n" not in text and '"message": "a b x' in text
    assert len(text) < 1200 and text.endswith('…"}}')


def test_html_forms_offer_the_registry_formats_of_each_query_form():
    from claimgraph import formats
    from claimgraph.catalog import load_catalog
    from claimgraph.endpoint import ServerConfig
    from claimgraph.endpoint.pages import html_page

    catalog = load_catalog()
    page = html_page(catalog, ServerConfig()).decode()
    every = "".join(f"<option>{n}</option>" for n in formats.names("results", "graph"))
    results = "".join(f"<option>{n}</option>" for n in formats.names("results"))
    assert f'<select name="format">{every}</select>' in page  # the SPARQL form
    selects = sum(1 for q in catalog.values() if q.form in ("SELECT", "ASK"))
    assert page.count(f'<select name="format">{results}</select>') == selects > 0
    assert "<option>table</option>" not in page and "<option>nquads</option>" not in page
