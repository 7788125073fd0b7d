"""Every anchor of the bundled graph points at the right span of the real essay.

Needs the essay (../shared/essay/ or $CLAIMGRAPH_ESSAY); skipped with that reason only where the
file is absent. CI always has it.
"""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox
import pytest

from claimgraph.terms import PREFIXES, document_graph

DOC = ox.NamedNode(PREFIXES["doc"] + "broken-promises-narrative")
ESSAY_SHA256 = "5ad10db28916c229adb358350b2304350314ae2dec17dedcda80b0007d296c52"

ANCHORS = """
SELECT ?owner ?kind ?anchor ?start ?end ?sha WHERE {
  ?owner cg:anchor|cg:datedBy ?anchor ; a ?kind .
  FILTER (?kind IN (cg:Claim, cg:InTextCitation, cg:Section, cg:ReferenceEntry, cg:Event))
  ?anchor oa:hasSource ?doc ; cg:sha256 ?sha ; oa:hasSelector ?pos .
  ?pos oa:start ?start ; oa:end ?end .
} ORDER BY ?start
"""


def _anchors(store: ox.Store) -> list[tuple[str, str, int, int, str]]:
    from claimgraph.sparql import execute

    rows = execute(store, ANCHORS).rows
    return [
        (r[0].value, r[1].value.rsplit("#", 1)[1], int(r[3].value), int(r[4].value), r[5].value)
        for r in rows
    ]


def _doc_value(store: ox.Store, prop: str) -> str:
    (q,) = store.quads_for_pattern(DOC, ox.NamedNode(PREFIXES["cg"] + prop), None, None)
    return q.object.value


def test_document_records_the_essay_file(bundled_store, essay_text):
    assert hashlib.sha256(essay_text.encode("utf-8")).hexdigest() == ESSAY_SHA256
    assert _doc_value(bundled_store, "sha256") == ESSAY_SHA256
    assert int(_doc_value(bundled_store, "charLength")) == len(essay_text)


def test_every_anchor_hash_matches_the_essay(bundled_store, essay_text):
    anchors = _anchors(bundled_store)
    assert len(anchors) >= 40
    wrong = [
        (owner, start, end)
        for owner, _kind, start, end, sha in anchors
        if hashlib.sha256(essay_text[start:end].encode("utf-8")).hexdigest() != sha
    ]
    assert wrong == []


def test_no_claim_or_citation_anchor_lies_outside_the_body(bundled_store, essay_text):
    body_start = int(_doc_value(bundled_store, "bodyStart"))
    body_end = int(_doc_value(bundled_store, "bodyEnd"))
    assert essay_text[body_end:].startswith("Reference list")
    assert essay_text[body_start:].startswith("The debate over NATO expansion")
    outside = [
        (owner, start, end)
        for owner, kind, start, end, _ in _anchors(bundled_store)
        if kind in ("Claim", "InTextCitation") and not (body_start <= start < end <= body_end)
    ]
    assert outside == []


def test_nothing_comes_from_the_page_trailers(bundled_store, essay_text):
    trailers = essay_text.index("In this Section")
    assert all(end <= trailers for _, _, _, end, _ in _anchors(bundled_store))


def test_claim_labels_are_paraphrases_not_copies(bundled_store, essay_text):
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    essay_words = words(essay_text)
    runs = {tuple(essay_words[i : i + 6]) for i in range(len(essay_words) - 5)}
    graph = ox.NamedNode(document_graph("broken-promises-narrative"))
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    copied = []
    for q in bundled_store.quads_for_pattern(None, label, None, graph):
        w = words(q.object.value)
        if any(tuple(w[i : i + 6]) in runs for i in range(len(w) - 5)):
            copied.append(q.subject.value)
    assert copied == []


@pytest.mark.parametrize("section_order", range(1, 9))
def test_sections_tile_the_body_in_order(bundled_store, essay_text, section_order):
    from claimgraph.sparql import execute

    rows = execute(
        bundled_store,
        """
        SELECT ?order ?start ?end WHERE {
          ?s a cg:Section ; cg:order ?order ; cg:anchor/oa:hasSelector ?p .
          ?p oa:start ?start ; oa:end ?end } ORDER BY ?order""",
    ).rows
    spans = [(int(r[0].value), int(r[1].value), int(r[2].value)) for r in rows]
    assert [s[0] for s in spans] == list(range(1, 9))
    order, start, end = spans[section_order - 1]
    if order < 8:
        assert end == spans[order][1]  # each section ends where the next one starts
    else:
        assert end == int(_doc_value(bundled_store, "bodyEnd"))
