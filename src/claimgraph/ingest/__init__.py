"""Text analysis for ``claimgraph ingest``: structure, sentences and candidate claims, in-text
citations and reported speech of a new author-date essay, as pure functions over one ``str``.

Every offset is a Python ``str`` index into the text given (end exclusive); nothing here writes
RDF (:func:`actor_aliases` and :func:`reporting_verbs` only read the alias lexicon and the
reporting verbs from a store). The integrator turns the results into a draft graph for an
analyst to curate; the text the offsets index (for HTML: the text :func:`text_from_html`
extracted) must be saved beside it.
"""

from .analysis import TextAnalysis, analyse_text
from .citations import (
    Citation,
    CitedItem,
    ReferenceKey,
    Resolution,
    ResolvedCitation,
    find_citations,
    reference_key,
    resolve,
)
from .lexicon import actor_aliases, reporting_verbs
from .sentences import Candidate, candidates, sentences
from .speech import (
    DEFAULT_ALIASES,
    DEFAULT_VERBS,
    ReportingVerb,
    SpeechCue,
    SpeechProposal,
    Voice,
    propose_speech,
)
from .structure import (
    IngestInputError,
    Markers,
    Section,
    Span,
    Structure,
    decode_input,
    find_structure,
    text_from_html,
)

__all__ = [
    "DEFAULT_ALIASES",
    "DEFAULT_VERBS",
    "Candidate",
    "Citation",
    "CitedItem",
    "IngestInputError",
    "Markers",
    "ReferenceKey",
    "ReportingVerb",
    "Resolution",
    "ResolvedCitation",
    "Section",
    "Span",
    "SpeechCue",
    "SpeechProposal",
    "Structure",
    "TextAnalysis",
    "Voice",
    "actor_aliases",
    "analyse_text",
    "candidates",
    "decode_input",
    "find_citations",
    "find_structure",
    "propose_speech",
    "reference_key",
    "reporting_verbs",
    "resolve",
    "sentences",
    "text_from_html",
]
