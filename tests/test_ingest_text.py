"""The ingest text analysis on texts written for these tests: structure, sentences and clause
candidates, in-text citations and their resolution (reported speech: test_ingest_speech.py)."""

from __future__ import annotations

import pytest

from claimgraph.ingest import (
    Markers,
    analyse_text,
    candidates,
    find_citations,
    find_structure,
    reference_key,
    resolve,
    sentences,
)

ESSAY = """\
Tolls, Tides and the Canal Towns

By Ada Quill

March 3, 2024

Harbour towns grew quickly after the canal opened (Okafor, 2011). Nobody planned it.

The Toll Question

Ellison et al. (2019) argue that tolls decided who traded. Trade moved inland (Okafor 2011; 2014).

References

Ellison, R., Park, J. and Moss, T. (2019). Trade on the water. Oxford: OUP.
Okafor, B. (2011). Tolls and tides. Lagos: Harbour Press.

Okafor, B. (2014). Canals again. Lagos: Harbour Press.

About the Author

Ada Quill writes about canals (Okafor, 2011).

SIMILAR POSTS
"""


def span_text(text: str, span: tuple[int, int] | None) -> str | None:
    return None if span is None else text[span[0] : span[1]]


# ---------------------------------------------------------------------------------- structure


def test_structure_finds_title_byline_date_headings_references_and_trailers() -> None:
    s = find_structure(ESSAY)
    assert span_text(ESSAY, s.title) == "Tolls, Tides and the Canal Towns"
    assert span_text(ESSAY, s.byline) == "By Ada Quill"
    assert span_text(ESSAY, s.date_line) == "March 3, 2024"
    assert ESSAY[s.body_start :].startswith("Harbour towns")
    assert ESSAY[s.body_end :].startswith("References")
    assert [span_text(ESSAY, h) for h in s.headings] == ["The Toll Question"]
    assert s.sections[0].heading is None and s.sections[0].start == s.body_start
    assert s.sections[-1].end == s.body_end
    assert [ESSAY[a:b].split(" (")[0] for a, b in s.references] == [
        "Ellison, R., Park, J. and Moss, T.", "Okafor, B.", "Okafor, B."]
    assert s.trailers is not None and ESSAY[s.trailers[0] :].startswith("About the Author")
    assert s.problems == ()


def test_structure_without_trailers_runs_references_to_the_end() -> None:
    text = ESSAY.split("About the Author")[0]
    s = find_structure(text)
    assert s.trailers is None
    assert len(s.references) == 3 and s.references[-1][1] == len(text.rstrip())


def test_markers_are_configurable() -> None:
    text = ("A Title\n\nBody text here (Lee, 2001).\n\nQuellen\n\nLee, K. (2001). Buch.\n\n"
            "Teilen\n\nx\n")
    s = find_structure(text, Markers(references=("Quellen",), trailers=("Teilen",)))
    assert s.has_reference_list and len(s.references) == 1
    assert s.trailers is not None and text[s.trailers[0] :].startswith("Teilen")


def test_no_reference_list_is_reported_not_raised() -> None:
    s = find_structure("A Title\n\nJust one paragraph (Lee, 2001). And another sentence.\n")
    assert not s.has_reference_list and s.references == ()
    assert any("no reference list" in p for p in s.problems)
    a = analyse_text("A Title\n\nJust one paragraph (Lee, 2001). And another sentence.\n")
    assert [rc.status for rc in a.citations] == ["unresolved"]


def test_empty_and_blank_text() -> None:
    for text in ("", "   \n\u00a0\n"):
        s = find_structure(text)
        assert s.problems == ("the text is empty",)
        a = analyse_text(text)
        assert a.candidates == () and a.citations == () and a.speech == ()


def test_text_without_citations() -> None:
    a = analyse_text(
        "A Title\n\nPlain prose. More plain prose.\n\nReferences\n\nLee, K. (2001). B.\n")
    assert a.citations == () and len(a.candidates) == 2
    assert a.uncited_references() == (0,)


