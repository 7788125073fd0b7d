"""All text-analysis stages in one call, in the order each needs the last: structure, then
candidates, citations and their resolution in the body only (never the reference list or the
page trailers), then reported speech over the candidates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .citations import ReferenceKey, ResolvedCitation, find_citations, reference_key, resolve
from .sentences import Candidate, candidates
from .speech import DEFAULT_VERBS, ReportingVerb, SpeechProposal, propose_speech
from .structure import Markers, Structure, find_structure

__all__ = ["TextAnalysis", "analyse_text"]


@dataclass(frozen=True)
class TextAnalysis:
    """What :func:`analyse_text` found; every offset indexes the text it was given."""

    structure: Structure
    candidates: tuple[Candidate, ...]
    references: tuple[ReferenceKey, ...]
    citations: tuple[ResolvedCitation, ...]
    speech: tuple[SpeechProposal, ...]

    def uncited_references(self) -> tuple[int, ...]:
        """Indices of reference entries that no citation resolves to."""
        cited = {e for rc in self.citations for e in rc.entries}
        return tuple(i for i in range(len(self.references)) if i not in cited)


def analyse_text(
    text: str,
    markers: Markers | None = None,
    aliases: Mapping[str, str] | None = None,
    verbs: Sequence[ReportingVerb] = DEFAULT_VERBS,
) -> TextAnalysis:
    """Run every stage on ``text``; ``aliases`` as in :func:`propose_speech`."""
    structure = find_structure(text, markers)
    cands = candidates(text, structure)
    keys = tuple(reference_key(text, span) for span in structure.references)
    corporate = [k.surnames[0] for k in keys if k.corporate and k.surnames]
    found = find_citations(text, structure.body_start, structure.body_end, corporate)
    resolved = tuple(resolve(text, found, keys))
    speech = propose_speech(text, cands, resolved, keys, aliases, verbs)
    return TextAnalysis(structure, tuple(cands), keys, resolved, tuple(speech))
