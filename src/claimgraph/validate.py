"""SHACL validation of the claim graph with pyshacl, and a report people can read.

pyshacl works on rdflib graphs, so the graphs are handed over as N-Triples written by
pyoxigraph (no rdflib parser ever sees user input: files are parsed by pyoxigraph first).
Warnings do not make a graph non-conforming: only violations do (exit 1).

Given text sources, the anchors are also checked against the documents' texts
(:mod:`claimgraph.anchors`), and what that found joins the same report as SHACL results: a
span that does not match is a violation on the claim (or citation…) whose anchor it is, a text
that is not the recorded one is a violation on the document, and a document whose text was not
at hand gets an ``Info`` result, so every format says whether the anchors were checked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .anchors import DocumentCheck, SpanMismatch, check_anchors
from .draftprofile import apply_draft_profile
from .store import parse_rdf_file
from .terms import CG, ONTOLOGY_GRAPH, SHAPES_GRAPH, compact
from .texts import TextSources

__all__ = [
    "ValidationResult",
    "ValidationReport",
    "run_pyshacl",
    "validate_store",
    "validate_file",
]

SH = "http://www.w3.org/ns/shacl#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

#: ``sh:sourceConstraintComponent`` of the text checks in the Turtle report: they are no SHACL
#: constraint, and a SHACL result must name the component that produced it.
TEXT_CHECK = "https://w3id.org/claimgraph/check/"
SPAN_MATCHES_TEXT = TEXT_CHECK + "span-matches-text"
DOCUMENT_TEXT = TEXT_CHECK + "document-text"


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    label: str | None
    severity: str  # Violation, Warning, Info
    message: str
    path: str | None
    value: str | None
    shape: str | None
    #: The text checks' figures (offsets, both hashes…), for machines; None for SHACL results.
    detail: Mapping[str, object] | None = field(default=None, compare=False, hash=False)

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "focus": self.focus,
            "label": self.label,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "value": self.value,
            "shape": self.shape,
        }
        if self.detail is not None:
            found["detail"] = dict(self.detail)
        return found


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    report_turtle: bytes = b""
    #: One entry per anchored document when texts were looked for (see ``_document_detail``).
    texts: list[dict[str, object]] | None = None

    @property
    def violations(self) -> int:
        return sum(1 for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.results if r.severity == "Warning")

    @property
    def conforms(self) -> bool:
        return self.violations == 0

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "results": [r.as_dict() for r in self.results],
        }
        if self.texts is not None:
            found["texts"] = self.texts
        return found

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        """Grouped by the node at fault (claim, source…), violations first."""
        groups: dict[str, list[ValidationResult]] = defaultdict(list)
        for r in self.results:
            groups[r.focus].append(r)
        verdict = "conforms" if self.conforms else "does not conform"
        lines = [
            f"The graph {verdict}: {_n(self.violations, 'violation')}, "
            f"{_n(self.warnings, 'warning')}."
        ]

        def worst(focus: str) -> tuple[int, str]:
            return (min(_SEVERITY_ORDER.get(r.severity, 3) for r in groups[focus]), focus)

        for focus in sorted(groups, key=worst):
            items = groups[focus]
            label = items[0].label
            lines.append("")
            lines.append(f"{focus}" + (f' "{label}"' if label else ""))
            for r in items:
                detail = f" ({r.path})" if r.path else ""
                value = f" [value: {r.value}]" if r.value and r.value != focus else ""
                lines.append(f"  {r.severity}: {r.message}{detail}{value}")
        return "\n".join(lines) + "\n"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run_pyshacl(data_graph, shapes_graph):  # type: ignore[no-untyped-def]
    """pyshacl's report graph, run the one way claimgraph runs it (SHACL-AF, no inference)."""
    from pyshacl import validate as shacl_validate

    _conforms, report_graph, _text = shacl_validate(
        data_graph,
        shacl_graph=shapes_graph,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inference="none",
    )
    return report_graph


def _to_rdflib(quads: list[ox.Quad]):  # type: ignore[no-untyped-def]
    import rdflib

    graph = rdflib.Graph()
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=(data or b"").decode("utf-8"), format="nt")
    return graph


