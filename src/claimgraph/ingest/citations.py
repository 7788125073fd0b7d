"""In-text citations (author-date and numbered) with offsets, and their resolution to the
reference list.

Finding is driven by the brackets: every "(…)" whose content parses as author-year groups is a
parenthetical citation; a "(…)" holding only years is narrative, its authors read backwards from
just before it; a year-only "(2015)" after a descriptive phrase ("A British government analysis")
is kept too, resolved only with low confidence. Numbered "[1–3, 5]" forms are found separately.

Resolution uses a deliberately simple author-year grammar over each entry (:func:`reference_key`)
and checks *every* cited surname: a name that matches no entry is reported unresolved rather than
silently absorbed by its neighbours (the integrator compares this grammar with the CRF parser).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .structure import Span

__all__ = [
    "Citation",
    "CitedItem",
    "ReferenceKey",
    "Resolution",
    "ResolvedCitation",
    "find_citations",
    "reference_key",
    "resolve",
]

_PARTICLE = (
    r"(?:[vV]an|[vV]on|[dD]e|[dD]er|[dD]en|[dD]el|[dD]ella|[dD]i|[dD]a|[dD]u|[lL]e|[lL]a"
    r"|dos|das|ten|ter)"
)
_UP = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
_NAME = rf"(?:{_PARTICLE}\s+){{0,2}}{_UP}[^\W\d_]*(?:['’\-]{_UP}?[^\W\d_]+)*"
_SEP = r"(?:\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*)"
_AUTHORS = rf"{_NAME}(?:{_SEP}{_NAME})*(?:\s+et\s+al\.?)?"
_YEAR = r"(?:\d{4}[a-z]?|n\.\s?d\.)"
# a page locator: "p. 12", "pp. 3–5", ": 12" (a bare number has at most 3 digits:
# "2019, 2020" is two years)
_LOCATOR = (
    r"(?:\s*[,:]\s*(?:(?:pp?|ch|chap|para)\.\s*\d+|\d{1,3}(?!\d))(?:\s*[-–]\s*\d+)?)"
)
_YEARS = rf"{_YEAR}{_LOCATOR}?(?:\s*[;,]\s*{_YEAR}{_LOCATOR}?)*"
_PREFIX = r"(?:(?:e\.g\.|i\.e\.|see\s+also|see|cf\.|for\s+example|also)\s*,?\s+)"

# a bracket like "(In 1990)" or "(Since 2004)" dates something, it cites nobody
_NOT_AUTHORS = frozenset(
    "in on at by since from until till before after circa about around late early mid during "
    "between through throughout by and or the a an c. ca. approx. as of".split()
)
_PAREN = re.compile(r"\(([^()\n]{1,400})\)")
_YEARS_ONLY = re.compile(rf"^\s*{_YEARS}\s*$")
_GROUP = re.compile(
    rf"^\s*{_PREFIX}?(?P<authors>{_AUTHORS}|{_UP}[^,;()\d]{{1,80}}?)\s*,?\s+(?P<years>{_YEARS})\s*$"
)
_AUTHORS_AT_END = re.compile(rf"(?P<authors>{_AUTHORS})\s*$")
_ONE_YEAR = re.compile(rf"(?P<year>{_YEAR})(?P<loc>{_LOCATOR})?")
_NUM = r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?"
_NUMBERED = re.compile(rf"\[(\s*{_NUM}(?:\s*,\s*{_NUM})*\s*)\]")
_DETERMINER = re.compile(r"\b(?:A|An|The|a|an|the|This|this|One|one)\s")
_SPLIT_NAMES = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*")
# "D.S.", "K.", "M.-L.", or a lone capital ("A" in a garbled list); not "OECD" or "NATO"
_INITIALS = re.compile(rf"^(?:(?:{_UP}[a-z]?\.\s*-?\s*)+|{_UP})$")
_ENTRY_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})\.\s)")
_ENTRY_YEAR = re.compile(
    r"\(\s*(\d{4}[a-z]?|n\.\s?d\.)\s*\)|(?:^|[\s,.])(\d{4}[a-z]?|n\.\s?d\.)[.,)]"
)


@dataclass(frozen=True)
class CitedItem:
    """One (authors, year) pair of a citation; ``number`` for numbered forms instead."""

    surnames: tuple[str, ...]
    year: str | None
    et_al: bool = False
    locator: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class Citation:
    """An in-text citation: its span, form (``narrative``, ``parenthetical``, ``year-only``,
    ``numbered``), the items it cites, and a prefix such as "e.g." or "see" if any."""

    start: int
    end: int
    form: str
    items: tuple[CitedItem, ...]
    prefix: str | None = None


@dataclass(frozen=True)
class ReferenceKey:
    """What the simple grammar reads from a reference entry: author surnames (or one corporate
    name), whether the author is corporate, and the year with its suffix ("2019a", "n.d.")."""

    span: Span
    surnames: tuple[str, ...]
    corporate: bool
    year: str | None
    number: int | None = None


@dataclass(frozen=True)
class Resolution:
    """How one cited item resolved: ``resolved``, ``unresolved``, ``ambiguous`` (several entries
    fit) or ``low-confidence`` (a year-only citation and one entry of that year); ``entries`` are
    indices into the reference keys."""

    item: CitedItem
    status: str
    entries: tuple[int, ...]


@dataclass(frozen=True)
class ResolvedCitation:
    """A citation with the resolution of each of its items."""

    citation: Citation
    resolutions: tuple[Resolution, ...]

    @property
    def entries(self) -> tuple[int, ...]:
        """Every reference entry this citation resolves to (resolved or low-confidence)."""
        out: list[int] = []
        for r in self.resolutions:
            if r.status in ("resolved", "low-confidence"):
                out.extend(e for e in r.entries if e not in out)
        return tuple(out)

    @property
    def status(self) -> str:
        """The weakest status among the items (unresolved < ambiguous < low-confidence)."""
        order = ("unresolved", "ambiguous", "low-confidence", "resolved")
        return min((r.status for r in self.resolutions), key=order.index, default="unresolved")


def _fold(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.replace("’", "'")).encode("ascii", "ignore").decode()
    return " ".join(s.strip(" .,").split()).casefold()


def _year_key(year: str | None) -> str | None:
    return None if year is None else year.replace(" ", "").lower()


def reference_key(text: str, span: Span) -> ReferenceKey:
    """Read authors and year from one reference entry (Harvard/APA style: the authors, then the
    year, usually in brackets). Authors without initials and of several words are corporate;
    a leading "[3]" or "3." is the entry's number for numbered citations."""
    entry = text[span[0] : span[1]]
    num = _ENTRY_NUMBER.match(entry)
    number = int(num.group(1) or num.group(2)) if num else None
    if num:
        entry = entry[num.end() :]
    m = _ENTRY_YEAR.search(entry)
    year = _year_key(m.group(1) or m.group(2)) if m else None
    head = entry[: m.start()] if m else entry.split(". ", 1)[0]
    parts = [p.strip() for p in _SPLIT_NAMES.split(head.strip(" .")) if p and p.strip()]
    people = [p for p in parts if not _INITIALS.match(p)]
    has_initials = len(people) < len(parts)
    # with initials present, a long part is an organisation among persons: kept as printed
    names = [p.strip() if has_initials and len(p.split()) > 3 else p.rstrip(".").strip()
             for p in people]
    corporate = bool(names) and not has_initials and len(names[0].split()) > 1
    return ReferenceKey(span, tuple(names), corporate, year, number)