def test_html_main_text_is_extracted() -> None:
    pytest.importorskip("trafilatura")
    from claimgraph.ingest import IngestInputError, text_from_html

    html = ("<html><body><nav>Home | About</nav><article><h1>Canal Towns</h1><p>"
            + "Harbour towns grew quickly after the canal opened, as every ledger of the time "
            "shows (Okafor, 2011). " * 3 + "</p><p>The tolls decided who traded.</p></article>"
            "</body></html>")
    text = text_from_html(html)
    assert "(Okafor, 2011)" in text and "\n\n" in text
    from claimgraph.ingest import decode_input

    assert decode_input(("<!DOCTYPE html>" + html).encode()) == (text, True)
    a = analyse_text(text)  # the extracted text is what the offsets index
    assert [text[c.citation.start : c.citation.end] for c in a.citations][:1] == ["(Okafor, 2011)"]
    with pytest.raises(IngestInputError):
        text_from_html("<html><body></body></html>")


def test_bad_input_bytes_get_one_line_messages() -> None:
    from claimgraph.ingest import IngestInputError, decode_input

    for data, words in ((b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
                        (b"caf\xe9 au lait", "not UTF-8"), (b"  \n\xc2\xa0\n", "white space")):
        with pytest.raises(IngestInputError, match=words) as caught:
            decode_input(data)
        assert "\n" not in str(caught.value)
    assert decode_input("\ufeffCafé (Lee, 2001).".encode()) == ("Café (Lee, 2001).", False)


def test_html_without_main_text_is_refused() -> None:
    pytest.importorskip("trafilatura")
    from claimgraph.ingest import IngestInputError, decode_input

    with pytest.raises(IngestInputError, match="no main text"):
        decode_input(b"<!DOCTYPE html><html><body><nav>Home</nav></body></html>")


# --------------------------------------------------------------------------- sentences/clauses


def sents(text: str) -> list[str]:
    return [text[a:b] for (a, b), _ in sentences(text)]


def test_abbreviations_never_split_a_sentence() -> None:
    text = ("The U.S. envoy met officials in Washington, D.C. on Monday. Ellison et al. (2019, "
            "pp. 3–5) disagree, e.g. on tolls, i.e. the fees. See p. 12 for more.")
    assert sents(text) == [
        "The U.S. envoy met officials in Washington, D.C. on Monday.",
        "Ellison et al. (2019, pp. 3–5) disagree, e.g. on tolls, i.e. the fees.",
        "See p. 12 for more.",
    ]


def test_offsets_are_str_indices_with_non_ascii_text() -> None:
    text = "Café owners in Kraków – and Łódź – objected. “Nobody asked us,” they said."
    (a, b), _ = sentences(text)[1]
    assert text[a:b] == "“Nobody asked us,” they said."


def clauses(text: str) -> list[tuple[str, str, str | None]]:
    st = find_structure("T\n\n" + text)
    body = "T\n\n" + text
    return [(body[c.start : c.end], c.kind, c.split) for c in candidates(body, st)]


def test_clause_splits_where_the_text_splits_cleanly() -> None:
    got = clauses(
        "The guild sets fees by vote and requires members to apply; thus, entry was a choice. "
        "Merchants trusted custom, whereas the court trusted written law (Lee, 2001). "
        "The strike ended the old order and cemented the new rules in the charter. "
        "This is seen in the 1911 riot, justified by the mayor as a necessity. "
        "It matches Park (2019), who note that tolls rose."
    )
    assert got == [
        ("The guild sets fees by vote and requires members to apply", "clause", None),
        ("thus, entry was a choice.", "clause", "; connective"),
        ("Merchants trusted custom", "clause", None),
        ("whereas the court trusted written law (Lee, 2001).", "clause", ", whereas"),
        ("The strike ended the old order", "clause", None),
        ("cemented the new rules in the charter.", "clause", "and + verb phrase"),
        ("This is seen in the 1911 riot", "clause", None),
        ("justified by the mayor as a necessity.", "clause", "participle + by"),
        ("It matches Park (2019)", "clause", None),
        ("who note that tolls rose.", "clause", "who + reporting verb + that"),
    ]


def test_series_and_bracketed_semicolons_are_not_split() -> None:
    got = clauses(
        "The towns raised fees, dredged the basin, and widened the locks. "
        "Trade grew (Okafor 2011; 2014; Lee 2001) and the fees fell; it was a boom."
    )
    assert [g[1] for g in got] == ["sentence", "sentence"]


def test_list_items_are_candidates_without_their_markers() -> None:
    text = ("The canal mattered because of:\n\n  1. Cheap Freight:\n     Barges cost less than "
            "carts. They also ran at night.\n  2. Safety:\n     Roads were unsafe (Lee, 2001).\n"
            "\n- A bullet item here.\n")
    got = clauses(text)
    assert got == [
        ("The canal mattered because of:", "sentence", None),
        ("Cheap Freight:\n     Barges cost less than carts. They also ran at night.", "item", None),
        ("Safety:\n     Roads were unsafe (Lee, 2001).", "item", None),
        ("A bullet item here.", "item", None),
    ]


def test_headings_reference_list_and_trailers_give_no_candidates() -> None:
    s = find_structure(ESSAY)
    texts = [ESSAY[c.start : c.end] for c in candidates(ESSAY, s)]
    assert texts == [
        "Harbour towns grew quickly after the canal opened (Okafor, 2011).", "Nobody planned it.",
        "Ellison et al. (2019) argue that tolls decided who traded.",
        "Trade moved inland (Okafor 2011; 2014).",
    ]


# ---------------------------------------------------------------------------------- citations


def cites(text: str) -> list[tuple[str, str, list[tuple[tuple[str, ...], str | None]]]]:
    return [(text[c.start : c.end], c.form, [(i.surnames, i.year) for i in c.items])
            for c in find_citations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as Sarotte (2009; 2014; 2021) showed", [
            ("Sarotte (2009; 2014; 2021)", "narrative",
             [(("Sarotte",), "2009"), (("Sarotte",), "2014"), (("Sarotte",), "2021")])]),
        ("it was defensive (Hamilton & Spohr, 2019).", [
            ("(Hamilton & Spohr, 2019)", "parenthetical", [(("Hamilton", "Spohr"), "2019")])]),
        ("disputed (Sarotte 2009; 2014; 2021).", [
            ("(Sarotte 2009; 2014; 2021)", "parenthetical",
             [(("Sarotte",), "2009"), (("Sarotte",), "2014"), (("Sarotte",), "2021")])]),
        ("as Kaunert et al. (2024) note", [
            ("Kaunert et al. (2024)", "narrative", [(("Kaunert",), "2024")])]),
        ("shown (van Dijk, 2015; de Souza & O'Brien 2020a).", [
            ("(van Dijk, 2015; de Souza & O'Brien 2020a)", "parenthetical",
             [(("van Dijk",), "2015"), (("de Souza", "O'Brien"), "2020a")])]),
        ("as van der Berg (2018) and O’Neill (n.d.) found", [
            ("van der Berg (2018)", "narrative", [(("van der Berg",), "2018")]),
            ("O’Neill (n.d.)", "narrative", [(("O’Neill",), "n.d.")])]),
        ("tolls rose (Lee, 2001, p. 12; Park 2019: 3–5; Moss, 2020, pp. 3–5).", [
            ("(Lee, 2001, p. 12; Park 2019: 3–5; Moss, 2020, pp. 3–5)", "parenthetical",
             [(("Lee",), "2001"), (("Park",), "2019"), (("Moss",), "2020")])]),
        ("tolls rose (e.g., Lee, 2001; see Park 2019b).", [
            ("(e.g., Lee, 2001; see Park 2019b)", "parenthetical",
             [(("Lee",), "2001"), (("Park",), "2019b")])]),
        ("tolls rose (see also Lee and Park, 2019a, 2019b).", [
            ("(see also Lee and Park, 2019a, 2019b)", "parenthetical",
             [(("Lee", "Park"), "2019a"), (("Lee", "Park"), "2019b")])]),
        ("as shown before [1], [1–3, 5] and [12].", [
            ("[1]", "numbered", [((), None)]),
            ("[1–3, 5]", "numbered", [((), None)] * 4),
            ("[12]", "numbered", [((), None)])]),
        ("A British government analysis (2015) says so.", [
            ("A British government analysis (2015)", "year-only", [((), "2015")])]),
        ("Nothing here (in 1990) or (see below) or [note].", []),
    ],
)
def test_citation_forms(text: str, expected: list) -> None:
    assert cites(text) == expected


