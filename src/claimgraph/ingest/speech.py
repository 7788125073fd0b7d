"""Reported speech: which candidate claims voice someone other than the author, and whose voice.

A cue is looked for in each candidate: a reporting verb ("argues", "notes that", "accused"),
"according to X", "X's claim that", "from X's perspective", "For X, … appeared", a passive
"justified by X as", or a relative "who note that" that points back at the citation just before.
The earliest cue in the candidate decides, since it governs what follows it.

Verbs are split three ways, because the curated data draws the line there: *evidential* verbs
("shows", "demonstrates") keep the author's voice, the cited work being evidence; *factive*
reporting verbs ("notes that", "emphasises that", "stresses") and *non-factive* ones ("argues",
"suggests", "claims") report another voice. ``factive`` is kept on the cue so that a model which
treats factive reports as the author's own can decide differently without re-running this.

The voice comes from actor names in the cue's subject (an alias lexicon the caller passes as
data, e.g. every ``rdfs:label``/``skos:altLabel`` of the graph's actors) or, failing that, from
the authors of the citations there. With no voice found, nothing is proposed: a "This shows"
without a speaker is the author talking.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .citations import ReferenceKey, ResolvedCitation
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


@dataclass(frozen=True)
class ReportingVerb:
    """Surface forms of one reporting verb (multi-word forms allowed, e.g. "notes that")."""

    forms: tuple[str, ...]
    factive: bool
    evidential: bool = False


DEFAULT_VERBS: tuple[ReportingVerb, ...] = (
    ReportingVerb(("shows", "show", "showed", "demonstrates", "demonstrate", "demonstrated",
                   "reveals", "reveal", "revealed", "establishes", "establish", "proves",
                   "prove", "proved", "finds that", "find that", "found that"), True, True),
    ReportingVerb(("notes that", "note that", "noted that", "observes that", "observe that",
                   "observed that", "emphasises that", "emphasise that", "emphasised that",
                   "emphasizes that", "emphasize that", "emphasized that", "stresses",
                   "stress", "stressed", "points out that", "point out that", "pointed out that",
                   "acknowledges that", "acknowledged that", "recognises that",
                   "recognized that", "recognizes that"), True),
    ReportingVerb(("argues", "argue", "argued", "suggests", "suggest", "suggested", "claims",
                   "claim", "claimed", "contends", "contend", "contended", "asserts",
                   "assert", "asserted", "accuses", "accuse", "accused", "states that",
                   "state that", "stated that", "maintains that", "maintained that", "insists",
                   "insist", "insisted", "alleges", "allege", "alleged", "believes",
                   "believe", "believed", "warns", "warned", "predicts", "predicted",
                   "doubled down on", "doubles down on", "denies", "denied", "proposes",
                   "proposed that", "holds that", "held that", "reports that",
                   "report that", "reported that", "says", "say", "said", "writes that",
                   "wrote that", "concludes that", "concluded that"), False),
)

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
_POSSESSIVE_NOUNS = (
    "claim|claims|argument|assertion|view|contention|insistence|accusation|accusations|belief"
    "|narrative|charge|allegation"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("according-to", re.compile(r"\b[Aa]ccording to (?P<x>[^,.;]+)")),
    ("claim-that", re.compile(
        rf"(?P<x>(?:^|(?<=\s))\S[^,;]*?)['’]s (?:{_POSSESSIVE_NOUNS}) that\b")),
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
    """Whose voice: actor keys from the alias lexicon, and/or cited authors' surnames."""

    actors: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    #: where the cue names the voice ("the port authority of Bilbao"), known or not
    phrase: tuple[int, int] | None = None

    def __bool__(self) -> bool:
        """True when the voice is identified (an actor or an author), not merely named."""
        return bool(self.actors or self.authors)


@dataclass(frozen=True)
class SpeechCue:
    """Where the cue is (``str`` indices), what kind, the verb form if any, and its class."""

    start: int
    end: int
    kind: str
    verb: str | None
    factive: bool
    evidential: bool


@dataclass(frozen=True)
class SpeechProposal:
    """A candidate with a cue: ``reported`` is proposed (for the analyst to confirm) when the
    cue reports and a voice was found; ``confidence`` is a rough 0–1 ranking, not a probability."""

    candidate: Candidate
    cue: SpeechCue
    voice: Voice
    reported: bool
    confidence: float


def _verb_regex(verbs: Sequence[ReportingVerb]) -> tuple[re.Pattern[str], dict[str, ReportingVerb]]:
    table = {f: v for v in verbs for f in v.forms}
    alternation = "|".join(re.escape(f).replace(r"\ ", r"\s+")
                           for f in sorted(table, key=len, reverse=True))
    return re.compile(rf"\b(?P<verb>{alternation})\b"), table


