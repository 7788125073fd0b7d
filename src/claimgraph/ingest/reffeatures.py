"""Token features for the reference-entry labeller (a linear-chain CRF, python-crfsuite).

The same function serves training (benchmarks/train_references.py) and tagging
(claimgraph.ingest.references), so the two can never drift apart: a model is only as good as the
agreement between the features it was trained on and the features it is given.

Tokens are the whitespace-separated parts of an entry, as in AnyStyle's corpus, whose elements
are runs of whole tokens. Every feature is a plain string and the order is fixed, so that
retraining from the same corpus writes the same model bytes.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["tokenize", "sequence_features"]

_PUNCT_LEAD = "([{\"'“‘«<"
_PUNCT_TRAIL = ")]}\"'”’».,;:!?>"

# Small hand-written lexicons: the words that mark a field's start or kind in most styles.
_MONTHS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december spring summer autumn fall winter "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "januar februar märz juni juli oktober dezember".split()
)
_PUBLISHER = frozenset(
    "press university univ publishers publisher publishing publications books verlag editions "
    "éditions inc ltd llc co company wiley springer elsevier routledge sage palgrave macmillan "
    "oxford cambridge harvard yale princeton mit penguin norton blackwell academic francis "
    "taylor kluwer pergamon ieee acm wiley-blackwell stationery office house group limited".split()
)
_EDITOR = frozenset("ed ed. eds eds. ed.). eds.). editor editors edited hrsg hrsg. éd éds".split())
_JOURNAL = frozenset(
    "journal j rev review proc proceedings trans transactions bull bulletin ann annals quarterly "
    "letters lett magazine science nature studies research international int am sci acta "
    "affairs interest today archives arch zeitschrift revue rivista medicine med".split()
)
_VOLUME = frozenset("vol vol. vols volume bd bd. band tome t. jg jg. jahrgang".split())
_ISSUE = frozenset("no no. nr nr. issue iss number n. num".split())
_PAGES = frozenset("p p. pp pp. pages page s. ss. pg pgs".split())
_NOTE = frozenset(
    "retrieved available accessed access online [online] from at: viewed cited url doi "
    "isbn issn".split()
)
_CONNECT = frozenset("and & und et y e".split())
_GENRE = frozenset(
    "thesis dissertation phd ph.d. master's report paper working technical unpublished "
    "manuscript conference symposium workshop".split()
)

_YEAR = re.compile(r"^[(\[]?(1[5-9]\d\d|20\d\d)[a-z]?[)\]]?[.,;:]*$")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_URL = re.compile(r"^(<?https?://|www\.)", re.I)
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?-?){1,3}[.,]*$")
_RANGE = re.compile(r"^\(?[A-Za-z]?\d+[-–—][A-Za-z]?\d+[).,;:]*$")
_VOLISSUE = re.compile(r"^\d+\s*\(\d+[-–/]?\d*\)[.,:;]*$")
_ROMAN = re.compile(r"^[ivxlcdm]+[.,]*$", re.I)
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|e|er|ème)[.,]*$", re.I)


def tokenize(text: str) -> list[str]:
    """Split an entry into whitespace tokens, as the AnyStyle corpus does."""
    return text.split()


def _shape(token: str) -> str:
    """A collapsed word shape: 'Smith,' -> 'Xx,', '1995a.' -> 'dx.', 'pp.90–97.' -> 'x.d–d.'."""
    out: list[str] = []
    for ch in token:
        if ch.isupper():
            c = "X"
        elif ch.isalpha():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


def _core(token: str) -> str:
    return token.strip(_PUNCT_LEAD + _PUNCT_TRAIL).lower()


def _trailing(token: str) -> str:
    m = re.search(r"[^\w]*$", token)
    return m.group(0)[-3:] if m else ""


def _leading(token: str) -> str:
    m = re.match(r"[^\w]*", token)
    return m.group(0)[:3] if m else ""


def _token_features(tok: str) -> list[str]:
    """Features of one token alone."""
    core = _core(tok)
    low = tok.lower()
    f = [
        "w=" + low,
        "c=" + core,
        "sh=" + _shape(tok),
        "lp=" + _leading(tok),
        "tp=" + _trailing(tok),
        "p2=" + core[:2],
        "s3=" + core[-3:],
        "s2=" + core[-2:],
    ]
    letters = [ch for ch in tok if ch.isalpha()]
    if letters:
        if all(ch.isupper() for ch in letters):
            f.append("caps=all")
        elif letters[0].isupper():
            f.append("caps=init")
        elif all(ch.islower() for ch in letters):
            f.append("caps=low")
        else:
            f.append("caps=mixed")
        if any(unicodedata.category(ch) == "Ll" and ord(ch) > 127 for ch in letters):
            f.append("nonascii")
    digits = sum(ch.isdigit() for ch in tok)
    if digits:
        f.append(f"dig={min(digits, 5)}")
        if digits == len(core) and core:
            f.append("num")
    if _YEAR.match(tok):
        f.append("year")
        if tok.startswith(("(", "[")):
            f.append("year_paren")
    if tok.lower().strip("()[].,") in ("n.d", "nd", "s.d", "o.j", "undated", "forthcoming",
                                        "in press"):
        f.append("nodate")  # "n.d." stands where the year goes: give it the year's features
        f.append("year")
        if tok.startswith(("(", "[")):
            f.append("year_paren")
    if _DOI.search(tok):
        f.append("doi")
    if _URL.match(tok) or "://" in tok:
        f.append("url")
    if _INITIALS.match(tok):
        f.append("initials")
    if _RANGE.match(tok):
        f.append("range")
    if _VOLISSUE.match(tok):
        f.append("volissue")
    if _ROMAN.match(tok) and len(core) <= 6:
        f.append("roman")
    if _ORDINAL.match(tok):
        f.append("ordinal")
    for name, lex in (
        ("month", _MONTHS), ("pub", _PUBLISHER), ("editor", _EDITOR), ("journal", _JOURNAL),
        ("vol", _VOLUME), ("issue", _ISSUE), ("pages", _PAGES), ("note", _NOTE),
        ("conn", _CONNECT), ("genre", _GENRE),
    ):
        if core in lex or low in lex:
            f.append("lex=" + name)
    if tok in ("In", "In:", "in:", "IN:"):
        f.append("In")  # "In" + editors/container: capitalised or with a colon, not the word
    if low.startswith("pp.") or low.startswith("p.") and len(low) > 2 and low[2].isdigit():
        f.append("pp_glued")
    if tok.startswith(("“", '"', "‘", "«")):
        f.append("quote_open")
    if tok.rstrip(".,;:").endswith(("”", '"', "’", "»")):
        f.append("quote_close")
    return f


def sequence_features(tokens: list[str]) -> list[list[str]]:
    """Features for every token of an entry: its own, its neighbours', and its place in the entry.

    Context matters more than the token: '2014' is a date after the authors and a volume after a
    journal; a capitalised word is an author before the year and a title after it. So each token
    also carries its neighbours' words and shapes, its relative position, whether a year or an
    opening quote/parenthesis came before it, and how many sentence-like stops precede it.
    """
    n = len(tokens)
    own = [_token_features(t) for t in tokens]
    out: list[list[str]] = []
    seen_year = False
    stops = 0
    in_quote = False
    in_paren = 0
    seen_in = False
    for i, tok in enumerate(tokens):
        f = ["bias"] + own[i]
        f.append(f"pos={10 * i // max(n, 1)}")
        if i == 0:
            f.append("first")
        if i == n - 1:
            f.append("last")
        f.append(f"yr_before={int(seen_year)}")
        f.append(f"stops={min(stops, 4)}")
        if in_quote:
            f.append("in_quote")
        if in_paren:
            f.append("in_paren")
        if seen_in:
            f.append("after_in")
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                nb = tokens[j]
                f.append(f"{off:+d}:c={_core(nb)}")
                if abs(off) == 1:
                    f.append(f"{off:+d}:sh={_shape(nb)}")
                    f.append(f"{off:+d}:tp={_trailing(nb)}")
                    for feat in own[j]:
                        if feat.startswith(("lex=", "year", "initials", "caps=", "url", "doi")):
                            f.append(f"{off:+d}:{feat}")
            else:
                f.append(f"{off:+d}:none")
        if i > 0:
            f.append(f"bi={_core(tokens[i - 1])}|{_core(tok)}")
            if _core(tok) == "in" and not _trailing(tokens[i - 1]):
                # "... Consequences in Russia": in core.xml no 'in' after an unpunctuated word
                # starts a field (0 of ~380), while 'In' after a stop usually starts one
                f.append("in_mid")
        out.append(f)
        # state after this token
        if "year" in own[i]:
            seen_year = True
        if tok.endswith((".", "?", "!", ":")) and not _INITIALS.match(tok):
            stops += 1
        if tok.startswith(("“", '"', "‘", "«")):
            in_quote = True
        if tok.rstrip(".,;:").endswith(("”", '"', "’", "»")):
            in_quote = False
        in_paren += tok.count("(") - tok.count(")")
        in_paren = max(in_paren, 0)
        if "In" in own[i]:
            seen_in = True
    return out
