"""Reported speech: which candidate claims voice someone other than the author, and whose voice.

A cue is looked for in each candidate: a reporting verb ("argues", "notes that", "accused"),
"according to X", "X's claim that", "from X's perspective", "For X, … appeared", a passive
"justified by X as", or a relative "who note that" that points back at the citation just before.
The earliest cue in the candidate decides, since it governs what follows it.

One rule decides, the v2 model's (``cg:reportingVerb``): a *factive* verb ("shows",
"demonstrates", "notes that", "emphasises that") puts the claim in the author's own voice, the
cited work being its evidence, so it is proposed as *not* reported, with the works in
``evidence``; a *non-factive* verb ("argues", "suggests", "claims", "accused", "stated that"),
and the cues without a verb, propose reported speech. Verbs and their classes are data
(:mod:`.lexicon`, read from the ontology's reporting-verb scheme when a store is at hand); every
cue records its class and, where the scheme has the verb, the concept to record as
``cg:reportingVerb``.

The voice comes from actor names in the cue's subject (an alias lexicon the caller passes as
data: :func:`~.lexicon.actor_aliases` reads every label and ``skos:altLabel`` of the graph's
actors) or, failing that, from the authors of the citations there (with the reference entries
they resolve to, whose works' creators are the voice). With no voice found, a non-factive verb
proposes nothing: a "These claims are disputed" without a speaker is the author talking.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .citations import ReferenceKey, ResolvedCitation
from .lexicon import DEFAULT_VERBS, FACTIVE, NON_FACTIVE, NOUN_VERBS, ReportingVerb
from .sentences import Candidate

__all__ = [
    "DEFAULT_ALIASES",
    "DEFAULT_VERBS",
    "ReportingVerb",
    "SpeechCue",
    "SpeechProposal",
    "Voice",
    "propose_speech",
]

#: A small built-in alias lexicon (alias → actor key) for tests and plain use; the integrator
#: passes the graph's own labels and alternative labels instead.
DEFAULT_ALIASES: Mapping[str, str] = {
    "Moscow": "Russian government", "the Kremlin": "Russian government",
    "Kremlin": "Russian government", "Russian government": "Russian government",
    "Washington": "United States government", "the White House": "United States government",
    "Beijing": "Chinese government", "Brussels": "European Union",
    "Russia": "Russia", "United States": "United States", "U.S.": "United States",
    "NATO": "NATO", "the alliance": "NATO", "European Union": "European Union",
    "EU": "European Union",
}

_PASSIVE = (
    "justified|described|portrayed|framed|presented|characterised|characterized|depicted"
    "|denounced|criticised|criticized|cast|seen|viewed|regarded"
)
_PERCEPTION = re.compile(
    r"\b(?:appeared|appears|seemed|seems|confirmed|confirms|was seen|is seen|were seen|"
    r"looked|looks|felt|feels|meant|signalled|signaled|represented)\b"
)
_POSSESSIVE_NOUNS = "|".join(sorted(NOUN_VERBS, key=len, reverse=True))
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("according-to", re.compile(r"\b[Aa]ccording to (?P<x>[^,.;]+)")),
    ("claim-that", re.compile(
        rf"(?P<x>(?:^|(?<=\s))\S[^,;]*?)['’]s (?P<verb>{_POSSESSIVE_NOUNS}) that\b")),
    ("perspective", re.compile(
        r"\b(?:[Ff]rom|[Ii]n) (?P<x>[^,;]+?)['’]s? "
        r"(?:perspective|point of view|view|eyes|mind)\b")),
    ("perspective", re.compile(
        r"\b(?:[Ff]rom|[Ii]n) the (?:viewpoint|perspective|point of view|standpoint|eyes|view) "
        r"of (?P<x>[^,;]+)")),
    ("for-x", re.compile(r"^(?:[A-Z]\w+,\s+)?[Ff]or (?P<x>[^,;]{2,60}),\s")),
    ("passive", re.compile(rf"\b(?P<verb>{_PASSIVE}) by (?P<x>[^,;]+?) as\b")),
    ("relative", re.compile(r"\b[Ww]ho (?P<verb>\w+(?: that)?)\b")),
)


@dataclass(frozen=True)
class Voice:
    """Whose voice: actor keys from the alias lexicon, and/or cited authors' surnames with the
    reference entries (indices into the reference keys) their citations resolve to."""

    actors: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    #: where the cue names the voice ("the port authority of Bilbao"), known or not
    phrase: tuple[int, int] | None = None
    #: the reference entries of the cited authors: the voice is their works' creators
    entries: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        """True when the voice is identified (an actor or an author), not merely named."""
        return bool(self.actors or self.authors)


@dataclass(frozen=True)
class SpeechCue:
    """Where the cue is (``str`` indices), what kind (``verb``, ``relative``, ``passive``,
    ``claim-that``, ``according-to``, ``perspective``, ``for-x``), the verb (or noun) as
    written, its class, and the reporting-verb concept IRI when the scheme has the verb."""

    start: int
    end: int
    kind: str
    verb: str | None
    factive: bool
    concept: str | None = None

    @property
    def verb_class(self) -> str:
        """``"factive"`` or ``"non-factive"``: which side of the one rule the cue falls on."""
        return "factive" if self.factive else "non-factive"

    @property
    def reporting_verb(self) -> str | None:
        """The concept to record as ``cg:reportingVerb``: the verb's own concept, else its
        class (``rverb:factive``/``rverb:non-factive``); None for cues with no verb ("according
        to X", "from X's perspective", "For X, … appeared")."""
        if self.concept:
            return self.concept
        if self.verb is None:
            return None
        return FACTIVE if self.factive else NON_FACTIVE

    @property
    def evidential(self) -> bool:
        """v1's name: under the v2 rule every factive cue makes the cited work evidence."""
        return self.factive


@dataclass(frozen=True)
class SpeechProposal:
    """A candidate with a cue. ``reported`` is proposed (for the analyst to confirm) when the
    cue is non-factive and names a voice (or, for an explicit cue such as "according to", a
    phrase); a factive cue proposes the author's own voice (``reported`` false) with the cited
    works as evidence. ``voice`` is whom the cue names (for a factive cue: whose work the author
    relies on); ``evidence`` the reference entries cited for the claim, those of the cue's own
    citations first; ``confidence`` a rough 0–1 ranking, not a probability."""

    candidate: Candidate
    cue: SpeechCue
    voice: Voice
    reported: bool
    confidence: float
    evidence: tuple[int, ...] = ()


def _verb_regex(verbs: Sequence[ReportingVerb]) -> tuple[re.Pattern[str], dict[str, ReportingVerb]]:
    table = {f.casefold(): v for v in verbs for f in v.forms}
    alternation = "|".join(re.escape(f).replace(r"\ ", r"\s+")
                           for f in sorted(table, key=len, reverse=True))
    return re.compile(rf"\b(?P<verb>{alternation})\b"), table


def _alias_regex(aliases: Mapping[str, str]) -> re.Pattern[str] | None:
    names = [a for a in sorted(aliases, key=len, reverse=True) if a.strip()]
    if not names:
        return None
    parts = [re.escape(a).replace(r"\ ", r"\s+") for a in names]
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _mentions(text: str, start: int, end: int, rx: re.Pattern[str] | None,
              aliases: Mapping[str, str]) -> list[tuple[int, int, str]]:
    if rx is None:
        return []
    found = []
    for m in rx.finditer(text, start, end):
        key = aliases.get(_fold(m.group(0)))
        if key is not None:
            found.append((m.start(), m.end(), key))
    return found


def _entries(rcs: Sequence[ResolvedCitation]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(e for rc in rcs for e in rc.entries))


def _authors(rcs: Sequence[ResolvedCitation], keys: Sequence[ReferenceKey]) -> Voice:
    """Surnames as cited ("et al." expanded from the resolved entry's author list), and the
    entries the citations resolve to."""
    out: list[str] = []
    for rc in rcs:
        for r in rc.resolutions:
            names = list(r.item.surnames)
            if r.item.et_al and r.status == "resolved" and r.entries:
                key = keys[r.entries[0]]
                names = [n for n in key.surnames if len(n.split()) <= 3] or names
            out.extend(n for n in names if n not in out)
    return Voice(authors=tuple(out), entries=_entries(rcs) if out else ())


def _clause_start(text: str, start: int, end: int) -> int:
    """After the last comma outside brackets in ``text[start:end]``: the verb's subject."""
    depth, cut = 0, start
    for i in range(start, end):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            cut = i + 1
    return cut


class _Finder:
    def __init__(self, text: str, citations: Sequence[ResolvedCitation],
                 keys: Sequence[ReferenceKey], aliases: Mapping[str, str],
                 verbs: Sequence[ReportingVerb]) -> None:
        self.text, self.keys = text, keys
        self.aliases = {_fold(a): k for a, k in aliases.items() if a.strip()}
        self.cits = sorted(citations, key=lambda rc: rc.citation.start)
        self.starts = [rc.citation.start for rc in self.cits]
        self.alias_rx = _alias_regex(self.aliases)
        self.verb_rx, self.verb_table = _verb_regex(verbs)
        # a verb by any of its words' forms ("justified" of "justify as") and by lemma
        self.by_word: dict[str, ReportingVerb] = {}
        for v in verbs:
            for f in v.forms:
                self.by_word.setdefault(f.split()[0].casefold(), v)
            if v.lemma:
                self.by_word.setdefault(v.lemma.split()[0].casefold(), v)

    def region_voice(self, start: int, end: int, last_only: bool) -> Voice:
        ms = _mentions(self.text, start, end, self.alias_rx, self.aliases)
        if ms:
            if last_only:
                keep = [ms[-1]]
                for m in reversed(ms[:-1]):  # "Baltic governments and NATO planners"
                    gap = self.text[m[1] : keep[0][0]]
                    if re.fullmatch(r"\s*(?:and|&|,)\s*", gap):
                        keep.insert(0, m)
                ms = keep
            return Voice(actors=tuple(dict.fromkeys(k for _, _, k in ms)))
        return _authors(self.within(start, end), self.keys)

    def within(self, start: int, end: int) -> list[ResolvedCitation]:
        """Citations wholly inside ``[start, end)``."""
        out = []
        for rc in self.cits[bisect_left(self.starts, start) :]:
            if rc.citation.start >= end:
                break
            if rc.citation.end <= end:
                out.append(rc)
        return out

    def verb(self, word: str | None, kind: str = "verb") -> ReportingVerb | None:
        """The lexicon's verb for a cue word: a form as listed ("notes that"), or, for the cues
        that name their verb otherwise, a participle ("justified" by X as) or a noun of "X's
        claim that" ("accusation")."""
        if not word:
            return None
        w = " ".join(word.split()).casefold()
        if w in self.verb_table:
            return self.verb_table[w]
        if kind == "claim-that":
            lemma = NOUN_VERBS.get(w)
            return self.by_word.get(lemma.split()[0]) if lemma else None
        if kind == "passive":
            return self.by_word.get(w.split()[0])
        return None

    def proposal(self, cand: Candidate, cue_at: tuple[int, int], kind: str, word: str | None,
                 voice: Voice, evidence_first: Sequence[ResolvedCitation],
                 confidence: float) -> SpeechProposal | None:
        rv = self.verb(word, kind)
        factive = rv.factive if rv is not None else False
        cue = SpeechCue(cue_at[0], cue_at[1], kind, word, factive,
                        rv.concept if rv is not None else None)
        evidence = tuple(dict.fromkeys(
            _entries(evidence_first) + _entries(self.within(cand.start, cand.end))))
        if factive:  # the author's own voice; the cited works are evidence
            return SpeechProposal(cand, cue, voice, False, 0.6, evidence)
        if voice:
            return SpeechProposal(cand, cue, voice, True, confidence, evidence)
        if kind in ("verb", "relative", "for-x"):
            return None  # no speaker: the author talking ("These claims are disputed")
        # an explicit cue ("according to the port authority") reports someone even when the
        # lexicon does not know them: the phrase is for the analyst to name
        return SpeechProposal(cand, cue, voice, True, 0.4, evidence)

    def propose(self, cand: Candidate, sentence_start: int) -> SpeechProposal | None:
        text, s0, s1 = self.text, cand.start, cand.end
        found: list[tuple[int, SpeechProposal]] = []

        def add(p: SpeechProposal | None) -> None:
            if p is not None:
                found.append((p.cue.start, p))

        for kind, rx in _PATTERNS:
            m = rx.search(text, s0, s1) if kind != "for-x" else rx.match(text[s0:s1])
            if m is None:
                continue
            off = s0 if kind == "for-x" else 0
            if kind == "for-x" and not _PERCEPTION.search(text, s0 + m.end(), s1):
                continue
            word = m.groupdict().get("verb")
            at = (off + m.start(), off + m.end())
            if kind == "relative":
                if word and word.endswith(" that") and self.verb(word, kind) is None:
                    word = word[: -len(" that")]  # "who argue that": the verb is "argue"
                if self.verb(word, kind) is None:
                    continue
                before = self.within(sentence_start, at[0])
                add(self.proposal(cand, at, kind, word, _authors(before, self.keys), before,
                                  0.7))
                continue
            xs, xe = off + m.start("x"), off + m.end("x")
            voice = self.region_voice(xs, xe, last_only=kind == "claim-that")
            voice = Voice(voice.actors, voice.authors, (xs, xe), voice.entries)
            add(self.proposal(cand, at, kind, word, voice, self.within(xs, xe),
                              0.5 if kind == "for-x" else 0.8))
        for m in self.verb_rx.finditer(text, s0, s1):
            subject = _clause_start(text, s0, m.start())
            voice = self.region_voice(subject, m.start(), last_only=True)
            add(self.proposal(cand, (m.start(), m.end()), "verb", m.group("verb"), voice,
                              self.within(subject, m.start()), 0.8))
        if not found:
            return None
        found.sort(key=lambda f: f[0])
        return found[0][1]


def propose_speech(
    text: str,
    candidates: Sequence[Candidate],
    citations: Sequence[ResolvedCitation] = (),
    keys: Sequence[ReferenceKey] = (),
    aliases: Mapping[str, str] | None = None,
    verbs: Sequence[ReportingVerb] = DEFAULT_VERBS,
) -> list[SpeechProposal]:
    """One proposal for each candidate that carries a reporting cue, in text order.

    ``aliases`` maps a name as written ("Moscow", "the Kremlin"; matched case-insensitively) to
    an actor key (an IRI or a label: it is returned as is), e.g.
    :func:`~.lexicon.actor_aliases` of a store; ``citations``/``keys`` give the authors of cited
    works; ``verbs`` the reporting verbs and their classes (:func:`~.lexicon.reporting_verbs`).
    """
    finder = _Finder(text, citations, keys, DEFAULT_ALIASES if aliases is None else aliases, verbs)
    sentence_starts: dict[int, int] = {}
    for c in candidates:
        sentence_starts.setdefault(c.sentence, c.start)
    out = []
    for c in candidates:
        proposal = finder.propose(c, sentence_starts[c.sentence])
        if proposal is not None:
            out.append(proposal)
    return out
