"""An ingested essay's draft validates with warnings only, loads as is, and answers every stored
query; it copies no sentence, marks every node it proposes, and is the same bytes every time."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import api
from claimgraph.ingest.pipeline import ingest
from claimgraph.store import open_store
from claimgraph.terms import CG, PREFIXES, document_graph

from .ingest_support import HARBOUR, STARTED, TIDAL, body_sentence_runs, draft_literals, word_runs

DOC = "harbour-cranes"
DRAFT = PREFIXES["status"] + "draft"


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("harbour") / "harbour-cranes.ttl"
    ingest(HARBOUR, out=out, started=STARTED)
    return out


def test_a_draft_validates_with_warnings_only_and_its_anchors_match_its_text(
    harbour, bundled_store
):
    report = api.validate(bundled_store, harbour, [harbour.with_suffix(".txt")])
    assert report.conforms, report.to_text()
    assert report.violations == 0 and report.warnings > 0
    checked = [r for r in report.results if r.severity == "Info"]
    assert len(checked) == 1 and "all match" in checked[0].message
    # what the profile lowered says so, and only missing values were lowered
    lowered = [r for r in report.results if "draft: still to be curated" in r.message]
    assert lowered and all(r.severity == "Warning" for r in lowered)


def test_the_draft_profile_still_refuses_a_wrong_value_on_a_draft_node(
    harbour, bundled_store, tmp_path
):
    broken = tmp_path / "broken.ttl"
    data = harbour.read_text(encoding="utf-8")
    label = 'rdfs:label "draft claim 1 (section 1)"@en ;'
    assert label in data
    broken.write_text(data.replace(label, label + " cg:kind <urn:x:no-kind> ;"), encoding="utf-8")
    report = api.validate(bundled_store, broken, check_texts=False)
    assert report.violations >= 1


def test_a_draft_loads_as_is_and_every_stored_query_runs_on_its_document(harbour, tmp_path):
    store_dir = tmp_path / "store"
    api.load_into(store_dir, [harbour], graph=document_graph(DOC))
    store = open_store(store_dir)
    draft_claim = PREFIXES["doc"] + f"{DOC}/claim/claim-0003"
    by_class = {
        CG + "Claim": draft_claim,
        CG + "Section": PREFIXES["doc"] + f"{DOC}/section/costs-and-benefits",
        CG + "Source": PREFIXES["source"] + "lind-2021",
        CG + "Actor": PREFIXES["actor"] + "lind-k",
        CG + "Document": PREFIXES["doc"] + DOC,
    }
    ran = 0
    for q in api.list_queries():
        params = {}
        for p in q.params:
            if p.name == "doc":
                params["doc"] = DOC
            elif p.class_iri in by_class:
                params[p.name] = by_class[p.class_iri]
        out = api.run_query(store, name=q.name, params=params, fmt="default")
        assert out, q.name
        ran += 1
    assert ran == len(api.list_queries()) >= 15
    provenance = api.run_query(store, name="claim-provenance", params={"claim": draft_claim},
                               fmt="ntriples")
    assert draft_claim.encode() in provenance
    reported = api.run_query(store, name="reported-speech", params={"doc": DOC}, fmt="csv")
    assert b"lind-k" in reported


def test_every_node_the_ingest_proposes_is_a_draft_generated_by_the_one_activity(harbour):
    quads = list(ox.parse(path=str(harbour)))
    subjects = {q.subject.value for q in quads}
    activity = {q.subject.value for q in quads
                if q.predicate.value == PREFIXES["rdf"] + "type"
                and q.object.value == PREFIXES["prov"] + "Activity"}
    assert len(activity) == 1
    (run,) = activity
    facts = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    curated_refs = {q.subject.value for q in quads if q.predicate.value == PREFIXES["rdf"] + "type"
                    and q.object.value == PREFIXES["prov"] + "Agent"}
    for s in subjects - {run, PREFIXES["actor"] + "claimgraph"} - curated_refs:
        assert (s, CG + "status", DRAFT) in facts, s
        assert (s, PREFIXES["prov"] + "wasGeneratedBy", run) in facts, s
    started = [q.object.value for q in quads if q.predicate.value == PREFIXES["prov"]
               + "startedAtTime"]
    assert started == ["2026-01-02T03:04:05+00:00"]


def test_no_sentence_of_the_essay_appears_in_the_draft(harbour):
    text = harbour.with_suffix(".txt").read_text(encoding="utf-8")
    copied = body_sentence_runs(text) & word_runs(draft_literals(harbour))
    assert not copied


def test_the_same_input_gives_the_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "draft.ttl", tmp_path / "b" / "draft.ttl"
    ingest(HARBOUR, doc=DOC, out=a, started=STARTED)
    ingest(HARBOUR, doc=DOC, out=b, started=STARTED)
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".txt").read_bytes() == HARBOUR.read_bytes()


def test_source_date_epoch_fixes_the_activity_time_on_the_command_line(tmp_path, runner):
    from claimgraph.cli import app

    outs = []
    for run in ("one", "two"):
        (tmp_path / run).mkdir()
        out = tmp_path / run / "draft.ttl"
        result = runner.invoke(app, ["ingest", str(HARBOUR), "--doc", DOC, "-o", str(out)],
                               env={"SOURCE_DATE_EPOCH": "1767322800"})
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert b"2026-01-02T03:00:00+00:00" in outs[0]


def test_the_saved_text_is_what_the_document_hashes(harbour):
    text = harbour.with_suffix(".txt").read_bytes()
    assert hashlib.sha256(text).hexdigest().encode() in harbour.read_bytes()
    assert b'cg:fileName "harbour-cranes.txt"' in harbour.read_bytes()


def test_an_html_essay_with_numbered_citations_drafts_and_validates(tmp_path, bundled_store):
    out = tmp_path / "tidal.ttl"
    done = ingest(TIDAL, out=out, started=STARTED)
    r = done.report
    assert done.doc == "tidal-mills"
    assert (r.sections, r.references_parsed, r.citations_found) == (3, 4, 5)
    assert r.citations_resolved == 5 and r.references_uncited == 0
    saved = out.with_suffix(".txt").read_text(encoding="utf-8")
    assert "<p>" not in saved and "Comments are closed" not in saved
    report = api.validate(bundled_store, out, [out.with_suffix(".txt")])
    assert report.conforms and report.violations == 0, report.to_text()
    assert not body_sentence_runs(saved) & word_runs(draft_literals(out))
    data = out.read_text(encoding="utf-8")
    assert "cform:numbered" in data and 'bibo:doi' not in data


def test_citations_it_cannot_settle_are_flagged_as_the_curated_data_flags_them(tmp_path):
    essay = tmp_path / "flags.txt"
    essay.write_text(
        "Flags\n\nBy Ann Author\n\nRivers moved (Smith, 2019). Lakes did not (Jones, 2001). "
        "An official survey (2015) agreed.\n\nReferences\n\n"
        "Smith, A. (2019) River courses. Oxford: Delta Press.\n\n"
        "Smith, B. (2019) River banks. Oxford: Delta Press.\n\n"
        "Office, Survey (2015) Survey of lakes. London: HMSO.\n",
        encoding="utf-8",
    )
    out = tmp_path / "flags.ttl"
    r = ingest(essay, out=out, started=STARTED).report
    assert (r.citations_ambiguous, r.citations_unresolved, r.citations_low_confidence) == (1, 1, 1)
    data = out.read_text(encoding="utf-8")
    assert "cg:ambiguous true" in data and "cg:unresolved true" in data
    assert "cg:lowConfidence true" in data and "Fits several reference entries" in data


def test_a_node_without_the_draft_mark_is_judged_as_curated(harbour, bundled_store, tmp_path):
    data = harbour.read_text(encoding="utf-8")
    curated = tmp_path / "curated.ttl"
    # claim 1 loses its draft mark: its missing kind is a violation again
    head, sep, rest = data.partition("claim:claim-0001 a cg:Claim ;")
    assert sep
    body, dot, tail = rest.partition(" .\n")
    body = body.replace("\tcg:status status:draft ;\n", "").replace(
        " ;\n\tcg:status status:draft", "")
    curated.write_text(head + sep + body + dot + tail, encoding="utf-8")
    report = api.validate(bundled_store, curated, check_texts=False)
    assert not report.conforms
    assert {r.focus for r in report.results if r.severity == "Violation"} == {
        f"claim:{DOC}/claim-0001"}


def test_a_trig_draft_names_its_document_graph_so_load_needs_no_graph_option(tmp_path):
    out = tmp_path / "tidal.trig"
    ingest(TIDAL, out=out, started=STARTED)
    store_dir = tmp_path / "store"
    api.load_into(store_dir, [out])
    store = open_store(store_dir)
    graph = ox.NamedNode(document_graph("tidal-mills"))
    assert len(list(store.quads_for_pattern(None, None, None, graph))) > 100
    assert out.with_suffix(".txt").is_file()


@pytest.mark.parametrize("engine", ["compiler", "auto", "pyshacl"])
def test_every_validation_engine_applies_the_draft_profile_alike(harbour, bundled_store, engine):
    def seen(report):  # type: ignore[no-untyped-def]
        return sorted((r.focus, r.severity, r.message, r.path or "") for r in report.results)

    reference = api.validate(bundled_store, harbour, check_texts=False, engine="pyshacl")
    report = api.validate(bundled_store, harbour, check_texts=False, engine=engine)
    assert report.conforms and report.violations == 0
    assert seen(report) == seen(reference)
