"""Several documents share one store without collisions, and every stored query answers each.

The store holds the bundled essay twice, under two document IRIs (the bundled files, and a copy
whose document slug is ``bpn-copy``), and a small second essay written for the tests
(``tests/data/second-essay/``). Each stored query must answer for one document exactly what it
answers when that document is alone, tell the documents apart when no ``doc`` is given, and
give the second essay the answers a reader of that essay expects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyoxigraph as ox
import pytest

from claimgraph.catalog import load_catalog
from claimgraph.errors import ParameterError
from claimgraph.resources import bundled_dir
from claimgraph.sparql import QueryResult, run_stored
from claimgraph.store import open_store
from claimgraph.terms import SHARED_GRAPH, compact, document_graph, split_document_item

from .conftest import DATA

CATALOG = load_catalog()
BPN = "broken-promises-narrative"
COPY = "bpn-copy"
SECOND = "promises-and-perceptions"
ESSAYS = (BPN, COPY)


def _in_graph(quads: object, graph: ox.NamedNode) -> list[ox.Quad]:
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]  # type: ignore[attr-defined]


def _copy_of_the_bundled_essay() -> list[ox.Quad]:
    graph = ox.NamedNode(document_graph(COPY))
    quads: list[ox.Quad] = []
    for path in sorted((bundled_dir("data") / BPN).glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"/id/doc/{BPN}", f"/id/doc/{COPY}").replace(
            f"doc:{BPN}", f"doc:{COPY}"
        )
        quads.extend(_in_graph(ox.parse(text, format=ox.RdfFormat.TURTLE), graph))
    return quads


@pytest.fixture(scope="module")
def alone() -> ox.Store:
    return open_store()


@pytest.fixture(scope="module")
def three() -> ox.Store:
    store = open_store()
    store.extend(_copy_of_the_bundled_essay())
    second = DATA / "second-essay" / f"{SECOND}.ttl"
    store.extend(_in_graph(ox.parse(path=str(second)), ox.NamedNode(document_graph(SECOND))))
    shared = DATA / "second-essay" / "shared.ttl"
    store.extend(_in_graph(ox.parse(path=str(shared)), ox.NamedNode(SHARED_GRAPH)))
    return store


def _show(term: object, doc: str | None = None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = compact(term.value)
        if doc is not None:
            text = text.replace(f":{doc}/", ":DOC/").replace(f"doc:{doc}", "doc:DOC")
        return text
    return str(term.value)  # type: ignore[attr-defined]


def _rows(result: QueryResult, doc: str | None = None) -> list[tuple[str, ...]]:
    if result.form == "SELECT":
        return [tuple(_show(t, doc) for t in row) for row in result.rows]
    return sorted(
        (_show(t.subject, doc), _show(t.predicate, doc), _show(t.object, doc))
        for t in result.triples
    )


def _run(store: ox.Store, name: str, params: Mapping[str, str]) -> QueryResult:
    return run_stored(store, CATALOG.get_query(name), dict(params))


def _doc_param(name: str) -> bool:
    return any(p.name == "doc" for p in CATALOG[name].params)


def _item_params(name: str) -> dict[str, str]:
    """The parameters naming an item of a document (a claim, a section), with their defaults."""
    out = {}
    for p in CATALOG[name].params:
        if p.class_iri and p.class_iri.rsplit("#", 1)[1] in ("Claim", "Section") and p.default:
            out[p.name] = p.default
    return out


@pytest.mark.parametrize("name", [n for n in CATALOG if _doc_param(n)])
def test_a_query_with_doc_answers_for_that_document_what_it_answers_alone(name, alone, three):
    expected = _rows(_run(alone, name, {"doc": BPN}), BPN)
    # an empty answer would prove nothing; the essay cites every work it lists (the second
    # essay, checked below, does not)
    assert expected or name == "uncited-references"
    for doc in ESSAYS:
        assert _rows(_run(three, name, {"doc": doc}), doc) == expected, doc


@pytest.mark.parametrize("name", [n for n in CATALOG if _doc_param(n)])
def test_without_doc_a_query_answers_every_document_with_a_doc_column(name, three):
    result = _run(three, name, {})
    assert "doc" in result.variables
    i = result.variables.index("doc")
    together = Counter(_rows(result))
    per_document: Counter[tuple[str, ...]] = Counter()
    for doc in (*ESSAYS, SECOND):
        for row in _rows(_run(three, name, {"doc": doc})):
            per_document[(*row[:i], f"doc:{doc}", *row[i:])] += 1
    assert together == per_document
    assert {row[i] for row in together} == {f"doc:{d}" for d in (*ESSAYS, SECOND)} or name in (
        "uncited-references",  # only the second essay has an uncited reference
    )


@pytest.mark.parametrize("name", [n for n in CATALOG if _item_params(n)])
def test_a_claim_or_section_is_named_doc_slash_slug_in_each_document(name, alone, three):
    defaults = _item_params(name)
    expected = _rows(_run(alone, name, defaults), BPN)
    assert expected
    for doc in ESSAYS:
        answer = _run(three, name, {k: f"{doc}/{v}" for k, v in defaults.items()})
        assert _rows(answer, doc) == expected, doc
    with pytest.raises(ParameterError, match="in 2 documents"):
        _run(three, name, defaults)  # the bare default slug is in both copies of the essay


def test_no_item_of_one_document_leaks_into_anothers_provenance(three):
    for doc in (*ESSAYS, SECOND):
        claim = f"{doc}/no-binding-agreement" if doc != SECOND else "archives-contradict-deception"
        result = _run(three, "claim-provenance", {"claim": claim})
        docs = {
            item[0]
            for t in result.triples
            for term in (t.subject, t.object)
            if isinstance(term, ox.NamedNode) and (item := split_document_item(term.value))
        }
        assert docs == {doc}


def test_global_things_are_shared_not_copied(three):
    """Actors, events and works are one node each, whichever documents mention them."""
    timeline = _rows(_run(three, "event-timeline", {}))
    assert timeline == _rows(_run(open_store(), "event-timeline", {}))
    citing = _rows(_run(three, "claims-citing-source", {"source": "sarotte-2021"}))
    assert {row[0] for row in citing} == {f"doc:{d}" for d in (*ESSAYS, SECOND)}


def c(slug: str) -> str:
    return f"claim:{SECOND}/{slug}"


# What a reader of tests/data/second-essay/promises-and-perceptions.txt expects of each query.
SECOND_EXPECTED: dict[str, tuple[dict[str, str], tuple[str, ...], object]] = {
    "author-unsourced-assertions": (
        {},
        ("claim",),
        [(c("memory-shapes-bargains"),), (c("mistrust-will-persist"),)],
    ),
    "claims-about-actor": (
        {"actor": "the-west"},
        ("claim",),
        [(c("west-deceived-moscow"),), (c("mistrust-will-persist"),)],
    ),
    "claims-about-event": (
        {"event": "nato-enlargement"},
        ("claim",),
        [
            (c("west-deceived-moscow"),),
            (c("archives-contradict-deception"),),
            (c("elites-see-threat"),),
        ],
    ),
    "claims-by-actor": (
        {"actor": "russian-government"},
        ("claim",),
        [(c("west-deceived-moscow"),)],
    ),
    "claims-citing-source": (
        {"source": "sarotte-2021"},
        ("claim", "role"),
        {
            (c("archives-contradict-deception"), "is evidence for"),
            (c("west-deceived-moscow"), "disputes"),
        },
    ),
    "claims-per-section": (
        {},
        ("section", "claims"),
        [(f"section:{SECOND}/opening", "6"), (f"section:{SECOND}/outlook", "1")],
    ),
    "claims-per-kind": (
        {},
        ("kind", "claims", "reportedClaims"),
        {
            ("ctype:interpretive", "4", "1"),
            ("ctype:factual", "2", "1"),
            ("ctype:predictive", "1", "0"),
            ("ctype:normative", "1", "0"),
        },
    ),
    "claims-without-source": (
        {},
        ("claim",),
        [
            (c("memory-shapes-bargains"),),
            (c("west-deceived-moscow"),),
            (c("mistrust-will-persist"),),
        ],
    ),
    "contested-claims": (
        {},
        ("claim", "backing", "disputing"),
        [(c("west-deceived-moscow"), "1", "2")],
    ),
    "online-references": (
        {},
        ("source", "link"),
        [("source:marten-2023", "<https://doi.org/10.1007/978-3-031-23364-7_7>")],
    ),
    "references-by-backing": (
        {},
        ("source", "backs", "disputes"),
        [
            ("source:sarotte-2021", "1", "1"),
            ("source:kasekamp-2018", "1", "0"),
            ("source:marten-2023", "1", "0"),
            ("source:tsygankov-2012", "1", "0"),
            ("source:smith-2019", "0", "0"),
        ],
    ),
    "reported-speech": (
        {},
        ("voice", "claim"),
        [
            ("actor:kasekamp-a", c("baltic-accession-freely-chosen")),
            ("actor:russian-government", c("west-deceived-moscow")),
        ],
    ),
    "uncited-references": ({}, ("source",), [("source:smith-2019",)]),
    "unresolved-citations": (
        {},
        ("citation",),
        [(f"citation:{SECOND}/tsygankov-2012-ivanov-2020",)],
    ),
    "claim-support-and-dispute": (
        {"claim": "west-deceived-moscow"},
        ("kind", "item", "role"),
        {
            ("source", "source:sarotte-2021", "disputes"),
            ("claim", c("archives-contradict-deception"), "disputes"),
        },
    ),
    "claims-in-section": ({"section": "outlook"}, ("claim",), [(c("mistrust-will-persist"),)]),
    "reasons-for-claim": (
        {"claim": "mistrust-will-persist"},
        ("reason", "source"),
        [(c("memory-shapes-bargains"), ""), (c("mistrust-will-persist"), "")],
    ),
    "sources-supporting-claim": (
        {"claim": "archives-contradict-deception"},
        ("source", "role"),
        [("source:sarotte-2021", "is evidence for")],
    ),
    "claim-provenance": (
        {"claim": f"{SECOND}/archives-contradict-deception"},
        ("subject", "predicate", "object"),
        {
            (c("archives-contradict-deception"), "cito:citesAsEvidence", "source:sarotte-2021"),
            (c("archives-contradict-deception"), "mp:challenges", c("west-deceived-moscow")),
            (c("archives-contradict-deception"), "cg:statedIn", f"doc:{SECOND}"),
            (f"citation:{SECOND}/sarotte-2021", "cg:citationText", "(Sarotte, 2021)"),
        },
    ),
    "event-timeline": (
        {},
        ("event",),
        {("event:2004-baltic-enlargement",), ("event:nato-enlargement",)},
    ),
}


@pytest.mark.parametrize("name", sorted(SECOND_EXPECTED))
def test_the_second_essay_gets_its_own_answers(name, three):
    params, columns, expected = SECOND_EXPECTED[name]
    if _doc_param(name):
        params = {**params, "doc": SECOND}
    result = _run(three, name, params)
    if result.form == "CONSTRUCT":
        assert isinstance(expected, set)
        assert expected <= set(_rows(result))
        return
    idx = [result.variables.index(col) for col in columns]
    got = [tuple(row[i] for i in idx) for row in _rows(result)]
    if isinstance(expected, set):
        assert expected <= set(got) if name == "event-timeline" else set(got) == expected
    else:
        assert got == expected


def test_every_stored_query_is_checked_on_the_second_essay():
    assert sorted(SECOND_EXPECTED) == sorted(CATALOG)


def test_the_three_documents_conform_with_each_documents_own_warnings(three):
    """Validation runs over all documents at once; an uncited entry is judged per document
    (the second essay lists Smith 2019 and cites it nowhere), and each copy of the essay keeps
    its own unresolved citation."""
    from claimgraph.validate import validate_store

    report = validate_store(three)
    assert report.conforms, report.to_text()
    assert sorted((r.focus, r.severity) for r in report.results) == [
        ("citation:bpn-copy/madeira-2019", "Warning"),
        ("citation:broken-promises-narrative/madeira-2019", "Warning"),
        (f"citation:{SECOND}/tsygankov-2012-ivanov-2020", "Warning"),
        (f"reference:{SECOND}/smith-2019", "Warning"),
    ]


def test_an_export_of_one_document_declares_its_own_prefixes(three):
    """One document's items are written claim:SLUG, as in its data files; with several
    documents no prefix could name both, so none is declared."""
    from claimgraph.serialize import serialize_quads

    graph = ox.NamedNode(document_graph(SECOND))
    one = serialize_quads(three.quads_for_pattern(None, None, None, graph), "turtle").decode()
    assert f"@prefix claim: <https://w3id.org/claimgraph/id/doc/{SECOND}/claim/> ." in one
    assert "\nclaim:mistrust-will-persist " in one
    quads = [
        q
        for doc in ESSAYS
        for q in three.quads_for_pattern(None, None, None, ox.NamedNode(document_graph(doc)))
    ]
    both = serialize_quads(quads, "trig").decode()
    assert "@prefix claim:" not in both
    assert set(ox.parse(both, format=ox.RdfFormat.TRIG)) == set(quads)