def test_locator_and_prefix_are_kept() -> None:
    (c,) = find_citations("tolls rose (e.g., Lee, 2001, pp. 3–5).")
    assert c.prefix == "e.g." and c.items[0].locator == "pp. 3–5"
    numbers = [i.number for i in find_citations("as shown [1–3, 5].")[0].items]
    assert numbers == [1, 2, 3, 5]


REFS = """\
Lee, K. (2001). Fees. London: Press.
Park, J. (2019a). Tolls one. Oxford: OUP.
Park, J. (2019b). Tolls two. Oxford: OUP.
Moss, T. and Park, J. (2020). Locks. Leeds: Canal.
World Health Organization (2018). Water and health. Geneva: WHO.
Stone, A. (2016). Harbours. York: Press.
Stone, A. (2016). Harbours again. York: Press.
"""


def resolved(body: str) -> list[tuple[str, str, list[int]]]:
    text = body + "\n\nReferences\n\n" + REFS
    keys = [reference_key(text, sp) for sp in find_structure("T\n\n" + text).references]
    keys = [reference_key("T\n\n" + text, k.span) for k in keys]
    full = "T\n\n" + text
    corporate = [k.surnames[0] for k in keys if k.corporate]
    found = find_citations(full, 0, full.index("References"), corporate)
    return [(full[rc.citation.start : rc.citation.end], rc.status, list(rc.entries))
            for rc in resolve(full, found, keys)]


