"""Every hand-written SPARQL results serialiser reads back, through pyoxigraph, as what it wrote.

render writes JSON, XML, CSV and TSV itself (results are materialised first, for the row cap and
the table); a mismatch here is a bug in those writers. pyoxigraph refuses to parse CSV (the
format is lossy), so CSV is read with the csv module and compared with the W3C mapping: IRIs
and literals as their lexical form, blank nodes as ``_:label``, unbound as empty.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from claimgraph.catalog import load_catalog
from claimgraph.render import RESULT_WRITERS
from claimgraph.sparql import QueryResult, run_stored

PARSED = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"


def _read_back(result: QueryResult, fmt: str) -> QueryResult:
    data = RESULT_WRITERS[fmt](result)
    parsed = ox.parse_query_results(data, format=PARSED[fmt])
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = [tuple(sol[v] for v in variables) for sol in parsed]
    return QueryResult("SELECT", variables=variables, rows=rows)


def _csv_cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value  # type: ignore[attr-defined]


def _check(result: QueryResult) -> None:
    for fmt in PARSED:
        back = _read_back(result, fmt)
        if result.form == "ASK":
            assert back.boolean is result.boolean, fmt
            continue
        assert back.variables == result.variables, fmt
        assert back.rows == result.rows, fmt
    rows = list(csv.reader(io.StringIO(RESULT_WRITERS["csv"](result).decode("utf-8"), newline="")))
    if result.form == "ASK":
        assert rows == [["boolean"], ["true" if result.boolean else "false"]]
        return
    expected = [[_csv_cell(t) for t in row] for row in result.rows]
    if result.variables:
        assert rows == [result.variables, *expected]
    else:  # no columns: one empty header line, then an empty line per row
        assert rows == [[]] * (1 + len(result.rows))


STORED = [q.name for q in load_catalog().values() if q.form in ("SELECT", "ASK")]


@pytest.mark.parametrize("name", STORED)
def test_every_stored_query_reads_back_in_every_results_format(bundled_store, name):
    query = load_catalog().get_query(name)
    result = run_stored(bundled_store, query, {})
    _check(result)


def test_graph_queries_are_left_to_serialize():
    others = [q.name for q in load_catalog().values() if q.name not in STORED]
    assert len(STORED) >= 15
    assert all(load_catalog().get_query(n).form in ("CONSTRUCT", "DESCRIBE") for n in others)


def test_the_stored_selects_cover_what_can_go_wrong(bundled_store):
    """The bundled answers hold languages tags or datatypes, and unbound values somewhere."""
    seen = {"typed": False, "unbound": False, "iri": False}
    for name in STORED:
        result = run_stored(bundled_store, load_catalog().get_query(name), {})
        for row in result.rows:
            for t in row:
                seen["unbound"] |= t is None
                seen["iri"] |= isinstance(t, ox.NamedNode)
                seen["typed"] |= isinstance(t, ox.Literal) and t.datatype.value != XSD + "string"
    assert all(seen.values()), seen


def lit(value: str, **kw: object) -> ox.Literal:
    return ox.Literal(value, **kw)  # type: ignore[arg-type]


EDGE_VALUES = [
    lit("tab\there"),
    lit("new\nline"),
    lit("carriage\rreturn"),
    lit("crlf\r\nend"),
    lit("double \"quote\" and 'single'"),
    lit("comma, separated, values"),
    lit("back\\slash"),
    lit("<angle> & ampersand ]]>"),
    lit(""),
    lit(" leading and trailing "),
    lit("emoji \U0001f600 and \U00010348 (non-BMP)"),
    lit("colour", language="en-GB"),
    lit("Farbe", language="de"),
    lit("42", datatype=ox.NamedNode(XSD + "integer")),
    lit("-0.5", datatype=ox.NamedNode(XSD + "decimal")),
    lit("1e3", datatype=ox.NamedNode(XSD + "double")),
    lit("true", datatype=ox.NamedNode(XSD + "boolean")),
    lit("2004", datatype=ox.NamedNode(XSD + "gYear")),
    lit("odd\tdatatype", datatype=ox.NamedNode(EX + "custom")),
    ox.NamedNode(EX + "iri?with=query&and#fragment"),
    ox.NamedNode("urn:isbn:0451450523"),
    ox.NamedNode("http://example.org/caf\u00e9/\U0001f600"),
    ox.BlankNode("b0"),
    ox.BlankNode("node1"),
    None,
]


@pytest.mark.parametrize("value", EDGE_VALUES, ids=lambda v: repr(v)[:40])
def test_one_edge_value_reads_back(value):
    result = QueryResult(
        "SELECT", variables=["x", "y"], rows=[(value, ox.Literal("after")), (None, value)]
    )
    _check(result)


def test_all_edge_values_in_one_wide_result():
    variables = [f"v{i}" for i in range(len(EDGE_VALUES))]
    rows = [tuple(EDGE_VALUES), tuple(reversed(EDGE_VALUES)), tuple([None] * len(EDGE_VALUES))]
    _check(QueryResult("SELECT", variables=variables, rows=rows))


@pytest.mark.parametrize("answer", [True, False])
def test_ask_reads_back(answer):
    _check(QueryResult("ASK", boolean=answer))


def test_empty_results_read_back():
    _check(QueryResult("SELECT", variables=["a", "b"], rows=[]))


def test_results_with_no_variables_read_back():
    _check(QueryResult("SELECT", variables=[], rows=[()]))
    _check(QueryResult("SELECT", variables=[], rows=[]))


def test_what_the_store_answers_reads_back_too():
    """Values produced by the engine itself (not built by hand), including blank nodes."""
    store = ox.Store()
    s = ox.NamedNode(EX + "s")
    for i, v in enumerate(EDGE_VALUES):
        if v is not None:
            store.add(ox.Quad(s, ox.NamedNode(EX + f"p{i}"), v))
    store.add(ox.Quad(ox.BlankNode(), ox.NamedNode(EX + "q"), ox.BlankNode()))
    q = "SELECT ?s ?p ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?none } } ORDER BY ?p ?o"
    sols = store.query(q)
    variables = [v.value for v in sols.variables]
    rows = [tuple(sol[v] for v in variables) for sol in sols]
    _check(QueryResult("SELECT", variables=variables, rows=rows))


def test_xml_keeps_carriage_returns_and_edge_spaces_for_any_xml_parser():
    """A conforming XML parser turns a raw CR into LF; pyoxigraph's does not, so check both."""
    from xml.etree import ElementTree

    values = ["crlf\r\nend", "\r", " both \t", "\n"]
    result = QueryResult("SELECT", variables=["x"], rows=[(ox.Literal(v),) for v in values])
    root = ElementTree.fromstring(RESULT_WRITERS["xml"](result))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert [e.text for e in root.iter(ns + "literal")] == values
