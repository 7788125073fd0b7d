"""Results as terms (what both engines are compared on) and as claimgraph's report.

:class:`ShaclResult` keeps every field of a SHACL validation result as a pyoxigraph term, with
the constraint component that validate.py's :class:`~claimgraph.validate.ValidationResult`
does not carry; :func:`to_report` turns a list of them into that module's
:class:`~claimgraph.validate.ValidationReport`, written and sorted exactly as the pyshacl path
writes and sorts it, so the CLI can render either engine's report with the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..anchors import DocumentCheck
from ..terms import CG, compact
from ..validate import (
    _SEVERITY_ORDER,
    SH,
    ValidationReport,
    ValidationResult,
    _About,
    _document_detail,
    _text_results,
)

__all__ = ["CompiledReport", "ShaclResult", "to_report", "report_turtle"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class ShaclResult:
    focus: Term
    component: ox.NamedNode
    severity: ox.NamedNode
    shape: ox.NamedNode | ox.BlankNode | None
    path: Term | None = None
    value: Term | None = None
    message: str | None = None

    def key(self, path_key: Callable[[Term | None], object] = lambda p: p) -> tuple[object, ...]:
        """What the equivalence tests compare: focus, component, path, severity, value."""
        return (self.focus, self.component, path_key(self.path), self.severity, self.value)


@dataclass
class CompiledReport(ValidationReport):
    """validate.py's report, plus what the engine has to say about how it validated (with
    ``auto``: which shapes went to pyshacl). The caller shows the notes: the CLI validates in
    a child process whose stderr is closed, so the engine never prints them itself."""

    notes: list[str] = field(default_factory=list)


def _show(term: Term | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def to_report(
    results: list[ShaclResult],
    labels: Callable[[Term], str | None],
    checks: list[DocumentCheck] | None = None,
    notes: list[str] | None = None,
) -> CompiledReport:
    """claimgraph's report: severities by local name, terms compacted, sorted like pyshacl's;
    with ``checks`` (the anchors checked against texts), their results as validate.py makes
    them (its own helpers), in every format."""
    found = []
    for r in results:
        severity = r.severity.value.rsplit("#", 1)[-1]
        found.append(
            ValidationResult(
                focus=_show(r.focus) or "",
                label=labels(r.focus),
                severity=severity,
                message=r.message or "constraint not met",
                path=_show(r.path) if isinstance(r.path, ox.NamedNode) else None,
                value=_show(r.value),
                shape=_show(r.shape) if isinstance(r.shape, ox.NamedNode) else None,
            )
        )
    text = _text_results(checks or [])
    found.extend(result for result, _ in text)
    found.sort(key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), r.focus, r.message, r.path or ""))
    report = CompiledReport(
        results=found,
        texts=None if checks is None else [_document_detail(c) for c in checks],
        notes=list(notes or ()),
    )
    report.report_turtle = report_turtle(results, report.conforms, text)
    return report


def _text_as_shacl(result: ValidationResult, about: _About) -> ShaclResult:
    focus, value, component = about
    return ShaclResult(
        focus=focus,
        component=ox.NamedNode(component),
        severity=ox.NamedNode(SH + result.severity),
        shape=None,
        path=ox.NamedNode(CG + result.path.split(":", 1)[1]) if result.path else None,
        value=value,
        message=result.message,
    )


def report_turtle(
    results: list[ShaclResult],
    conforms: bool,
    text: list[tuple[ValidationResult, _About]] = (),  # type: ignore[assignment]
) -> bytes:
    """The results (and the text checks') as a SHACL validation report graph in Turtle."""
    results = results + [_text_as_shacl(r, about) for r, about in text]

    def sh(name: str) -> ox.NamedNode:
        return ox.NamedNode(SH + name)

    report = ox.BlankNode()
    triples = [
        ox.Triple(report, ox.NamedNode(RDF_TYPE), sh("ValidationReport")),
        ox.Triple(report, sh("conforms"), ox.Literal(conforms)),
    ]
    for r in results:
        node = ox.BlankNode()
        triples += [
            ox.Triple(report, sh("result"), node),
            ox.Triple(node, ox.NamedNode(RDF_TYPE), sh("ValidationResult")),
            ox.Triple(node, sh("focusNode"), r.focus),
            ox.Triple(node, sh("resultSeverity"), r.severity),
            ox.Triple(node, sh("sourceConstraintComponent"), r.component),
        ]
        if r.shape is not None:
            triples.append(ox.Triple(node, sh("sourceShape"), r.shape))
        if r.path is not None:
            triples.append(ox.Triple(node, sh("resultPath"), r.path))
        if r.value is not None:
            triples.append(ox.Triple(node, sh("value"), r.value))
        if r.message is not None:
            triples.append(ox.Triple(node, sh("resultMessage"), ox.Literal(r.message)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sh": SH}) or b""