def test_reference_keys_read_authors_year_and_corporate_authors() -> None:
    text = REFS
    from claimgraph.ingest.structure import lines

    keys = [reference_key(text, sp) for sp in lines(text)]
    assert [(k.surnames, k.corporate, k.year) for k in keys] == [
        (("Lee",), False, "2001"), (("Park",), False, "2019a"), (("Park",), False, "2019b"),
        (("Moss", "Park"), False, "2020"), (("World Health Organization",), True, "2018"),
        (("Stone",), False, "2016"), (("Stone",), False, "2016"),
    ]


def test_resolution_by_surname_and_year() -> None:
    assert resolved(
        "Fees rose (Lee, 2001; Moss & Park 2020). Park (2019b) agrees. "
        "The World Health Organization (2018) warned (World Health Organization, 2018)."
    ) == [
        ("(Lee, 2001; Moss & Park 2020)", "resolved", [0, 3]),
        ("Park (2019b)", "resolved", [2]),
        ("World Health Organization (2018)", "resolved", [4]),
        ("(World Health Organization, 2018)", "resolved", [4]),
    ]


def test_every_surname_is_checked_and_unknown_ones_are_flagged() -> None:
    assert resolved("As Quinn, Moss & Park (2020) and Lee (1999) and Ng (2001) found.") == [
        ("Quinn", "unresolved", []),
        ("Moss & Park (2020)", "resolved", [3]),
        ("Lee (1999)", "unresolved", []),
        ("Ng (2001)", "unresolved", []),
    ]


def test_same_surname_and_year_is_ambiguous() -> None:
    got = resolved("Harbours grew (Stone, 2016). Tolls rose (Park, 2019). Tolls (Park 2019a).")
    assert got == [
        ("(Stone, 2016)", "ambiguous", []),
        ("(Park, 2019)", "ambiguous", []),
        ("(Park 2019a)", "resolved", [1]),
    ]


def test_year_only_citation_is_low_confidence_when_one_reference_has_that_year() -> None:
    got = resolved("A government analysis (2018) says so. A later study (2019) too. "
                   "An old survey (1950) agrees.")
    assert got == [
        ("A government analysis (2018)", "low-confidence", [4]),
        ("A later study (2019)", "ambiguous", []),
        ("An old survey (1950)", "unresolved", []),
    ]


def test_numbered_citations_resolve_to_list_positions() -> None:
    text = ("Fees rose [1, 3] and fell [9].\n\nReferences\n\n"
            "[1] A. One.\n[2] B. Two.\n[3] C. Three.\n")
    a = analyse_text("T\n\n" + text)
    assert [(rc.status, rc.entries) for rc in a.citations] == [
        ("resolved", (0, 2)), ("unresolved", ())]


def test_numbered_citations_into_an_unnumbered_list_are_low_confidence() -> None:
    text = "T\n\nFees rose [2].\n\nReferences\n\nLee, K. (2001). A.\nOECD (2021). Ports.\n"
    a = analyse_text(text)
    assert [(rc.status, rc.entries) for rc in a.citations] == [("low-confidence", (1,))]
    assert a.references[1].surnames == ("OECD",)  # an acronym is a name, not initials


def test_no_citation_is_taken_from_the_reference_list_or_trailers() -> None:
    a = analyse_text(ESSAY)
    assert [ESSAY[rc.citation.start : rc.citation.end] for rc in a.citations] == [
        "(Okafor, 2011)", "Ellison et al. (2019)", "(Okafor 2011; 2014)"]
    assert [rc.status for rc in a.citations] == ["resolved"] * 3
    assert a.citations[2].entries == (1, 2)
