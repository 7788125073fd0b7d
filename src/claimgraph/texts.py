"""Finding a document's own text, so that ``show`` can quote a claim and ``validate`` can check
the anchors without being told where.

The graph records each document's file name (``cg:fileName``) and the SHA-256 of its text
(``cg:sha256``); a folder named by ``CLAIMGRAPH_TEXTS`` (several: separated like PATH) is
searched for that name. ``show`` uses a file only when its SHA-256 matches, so a stale copy
is never quoted from; ``validate`` reports the stale copy instead (see :mod:`anchors`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

__all__ = [
    "ESSAY_ENV",
    "TEXTS_ENV",
    "TextLookup",
    "TextSources",
    "find_text",
    "read_named_file",
    "text_sources",
]

#: Environment variable naming the folder(s) that hold document texts.
TEXTS_ENV = "CLAIMGRAPH_TEXTS"
#: Environment variable naming the essay's text file (``show --text``'s default, and the tests').
ESSAY_ENV = "CLAIMGRAPH_ESSAY"

_DOCUMENT = """
PREFIX cg: <https://w3id.org/claimgraph/ontology#>
SELECT ?claim ?doc ?file ?sha WHERE {
  ?claim cg:statedIn ?doc .
  OPTIONAL { ?doc cg:fileName ?file }
  OPTIONAL { ?doc cg:sha256 ?sha }
}
"""


@dataclass(frozen=True)
class TextLookup:
    """Where the text is (``path``), or why not and how to supply it (``hint``)."""

    path: Path | None
    hint: str | None = None


@dataclass(frozen=True)
class TextSources:
    """Where ``validate`` may take document texts from.

    ``given`` files were named by the user (``--text``): each must be readable and must serve a
    document, so a typo never passes as "nothing to check". The environment's files only offer
    themselves: a ``folders`` entry holds a document's recorded file name, and an ``offered`` file
    (``CLAIMGRAPH_ESSAY``) serves the document whose file name or SHA-256 it has; a setting meant
    for the bundled essay therefore never stands in for the text of another graph's document.
    """

    given: tuple[Path, ...] = ()
    folders: tuple[Path, ...] = ()
    offered: tuple[Path, ...] = ()


def text_sources(
    given: Sequence[str | Path] = (),
    folders: str | None = None,
    essay: str | None = None,
) -> TextSources:
    """``given`` plus the environment's offers: ``CLAIMGRAPH_TEXTS`` folders (``folders``, several
    separated like PATH) and the ``CLAIMGRAPH_ESSAY`` file (``essay``); None reads the variable."""
    listed = os.environ.get(TEXTS_ENV, "") if folders is None else folders
    essay = os.environ.get(ESSAY_ENV, "") if essay is None else essay
    return TextSources(
        given=tuple(Path(p) for p in given),
        folders=tuple(Path(f) for f in listed.split(os.pathsep) if f),
        offered=(Path(essay),) if essay else (),
    )


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def find_text(store: ox.Store, claim: ox.NamedNode, folders: str | None = None) -> TextLookup:
    """The document text of ``claim`` from the ``CLAIMGRAPH_TEXTS`` folders, checked by SHA-256."""
    from .binding import bind

    bound = bind(_DOCUMENT, {"claim": claim}, inline=False)  # a constant: the indexes apply
    rows = list(
        store.query(  # type: ignore[union-attr,arg-type]
            bound.text,
            use_default_graph_as_union=True,
            substitutions=bound.substitutions or None,  # type: ignore[arg-type]
        )
    )
    if not rows or rows[0]["file"] is None:
        return TextLookup(None, "the graph records no file name for this claim's document; "
                          "give it with --text FILE")
    name = rows[0]["file"].value
    sha = rows[0]["sha"].value if rows[0]["sha"] is not None else None
    listed = os.environ.get(TEXTS_ENV, "") if folders is None else folders
    for folder in filter(None, listed.split(os.pathsep)):
        candidate = Path(folder) / name
        if candidate.is_file() and (sha is None or _sha256(candidate) == sha):
            return TextLookup(candidate)
    where = f" (not found in {listed})" if listed else ""
    return TextLookup(
        None,
        f"to quote the claim's span, give --text FILE or put {name} in a folder named by "
        f"{TEXTS_ENV}{where}",
    )


def read_named_file(path: Path, *, what: str) -> bytes:
    """The bytes of a file the user named: unreadable is bad input (exit 2) in one line.

    ``what`` says what a folder should have been ("--text takes a text file").
    """
    from .errors import InputError

    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError(f"is a folder; {what}", path=path) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=path) from None
