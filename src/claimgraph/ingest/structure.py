"""The layout of an essay: title, byline, date line, section headings, where the body ends (the
reference-list heading), the reference entries, and the page trailers that must produce nothing.

Everything is found on whole lines of the text, never by rewriting it, so every span is a pair of
Python ``str`` indices (end exclusive) into the exact text the anchors will point into. The
markers are data (:class:`Markers`) because every publisher names its reference list and its page
furniture differently; the defaults cover the common English names.

A saved web page is turned into that text first by :func:`text_from_html` (trafilatura, an
optional dependency): the extracted text, not the HTML, is what the offsets index, and the caller
saves it beside the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "IngestInputError",
    "Markers",
    "Section",
    "Span",
    "Structure",
    "decode_input",
    "find_structure",
    "lines",
    "text_from_html",
]

#: A half-open range of ``str`` indices: ``text[start:end]``.
Span = tuple[int, int]

# Blank for our purposes: spaces, tabs and the no-break spaces saved web pages are full of.
_BLANK = " \t\r\f\v\u00a0\u2007\u202f\ufeff"

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE = re.compile(
    rf"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})$",
    re.IGNORECASE,
)
#: Fewer words than this extracted from a web page means it had no article to ingest.
MIN_HTML_WORDS = 20
_LIST_ITEM = re.compile(r"^[ \t]*(?:\d{1,3}[.)]|[-•*–])[ \t]+")


class IngestInputError(ValueError):
    """The input cannot be ingested at all (empty, binary, HTML without main text): the message
    is one line meant for the user."""


@dataclass(frozen=True)
class Markers:
    """Line texts that mark the reference list, the page trailers and a byline.

    Matching is on a whole line, case-insensitive, ignoring a trailing colon, so a sentence that
    merely mentions "references" never ends the body.
    """

    references: tuple[str, ...] = (
        "References", "Reference list", "Reference List", "Bibliography", "Works cited",
        "Works consulted", "Literature cited", "Literature", "Sources", "Notes and references",
        "Further reading and references",
    )
    trailers: tuple[str, ...] = (
        "In this Section", "About the Author", "About the Authors", "SIMILAR POSTS",
        "Similar posts", "Related posts", "Related articles", "Read next", "You may also like",
        "More from this author", "Share this", "Share this article", "Comments",
        "Leave a comment", "Leave a Reply", "Tags", "Subscribe", "Newsletter",
    )
    bylines: tuple[str, ...] = ("By", "Written by", "Author:", "Authors:", "Posted by")
    #: A heading is one short line of its own: at most this many words.
    heading_max_words: int = 14

    def is_reference_heading(self, line: str) -> bool:
        return _norm(line) in {_norm(m) for m in self.references}

    def is_trailer(self, line: str) -> bool:
        return _norm(line) in {_norm(m) for m in self.trailers}

    def is_byline(self, line: str) -> bool:
        s = line.strip(_BLANK)
        return any(
            s.lower().startswith(b.lower() + ("" if b.endswith(":") else " ")) for b in self.bylines
        ) and len(s.split()) <= 12


@dataclass(frozen=True)
class Section:
    """A section from its start (heading included) to the start of the next one; ``heading`` is
    ``None`` for the untitled opening section."""

    start: int
    end: int
    heading: Span | None


@dataclass(frozen=True)
class Structure:
    """Where things are in one text. ``problems`` says in plain words what could not be found
    (no reference list, no title …) so that a report can tell the analyst what to check."""

    length: int
    title: Span | None
    byline: Span | None
    date_line: Span | None
    body_start: int
    body_end: int
    sections: tuple[Section, ...]
    reference_heading: Span | None
    references: tuple[Span, ...]
    trailers: Span | None
    problems: tuple[str, ...] = field(default=())

    @property
    def has_reference_list(self) -> bool:
        return self.reference_heading is not None

    @property
    def headings(self) -> tuple[Span, ...]:
        return tuple(s.heading for s in self.sections if s.heading is not None)


def _norm(line: str) -> str:
    return " ".join(line.strip(_BLANK).rstrip(":").split()).casefold()


def lines(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Non-blank lines of ``text[start:end]`` as spans with surrounding blanks trimmed."""
    stop = len(text) if end is None else end
    out: list[Span] = []
    pos = start
    while pos < stop:
        nl = text.find("\n", pos, stop)
        line_end = stop if nl < 0 else nl
        s, e = pos, line_end
        while s < e and text[s] in _BLANK:
            s += 1
        while e > s and text[e - 1] in _BLANK:
            e -= 1
        if s < e:
            out.append((s, e))
        pos = line_end + 1
    return out


def _alone(text: str, ls: list[Span], i: int) -> bool:
    """True when line ``i`` has a blank line (or the text's edge) on both sides."""
    before = text[ls[i - 1][1] : ls[i][0]] if i > 0 else "\n\n"
    after = text[ls[i][1] : ls[i + 1][0]] if i + 1 < len(ls) else "\n\n"
    return before.count("\n") >= 2 and after.count("\n") >= 2


