"""Only the default prefixes a query uses go to pyoxigraph; a lexer miss costs time, not answers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph import sparql
from claimgraph.errors import QuerySyntaxError
from claimgraph.sparql import execute, needed_prefixes
from claimgraph.terms import PREFIXES

LABELS = "SELECT ?l WHERE { ?c a cg:Claim ; rdfs:label ?l } ORDER BY ?l LIMIT 3"


def test_the_prefixes_a_query_uses_and_no_others() -> None:
    assert needed_prefixes(LABELS) == {"cg": PREFIXES["cg"], "rdfs": PREFIXES["rdfs"]}
    assert needed_prefixes("ASK { ?x a <urn:c> }") == {}
    assert needed_prefixes("PREFIX ex: <urn:x#> SELECT * { ?s ex:p ?o }") == {}
    assert needed_prefixes("SELECT * { ?s ?p ?o } # " + "x" * 9000) is PREFIXES


def test_a_prefix_the_lexer_missed_is_offered_on_the_second_parse(
    bundled_store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = execute(bundled_store, LABELS)
    assert len(expected.rows) == 3
    monkeypatch.setattr(sparql, "needed_prefixes", lambda text: {})
    assert execute(bundled_store, LABELS).rows == expected.rows


def test_a_real_syntax_error_reads_as_with_every_prefix(bundled_store: ox.Store) -> None:
    bad = "SELECT ?l WHERE { ?c a cg:Claim ; rdfs:label ?l "
    with pytest.raises(QuerySyntaxError) as narrow:
        execute(bundled_store, bad)
    try:
        bundled_store.query(bad, prefixes=PREFIXES)
    except SyntaxError as e:
        full = str(e.msg)
    assert full.startswith("error at ")
    assert full.endswith(narrow.value.message)
    with pytest.raises(QuerySyntaxError, match="undefined|prefix|Prefix"):
        execute(bundled_store, "SELECT * { ?s nosuch:p ?o }")
