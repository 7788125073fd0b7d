"""Parameters reach the engine as constants, and answer exactly as substitutions did (issue 13).

pyoxigraph 0.5's ``substitutions`` do not drive the join: a query about one claim scanned the
store. ``binding.inline_constants`` writes each term's checked serialisation where the variable
stood instead; these tests pin where it does so (a table of query shapes), where it declines
(then the old way binds), and that every stored query answers the same both ways for every
value the bundled graph offers.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.binding import inline_constants
from claimgraph.catalog import load_catalog
from claimgraph.sparql import execute

IRI = ox.NamedNode("urn:x:one")
C = ox.Variable("c")


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ASK { ?c ?p ?o }", "ASK { <urn:x:one> ?p ?o }"),
        (
            "SELECT ?c ?o WHERE { ?c ?p ?o } ORDER BY ?c",
            "SELECT ?c ?o WHERE { <urn:x:one> ?p ?o BIND(<urn:x:one> AS ?c) } ORDER BY ?c",
        ),
        (
            "SELECT (COUNT(?c) AS ?n) WHERE { ?s ?p ?c } GROUP BY ?c",
            "SELECT (COUNT(?c) AS ?n) WHERE { ?s ?p <urn:x:one> BIND(<urn:x:one> AS ?c) } "
            "GROUP BY ?c",
        ),
        (
            "CONSTRUCT { ?c ?p ?o } WHERE { { ?c ?p ?o } UNION { ?o ?p ?c } }",
            "CONSTRUCT { <urn:x:one> ?p ?o } WHERE { { <urn:x:one> ?p ?o } UNION "
            "{ ?o ?p <urn:x:one> } }",
        ),
        ("DESCRIBE ?c WHERE { ?c ?p ?o }", "DESCRIBE <urn:x:one> WHERE { <urn:x:one> ?p ?o }"),
        (  # a comment, a string and a longer name are not the variable
            "ASK { # ?c here\n ?c ?p '?c' . ?cc ?p $c }",
            "ASK { <urn:x:one> ?p '?c' . ?cc ?p <urn:x:one> }",
        ),
        (  # a VALUES block of other variables stays
            "SELECT ?o WHERE { VALUES ?p { <urn:x:p> } ?c ?p ?o }",
            "SELECT ?o WHERE { VALUES ?p { <urn:x:p> } <urn:x:one> ?p ?o }",
        ),
    ],
)
def test_the_variable_becomes_the_constant_where_the_engine_joins(query, expected):
    got = inline_constants(query, {C: IRI})
    assert got is not None and squash(got).replace("# ?c here ", "") == squash(expected)
    ox.Store().query(got)  # still SPARQL


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?c WHERE { { SELECT ?c WHERE { ?c ?p ?o } } }",  # a sub-SELECT
        "SELECT ?o WHERE { VALUES ?c { <urn:x:a> } ?c ?p ?o }",  # a VALUES block lists it
        "SELECT ?c WHERE { ?s ?p ?o BIND(?s AS ?c) }",  # the query binds it itself
        "CONSTRUCT WHERE { ?c ?p ?o }",  # no WHERE group to find
    ],
)
def test_shapes_it_cannot_rewrite_safely_are_left_to_substitutions(query):
    assert inline_constants(query, {C: IRI}) is None


def test_a_literal_is_written_as_its_own_checked_serialisation():
    hostile = ox.Literal('x" } ; DROP ALL ; #')
    got = inline_constants("SELECT ?s WHERE { ?s ?p ?c }", {C: hostile})
    assert got is not None
    rows = list(ox.Store().query(got))  # parses: the value stayed one literal
    assert rows == []
    assert '"x\\" } ; DROP ALL ; #"' in got


def instances(store: ox.Store, class_iri: str, limit: int = 40) -> list[ox.NamedNode]:
    query = (
        "SELECT DISTINCT ?x WHERE { ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
        f"<{class_iri}> }} ORDER BY ?x LIMIT {limit}"
    )
    rows = store.query(query, use_default_graph_as_union=True)
    return [row["x"] for row in rows]  # type: ignore[union-attr]


def answer(store: ox.Store, text: str, subs: dict) -> object:
    result = execute(store, text, substitutions=subs or None)
    if result.form == "SELECT":
        return result.variables, result.rows
    if result.form == "ASK":
        return result.boolean
    return sorted(result.triples, key=str)


def cases(store: ox.Store) -> list[tuple[str, dict]]:
    found = []
    for query in load_catalog().values():
        required = [p for p in query.params if not p.optional]
        optional = [p for p in query.params if p.optional]
        choices: list[dict] = [{}]
        for p in required:
            assert p.class_iri, f"{query.name}: {p.name} has no class to draw values from"
            choices = [
                {**c, p.name: v} for c in choices for v in instances(store, p.class_iri)
            ]
        for p in optional:
            docs = instances(store, p.class_iri) if p.class_iri else []
            choices += [{**c, p.name: d} for c in choices[:5] for d in docs]
        found += [(query.name, c) for c in choices if c]
    return found


def test_every_stored_query_answers_alike_bound_either_way(bundled_store):
    catalog = load_catalog()
    checked = 0
    for name, values in cases(bundled_store):
        text = catalog.get_query(name).text
        subs = {ox.Variable(k): v for k, v in values.items()}
        constant = inline_constants(text, subs)
        assert constant is not None, f"{name} falls back to substitutions"
        assert answer(bundled_store, constant, {}) == answer(bundled_store, text, subs), (
            name, values
        )
        checked += 1
    assert checked > 250  # claims, actors, events, sources and sections, and each document
