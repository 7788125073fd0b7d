"""`validate` checks every anchor's span against its document's text whenever the text is at hand.

SHACL alone passes a shifted anchor (its offsets are still integers inside the body), so the text
check is what catches it: each mismatch is a violation naming the claim, the offsets and both
hashes, in text, JSON and Turtle. A document whose text is not at hand is reported unchecked
(an Info result, exit 0); a text whose SHA-256 is not the recorded one is one violation on the
document and its spans are not compared (their offsets count in the recorded text). The texts
here are tests/data/mini-essay.txt and copies written to tmp_path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import api
from claimgraph.cli import app
from claimgraph.errors import InputError
from claimgraph.store import parse_rdf_file

from .conftest import DATA, ESSAY_NAME, essay_path

MINI_GRAPH = DATA / "mini-graph.ttl"
MINI_TEXT = DATA / "mini-essay.txt"
MINI_SHA = "9a28643b369162a0a82e5defb849ea064fa4dd2133003f6eb7dd6f7be0b9cf8f"
FIRST_SHA = "08b5d6a42819cd1da72c11687c2e0cf01ba5a25567d2481c51653dad1671d2a5"
EX = "http://example.org/tea/"
CLEAN_ENV = {"CLAIMGRAPH_STORE": None, "CLAIMGRAPH_TEXTS": None, "CLAIMGRAPH_ESSAY": None}


def run(runner, *args: str, **env: str | None):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args), env={**CLEAN_ENV, **env})
    assert "Traceback" not in result.output
    return result


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def graph_with(tmp_path: Path, *edits: tuple[str, str], name: str = "tea.ttl") -> Path:
    """The mini graph with each (old, new) replaced once, written to tmp_path."""
    text = MINI_GRAPH.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SHIFTED = ("oa:start 27 ; oa:end 73", "oa:start 28 ; oa:end 74")
PAST_THE_END = ("oa:start 74 ; oa:end 98", "oa:start 74 ; oa:end 400")
NAMED = ("cg:charLength 168 ;", 'cg:charLength 168 ; cg:fileName "tea-notes.txt" ;')


def anchor_results(report) -> list:  # type: ignore[no-untyped-def]
    return [r for r in report.results if r.detail is not None and "anchor" in r.detail]


# ---- what is caught ----------------------------------------------------------------------------


def test_a_shifted_anchor_is_caught_with_claim_offsets_and_both_hashes(bundled_store, tmp_path):
    shifted = graph_with(tmp_path, SHIFTED)
    text = MINI_TEXT.read_text(encoding="utf-8")
    assert api.validate(bundled_store, shifted, check_texts=False).conforms, "SHACL alone passes"

    report = api.validate(bundled_store, shifted, [MINI_TEXT])
    assert not report.conforms and report.violations == 1
    (miss,) = anchor_results(report)
    assert (miss.focus, miss.severity, miss.path) == (
        f"<{EX}claim-first-brewed>", "Violation", "cg:anchor"
    )
    assert miss.value == f"<{EX}anchor-first-brewed>"
    actual = sha(text[28:74])
    assert miss.message == (
        f"The anchor's span 28-74 does not match the text {MINI_TEXT}: the graph records "
        f"SHA-256 {FIRST_SHA}, the span there has {actual}."
    )
    assert miss.detail == {
        "anchor": f"<{EX}anchor-first-brewed>",
        "document": f"<{EX}doc>",
        "start": 28,
        "end": 74,
        "expected_sha256": FIRST_SHA,
        "actual_sha256": actual,
        "text": str(MINI_TEXT),
        "text_length": len(text),
    }
    assert report.texts is not None
    assert [(t["status"], t["anchors"], t["mismatches"]) for t in report.texts] == [
        ("checked", 3, 1)
    ]


def test_an_offset_past_the_end_of_the_text_is_a_mismatch(runner, tmp_path):
    past = graph_with(tmp_path, PAST_THE_END)
    result = run(runner, "validate", "--data", str(past), "--text", str(MINI_TEXT))
    assert result.exit_code == 1
    assert (
        f"  Violation: The anchor's span 74-400 lies outside the text {MINI_TEXT} (168 "
        "characters), so it cannot have the SHA-256 the graph records, "
        "5e12e6f306677900dcdd0b82cc29af0ff3381f8bdb8ef8514029867ee75df012. (cg:anchor) "
        f"[value: <{EX}anchor-cures-colds>]\n"
    ) in result.stdout
    assert f'<{EX}claim-cures-colds> "Tea is said by some to cure colds."\n' in result.stdout


def test_a_matching_text_is_reported_checked_and_passes(runner):
    result = run(runner, "validate", "--data", str(MINI_GRAPH), "--text", str(MINI_TEXT))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "The graph conforms: 0 violations, 0 warnings.\n"
        "\n"
        f"<{EX}doc>\n"
        f"  Info: Its 3 anchors were checked against the text {MINI_TEXT}: all match.\n"
    )


# ---- texts that are absent, wrong or stale -----------------------------------------------------


def test_an_absent_text_is_reported_unchecked_without_failing(runner, tmp_path):
    result = run(runner, "validate", "--data", str(MINI_GRAPH))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("The graph conforms: 0 violations, 0 warnings.\n")
    assert (
        "  Info: Its 3 anchors were not checked: the document's text is not at hand (the graph "
        "records no file name for it (cg:fileName); give its text with --text FILE).\n"
    ) in result.stdout

    named = graph_with(tmp_path, NAMED)
    empty = tmp_path / "texts"
    empty.mkdir()
    out = run(runner, "validate", "--data", str(named), "-f", "json", CLAIMGRAPH_TEXTS=str(empty))
    assert out.exit_code == 0
    report = json.loads(out.stdout)
    assert report["conforms"] is True
    (info,) = report["results"]
    assert info["severity"] == "Info" and info["focus"] == f"<{EX}doc>"
    assert info["message"].endswith(
        "(give --text FILE or put tea-notes.txt in a folder named by CLAIMGRAPH_TEXTS "
        f"(not found in {empty}))."
    )
    assert report["texts"] == [
        {
            "document": f"<{EX}doc>",
            "file_name": "tea-notes.txt",
            "status": "absent",
            "text": None,
            "expected_sha256": MINI_SHA,
            "actual_sha256": None,
            "anchors": 3,
            "checked": 0,
            "mismatches": 0,
        }
    ]


def test_a_wrong_file_gives_the_file_hash_message_and_no_span_is_compared(runner, tmp_path):
    wrong = tmp_path / "notes.txt"
    wrong.write_text(MINI_TEXT.read_text(encoding="utf-8").replace("Tea", "Tee"), "utf-8")
    actual = hashlib.sha256(wrong.read_bytes()).hexdigest()
    result = run(runner, "validate", "--data", str(MINI_GRAPH), "--text", str(wrong))
    assert result.exit_code == 1
    assert result.stdout == (
        "The graph does not conform: 1 violation, 0 warnings.\n"
        "\n"
        f"<{EX}doc>\n"
        f"  Violation: The text {wrong} is not this document's: its SHA-256 is {actual}, the "
        f"graph records {MINI_SHA} (cg:sha256). Its 3 anchors were not checked against it, "
        "because their offsets count in the recorded text. (cg:sha256)\n"
    )


def test_the_texts_folder_prefers_the_matching_copy_and_reports_a_stale_one(runner, tmp_path):
    named = graph_with(tmp_path, NAMED)
    stale, good = tmp_path / "stale", tmp_path / "good"
    stale.mkdir()
    good.mkdir()
    (stale / "tea-notes.txt").write_text("an older draft\n", encoding="utf-8")
    (good / "tea-notes.txt").write_bytes(MINI_TEXT.read_bytes())

    both = run(runner, "validate", "--data", str(named), CLAIMGRAPH_TEXTS=f"{stale}:{good}")
    assert both.exit_code == 0
    assert f"checked against the text {good / 'tea-notes.txt'}: all match." in both.stdout

    only_stale = run(runner, "validate", "--data", str(named), CLAIMGRAPH_TEXTS=str(stale))
    assert only_stale.exit_code == 1
    assert f"Violation: The text {stale / 'tea-notes.txt'} is not this document's" in (
        only_stale.stdout
    )


def test_the_essay_variable_never_stands_in_for_another_documents_text(runner, tmp_path):
    other = tmp_path / ESSAY_NAME
    other.write_text("some other essay\n", encoding="utf-8")
    result = run(runner, "validate", "--data", str(MINI_GRAPH), CLAIMGRAPH_ESSAY=str(other))
    assert result.exit_code == 0
    assert "Its 3 anchors were not checked" in result.stdout


# ---- the bundled essay -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def essay() -> Path:
    found = essay_path()
    if found is None:
        pytest.skip(f"the essay {ESSAY_NAME} is not at ../shared/essay/ and CLAIMGRAPH_ESSAY is "
                    "unset; CI always has it")
    return found


@pytest.mark.parametrize("how", ["CLAIMGRAPH_TEXTS", "CLAIMGRAPH_ESSAY", "--text"])
def test_the_bundled_essay_validates_clean_with_its_text_found(runner, essay, how):
    if how == "--text":
        result = run(runner, "validate", "-f", "json", "--text", str(essay))
    elif how == "CLAIMGRAPH_TEXTS":
        result = run(runner, "validate", "-f", "json", CLAIMGRAPH_TEXTS=str(essay.parent))
    else:
        result = run(runner, "validate", "-f", "json", CLAIMGRAPH_ESSAY=str(essay))
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["conforms"] is True and report["violations"] == 0
    (text,) = report["texts"]
    assert text["document"] == "doc:broken-promises-narrative"
    assert (text["status"], text["mismatches"], text["file_name"]) == ("checked", 0, ESSAY_NAME)
    assert text["checked"] == text["anchors"] >= 40
    assert text["actual_sha256"] == text["expected_sha256"]


def test_the_bundled_graph_with_a_wrong_text_fails_on_the_file_hash(runner):
    result = run(runner, "validate", "--text", str(MINI_TEXT))
    assert result.exit_code == 1
    assert result.stdout.startswith("The graph does not conform: 1 violation, 1 warning.\n")
    assert f"its SHA-256 is {MINI_SHA}, the graph records 5ad10db2" in result.stdout


# ---- several documents: one text each --------------------------------------------------------


@pytest.fixture
def two_documents(memory_store: ox.Store) -> ox.Store:
    graph = ox.NamedNode("http://example.org/tea")
    memory_store.extend(
        ox.Quad(q.subject, q.predicate, q.object, graph) for q in parse_rdf_file(MINI_GRAPH)
    )
    return memory_store


def test_each_given_text_serves_the_document_it_belongs_to(two_documents, essay):
    report = api.validate(two_documents, None, [MINI_TEXT, essay], folders="", essay="")
    assert report.texts is not None
    assert {(t["document"], t["status"]) for t in report.texts} == {
        ("doc:broken-promises-narrative", "checked"),
        (f"<{EX}doc>", "checked"),
    }
    assert all(t["mismatches"] == 0 for t in report.texts)


def test_a_given_text_that_serves_no_document_is_bad_input(two_documents, tmp_path):
    stray = tmp_path / "stray.txt"
    stray.write_text("nobody's text\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.validate(two_documents, None, [stray], folders="", essay="")
    assert str(caught.value).startswith(
        f"{stray}: no other document of the graph has this text's SHA-256 or file name "
        "(stray.txt); its documents: "
    )


# ---- formats and exit codes --------------------------------------------------------------------


def test_json_carries_the_mismatch(runner, tmp_path):
    shifted = graph_with(tmp_path, SHIFTED)
    result = run(runner, "validate", "--data", str(shifted), "--text", str(MINI_TEXT), "-f", "json")
    assert result.exit_code == 1 and result.stdout.endswith("}\n")
    report = json.loads(result.stdout)
    assert (report["conforms"], report["violations"]) == (False, 1)
    (violation,) = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violation["focus"] == f"<{EX}claim-first-brewed>"
    assert violation["detail"]["start"] == 28 and violation["detail"]["end"] == 74
    assert violation["detail"]["expected_sha256"] == FIRST_SHA
    assert len(violation["detail"]["actual_sha256"]) == 64
    assert report["texts"][0]["mismatches"] == 1


def test_turtle_carries_the_mismatch_as_a_shacl_result(runner, tmp_path):
    shifted = graph_with(tmp_path, SHIFTED)
    result = run(
        runner, "validate", "--data", str(shifted), "--text", str(MINI_TEXT), "-f", "turtle"
    )
    assert result.exit_code == 1
    store = ox.Store()
    store.load(result.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = list(
        store.query(  # type: ignore[union-attr]
            """
            PREFIX sh: <http://www.w3.org/ns/shacl#>
            SELECT ?conforms ?focus ?severity ?message ?value WHERE {
              ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
              ?r sh:focusNode ?focus ; sh:resultSeverity ?severity ; sh:resultMessage ?message ;
                 sh:sourceConstraintComponent ?component .
              OPTIONAL { ?r sh:value ?value }
              FILTER (STRSTARTS(STR(?component), "https://w3id.org/claimgraph/check/"))
            } ORDER BY ?severity"""
        )
    )
    assert [(r["conforms"].value, r["focus"].value, r["severity"].value) for r in rows] == [
        ("false", EX + "doc", "http://www.w3.org/ns/shacl#Info"),
        ("false", EX + "claim-first-brewed", "http://www.w3.org/ns/shacl#Violation"),
    ]
    message = rows[1]["message"].value
    assert "span 28-74" in message and FIRST_SHA in message
    assert rows[1]["value"].value == EX + "anchor-first-brewed"


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_an_unreadable_text_is_one_error_line_and_exit_2(runner, tmp_path, kind):
    target = tmp_path / "gone.txt" if kind == "missing" else tmp_path
    result = run(runner, "validate", "--data", str(MINI_GRAPH), "--text", str(target))
    assert (result.exit_code, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"claimgraph: error: {target}: ")
    assert lines[0].endswith("no such file" if kind == "missing" else "takes a text file")


def test_a_text_that_is_not_utf8_is_bad_input(runner, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 notes\n".encode("latin-1"))
    recorded = hashlib.sha256(latin.read_bytes()).hexdigest()
    graph = graph_with(tmp_path, (MINI_SHA, recorded))
    result = run(runner, "validate", "--data", str(graph), "--text", str(latin))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"claimgraph: error: {latin}: cannot read text: not UTF-8")
