"""Parse reference-list entries into fields with a trained sequence labeller.

An essay's reference list comes in any of a dozen styles (APA, Harvard, Chicago, numbered...),
so the fields are found by a linear-chain CRF (python-crfsuite) trained on AnyStyle's labelled
reference corpus, not by a pile of regexes per style: the model labels each whitespace token
(author, date, title, journal, volume, pages, publisher, location, doi, url, ...), and only the
values are cleaned here with small, style-independent rules ("[online]", "Available at:",
"doi:https://doi.org/" prefixes, trailing punctuation, page prefixes, name splitting).

The model (model/references.crfsuite, with AnyStyle's BSD-2 notice in model/LICENSE-anystyle) is
committed inside the package and retrained byte-reproducibly by benchmarks/train_references.py;
benchmarks/reference_quality.py checks it on AnyStyle's held-out gold.xml. Tagging is local: no
network, and the model is opened once, on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from claimgraph.ingest.reffeatures import sequence_features, tokenize

__all__ = ["Author", "ParsedReference", "parse_reference", "parse_references", "tag_tokens"]

MODEL_PATH = Path(__file__).resolve().parent / "model" / "references.crfsuite"


@dataclass(frozen=True)
class Author:
    """One author as printed: a person (family name + given names or initials) or a body.

    A corporate author ("Department for Education", "World Health Organization") has its whole
    name in `family` and an empty `given`, so it is never mistaken for a surname plus initials
    (except a jurisdiction printed inverted like a person, "Britain., G.": the printed initial
    stays in `given`).
    """

    family: str
    given: str = ""
    corporate: bool = False


@dataclass(frozen=True)
class ParsedReference:
    """The fields of one reference entry, cleaned; None where the entry prints nothing.

    `year` keeps a suffix ("2019a") or is "n.d."; `doi` is bare ("10.1007/..."); `url` is a URL
    printed in the entry (a doi.org URL too, when that is how the DOI was printed). `tokens` and
    `labels` are the labeller's view, kept for debugging and for flagging doubtful entries.
    """

    text: str
    authors: tuple[Author, ...] = ()
    year: str | None = None
    title: str | None = None
    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    place: str | None = None
    doi: str | None = None
    url: str | None = None
    tokens: tuple[str, ...] = field(default=(), repr=False)
    labels: tuple[str, ...] = field(default=(), repr=False)


_lock = threading.Lock()
_tagger: Any = None


def _get_tagger() -> Any:
    """Open the committed model once (a pycrfsuite.Tagger is not safe to share unlocked)."""
    global _tagger
    if _tagger is None:
        import pycrfsuite  # imported here: `claimgraph` commands that never ingest skip it

        tagger = pycrfsuite.Tagger()
        tagger.open(str(MODEL_PATH))
        _tagger = tagger
    return _tagger


_PAREN_YEAR = re.compile(r"\((?:(?:1[5-9]|20)\d\d[a-z]?|n\.\s?d\.?)\)[.,:]?")


def _runs(labels: list[str]) -> tuple[list[tuple[str, int]], list[int]]:
    """Runs of equal labels as (label, length), and the index where each run starts."""
    runs = [(lab, len(list(g))) for lab, g in groupby(labels)]
    starts = [0]
    for _, n in runs[:-1]:
        starts.append(starts[-1] + n)
    return runs, starts


def tag_tokens(tokens: list[str]) -> list[str]:
    """The label of every token: the CRF's best sequence, then three structural repairs.

    The repairs encode what no reference style does and the corpus is too small to teach (on
    gold.xml they change no sequence; on author-date entries with corporate authors they do):
    an author list is contiguous (a run sandwiched between author runs is authors: a body such
    as "Johns Hopkins University. Foreign Policy Institute" in the middle of a list); when an
    entry opens with authors and a lone "(2017)." follows within 15 tokens and a title after
    it, everything before the year is authors ("Great Britain. Parliament. House of Commons
    (2017). Title..."); and a parenthesised year closes the date, so a number right after
    "(2009)." starts the title ("(2009). 1989 : the struggle ...").
    """
    if not tokens:
        return []
    with _lock:
        labels = list(_get_tagger().tag(sequence_features(tokens)))
    runs, starts = _runs(labels)
    for k, (_lab, n) in enumerate(runs):
        if 0 < k < len(runs) - 1 and runs[k - 1][0] == runs[k + 1][0] == "author" and n <= 8:
            labels[starts[k] : starts[k] + n] = ["author"] * n
    runs, starts = _runs(labels)
    date = next((k for k, (lab, _) in enumerate(runs) if lab == "date"), -1)
    if (
        1 < date < 5
        and runs[0][0] == "author"
        and runs[date][1] == 1
        and _PAREN_YEAR.fullmatch(tokens[starts[date]])
        and date + 1 < len(runs)
        and runs[date + 1][0] == "title"
        and starts[date] <= 15
    ):
        labels[: starts[date]] = ["author"] * starts[date]
    for i in range(1, len(tokens)):
        prev = tokens[i - 1]
        if (
            labels[i - 1] == labels[i] == "date"
            and _PAREN_YEAR.fullmatch(prev)
            and (i + 1 < len(tokens) and labels[i + 1] == "title")
        ):
            labels[i] = "title"
    return labels


# ---- cleaning ------------------------------------------------------------------------------

_MARKERS = re.compile(
    r"\[\s*online\s*\]|\(\s*online\s*\)|\bavailable\s+(?:at|from|online)\s*:?"
    r"|\bretrieved\s+from\b|\[\s*accessed[^\]]*\]|\baccessed\s*:?\s*\d[^.]*\.?",
    re.I,
)
_TRAIL = " ,;:/"
_QUOTES = "\"'“”‘’«»"
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.){2,}$|\b(?:Inc|Ltd|Co|Corp|Jr|St|Ed|Eds|al)\.$")
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\"<>]+", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)([a-z]?)(?![\d])")


def _clean(value: str) -> str | None:
    """Drop web markers and the punctuation that separates fields; keep '?' and abbreviations."""
    value = _MARKERS.sub(" ", value)
    value = " ".join(value.split())
    while True:
        before = value
        value = value.strip(_TRAIL)
        if value[:1] in _QUOTES and value[-1:] in _QUOTES:  # “Title,” but not ‘Brexit’ and ...
            value = value[1:-1]
        if value.endswith(".") and not _ABBREV_END.search(value):
            value = value[:-1]
        if value.startswith("(") and value.endswith(")") and value.count("(") == 1:
            value = value[1:-1]
        if value == before:
            break
    return value or None


def _strip_url(url: str) -> str:
    url = url.strip("<>")
    while url and url[-1] in ".,;:>]":
        url = url[:-1]
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def _doi(text: str) -> str | None:
    m = _DOI.search(text)
    return _strip_url(m.group(0)) if m else None


def _year(text: str) -> str | None:
    m = _YEAR.search(text)
    if m:
        return m.group(1) + m.group(2)
    if re.search(r"\bn\.\s?d\b|\bno date\b|\bundated\b", text, re.I):
        return "n.d."
    return None


def _volume_issue(text: str) -> tuple[str | None, str | None]:
    """'51(10),' -> (51, 10); '(47),' -> (None, 47); 'Vol. 3, No. 2' -> (3, 2); '12' -> (12,)."""
    t = _MARKERS.sub(" ", text)
    m = re.search(r"(\w+)\s*\(([\w/–-]+)\)", t)
    if m:
        return m.group(1), m.group(2)
    m = re.fullmatch(r"\W*\(([\w/–-]+)\)\W*", t)
    if m:
        return None, m.group(1)
    vol = re.search(r"\b(?:vol|volume|bd|band|t)\.?\s*(\w+)", t, re.I)
    iss = re.search(r"\b(?:no|nr|issue|iss|number|n)\.?\s*(\w+)", t, re.I)
    if vol or iss:
        return (vol.group(1) if vol else None), (iss.group(1) if iss else None)
    m = re.search(r"\w+", t)
    return (m.group(0) if m else None), None


def _pages(text: str) -> str | None:
    t = re.sub(r"^\W*(?:pp?|pages?|pgs?|s)\b\.?\s*", "", text.strip(), flags=re.I)
    return _clean(t.replace("(", "").replace(")", ""))


# ---- authors -------------------------------------------------------------------------------

# Words that make a name a body, not a person (checked case-insensitively, whole words).
_CORPORATE = frozenset(
    "government department ministry office agency council commission committee parliament "
    "congress senate assembly university institute institution association society "
    "organisation organization bank fund nations union foundation centre center bureau board "
    "authority service services corporation company inc ltd group press trust federation "
    "league network programme program project secretariat court states kingdom republic "
    "house executive cabinet administration agencies academy laboratory laboratories "
    "initiative forum alliance coalition partnership consortium statistics census nato oecd "
    "imf unesco unicef who wto eu un treasury police embassy army navy news media times".split()
)
# Jurisdictions catalogued as authors ("Great Britain", "United States", printed inverted as
# "Britain., G." in the bundled essay): a government, not a person.
_JURISDICTIONS = frozenset(
    "britain england scotland wales ireland france germany russia canada australia india china "
    "japan italy spain usa uk u.s. u.k.".split()
)
_PARTICLES = frozenset("van von der den de del della di da du la le ten ter dos das bin al".split())
# One word of initials: 'D.S.', 'K.', 'J.-P.', 'Th.', 'A', 'JJ' (not 'De', 'Li' or 'BBC').
_INITIAL_WORD = re.compile(r"(?:[A-Z][a-z]?\.-?)+|[A-Z]{1,2}|[A-Z]\.?-[A-Z]\.?")


def _is_initials(s: str) -> bool:
    words = s.split()
    return 0 < len(words) <= 4 and all(_INITIAL_WORD.fullmatch(w) for w in words)


def _is_corporate(name: str) -> bool:
    raw = [w.strip(".,;:()") for w in name.split()]
    words = [w.lower() for w in raw]
    if any(w in _CORPORATE for w in words):
        return True
    if any(re.fullmatch(r"[A-Z]{3,}", w) for w in raw[: max(1, len(raw) - 1)]):
        return True  # an acronym: "UNHCR", "BBC News" (not Vancouver initials: "Smith JJK")
    return len(words) > 5


def _person(part: str) -> Author:
    """One comma-free name: 'W. E. Howard', 'Arias A', 'Heidegger M.', 'John Smith', 'Smith'."""
    words = part.split()
    if len(words) == 1:
        return Author(words[0])
    lead = 0
    while lead < len(words) - 1 and _is_initials(words[lead]):
        lead += 1
    if lead:  # initials first: given names, then the family name
        return Author(" ".join(words[lead:]), " ".join(words[:lead]))
    tail = len(words)
    while tail > 1 and _is_initials(words[tail - 1]):
        tail -= 1
    if tail < len(words):  # family name, then initials (Vancouver style)
        return Author(" ".join(words[:tail]), " ".join(words[tail:]))
    first = len(words) - 1  # full names: the family name starts at its particles
    while first > 1 and words[first - 1].lower() in _PARTICLES:
        first -= 1
    return Author(" ".join(words[first:]), " ".join(words[:first]))


def _strip_part(part: str) -> str:
    """Trim a comma part; a final period goes unless it ends an initial ('Marsh.' vs 'D.S.')."""
    part = part.strip(" ,")
    if part.endswith(".") and not re.search(r"(?:^|[\s.-])[A-Z][a-z]?\.$", part):
        part = part[:-1]
    return part


def _pairs(part: str, nxt: str) -> bool:
    """Whether 'part, nxt' is one person printed 'Family, Given' ('A, H.' too; not 'H. Fischer')."""
    words = part.split()
    if len(words) > 1 and _is_initials(words[0]):
        return False  # 'W. E. Howard': a whole name, given names first
    if _is_initials(nxt):
        return True  # 'Smith, J.', 'A, H.'
    if _is_corporate(nxt) or _is_initials(part):
        return False
    nxt_words = nxt.split()
    surname = all(w.lower() in _PARTICLES for w in words[:-1])  # 'van der Berg', not 'John Smith'
    return surname and len(nxt_words) <= 3 and not _is_initials(nxt_words[0])


def split_authors(text: str) -> tuple[Author, ...]:
    """Split an author field into persons and corporate authors.

    Persons are printed 'Family, Given' (pairs of comma parts) or 'Given Family' / 'Family
    Initials' (one part each); 'and', '&', ';' and 'et al.' separate them. A part with a word
    such as Government, Department, University or Institute is one corporate author, whole.
    """
    text = _MARKERS.sub(" ", text)
    text = re.sub(r"\b(?:et\.?\s*al|and others|u\.\s*a)\b\.?", " ", text, flags=re.I)
    text = re.sub(r"\((?:eds?|hrsg|coord|comp)\.?\)", " ", text, flags=re.I)
    pieces = re.split(r"(\s+(?:and|&|und|et|y)\s+|;|\s&|&\s)", text)
    chunks = [pieces[0]]
    for sep, right in zip(pieces[1::2], pieces[2::2], strict=True):
        left = chunks[-1].split(",")[-1].strip()
        right_parts = [p.strip() for p in right.split(",")]
        person_right = any(_is_initials(w) for w in right_parts[0].split()) or (
            len(right_parts) > 1 and _is_initials(right_parts[1])
        )
        person_left = any(_is_initials(w) for w in left.split()) or len(left.split()) < 2
        # 'Department of Health and Social Care', '... Equal Opportunity and Human Rights
        # Commission': the connector is inside a body's name, not between two authors
        if sep.strip() != ";" and not person_right and not person_left and (
            _is_corporate(left) or _is_corporate(right_parts[0])
        ):
            chunks[-1] += sep + right
        else:
            chunks.append(right)
    parts = [_strip_part(p) for c in chunks for p in c.split(",")]
    parts = [p for p in parts if p.strip(".")]
    out: list[Author] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if _is_corporate(p):
            out.append(Author(p.rstrip("."), "", True))
        elif nxt is not None and _pairs(p, nxt):
            family = p.rstrip(".")
            corporate = family.lower() in _JURISDICTIONS
            out.append(Author(family, nxt, corporate))
            i += 1
        else:
            out.append(_person(p))
        i += 1
    return tuple(out)


# ---- assembly ------------------------------------------------------------------------------

_CONTAINERS = ("journal", "container-title", "collection-title")


def parse_reference(text: str) -> ParsedReference:
    """Parse one reference entry (a single line of the reference list) into cleaned fields."""
    text = " ".join(text.split())
    tokens = tokenize(text)
    labels = tag_tokens(tokens)
    runs: dict[str, list[str]] = {}
    for lab, group in groupby(zip(tokens, labels, strict=True), key=lambda x: x[1]):
        runs.setdefault(lab, []).append(" ".join(tok for tok, _ in group))

    def first(*labs: str) -> str | None:
        for lab in labs:
            for run in runs.get(lab, ()):
                value = _clean(run)
                if value:
                    return value
        return None

    volume = issue = None
    if "volume" in runs:
        volume, issue = _volume_issue(" ".join(runs["volume"]))
    # a DOI is unambiguous wherever it is printed (a doi.org URL, "doi:", a note)
    doi = next((d for d in map(_doi, tokens) if d), None)
    url = None
    for run in runs.get("url", []) + [t for t in tokens if "://" in t or "www." in t.lower()]:
        m = _URL.search(run)
        if m:
            url = _strip_url(m.group(0))
            break
    authors: tuple[Author, ...] = ()
    if "author" in runs:
        authors = split_authors(" ".join(runs["author"]))
    return ParsedReference(
        text=text,
        authors=authors,
        year=next((y for y in map(_year, runs.get("date", [])) if y), None),
        title=first("title"),
        container=first(*_CONTAINERS),
        volume=volume,
        issue=issue,
        pages=_pages(runs["pages"][0]) if "pages" in runs else None,
        publisher=first("publisher"),
        place=first("location"),
        doi=doi,
        url=url,
        tokens=tuple(tokens),
        labels=tuple(labels),
    )


def parse_references(entries: Iterable[str]) -> list[ParsedReference]:
    """Parse every entry of a reference list, in order."""
    return [parse_reference(e) for e in entries]
