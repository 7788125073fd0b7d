"""User text is bounded and kept from reaching out before it becomes a query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.errors import QueryRefused, QuerySyntaxError
from claimgraph.guard import guard_query, query_form
from claimgraph.sparql import execute


def test_deep_nesting_is_refused_before_the_parser_sees_it():
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    with pytest.raises(QueryRefused, match="nests brackets 5000 deep; the limit is 256"):
        guard_query(deep)


def test_oversized_query_is_refused():
    with pytest.raises(QueryRefused, match="bytes; the limit is 65536"):
        guard_query("SELECT * {}" + "#" * 70000)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * { service silent <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(text):
    with pytest.raises(QueryRefused, match="refused"):
        guard_query(text)


def test_service_to_an_allowed_host_passes_the_guard():
    guard_query(
        "SELECT * { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }", allow_service=["ok.example"]
    )


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/>" }',
        "SELECT * { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x/>",
        "SELECT ?service { ?service ?p ?o }",
    ],
)
def test_the_word_service_in_strings_iris_comments_and_names_is_refused_with_a_reason(text):
    """Since 0.2 the guard does not lex: the word is refused wherever it is, and says so."""
    with pytest.raises(QueryRefused, match="even inside a string, comment, name or IRI"):
        guard_query(text)


def test_execute_applies_the_guard():
    with pytest.raises(QueryRefused):
        execute(ox.Store(), "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_syntax_error_has_line_and_column():
    with pytest.raises(QuerySyntaxError) as info:
        execute(ox.Store(), "SELECT ?x\nWHERE { ?x ?y }", source="q.rq")
    assert str(info.value).startswith("q.rq:2:")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX a: <http://a/> SELECT * {}", "SELECT"),
        ("# CONSTRUCT\nASK {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://a/>", "DESCRIBE"),
        ("INSERT DATA { <http://a/> <http://a/> <http://a/> }", "UPDATE"),
    ],
)
def test_query_form(text, form):
    assert query_form(text) == form
