"""Each kind of fault in a small hand-written graph yields exactly the expected result."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.store import parse_rdf_file
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH
from claimgraph.validate import ValidationReport, validate_quads

from .conftest import DATA

EX = "http://example.org/tea/"
CG = "https://w3id.org/claimgraph/ontology#"
CITO = "http://purl.org/spar/cito/"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@pytest.fixture(scope="module")
def mini() -> list[ox.Quad]:
    return parse_rdf_file(DATA / "mini-graph.ttl")


def check(bundled_store: ox.Store, quads: list[ox.Quad]) -> ValidationReport:
    def graph(name: str) -> list[ox.Quad]:
        return list(bundled_store.quads_for_pattern(None, None, None, _n(name)))

    return validate_quads(quads, graph(ONTOLOGY_GRAPH), graph(SHAPES_GRAPH))


def without(quads: list[ox.Quad], subject: str, predicate: str) -> list[ox.Quad]:
    kept = [q for q in quads if not (q.subject == _n(subject) and q.predicate == _n(predicate))]
    assert len(kept) < len(quads), "the fixture does not have the triple to remove"
    return kept


def replaced(quads: list[ox.Quad], subject: str, predicate: str, obj: object) -> list[ox.Quad]:
    kept = without(quads, subject, predicate)
    return kept + [ox.Quad(_n(subject), _n(predicate), obj)]  # type: ignore[arg-type]


def only(report: ValidationReport) -> tuple[str, str, str]:
    assert len(report.results) == 1, report.to_text()
    r = report.results[0]
    return r.focus, r.severity, r.message


def test_the_fixture_itself_conforms(bundled_store, mini):
    report = check(bundled_store, mini)
    assert report.conforms and report.results == [], report.to_text()


def test_claim_without_document(bundled_store, mini):
    report = check(bundled_store, without(mini, EX + "claim-first-brewed", CG + "statedIn"))
    assert not report.conforms
    focus, severity, message = only(report)
    assert focus == f"<{EX}claim-first-brewed>"
    assert severity == "Violation"
    assert message == "The claim names no document it is stated in (cg:statedIn)."


def test_claim_without_source(bundled_store, mini):
    report = check(
        bundled_store, without(mini, EX + "claim-first-brewed", CITO + "citesAsEvidence")
    )
    focus, severity, message = only(report)
    assert (focus, severity) == (f"<{EX}claim-first-brewed>", "Violation")
    assert message.startswith("The claim cites no source and is not marked as unsourced")


def test_source_without_year(bundled_store, mini):
    report = check(bundled_store, without(mini, EX + "lu-0760", DCT + "issued"))
    focus, severity, message = only(report)
    assert (focus, severity) == (f"<{EX}lu-0760>", "Violation")
    assert "no year of publication" in message


def test_source_without_creator(bundled_store, mini):
    report = check(bundled_store, without(mini, EX + "lu-0760", DCT + "creator"))
    assert only(report)[2] == "The source has no creator (dcterms:creator, an agent)."


def test_claim_without_asserting_agent(bundled_store, mini):
    report = check(
        bundled_store, without(mini, EX + "claim-first-brewed", PROV + "wasAttributedTo")
    )
    assert only(report)[2] == "No agent asserts the claim (prov:wasAttributedTo)."


def test_claim_without_anchor(bundled_store, mini):
    report = check(bundled_store, without(mini, EX + "claim-first-brewed", CG + "anchor"))
    assert "no text anchor" in only(report)[2]


def test_reported_claim_without_stance(bundled_store, mini):
    report = check(bundled_store, without(mini, EX + "claim-cures-colds", CG + "stance"))
    assert "endorses, disputes or relays" in only(report)[2]


# The consistency rules of voice, stance and dates (v2): each broken fixture yields exactly its
# violation.


def test_a_claim_voiced_by_someone_else_needs_a_reporter(bundled_store, mini):
    quads = without(mini, EX + "claim-cures-colds", CG + "reportedBy")
    quads = without(quads, EX + "claim-cures-colds", CG + "stance")
    focus, severity, message = only(check(bundled_store, quads))
    assert (focus, severity) == (f"<{EX}claim-cures-colds>", "Violation")
    assert message == (
        "The claim is voiced by someone other than the document's author but does not say who "
        "reports it (cg:reportedBy)."
    )


def test_the_authors_own_claim_needs_no_reporter(bundled_store, mini):
    # the same claim in the author's voice, without reporter or stance, is fine
    quads = without(mini, EX + "claim-cures-colds", CG + "reportedBy")
    quads = without(quads, EX + "claim-cures-colds", CG + "stance")
    quads = replaced(quads, EX + "claim-cures-colds", PROV + "wasAttributedTo", _n(EX + "ada"))
    assert check(bundled_store, quads).results == []


def test_a_stance_belongs_only_to_reported_claims(bundled_store, mini):
    stance = _n("https://w3id.org/claimgraph/vocab/stance/endorses")
    quads = mini + [ox.Quad(_n(EX + "claim-first-brewed"), _n(CG + "stance"), stance)]
    focus, severity, message = only(check(bundled_store, quads))
    assert (focus, severity) == (f"<{EX}claim-first-brewed>", "Violation")
    assert message.startswith("The claim has a stance but is not reported (no cg:reportedBy)")


def test_an_endorsed_claim_is_not_challenged_by_the_author(bundled_store, mini):
    endorses = _n("https://w3id.org/claimgraph/vocab/stance/endorses")
    quads = replaced(mini, EX + "claim-cures-colds", CG + "stance", endorses)
    assert check(bundled_store, quads).results == []  # endorsing alone is fine
    challenges = _n("http://purl.org/mp/challenges")
    quads.append(ox.Quad(_n(EX + "claim-first-brewed"), challenges, _n(EX + "claim-cures-colds")))
    focus, severity, message = only(check(bundled_store, quads))
    assert (focus, severity) == (f"<{EX}claim-cures-colds>", "Violation")
    assert message == (
        "The document endorses this claim yet challenges it with a claim in the author's own voice."
    )


def _event(date: ox.Literal, *extra: tuple[str, object]) -> list[ox.Quad]:
    event = _n(EX + "event")
    quads = [
        ox.Quad(event, _n(RDF_TYPE), _n(CG + "Event")),
        ox.Quad(event, _n("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Tea party")),
        ox.Quad(event, _n(DCT + "date"), date),
    ]
    return quads + [ox.Quad(event, _n(p), o) for p, o in extra]  # type: ignore[arg-type]


def test_an_event_date_no_document_gives_needs_outside_knowledge_provenance(bundled_store, mini):
    day = ox.Literal("0760-05-01", datatype=_n(XSD + "date"))
    focus, severity, message = only(check(bundled_store, mini + _event(day)))
    assert (focus, severity) == (f"<{EX}event>", "Violation")
    assert message.startswith("The event's date is given by no document (cg:datedBy)")
    # dated by the text: fine
    anchored = _event(day, (CG + "datedBy", _n(EX + "anchor-first-brewed")))
    assert check(bundled_store, mini + anchored).results == []
    # or stated as outside knowledge with its provenance: fine
    fact = _n(EX + "fact")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    outside = [
        ox.Quad(fact, _n(RDF_TYPE), _n(CG + "OutsideKnowledge")),
        ox.Quad(fact, _n(rdf + "subject"), _n(EX + "event")),
        ox.Quad(fact, _n(rdf + "predicate"), _n(DCT + "date")),
        ox.Quad(fact, _n(rdf + "object"), day),
        ox.Quad(fact, _n(DCT + "source"), ox.Literal("a chronicle")),
        ox.Quad(fact, _n(PROV + "wasAttributedTo"), _n(EX + "ada")),
    ]
    assert check(bundled_store, mini + _event(day) + outside).results == []
    # outside knowledge without its source does not count
    sourceless = [q for q in outside if q.predicate != _n(DCT + "source")]
    report = check(bundled_store, mini + _event(day) + sourceless)
    messages = sorted(r.message for r in report.results)
    assert len(messages) == 2 and messages[0].startswith("Outside knowledge must name where")


def test_reported_claim_attributed_to_its_reporter(bundled_store, mini):
    quads = replaced(mini, EX + "claim-cures-colds", PROV + "wasAttributedTo", _n(EX + "ada"))
    focus, severity, message = only(check(bundled_store, quads))
    assert severity == "Violation" and "same agent that reports it" in message


def test_anchor_in_reference_list_is_outside_the_body(bundled_store, mini):
    quads = replaced(
        mini,
        EX + "anchor-cures-colds-position",
        OA + "end",
        ox.Literal("105", datatype=_n(XSD + "integer")),
    )
    focus, severity, message = only(check(bundled_store, quads))
    assert focus == f"<{EX}claim-cures-colds>"
    assert "outside the essay body" in message


def test_anchor_past_the_end_of_the_text(bundled_store, mini):
    quads = replaced(
        mini, EX + "doc", CG + "charLength", ox.Literal("90", datatype=_n(XSD + "integer"))
    )
    quads = replaced(
        quads, EX + "doc", CG + "bodyEnd", ox.Literal("90", datatype=_n(XSD + "integer"))
    )
    report = check(bundled_store, quads)
    messages = sorted(r.message for r in report.results)
    assert messages == [
        "The anchor ends after the end of its document's text (cg:charLength).",
        "The anchor lies outside the essay body "
        "(before its first paragraph or in or after the reference list).",
    ]


def test_unresolved_citation_is_a_warning_not_a_violation(bundled_store, mini):
    quads = without(mini, EX + "citation-lu", CITO + "hasCitedEntity")
    quads.append(ox.Quad(_n(EX + "citation-lu"), _n(CG + "unresolved"), ox.Literal(True)))
    report = check(bundled_store, quads)
    assert report.conforms
    # the reference is now cited by nothing: that is a second warning, on the list's entry
    assert sorted((r.focus, r.severity) for r in report.results) == [
        (f"<{EX}citation-lu>", "Warning"),
        (f"<{EX}reference-lu>", "Warning"),
    ]
    by_focus = {r.focus: r.message for r in report.results}
    assert (
        by_focus[f"<{EX}citation-lu>"]
        == "The citation names a work that is not in the reference list."
    )
    assert by_focus[f"<{EX}reference-lu>"] == (
        "No in-text citation of this entry's document cites the work it refers to."
    )


def test_citation_neither_resolved_nor_flagged(bundled_store, mini):
    quads = without(mini, EX + "citation-lu", CITO + "hasCitedEntity")
    report = check(bundled_store, quads)
    violations = [r for r in report.results if r.severity == "Violation"]
    assert [r.message for r in violations] == [
        "The citation resolves to no reference and is not flagged unresolved (cg:unresolved true)."
    ]


def test_event_date_must_be_typed(bundled_store, mini):
    dated = (CG + "datedBy", _n(EX + "anchor-first-brewed"))
    quads = mini + _event(ox.Literal("in 760"), dated)
    focus, severity, message = only(check(bundled_store, quads))
    assert focus == f"<{EX}event>" and "xsd:gYear, xsd:gYearMonth or xsd:date" in message


def test_text_report_groups_by_node_with_label(bundled_store, mini):
    report = check(bundled_store, without(mini, EX + "claim-first-brewed", CG + "statedIn"))
    assert report.to_text() == (
        "The graph does not conform: 1 violation, 0 warnings.\n"
        "\n"
        f'<{EX}claim-first-brewed> "Green tea was first made in China."\n'
        "  Violation: The claim names no document it is stated in (cg:statedIn). (cg:statedIn)\n"
    )