def _items(authors: str, years: str) -> list[CitedItem]:
    et_al = bool(re.search(r"\bet\s+al\.?$", authors.strip()))
    names = re.sub(r"\s+et\s+al\.?$", "", authors.strip())
    surnames = tuple(n.strip() for n in _SPLIT_NAMES.split(names) if n and n.strip())
    out = []
    for y in _ONE_YEAR.finditer(years):
        loc = y.group("loc")
        out.append(CitedItem(surnames, _year_key(y.group("year")), et_al,
                             loc.strip(" ,:") if loc else None))
    return out


def _narrative_start(
    text: str, pos: int, floor: int, corporate: Iterable[str]
) -> tuple[int, str] | None:
    """Start and author text of a narrative citation whose bracket opens at ``pos``."""
    before = text[max(floor, pos - 300) : pos]
    for name in sorted(corporate, key=len, reverse=True):
        if before.rstrip().casefold().endswith(name.casefold()):
            end = len(before.rstrip())
            return pos - len(before) + end - len(name), name
    m = _AUTHORS_AT_END.search(before)
    if m is None or not m.group("authors")[0].isupper() and not re.match(_PARTICLE, m.group(0)):
        return None
    return pos - len(before) + m.start("authors"), m.group("authors")


def _descriptive_start(text: str, pos: int, floor: int) -> int:
    """Start of the noun phrase before a year-only bracket ("A British government analysis")."""
    before = text[max(floor, pos - 80) : pos]
    cut = max(before.rfind(c) for c in ",;:.\n")
    phrase_from = cut + 1
    dets = list(_DETERMINER.finditer(before, phrase_from))
    start = dets[-1].start() if dets else phrase_from
    while start < len(before) and before[start].isspace():
        start += 1
    return pos - len(before) + start


