"""The ``--report`` of an ingest: what was found, and what the analyst still has to do.

The figures are the ones issue 11 asks for (sections, sentences, candidates, citations found /
resolved / unresolved / ambiguous / low-confidence, references parsed / flagged / never cited),
plus the reported-speech proposals; ``missing`` says in plain words what the text lacked (no
reference list, no citations…) and ``to_curate`` what the draft leaves open, so a new user reads
one report and knows where to start.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..table import render_table
from .analysis import TextAnalysis

__all__ = ["IngestReport", "make_report"]

#: (field, row label) in the order the table prints them.
_ROWS = (
    ("sections", "sections"),
    ("sentences", "sentences"),
    ("candidates", "candidate claims"),
    ("reported", "reported-speech proposals"),
    ("citations_found", "citations found"),
    ("citations_resolved", "citations resolved"),
    ("citations_unresolved", "citations unresolved"),
    ("citations_ambiguous", "citations ambiguous"),
    ("citations_low_confidence", "citations low-confidence"),
    ("references_parsed", "references parsed"),
    ("references_flagged", "references flagged"),
    ("references_uncited", "references never cited"),
)


@dataclass(frozen=True)
class IngestReport:
    """Figures of one ingest (see the module docstring); JSON keys are the field names."""

    document: str
    draft: str
    text: str
    sections: int
    sentences: int
    candidates: int
    reported: int
    citations_found: int
    citations_resolved: int
    citations_unresolved: int
    citations_ambiguous: int
    citations_low_confidence: int
    references_parsed: int
    references_flagged: int
    references_uncited: int
    missing: tuple[str, ...]
    to_curate: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    def to_table(self, max_width: int | None = None) -> str:
        rows = [(label, str(getattr(self, name))) for name, label in _ROWS]
        lines = [f"{self.document}: draft {self.draft}, text {self.text}"]
        lines += render_table(("figure", "count"), rows, max_width=max_width)
        lines += [f"missing: {m}" for m in self.missing]
        lines += [f"to curate: {t}" for t in self.to_curate]
        return "\n".join(lines) + "\n"


def make_report(
    document: str,
    draft: str,
    text: str,
    analysis: TextAnalysis,
    reported: int,
    flagged: int,
) -> IngestReport:
    """The report of one ingest from its analysis and what building the draft counted."""
    status = [rc.status for rc in analysis.citations]
    uncited = len(analysis.uncited_references())
    missing = list(analysis.structure.problems)
    refs = len(analysis.references)
    if refs and not status:
        missing.append(f"no in-text citation found: none of the {refs} references is cited")
    elif status and not refs:
        missing.append(f"{len(status)} citations found but no reference entries to resolve them to")
    curate = []
    if analysis.candidates:
        curate.append(f"{len(analysis.candidates)} draft claims: write a label in your own words, "
                      "give kinds, keep or merge")
    if reported:
        curate.append(f"{reported} reported-speech proposals: check the voice, decide the stance")
    weak = len(status) - status.count("resolved")
    if weak:
        curate.append(f"{weak} citations flagged unresolved, ambiguous or low-confidence")
    if flagged:
        curate.append(f"{flagged} reference entries the two parsers read differently "
                      "(cg:reviewNote)")
    if uncited and status:
        curate.append(f"{uncited} references never cited")
    return IngestReport(
        document=document,
        draft=draft,
        text=text,
        sections=len(analysis.structure.sections),
        sentences=len({c.sentence for c in analysis.candidates}),
        candidates=len(analysis.candidates),
        reported=reported,
        citations_found=len(status),
        citations_resolved=status.count("resolved"),
        citations_unresolved=status.count("unresolved"),
        citations_ambiguous=status.count("ambiguous"),
        citations_low_confidence=status.count("low-confidence"),
        references_parsed=refs,
        references_flagged=flagged,
        references_uncited=uncited,
        missing=tuple(missing),
        to_curate=tuple(curate),
    )
