"""SHACL validation of the claim graph with pyshacl, and a report people can read.

pyshacl works on rdflib graphs, so the graphs are handed over as N-Triples written by
pyoxigraph (no rdflib parser ever sees user input: files are parsed by pyoxigraph first).
Warnings do not make a graph non-conforming: only violations do (exit 1).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .store import parse_rdf_file
from .terms import ONTOLOGY_GRAPH, SHAPES_GRAPH, compact

__all__ = ["ValidationResult", "ValidationReport", "validate_store", "validate_file"]

SH = "http://www.w3.org/ns/shacl#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    label: str | None
    severity: str  # Violation, Warning, Info
    message: str
    path: str | None
    value: str | None
    shape: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "focus": self.focus,
            "label": self.label,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "value": self.value,
            "shape": self.shape,
        }


@dataclass
class ValidationReport:
    results: list[ValidationResult] = field(default_factory=list)
    report_turtle: bytes = b""

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
        return {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "results": [r.as_dict() for r in self.results],
        }

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
    data: list[ox.Quad], ontology: list[ox.Quad], shapes: list[ox.Quad]
) -> ValidationReport:
    """Validate data (with the ontology, for the class hierarchy) against shapes."""
    from pyshacl import validate as shacl_validate

    data_graph = _to_rdflib(data + ontology)
    shapes_graph = _to_rdflib(shapes)
    _conforms, report_graph, _text = shacl_validate(
        data_graph,
        shacl_graph=shapes_graph,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inference="none",
    )
    return _read_report(report_graph, data_graph)


def _read_report(report, data_graph) -> ValidationReport:  # type: ignore[no-untyped-def]
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
    results.sort(
        key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), r.focus, r.message, r.path or "")
    )
    turtle = report.serialize(format="turtle").encode("utf-8")
    return ValidationReport(results=results, report_turtle=turtle)


def _show(term) -> str:  # type: ignore[no-untyped-def]
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return compact(str(term))
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def validate_store(store: ox.Store) -> ValidationReport:
    """Validate every document graph of the store against its shapes graph."""
    data = [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.NamedNode)
        or q.graph_name.value not in (ONTOLOGY_GRAPH, SHAPES_GRAPH)
    ]
    return validate_quads(
        data, _graph_quads(store, ONTOLOGY_GRAPH), _graph_quads(store, SHAPES_GRAPH)
    )


def validate_file(store: ox.Store, path: str | Path) -> ValidationReport:
    """Validate one RDF file against the store's shapes (and ontology)."""
    data = parse_rdf_file(path)
    return validate_quads(
        data, _graph_quads(store, ONTOLOGY_GRAPH), _graph_quads(store, SHAPES_GRAPH)
    )