def find_citations(text: str, start: int = 0, end: int | None = None,
                   corporate_names: Iterable[str] = ()) -> list[Citation]:
    """All in-text citations in ``text[start:end]`` (pass the body: never the reference list
    or the page trailers), in text order. ``corporate_names`` lets a narrative citation begin
    with an organisation's name ("World Health Organization (2020)")."""
    stop = len(text) if end is None else end
    corporate = tuple(corporate_names)
    found: list[Citation] = []
    for m in _PAREN.finditer(text, start, stop):
        inner = m.group(1)
        if _YEARS_ONLY.match(inner):
            narrative = _narrative_start(text, m.start(), start, corporate)
            if narrative:
                s, authors = narrative
                found.append(Citation(s, m.end(), "narrative", tuple(_items(authors, inner))))
            else:
                s = _descriptive_start(text, m.start(), start)
                found.append(Citation(s, m.end(), "year-only", tuple(_items("", inner))))
            continue
        items: list[CitedItem] = []
        prefix = None
        ok = True
        for k, part in enumerate(re.split(r"\s*;\s*(?=[^\d\s])", inner)):
            pm = re.match(_PREFIX, part.strip())
            if k == 0 and pm:
                prefix = pm.group(0).strip(" ,")
            g = _GROUP.match(part)
            if not g or g.group("authors").split()[0].casefold() in _NOT_AUTHORS:
                ok = False
                break
            items.extend(_items(g.group("authors"), g.group("years")))
        if ok and items:
            found.append(Citation(m.start(), m.end(), "parenthetical", tuple(items), prefix))
    for m in _NUMBERED.finditer(text, start, stop):
        numbers: list[int] = []
        for piece in m.group(1).split(","):
            a, _, b = piece.replace("–", "-").partition("-")
            lo, hi = int(a), int(b) if b.strip() else int(a)
            numbers.extend(range(lo, min(hi, lo + 200) + 1))
        found.append(Citation(m.start(), m.end(), "numbered",
                              tuple(CitedItem((), None, number=n) for n in numbers)))
    found.sort(key=lambda c: c.start)
    return found


def _base(year: str) -> str:
    return year.rstrip("abcdefghijklmnopqrstuvwxyz") if year[:1].isdigit() else year