def _graph_quads(store: ox.Store, graph: str) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def validate_quads(
    data: list[ox.Quad],
    ontology: list[ox.Quad],
    shapes: list[ox.Quad],
    texts: TextSources | None = None,
) -> ValidationReport:
    """Validate data (with the ontology, for the class hierarchy) against shapes.

    With ``texts``, every anchor is also checked against its document's text; that runs first,
    so a ``--text`` file that cannot be used fails at once, not after the SHACL run.
    """
    checks = None
    if texts is not None:
        store = ox.Store()
        store.extend(data)
        checks = check_anchors(store, texts)
    data_graph = _to_rdflib(data + ontology)
    shapes_graph = _to_rdflib(shapes)
    report_graph = run_pyshacl(data_graph, shapes_graph)
    apply_draft_profile(report_graph, data_graph, shapes_graph)
    return _read_report(report_graph, data_graph, checks)


def _read_report(  # type: ignore[no-untyped-def]
    report, data_graph, checks: list[DocumentCheck] | None = None
) -> ValidationReport:
    import rdflib

    sh = rdflib.Namespace(SH)
    results = []
    for node in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(node, sh.focusNode)
        severity = report.value(node, sh.resultSeverity)
        message = report.value(node, sh.resultMessage)
        path = report.value(node, sh.resultPath)
        value = report.value(node, sh.value)
        shape = report.value(node, sh.sourceShape)
        label = data_graph.value(focus, rdflib.RDFS.label) if focus is not None else None
        results.append(
            ValidationResult(
                focus=_show(focus),
                label=str(label) if label is not None else None,
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                message=str(message) if message else "constraint not met",
                path=_show(path) if isinstance(path, rdflib.URIRef) else None,
                value=_show(value) if value is not None else None,
                shape=_show(shape) if isinstance(shape, rdflib.URIRef) else None,
            )
        )
    found = _text_results(checks or [])
    for result, node in found:
        _add_to_report(report, result, node)
    results.extend(result for result, _ in found)
    results.sort(
        key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), r.focus, r.message, r.path or "")
    )
    validation = ValidationReport(
        results=results,
        texts=None if checks is None else [_document_detail(c) for c in checks],
    )
    for node in report.subjects(rdflib.RDF.type, sh.ValidationReport):
        report.set((node, sh.conforms, rdflib.Literal(validation.conforms)))
    validation.report_turtle = report.serialize(format="turtle").encode("utf-8")
    return validation


# --- The text checks as results ------------------------------------------------------------


def _term(node: ox.NamedNode | ox.BlankNode) -> str:
    return compact(node.value) if isinstance(node, ox.NamedNode) else f"_:{node.value}"


def _document_detail(check: DocumentCheck) -> dict[str, object]:
    """The JSON summary of one document's check: what was compared, and the outcome."""
    return {
        "document": _term(check.document),
        "file_name": check.file_name,
        "status": check.status,
        "text": str(check.text) if check.text is not None else None,
        "expected_sha256": check.recorded_sha256,
        "actual_sha256": check.text_sha256,
        "anchors": len(check.anchors),
        "checked": len(check.anchors) if check.status == "checked" else 0,
        "mismatches": len(check.mismatches),
    }


def _n_anchors(count: int) -> str:
    """"Its 1 anchor was" / "Its 75 anchors were"."""
    return f"{_n(count, 'anchor')} {'was' if count == 1 else 'were'}"


def _document_result(check: DocumentCheck) -> ValidationResult:
    count = len(check.anchors)
    if check.status == "checked":
        severity = "Info"
        outcome = (
            "all match"
            if not check.mismatches
            else f"{len(check.mismatches)} do{'es' if len(check.mismatches) == 1 else ''} "
            "not match (see the violations)"
        )
        message = f"Its {_n_anchors(count)} checked against the text {check.text}: {outcome}."
    elif check.status == "differs":
        severity = "Violation"
        message = (
            f"The text {check.text} is not this document's: its SHA-256 is {check.text_sha256}, "
            f"the graph records {check.recorded_sha256} (cg:sha256). Its {_n_anchors(count)} "
            "not checked against it, because their offsets count in the recorded text."
        )
    else:
        severity = "Info"
        message = (
            f"Its {_n_anchors(count)} not checked: the document's text is not at hand "
            f"({check.hint})."
        )
    return ValidationResult(
        focus=_term(check.document),
        label=check.label,
        severity=severity,
        message=message,
        path="cg:sha256" if check.status == "differs" else None,
        value=None,
        shape=None,
        detail=_document_detail(check),
    )


