"""Turning results into bytes: SPARQL results formats, RDF formats, and tables for people.

The SPARQL results serialisers are written here (not taken from pyoxigraph) because results
are materialised first, so that a row limit can cut them and a table can size its columns;
they follow the W3C formats (JSON, XML, CSV, TSV) and are shared by the CLI and the endpoint.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from . import formats
from .errors import ClaimgraphError
from .serialize import serialize_graph, sort_prefix_lines, used_prefixes
from .sparql import QueryResult
from .table import render_table
from .terms import compact
from .xmltext import escape, quoteattr

__all__ = [
    "RESULT_FORMATS",
    "RESULT_WRITERS",
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

#: SELECT/ASK output formats and the Content-Type each is sent with (from :mod:`formats`).
RESULT_FORMATS: dict[str, str] = {
    f.name: f.content_type for f in formats.FORMATS if f.family == "results"
}

#: CONSTRUCT/DESCRIBE (and export) formats and their pyoxigraph formats (from :mod:`formats`).
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    f.name: f.ox_format  # type: ignore[misc]
    for f in formats.FORMATS
    if f.family in ("graph", "dataset")
}

#: The formats a CONSTRUCT/DESCRIBE result can be written in: one graph, no quads.
_GRAPH_RESULT_FORMATS = tuple(formats.names("graph"))

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


_XML_SPACE = " \t\n\r"


def _xml_text(value: str) -> str:
    """A literal's text for XML, whitespace kept.

    XML parsers turn a raw CR into LF, and some (pyoxigraph's among them) trim text content, so
    CRs and leading or trailing whitespace go out as character references, as pyoxigraph does.
    """
    start, end = 0, len(value)
    while start < end and value[start] in _XML_SPACE:
        start += 1
    while end > start and value[end - 1] in _XML_SPACE:
        end -= 1

    def refs(text: str) -> str:
        return "".join(f"&#{ord(c)};" for c in text)

    middle = escape(value[start:end], {"\r": "&#13;"})
    return refs(value[:start]) + middle + refs(value[end:])


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        text = _xml_text(term.value)
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{text}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{text}</literal>"
        return f"<literal>{text}</literal>"
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
    """SPARQL TSV; the W3C format has no boolean form, so ASK is a bare true/false line, as
    pyoxigraph writes and reads it (a ``?boolean`` header would read back as a SELECT)."""
    if result.form == "ASK":
        return b"true\n" if result.boolean else b"false\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


#: The hand-written writer of each results format; one per results format in the registry.
RESULT_WRITERS: dict[str, Callable[[QueryResult], bytes]] = {
    "json": results_json,
    "xml": results_xml,
    "csv": results_csv,
    "tsv": results_tsv,
}


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


def results_table(
    result: QueryResult,
    *,
    max_width: int | None = None,
    wide: bool = False,
    wrap: bool = False,
) -> str:
    """A plain table for people: compact names, one line per row, columns padded.

    With ``max_width`` (and not ``wide``) the columns holding literals (labels) narrow so the
    table fits, see :mod:`table`; IRI columns keep their width.
    """
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if result.form != "SELECT":
        return serialize_triples(result.triples, "turtle").decode("utf-8")
    body = [[_cell(t) for t in row] for row in result.rows]
    labels = [
        i
        for i in range(len(result.variables))
        if any(isinstance(row[i], ox.Literal) for row in result.rows)
    ]
    out = render_table(
        result.variables, body, max_width=max_width, wide=wide, wrap=wrap, shrink=labels or None
    )
    count = len(body)
    out.append(
        f"({count} row{'s' if count != 1 else ''}{', truncated' if result.truncated else ''})"
    )
    return "\n".join(out) + "\n"


def serialize_triples(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples in an RDF format, canonical (see :mod:`serialize`), as the worker calls it."""
    if fmt not in _GRAPH_RESULT_FORMATS:
        raise ClaimgraphError(f"{fmt!r} is not a format for a graph result")
    return serialize_graph(triples, fmt)


def render_result(
    result: QueryResult,
    fmt: str,
    *,
    max_width: int | None = None,
    wide: bool = False,
    wrap: bool = False,
) -> bytes:
    """The bytes of a result in ``fmt``: table, json, xml, csv, tsv, or an RDF format.

    ``max_width``, ``wide`` and ``wrap`` shape the table only (see :func:`results_table`).
    """
    if fmt == "table":
        return results_table(result, max_width=max_width, wide=wide, wrap=wrap).encode("utf-8")
    if result.form in ("SELECT", "ASK"):
        if fmt not in RESULT_WRITERS:
            raise ClaimgraphError(
                f"--format {fmt} does not fit a {result.form} result; use table, "
                f"{', '.join(list(RESULT_WRITERS)[:-1])} or {list(RESULT_WRITERS)[-1]}"
            )
        return RESULT_WRITERS[fmt](result)
    if fmt not in _GRAPH_RESULT_FORMATS:
        raise ClaimgraphError(
            f"--format {fmt} does not fit a graph result; use "
            f"{', '.join(_GRAPH_RESULT_FORMATS[:-1])} or {_GRAPH_RESULT_FORMATS[-1]}"
        )
    return serialize_triples(result.triples, fmt)