class _Index:
    """Reference keys folded once and grouped by base year, so resolving stays linear."""

    def __init__(self, keys: Sequence[ReferenceKey]) -> None:
        self.keys = keys
        self.names = [[_fold(n) for n in k.surnames] for k in keys]
        self.lasts = [[h.split()[-1] if h else h for h in names] for names in self.names]
        self.by_year: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if k.year:
                self.by_year.setdefault(_base(k.year), []).append(i)

    def same_year(self, year: str | None) -> list[int]:
        """Entries whose year fits: equal, or one side without a suffix ("2019" ~ "2019a")."""
        if year is None:
            return []
        out = []
        for i in self.by_year.get(_base(year), []):
            have = self.keys[i].year or ""
            if have == year or have == _base(have) or year == _base(year):
                out.append(i)
        return out

    def matches(self, surnames: Sequence[str], i: int) -> bool:
        """All cited surnames appear among the entry's authors, the first one leading."""
        have, last = self.names[i], self.lasts[i]
        if not have or not surnames:
            return False
        want = [_fold(n) for n in surnames]
        corporate = self.keys[i].corporate

        def found(w: str, j: int) -> bool:
            return w == have[j] or w == last[j] or (corporate and w == have[0])

        if not found(want[0], 0):
            return False
        return all(any(found(w, j) for j in range(len(have))) for w in want[1:])

    def hits(self, surnames: Sequence[str], year: str | None) -> list[int]:
        return [i for i in self.same_year(year) if self.matches(surnames, i)]


def _one(item: CitedItem, index: _Index) -> list[Resolution]:
    keys = index.keys
    if item.number is not None:
        # a numbered list resolves by its printed numbers; otherwise by position, less surely
        numbered = [i for i, k in enumerate(keys) if k.number == item.number]
        if numbered:
            return [Resolution(item, "resolved", (numbered[0],))]
        ok = 1 <= item.number <= len(keys) and all(k.number is None for k in keys)
        return [Resolution(item, "low-confidence" if ok else "unresolved",
                           (item.number - 1,) if ok else ())]
    if not item.surnames:
        hits = tuple(index.same_year(item.year))
        status = "low-confidence" if len(hits) == 1 else "ambiguous" if hits else "unresolved"
        return [Resolution(item, status, hits)]
    hits = tuple(index.hits(item.surnames, item.year))
    exact = tuple(i for i in hits if keys[i].year == item.year)
    if len(hits) > 1 and len(exact) == 1:
        hits = exact
    if len(hits) == 1:
        return [Resolution(item, "resolved", hits)]
    if hits:
        return [Resolution(item, "ambiguous", hits)]
    # check every surname on its own: the longest tail that resolves is kept, the rest flagged
    for cut in range(1, len(item.surnames)):
        tail = CitedItem(item.surnames[cut:], item.year, item.et_al, item.locator)
        tail_hits = index.hits(tail.surnames, tail.year)
        if len(tail_hits) == 1:
            head = CitedItem(item.surnames[:cut], item.year, False, item.locator)
            return [Resolution(head, "unresolved", ()), Resolution(tail, "resolved",
                                                                   (tail_hits[0],))]
    return [Resolution(item, "unresolved", ())]


def resolve(text: str, citations: Sequence[Citation],
            keys: Sequence[ReferenceKey]) -> list[ResolvedCitation]:
    """Resolve every cited item against the reference keys.

    A narrative citation whose leading names resolve nowhere ("Madeira, Hamilton & Spohr
    (2019)") is split: those names become their own unresolved citation ("Madeira") and the
    rest keeps the bracket ("Hamilton & Spohr (2019)"), so the analyst sees exactly which name
    has no entry.
    """
    out: list[ResolvedCitation] = []
    index = _Index(keys)
    for c in citations:
        results = [r for item in c.items for r in _one(item, index)]
        if c.form == "narrative" and len(c.items) == 1 and len(results) == 2:
            head, tail = results
            span = text[c.start : c.end]
            last = head.item.surnames[-1]
            head_end = c.start + span.find(last) + len(last)
            tail_start = c.start + span.find(tail.item.surnames[0], head_end - c.start)
            out.append(ResolvedCitation(Citation(c.start, head_end, "narrative", (head.item,)),
                                        (head,)))
            out.append(ResolvedCitation(Citation(tail_start, c.end, c.form, (tail.item,),
                                                 c.prefix), (tail,)))
            continue
        out.append(ResolvedCitation(c, tuple(results)))
    return out