def _span_result(check: DocumentCheck, miss: SpanMismatch) -> ValidationResult:
    a = miss.anchor
    if miss.actual is None:
        problem = (
            f"lies outside the text {check.text} ({_n(check.text_length or 0, 'character')}), "
            f"so it cannot have the SHA-256 the graph records, {a.sha256}"
        )
    else:
        problem = (
            f"does not match the text {check.text}: the graph records SHA-256 {a.sha256}, "
            f"the span there has {miss.actual}"
        )
    return ValidationResult(
        focus=_term(a.owner if a.owner is not None else a.node),
        label=a.owner_label,
        severity="Violation",
        message=f"The anchor's span {a.start}-{a.end} {problem}.",
        path=a.via if a.owner is not None else None,
        value=_term(a.node) if a.owner is not None else None,
        shape=None,
        detail={
            "anchor": _term(a.node),
            "document": _term(check.document),
            "start": a.start,
            "end": a.end,
            "expected_sha256": a.sha256,
            "actual_sha256": miss.actual,
            "text": str(check.text),
            "text_length": check.text_length,
        },
    )


#: What a text-check result is about, for the Turtle report: focus, value, constraint component.
_About = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode | ox.BlankNode | None, str]


def _text_results(checks: list[DocumentCheck]) -> list[tuple[ValidationResult, _About]]:
    """(result, the ox terms it is about) for every document and every mismatching span."""
    found: list[tuple[ValidationResult, _About]] = []
    for check in checks:
        found.append((_document_result(check), (check.document, None, DOCUMENT_TEXT)))
        for miss in check.mismatches:
            a = miss.anchor
            focus, value = (a.owner, a.node) if a.owner is not None else (a.node, None)
            found.append((_span_result(check, miss), (focus, value, SPAN_MATCHES_TEXT)))
    return found


def _add_to_report(  # type: ignore[no-untyped-def]
    report, result: ValidationResult, about: _About
) -> None:
    """The result as an ``sh:ValidationResult`` of pyshacl's report graph, for ``-f turtle``."""
    import rdflib

    sh = rdflib.Namespace(SH)

    def rdf(node):  # type: ignore[no-untyped-def]
        if isinstance(node, ox.NamedNode):
            return rdflib.URIRef(node.value)
        return rdflib.BNode(node.value)

    focus, value, component = about
    node = rdflib.BNode()
    for owner in report.subjects(rdflib.RDF.type, sh.ValidationReport):
        report.add((owner, sh.result, node))
    report.add((node, rdflib.RDF.type, sh.ValidationResult))
    report.add((node, sh.focusNode, rdf(focus)))
    report.add((node, sh.resultSeverity, sh[result.severity]))
    report.add((node, sh.resultMessage, rdflib.Literal(result.message)))
    report.add((node, sh.sourceConstraintComponent, rdflib.URIRef(component)))
    if result.path is not None:
        report.add((node, sh.resultPath, rdflib.URIRef(CG + result.path.split(":", 1)[1])))
    if value is not None:
        report.add((node, sh.value, rdf(value)))


def _show(term) -> str:  # type: ignore[no-untyped-def]
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return compact(str(term))
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def validate_store(store: ox.Store, texts: TextSources | None = None) -> ValidationReport:
    """Validate every document graph of the store against its shapes graph (and, with
    ``texts``, every anchor against its document's text)."""
    data = [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.NamedNode)
        or q.graph_name.value not in (ONTOLOGY_GRAPH, SHAPES_GRAPH)
    ]
    return validate_quads(
        data, _graph_quads(store, ONTOLOGY_GRAPH), _graph_quads(store, SHAPES_GRAPH), texts
    )


def validate_file(
    store: ox.Store, path: str | Path, texts: TextSources | None = None
) -> ValidationReport:
    """Validate one RDF file against the store's shapes (and ontology), and its anchors."""
    data = parse_rdf_file(path)
    return validate_quads(
        data, _graph_quads(store, ONTOLOGY_GRAPH), _graph_quads(store, SHAPES_GRAPH), texts
    )
