"""Deciding, before pyoxigraph sees it, whether an RDF/XML file's DOCTYPE is safe to parse.

pyoxigraph expands internal XML entities without any limit (a 982-byte "billion laughs" file
exhausted a 2 GiB cap), yet Protégé and the OWL API write a DOCTYPE of harmless namespace
entities into every RDF/XML file (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``). So the
DOCTYPE is read here, from the raw bytes, and accepted only when its total expansion is known
and bounded before parsing starts:

* only internal general entities (``<!ENTITY name "value">``) and comments; an external DTD or
  entity (``SYSTEM`` / ``PUBLIC``) and parameter entities (``%``) are refused;
* an entity's value may not contain ``&``, ``%`` or ``<``, so no entity refers to another (not
  even through a character reference such as ``&#38;``) and expansion is linear;
* the references in the document times the length of their values must stay under the larger
  of 16 MiB and the file's own size.

Anything this reader cannot follow is refused, with the reason, rather than guessed at.
"""

from __future__ import annotations

import mmap
import os
import re
from pathlib import Path

from .errors import InputError

__all__ = ["check_rdfxml_entities", "MAX_ENTITIES", "MAX_ENTITY_VALUE", "EXPANSION_FLOOR"]

MAX_ENTITIES = 1000
MAX_ENTITY_VALUE = 4096
EXPANSION_FLOOR = 16 * 1024 * 1024
_MAX_SUBSET = 1024 * 1024

_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s*")
#: Double quotes only, as pyoxigraph's reader accepts no other.
_ENTITY = re.compile(rb'<!ENTITY\s+([A-Za-z_][A-Za-z0-9._:-]*)\s+"([^"]*)"\s*>')
_PARAMETER_ENTITY = re.compile(rb"<!ENTITY\s+%")
_EXTERNAL = re.compile(rb"<!ENTITY\s+[^\s>]+\s+(?:SYSTEM|PUBLIC)\b")
_REFERENCE = re.compile(rb"&([A-Za-z_][A-Za-z0-9._:-]*);")
_SPACE = b" \t\r\n"


def _refuse(reason: str, display: str) -> InputError:
    return InputError(f"RDF/XML refused: {reason}", path=display)


def check_rdfxml_entities(path: str | Path, display: str | None = None) -> None:
    """Raise :class:`InputError` unless the file's entities expand to a bounded size."""
    shown = display or str(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            head = data[:4]
            if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
                # the byte scan below reads ASCII-compatible encodings only
                raise _refuse("only UTF-8 (or another ASCII-compatible encoding) is read", shown)
            first = _DECLARATION.search(data)
            if first is None:
                return
            entities, end = _read_doctype(data, first.start(), shown)
            if _DECLARATION.search(data, end) is not None:
                raise _refuse("a second DOCTYPE, or an ENTITY outside the DOCTYPE", shown)
            if entities:
                _check_expansion(data, end, entities, max(EXPANSION_FLOOR, size), shown)


def _read_doctype(data: mmap.mmap, start: int, shown: str) -> tuple[dict[bytes, int], int]:
    """The declared entities (name → value length) and the offset just after the DOCTYPE."""
    text = data[start : start + _MAX_SUBSET]
    m = _DOCTYPE.match(text)
    if m is None:
        raise _refuse("an ENTITY declaration outside a DOCTYPE, or a malformed DOCTYPE", shown)
    i = m.end()
    if text[i : i + 1] == b">":
        return {}, start + i + 1
    if text[i : i + 1] != b"[":
        raise _refuse("a DOCTYPE naming an external DTD (SYSTEM or PUBLIC) is never read", shown)
    i += 1
    entities: dict[bytes, int] = {}
    while True:
        while text[i : i + 1] and text[i : i + 1] in _SPACE:
            i += 1
        if not text[i : i + 1]:
            raise _refuse("the DOCTYPE is unterminated or larger than 1 MiB", shown)
        if text.startswith(b"]", i):
            i += 1
            while text[i : i + 1] and text[i : i + 1] in _SPACE:
                i += 1
            if not text.startswith(b">", i):
                raise _refuse("a malformed DOCTYPE", shown)
            return entities, start + i + 1
        if text.startswith(b"<!--", i):
            close = text.find(b"-->", i + 4)
            if close < 0:
                raise _refuse("an unterminated comment in the DOCTYPE", shown)
            i = close + 3
            continue
        if _PARAMETER_ENTITY.match(text, i) or text.startswith(b"%", i):
            raise _refuse("parameter entities (%) are not accepted", shown)
        if _EXTERNAL.match(text, i):
            raise _refuse("external entities (SYSTEM or PUBLIC) are never read", shown)
        m = _ENTITY.match(text, i)
        if m is None:
            raise _refuse(
                'a DOCTYPE may hold only internal <!ENTITY name "value"> declarations and comments',
                shown,
            )
        name, value = m.group(1), m.group(2)
        if any(c in value for c in (b"&", b"%", b"<")):
            raise _refuse(
                f"entity {name.decode()!r} refers to other entities or markup "
                "(values may not contain &, % or <)",
                shown,
            )
        if len(value) > MAX_ENTITY_VALUE:
            raise _refuse(
                f"entity {name.decode()!r} is longer than {MAX_ENTITY_VALUE} bytes", shown
            )
        if name in entities:
            raise _refuse(f"entity {name.decode()!r} is declared twice", shown)
        entities[name] = len(value)
        if len(entities) > MAX_ENTITIES:
            raise _refuse(f"more than {MAX_ENTITIES} entities", shown)
        i = m.end()


def _check_expansion(
    data: mmap.mmap, start: int, entities: dict[bytes, int], limit: int, shown: str
) -> None:
    total = 0
    for m in _REFERENCE.finditer(data, start):
        total += entities.get(m.group(1), 0)
        if total > limit:
            raise _refuse(
                f"its entities would expand to more than {limit} bytes "
                "(the limit is the larger of 16 MiB and the file's size)",
                shown,
            )
