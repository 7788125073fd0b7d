"""Sentences and candidate claims with offsets.

syntok segments each paragraph (it keeps token offsets, so spans stay exact, and it was the best
of the segmenters measured on the bundled essay). Two repairs follow: an abbreviation that syntok
took for a sentence end ("pp. 3", "e.g. the") is joined back, since a citation locator must never
cut a claim in two; and list items are segmented on their own, so "1." never starts a sentence.

Clause candidates come from a few *clean* splits only ("; thus", ", whereas", "and" + a second
past-tense verb phrase, ", who note that", ", justified by"). A split the analyst has to undo
costs more than one they have to add, so a series ("A, B, and C") or a subordinate clause is
never split.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from syntok import segmenter

from .structure import Span, Structure, lines

__all__ = ["ABBREVIATIONS", "Candidate", "blocks", "candidates", "sentences"]

#: Tokens ending in a full stop that never end a sentence when followed by more of it.
ABBREVIATIONS = (
    "e.g.", "i.e.", "et al.", "al.", "pp.", "p.", "cf.", "vs.", "ed.", "eds.", "vol.", "no.",
    "ch.", "fig.", "U.S.", "U.K.", "D.C.", "N.J.", "St.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.",
    "approx.", "ca.", "c.",
)
_ABBREV_END = re.compile(
    r"(?:^|[\s(\[])(?:" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")$", re.IGNORECASE
)
_ALWAYS_JOIN = re.compile(r"(?:^|[\s(\[])(?:e\.g\.|i\.e\.|pp?\.|cf\.|vs\.|al\.)$", re.IGNORECASE)
_ITEM_MARK = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[-•*–])[ \t]+")

_CONNECTIVES = (
    "thus|therefore|hence|however|consequently|moreover|accordingly|nevertheless|instead"
    "|otherwise|indeed|meanwhile"
)
# Each rule: (name, pattern); the clause starts at group "start", the previous one ends at the
# start of group "cut" (the punctuation or conjunction left between them).
_SPLITS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("; connective", re.compile(rf"(?P<cut>;)\s+(?P<start>(?:{_CONNECTIVES})\b)", re.I)),
    (", whereas", re.compile(r"(?P<cut>,)\s+(?P<start>(?:whereas|whilst)\b)")),
    ("who + reporting verb + that", re.compile(r"(?P<cut>,)\s+(?P<start>who\s+\w+\s+that\b)")),
    ("participle + by", re.compile(r"(?P<cut>,)\s+(?P<start>[a-z]\w+ed\s+by\b)")),
    ("and + verb phrase", re.compile(
        r"(?P<cut>,?\s+and)\s+(?P<start>[a-z]\w{2,}ed\b)\s+(?:the|a|an|its|their|his|her|our)\b")),
)
_SERIES = re.compile(r",\s+[a-z]\w+ed\b")


@dataclass(frozen=True)
class Candidate:
    """A candidate claim: a sentence, a clause of one, or a list item.

    ``sentence`` is the index of the sentence it comes from (clauses of one sentence share it);
    ``split`` names the rule that opened it (``None`` for a sentence's first part).
    """

    start: int
    end: int
    sentence: int
    kind: str
    split: str | None = None


def blocks(text: str, start: int, end: int, skip: Iterable[Span] = ()) -> list[tuple[Span, bool]]:
    """Paragraphs and list items of ``text[start:end]`` as (span, is_item), minus ``skip``.

    A paragraph ends at a blank line; a list item starts at its marker ("1.", "-", "•") and runs
    over its indented continuation lines; the marker itself is left out of the span.
    """
    skipped = set(skip)
    out: list[tuple[Span, bool]] = []
    cur: list[int] | None = None
    cur_item = False
    prev_end = -1
    for ls, le in lines(text, start, end):
        line_start = text.rfind("\n", 0, ls) + 1
        mark = _ITEM_MARK.match(text, line_start)
        blank_before = prev_end >= 0 and text.count("\n", prev_end, ls) >= 2
        if (ls, le) in skipped:
            if cur:
                out.append(((cur[0], cur[1]), cur_item))
            cur, prev_end = None, le
            continue
        if cur is None or blank_before or (mark and mark.end() <= le) or (
            cur_item and ls - line_start == 0
        ):
            if cur:
                out.append(((cur[0], cur[1]), cur_item))
            cur_item = bool(mark and mark.end() <= le)
            cur = [mark.end() if cur_item and mark else ls, le]
        else:
            cur[1] = le
        prev_end = le
    if cur:
        out.append(((cur[0], cur[1]), cur_item))
    return out


def _syntok_sentences(text: str, span: Span) -> list[Span]:
    chunk = text[span[0] : span[1]]
    out: list[Span] = []
    for paragraph in segmenter.analyze(chunk):
        for sent in paragraph:
            if not sent:
                continue
            first, last = sent[0], sent[-1]
            out.append((span[0] + first.offset, span[0] + last.offset + len(last.value)))
    return out


def _join_abbreviations(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for sp in spans:
        if out:
            prev = text[out[-1][0] : out[-1][1]]
            nxt = text[sp[0] : sp[1]]
            follows = nxt[:1]
            if _ALWAYS_JOIN.search(prev) or (
                _ABBREV_END.search(prev) and follows and not follows.isupper()
            ):
                out[-1] = (out[-1][0], sp[1])
                continue
        out.append(sp)
    return out


def sentences(text: str, start: int = 0, end: int | None = None,
              skip: Iterable[Span] = ()) -> list[tuple[Span, bool]]:
    """Sentences of ``text[start:end]`` as (span, in_list_item), never crossing a paragraph."""
    stop = len(text) if end is None else end
    out: list[tuple[Span, bool]] = []
    for span, item in blocks(text, start, stop, skip):
        found = _join_abbreviations(text, _syntok_sentences(text, span))
        if item and found:
            # a list item is one candidate ("Label:\n  explanation."), whatever syntok says
            found = [(found[0][0], found[-1][1])]
        out.extend((s, item) for s in found)
    return out


def _depth_mask(sentence: str) -> list[int]:
    """Nesting depth of brackets and quotes at each index, so splits inside them are ignored."""
    depth, mask = 0, []
    for ch in sentence:
        if ch in "([{‘“":
            depth += 1
        mask.append(depth)
        if ch in ")]}’”" and depth > 0:
            depth -= 1
    return mask


def _clauses(text: str, span: Span) -> list[tuple[Span, str | None]]:
    s0, s1 = span
    sent = text[s0:s1]
    mask = _depth_mask(sent.replace("’s", "'s"))
    cuts: list[tuple[int, int, str]] = []
    for name, rx in _SPLITS:
        for m in rx.finditer(sent):
            if mask[m.start("cut")] or mask[m.start("start")]:
                continue
            if name == "and + verb phrase":
                last_cut = max((c[1] for c in cuts if c[1] <= m.start()), default=0)
                if _SERIES.search(sent, last_cut, m.start()):
                    continue
            cuts.append((m.start("cut"), m.start("start"), name))
    cuts.sort()
    out: list[tuple[Span, str | None]] = []
    begin, rule = 0, None
    for cut, nxt, name in cuts:
        if cut <= begin:
            continue
        out.append(((s0 + begin, s0 + cut), rule))
        begin, rule = nxt, name
    out.append(((s0 + begin, s1), rule))
    return out


def candidates(text: str, structure: Structure) -> list[Candidate]:
    """Candidate claims of the essay's body (headings excluded), in text order."""
    found: list[Candidate] = []
    sents = sentences(text, structure.body_start, structure.body_end, structure.headings)
    for index, (span, item) in enumerate(sents):
        parts = [(span, None)] if item else _clauses(text, span)
        for (start, end), rule in parts:
            kind = "item" if item else ("sentence" if len(parts) == 1 else "clause")
            found.append(Candidate(start, end, index, kind, rule))
    return found
