"""The format registry: unique names, consistent media types, pyoxigraph formats that round-trip."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from claimgraph import formats
from claimgraph.errors import ParameterError

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_names_are_unique_across_the_registry():
    all_names = [f.name for f in formats.FORMATS]
    assert len(all_names) == len(set(all_names))


@pytest.mark.parametrize("family", formats.FAMILIES)
def test_aliases_and_media_types_are_unique_within_a_family(family):
    fs = [f for f in formats.FORMATS if f.family == family]
    keys = [k for f in fs for k in (f.name, *f.aliases)]
    assert len(keys) == len(set(keys)), keys
    media = [m for f in fs for m in f.media_types]
    assert len(media) == len(set(media)), media
    extensions = [f.extension for f in fs]
    assert len(extensions) == len(set(extensions))


def test_no_alias_is_another_formats_name_in_the_same_family():
    for f in formats.FORMATS:
        same = {g.name for g in formats.FORMATS if g.family == f.family and g is not f}
        assert not same & set(f.aliases), f.name


def test_every_format_has_a_known_family_and_lower_case_keys():
    for f in formats.FORMATS:
        assert f.family in formats.FAMILIES
        assert f.media_types, f.name
        for key in (f.name, *f.aliases, *f.media_types):
            assert key == key.lower().strip()
        assert (f.ox_format is None) == (f.family == "text")


@pytest.mark.parametrize(
    "f", [f for f in formats.FORMATS if f.ox_format is not None], ids=lambda f: f.name
)
def test_pyoxigraph_agrees_on_the_sent_media_type(f):
    assert f.ox_format.media_type.split(";")[0] == f.media_types[0]
    kind = ox.QueryResultsFormat if f.family == "results" else ox.RdfFormat
    assert kind.from_media_type(f.media_types[0]) == f.ox_format
    assert kind.from_extension(f.extension) == f.ox_format


def _quads():
    s, p = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p")
    g = ox.NamedNode(EX + "g")
    return [
        ox.Quad(s, p, ox.Literal('tab\there "q"\nline', language="en"), g),
        ox.Quad(s, p, ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")), g),
        ox.Quad(s, p, ox.Literal("\U0001f600 non-BMP"), g),
    ]


@pytest.mark.parametrize(
    "f", [f for f in formats.FORMATS if f.family in ("graph", "dataset")], ids=lambda f: f.name
)
def test_rdf_formats_round_trip_through_pyoxigraph(f):
    quads = _quads()
    if f.family == "dataset" or f.holds_datasets:
        items: list = quads
    else:
        items = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    data = ox.serialize(items, format=f.ox_format)
    back = list(ox.parse(data, format=f.ox_format))
    got = {(q.subject, q.predicate, q.object) for q in back}
    assert got == {(q.subject, q.predicate, q.object) for q in quads}
    if f.family == "dataset":
        assert {q.graph_name for q in back} == {ox.NamedNode(EX + "g")}


@pytest.mark.parametrize(
    "f", [f for f in formats.FORMATS if f.family == "results"], ids=lambda f: f.name
)
def test_results_formats_round_trip_through_pyoxigraph(f):
    store = ox.Store()
    for q in _quads():
        store.add(q)
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o"
    data = store.query(query).serialize(format=f.ox_format)
    want = [row["o"] for row in store.query(query)]
    if f.name == "csv":  # pyoxigraph refuses to parse CSV (lossy): read it as CSV
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert rows == [["o"]] + [[t.value] for t in want]
        return
    back = ox.parse_query_results(data, format=f.ox_format)
    assert [row["o"] for row in back] == want


def test_get_finds_names_then_aliases_within_families():
    assert formats.get("json").name == "json"
    assert formats.get("json", "graph").name == "jsonld"
    assert formats.get("xml", "graph", "dataset").name == "rdfxml"
    assert formats.get("TTL").name == "turtle"
    with pytest.raises(ParameterError, match="unknown format 'yaml'"):
        formats.get("yaml")
    with pytest.raises(ParameterError):
        formats.get("turtle", "results")


def test_names_offers_and_media_lookup():
    assert formats.names("results") == ["json", "xml", "csv", "tsv"]
    assert formats.names("graph") == ["turtle", "ntriples", "jsonld", "rdfxml"]
    assert formats.offers("results")["xml"][0] == "application/sparql-results+xml"
    assert formats.for_media("Text/Turtle; charset=utf-8").name == "turtle"
    assert formats.for_media("application/json").name == "json"
    assert formats.for_media("application/json", "graph").name == "jsonld"
    assert formats.for_media("image/png") is None
    with pytest.raises(ValueError):
        formats.names("nonsense")


def test_content_type_says_the_charset_of_text_types():
    assert formats.get("csv").content_type == "text/csv; charset=utf-8"
    assert formats.get("turtle").content_type == "text/turtle; charset=utf-8"
    assert formats.get("json").content_type == "application/sparql-results+json"
    assert formats.get("ntriples").content_type == "application/n-triples"


def test_every_results_format_has_a_hand_written_writer():
    from claimgraph.render import GRAPH_FORMATS, RESULT_WRITERS

    assert list(RESULT_WRITERS) == formats.names("results")
    assert set(GRAPH_FORMATS) == set(formats.names("graph", "dataset"))


def test_find_is_get_without_the_error():
    assert formats.find("nt", "graph").name == "ntriples"
    assert formats.find("nt", "results") is None


def test_w3c_iris_match_the_service_description():
    from claimgraph.endpoint.pages import service_description

    described = {
        t.object.value
        for t in service_description("http://localhost:7878/sparql")
        if t.predicate.value.endswith("#resultFormat")
    }
    ours = {f.w3c_iri for f in formats.FORMATS if f.family in ("results", "graph")}
    assert described == ours
    assert all(f.w3c_iri for f in formats.FORMATS if f.family != "text")
