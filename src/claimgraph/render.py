"""Turning results into bytes: SPARQL results formats, RDF formats, and tables for people.

The SPARQL results serialisers are written here (not taken from pyoxigraph) because results
are materialised first, so that a row limit can cut them and a table can size its columns;
they follow the W3C formats (JSON, XML, CSV, TSV) and are shared by the CLI and the endpoint.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .errors import ClaimgraphError
from .sparql import QueryResult
from .terms import PREFIXES, compact

__all__ = [
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "render_result",
    "results_json",
    "results_xml",
    "results_csv",
    "results_tsv",
    "results_table",
    "serialize_triples",
    "term_json",
    "used_prefixes",
    "sort_prefix_lines",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: SELECT/ASK output formats and their media types.
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}

#: CONSTRUCT/DESCRIBE (and export) formats.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def term_json(term: Term) -> dict[str, object]:
    """A term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def results_json(result: QueryResult) -> bytes:
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}).encode()
    bindings = [
        {var: term_json(t) for var, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def results_xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ASK":
        out.append("<head/>")
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<head>")
        out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
        out.append("</head><results>")
        for row in result.rows:
            out.append("<result>")
            for var, t in zip(result.variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(var)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def results_csv(result: QueryResult) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.form == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


def results_tsv(result: QueryResult) -> bytes:
    if result.form == "ASK":
        return b"?boolean\n" + (b"true\n" if result.boolean else b"false\n")
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return str(term)


def results_table(result: QueryResult) -> str:
    """A plain table for people: compact names, one line per row, columns padded."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if result.form != "SELECT":
        return serialize_triples(result.triples, "turtle").decode("utf-8")
    header = result.variables
    body = [[_cell(t) for t in row] for row in result.rows]
    widths = [len(h) for h in header]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Iterable[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line("-" * w for w in widths)]
    out.extend(line(row) for row in body)
    count = len(body)
    out.append(
        f"({count} row{'s' if count != 1 else ''}{', truncated' if result.truncated else ''})"
    )
    return "\n".join(out) + "\n"


def used_prefixes(terms: Iterable[Term]) -> dict[str, str]:
    """The subset of our prefixes whose namespace some IRI among ``terms`` starts with."""
    iris: set[str] = set()
    for t in terms:
        if isinstance(t, ox.NamedNode):
            iris.add(t.value)
        elif isinstance(t, ox.Literal):
            iris.add(t.datatype.value)
    ordered = sorted(PREFIXES.items())
    return {p: ns for p, ns in ordered if any(i.startswith(ns) for i in iris)}


def serialize_triples(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples in an RDF format, sorted so the same graph always gives the same bytes."""
    if fmt not in ("turtle", "ntriples", "jsonld", "rdfxml"):
        raise ClaimgraphError(f"{fmt!r} is not a format for a graph result")
    ordered = sorted(set(triples), key=str)
    prefixes = used_prefixes(term for t in ordered for term in (t.subject, t.predicate, t.object))
    kwargs: dict[str, object] = {}
    if fmt in ("turtle", "rdfxml", "jsonld"):
        kwargs["prefixes"] = prefixes
    data = ox.serialize(ordered, format=GRAPH_FORMATS[fmt], **kwargs)  # type: ignore[arg-type]
    return sort_prefix_lines(data or b"")


def sort_prefix_lines(data: bytes) -> bytes:
    """Put the leading ``@prefix`` lines of Turtle or TriG in alphabetical order.

    pyoxigraph writes them in an order of its own; sorted, they read (and diff) predictably.
    """
    if not data.startswith(b"@prefix "):
        return data
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


def render_result(result: QueryResult, fmt: str) -> bytes:
    """The bytes of a result in ``fmt``: table, json, xml, csv, tsv, or an RDF format."""
    if fmt == "table":
        return results_table(result).encode("utf-8")
    if result.form in ("SELECT", "ASK"):
        writers = {"json": results_json, "xml": results_xml, "csv": results_csv, "tsv": results_tsv}
        if fmt not in writers:
            raise ClaimgraphError(
                f"--format {fmt} does not fit a {result.form} result; use table, json, xml, "
                "csv or tsv"
            )
        return writers[fmt](result)
    if fmt not in ("turtle", "ntriples", "jsonld", "rdfxml"):
        raise ClaimgraphError(
            f"--format {fmt} does not fit a graph result; use turtle, ntriples, jsonld or rdfxml"
        )
    return serialize_triples(result.triples, fmt)
