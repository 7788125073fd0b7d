"""Whatever the text, the ingest text analysis returns spans inside it and never raises: an
analyst's odd file must give a report, not a traceback."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimgraph.ingest import analyse_text

PIECES = st.sampled_from([
    "References", "In this Section", "By A. Writer", "March 3, 2024", "\n", "\n\n", "  1. ",
    "- ", "(", ")", "[", "]", "(Lee, 2001)", "Lee (2001)", "(2015)", "et al.", "e.g.", "U.S.",
    "; thus ", ", whereas ", " and cemented the ", ", who note that ", "According to ",
    "Moscow argued that ", "’s claim that ", "pp. 3–5", "n.d.", "[1–3, 5]", "Lee, K. (2001). B.",
    "word ", "Word ", ". ", "\u00a0", "é", "\ufeff", "\t",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(PIECES | st.text(max_size=8), max_size=40).map("".join))
def test_spans_stay_inside_the_text(text: str) -> None:
    a = analyse_text(text)
    n = len(text)
    s = a.structure
    assert 0 <= s.body_start <= s.body_end <= n
    for sec in s.sections:
        assert s.body_start <= sec.start <= sec.end <= s.body_end
    for c in a.candidates:
        assert s.body_start <= c.start < c.end <= s.body_end
    for rc in a.citations:
        assert s.body_start <= rc.citation.start < rc.citation.end <= s.body_end
        assert all(0 <= e < len(a.references) for e in rc.entries)
    for p in a.speech:
        assert p.candidate.start <= p.cue.start < p.cue.end <= p.candidate.end
