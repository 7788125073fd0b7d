"""Input that cannot be ingested is one ``claimgraph: error:`` line, exit 2, and no file is
written or replaced; a text that lacks a reference list or citations still gets its draft, and
the report says what is missing."""

from __future__ import annotations

import json

import pytest

from claimgraph.cli import app

from .ingest_support import HARBOUR

BAD = {
    "empty.txt": (b"", "the file is empty"),
    "blank.txt": (b"  \n\t\n", "empty"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    "latin1.txt": ("Caf\u00e9 culture (Smith, 2019).".encode("latin-1"), "UTF-8"),
    "nav.html": (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no main text"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_input_that_cannot_be_ingested_is_one_line_and_leaves_the_old_draft(
    name, tmp_path, runner
):
    data, words = BAD[name]
    essay = tmp_path / name
    essay.write_bytes(data)
    old = tmp_path / "draft.ttl"
    old.write_bytes(b"# an earlier draft\n")
    result = runner.invoke(app, ["ingest", str(essay), "--doc", "bad", "-o", str(old)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("claimgraph: error: ") and words in lines[0]
    assert "Traceback" not in result.output and result.stdout == ""
    assert old.read_bytes() == b"# an earlier draft\n"
    assert not (tmp_path / "draft.txt").exists()


def test_a_missing_file_a_bad_slug_and_a_bad_output_name_are_one_line_each(tmp_path, runner):
    cases = [
        (["ingest", str(tmp_path / "nowhere.txt")], "no such file"),
        (["ingest", str(HARBOUR), "--doc", "Not A Slug"], "try 'not-a-slug'"),
        (["ingest", str(HARBOUR), "--doc", "shared"], "is taken"),
        (["ingest", str(HARBOUR), "-o", str(tmp_path / "draft.json")], "ending in .ttl"),
        (["ingest", str(HARBOUR), "-o", str(tmp_path / "no" / "draft.ttl")], "does not exist"),
    ]
    for args, words in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert len(result.stderr.splitlines()) == 1 and words in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_text_without_a_reference_list_is_drafted_and_the_report_says_so(tmp_path, runner):
    essay = tmp_path / "notes.txt"
    essay.write_text("Notes on Kettles\n\nKettles boil water. They whistle when done.\n",
                     encoding="utf-8")
    out = tmp_path / "notes.ttl"
    result = runner.invoke(app, ["ingest", str(essay), "-o", str(out), "--report", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["references_parsed"] == 0 and report["candidates"] == 2
    assert any("reference list" in m for m in report["missing"])
    assert out.is_file() and out.with_suffix(".txt").read_text(encoding="utf-8").startswith("Notes")


def test_a_reference_list_that_nothing_cites_is_reported_missing(tmp_path, runner):
    essay = tmp_path / "uncited.txt"
    essay.write_text(
        "Uncited\n\nBy Ann Author\n\nKettles boil water. They whistle when done.\n\n"
        "References\n\nSmith, A. (2019) Kettles. London: Steam Press.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(essay), "-o", str(tmp_path / "u.ttl")])
    assert result.exit_code == 0, result.output
    assert "note: missing: no in-text citation found" in result.stderr
    table = runner.invoke(app, ["ingest", str(essay), "-o", str(tmp_path / "u.ttl"), "--report"])
    assert "references never cited     1" in table.stdout
    assert "missing: no in-text citation found" in table.stdout


def test_the_draft_text_never_replaces_a_different_input(tmp_path, runner):
    essay = tmp_path / "essay.txt"
    essay.write_bytes(b"\xef\xbb\xbfTitle\n\nA sentence here.\n")  # a BOM: the saved text differs
    result = runner.invoke(app, ["ingest", str(essay), "-o", str(tmp_path / "essay.ttl")])
    assert result.exit_code == 2 and "replace the input" in result.stderr
    assert essay.read_bytes().startswith(b"\xef\xbb\xbf")