def _alias_regex(aliases: Mapping[str, str]) -> re.Pattern[str] | None:
    names = [a for a in sorted(aliases, key=len, reverse=True) if a.strip()]
    if not names:
        return None
    parts = []
    for a in names:
        e = re.escape(a)
        if a[:1].islower():
            e = f"[{a[0].upper()}{a[0]}]{re.escape(a[1:])}"
        parts.append(e)
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])")


def _mentions(text: str, start: int, end: int, rx: re.Pattern[str] | None,
              aliases: Mapping[str, str]) -> list[tuple[int, int, str]]:
    if rx is None:
        return []
    found = []
    for m in rx.finditer(text, start, end):
        key = aliases.get(m.group(0))
        if key is None:
            key = aliases.get(m.group(0)[0].lower() + m.group(0)[1:])
        if key is not None:
            found.append((m.start(), m.end(), key))
    return found


def _authors(rcs: Sequence[ResolvedCitation], keys: Sequence[ReferenceKey]) -> tuple[str, ...]:
    """Surnames as cited; "et al." expanded from the resolved entry's author list."""
    out: list[str] = []
    for rc in rcs:
        for r in rc.resolutions:
            names = list(r.item.surnames)
            if r.item.et_al and r.status == "resolved" and r.entries:
                key = keys[r.entries[0]]
                names = [n for n in key.surnames if len(n.split()) <= 3] or names
            out.extend(n for n in names if n not in out)
    return tuple(out)


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
        self.text, self.keys, self.aliases = text, keys, aliases
        self.cits = sorted(citations, key=lambda rc: rc.citation.start)
        self.starts = [rc.citation.start for rc in self.cits]
        self.alias_rx = _alias_regex(aliases)
        self.verb_rx, self.verb_table = _verb_regex(verbs)

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
        return Voice(authors=_authors(self.within(start, end), self.keys))

    def within(self, start: int, end: int) -> list[ResolvedCitation]:
        """Citations wholly inside ``[start, end)``."""
        out = []
        for rc in self.cits[bisect_left(self.starts, start) :]:
            if rc.citation.start >= end:
                break
            if rc.citation.end <= end:
                out.append(rc)
        return out

    def propose(self, cand: Candidate, sentence_start: int) -> SpeechProposal | None:
        text, s0, s1 = self.text, cand.start, cand.end
        found: list[tuple[int, SpeechProposal]] = []
        for kind, rx in _PATTERNS:
            m = rx.search(text, s0, s1) if kind != "for-x" else rx.match(text[s0:s1])
            if m is None:
                continue
            off = s0 if kind == "for-x" else 0
            if kind == "for-x" and not _PERCEPTION.search(text, s0 + m.end(), s1):
                continue
            verb = m.groupdict().get("verb")
            cue = SpeechCue(off + m.start(), off + m.end(), kind, verb, False, False)
            if kind == "relative":
                rv = self.verb_table.get(" ".join((verb or "").split()))
                if rv is None or rv.evidential:
                    continue
                before = self.within(sentence_start, cue.start)
                voice = Voice(authors=_authors(before, self.keys))
                cue = SpeechCue(cue.start, cue.end, kind, verb, rv.factive, False)
                found.append((cue.start, SpeechProposal(cand, cue, voice, bool(voice), 0.7)))
                continue
            xs, xe = off + m.start("x"), off + m.end("x")
            voice = self.region_voice(xs, xe, last_only=kind == "claim-that")
            voice = Voice(voice.actors, voice.authors, (xs, xe))
            if voice:
                conf = 0.5 if kind == "for-x" else 0.8
                found.append((cue.start, SpeechProposal(cand, cue, voice, True, conf)))
            elif kind != "for-x":
                # an explicit cue ("according to the port authority") reports someone even when
                # the lexicon does not know them: the phrase is for the analyst to name
                found.append((cue.start, SpeechProposal(cand, cue, voice, True, 0.4)))
        for m in self.verb_rx.finditer(text, s0, s1):
            rv = self.verb_table[" ".join(m.group("verb").split())]
            cue = SpeechCue(m.start(), m.end(), "verb", m.group("verb"), rv.factive, rv.evidential)
            voice = self.region_voice(_clause_start(text, s0, m.start()), m.start(),
                                      last_only=True)
            if rv.evidential:
                found.append((cue.start, SpeechProposal(cand, cue, voice, False, 0.6)))
            elif voice:
                found.append((cue.start, SpeechProposal(cand, cue, voice, True, 0.8)))
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

    ``aliases`` maps a name as written ("Moscow", "the Kremlin") to an actor key (an IRI or a
    label: it is returned as is); ``citations``/``keys`` give the authors of cited works.
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
