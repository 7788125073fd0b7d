"""Helpers shared by the ingest tests: our own essays, a fixed activity time, 6-word runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from .conftest import TESTS

ESSAYS = TESTS / "data" / "ingest"
HARBOUR = ESSAYS / "harbour-cranes.txt"
TIDAL = ESSAYS / "tidal-mills.html"
#: The activity's time in tests, so that two runs can be compared byte for byte.
STARTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def word_runs(text: str, n: int = 6) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words (letters and digits, lower case) of ``text``."""
    words = re.findall(r"[^\W_]+(?:['’][^\W_]+)?", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def body_sentence_runs(text: str) -> set[tuple[str, ...]]:
    """6-word runs of the essay's body sentences: the text a draft must not copy (titles,
    headings and reference entries carry over, as in the curated data)."""
    from claimgraph.ingest import analyse_text

    analysis = analyse_text(text)
    runs: set[tuple[str, ...]] = set()
    for c in analysis.candidates:
        runs |= word_runs(text[c.start : c.end])
    return runs


def draft_literals(path: Path) -> str:
    """Every literal of a draft, one per line (what could carry copied text)."""
    import pyoxigraph as ox

    found = [q.object.value for q in ox.parse(path=str(path)) if isinstance(q.object, ox.Literal)]
    return "\n".join(sorted(set(found)))
