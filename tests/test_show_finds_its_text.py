"""`show` finds the document's text by itself (CLAIMGRAPH_TEXTS, checked by SHA-256), says how
to supply it when it cannot, keeps printing the card when --text is missing, and speaks JSON."""

from __future__ import annotations

import hashlib
import json
import shutil

import pyoxigraph as ox

from claimgraph.cli import app
from claimgraph.texts import find_text

from .conftest import ESSAY_NAME, essay_path

CLAIM = ox.NamedNode("https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/no-binding-agreement")
NOTE = "claimgraph: note: "


def run(runner, *args: str, **env: str | None):  # type: ignore[no-untyped-def]
    base = {"CLAIMGRAPH_STORE": None, "CLAIMGRAPH_ESSAY": None, "CLAIMGRAPH_TEXTS": None}
    return runner.invoke(app, list(args), env={**base, **env})


def test_without_a_text_the_card_prints_and_a_note_says_how_to_supply_it(runner):
    result = run(runner, "show", "no-binding-agreement")
    assert result.exit_code == 0
    assert result.stdout.startswith("claim:broken-promises-narrative/no-binding-agreement\n")
    assert "  text:" not in result.stdout
    assert result.stderr == (
        f"{NOTE}to quote the claim's span, give --text FILE or put {ESSAY_NAME} in a folder "
        "named by CLAIMGRAPH_TEXTS\n"
    )


def test_a_missing_text_file_still_prints_the_card(runner, tmp_path):
    missing = tmp_path / "gone.txt"
    result = run(runner, "show", "no-binding-agreement", "--text", str(missing))
    assert result.exit_code == 0
    assert result.stdout.startswith("claim:broken-promises-narrative/no-binding-agreement\n")
    assert result.stderr == (
        f"{NOTE}{missing}: no such file; the card is shown without the quoted span\n"
    )


def test_the_texts_folder_is_searched_and_the_hash_checked(runner, tmp_path, bundled_store):
    essay = essay_path()
    assert essay is not None, "CI has the essay in ../shared/essay/"
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(essay, good / ESSAY_NAME)
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / ESSAY_NAME).write_text("not the essay", encoding="utf-8")

    assert find_text(bundled_store, CLAIM, str(stale)).path is None
    both = f"{stale}:{good}"
    assert find_text(bundled_store, CLAIM, both).path == good / ESSAY_NAME

    result = run(runner, "show", "no-binding-agreement", CLAIMGRAPH_TEXTS=both)
    assert result.exit_code == 0 and result.stderr == ""
    quoted = result.stdout.split("  text:\n", 1)[1].strip().strip("“”")
    # the quote is the anchored span: whitespace-normalised, its words are in the essay
    text = essay.read_text(encoding="utf-8")
    assert quoted and quoted.split()[0] in text
    anchor_sha = next(
        line.rsplit(" ", 1)[1] for line in result.stdout.splitlines() if "sha256" in line
    )
    assert len(anchor_sha) == 64
    assert hashlib.sha256(essay.read_bytes()).hexdigest() != anchor_sha  # span hash, not file


def test_show_as_json(runner):
    result = run(runner, "show", "no-binding-agreement", "-f", "json")
    assert result.exit_code == 0 and result.stdout.endswith("}\n")
    card = json.loads(result.stdout)
    assert card["iri"] == "claim:broken-promises-narrative/no-binding-agreement"
    assert card["start"] < card["end"] and len(card["sha256"]) == 64
    assert {role for role, _ in card["sources"]} == {"is evidence for"}