def _looks_like_heading(text: str, ls: list[Span], i: int, markers: Markers) -> bool:
    span = ls[i]
    s = text[span[0] : span[1]]
    if _LIST_ITEM.match(text, _line_start(text, span[0])) or s[-1] in ".,;:!…" or "(" in s:
        return False
    words = s.split()
    return (
        0 < len(words) <= markers.heading_max_words
        and (s[0].isupper() or s[0].isdigit())
        and _alone(text, ls, i)
    )


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def find_structure(text: str, markers: Markers | None = None) -> Structure:
    """Find the layout of ``text`` (see :class:`Structure`); never raises on odd text."""
    m = markers or Markers()
    all_lines = lines(text)
    problems: list[str] = []
    if not all_lines:
        return Structure(len(text), None, None, None, 0, 0, (), None, (), None,
                         ("the text is empty",))
    title = byline = date_line = None
    head = 0
    for span in all_lines[:6]:
        s = text[span[0] : span[1]]
        if date_line is None and len(s) <= 40 and _DATE.match(s.strip()):
            date_line = span
        elif byline is None and m.is_byline(s):
            byline = span
        elif title is None and len(s) <= 250 and s[-1] not in ".,;" and len(s.split()) <= 30:
            title = span
        else:
            break
        head += 1
    if title is None:
        problems.append("no title line found before the body")
    body_lines = all_lines[head:]
    body_start = body_lines[0][0] if body_lines else len(text)

    ref_heading = next((sp for sp in body_lines if m.is_reference_heading(text[sp[0]:sp[1]])),
                       None)
    after = ref_heading[1] if ref_heading else body_start
    trailer_start = next((sp[0] for sp in lines(text, after) if m.is_trailer(text[sp[0]:sp[1]])),
                         None)
    trailers = (trailer_start, len(text)) if trailer_start is not None else None
    refs_end = trailer_start if trailer_start is not None else len(text)
    if ref_heading is None:
        problems.append("no reference list heading found (markers: "
                        + ", ".join(m.references[:4]) + ", …); citations cannot be resolved")
        body_end = refs_end
        references: tuple[Span, ...] = ()
    else:
        body_end = ref_heading[0]
        references = tuple(lines(text, ref_heading[1], refs_end))
        if not references:
            problems.append("the reference list is empty")
    body_end = max(body_start, body_end)

    sections: list[Section] = []
    bl = lines(text, body_start, body_end)
    heads = [sp for i, sp in enumerate(bl) if _looks_like_heading(text, bl, i, m)]
    starts = [body_start] + [h[0] for h in heads if h[0] > body_start]
    if heads and heads[0][0] == body_start:
        starts = [h[0] for h in heads]
    for i, st in enumerate(starts):
        en = starts[i + 1] if i + 1 < len(starts) else body_end
        heading = next((h for h in heads if h[0] == st), None)
        sections.append(Section(st, max(st, en), heading))
    return Structure(len(text), title, byline, date_line, body_start, body_end, tuple(sections),
                     ref_heading, references, trailers, tuple(problems))


def text_from_html(html: str) -> str:
    """The main text of a saved web page, one paragraph per line-pair (``"\\n\\n"``).

    Uses trafilatura (``pip install 'claimgraph[html]'``); the result is the text that anchors
    point into, so the caller must save it: re-extracting later may give other offsets.
    """
    try:
        import trafilatura  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise IngestInputError(
            "reading HTML needs trafilatura: pip install 'claimgraph[html]'") from exc
    extracted = trafilatura.extract(html, include_comments=False, include_tables=False,
                                    favor_precision=True)
    # a menu word or two is what extractors return from a page without an article
    if not extracted or len(extracted.split()) < MIN_HTML_WORDS:
        raise IngestInputError("the HTML page has no main text to ingest")
    paragraphs = [p.strip() for p in extracted.splitlines() if p.strip()]
    return "\n\n".join(paragraphs) + "\n"


_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)


def decode_input(data: bytes) -> tuple[str, bool]:
    """The text to analyse from a file's bytes, and whether it came from HTML.

    UTF-8 only (a BOM is dropped), since offsets are indices into the decoded text and a guessed
    encoding could shift them; a binary or empty file is refused with a one-line message.
    """
    if not data.strip():
        raise IngestInputError("the file is empty")
    if b"\x00" in data[:8192]:
        raise IngestInputError("the file looks binary (it contains NUL bytes), not text or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestInputError(
            f"the file is not UTF-8 (undecodable byte at offset {exc.start})") from None
    if _HTML_START.match(text[:1000]):
        return text_from_html(text), True
    if not text.strip(_BLANK + "\n"):
        raise IngestInputError("the file holds only white space")
    return text, False
