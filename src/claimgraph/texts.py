"""Finding a document's own text, so that ``show`` can quote a claim without being told where.

The graph records each document's file name (``cg:fileName``) and the SHA-256 of its text
(``cg:sha256``); a folder named by ``CLAIMGRAPH_TEXTS`` (several: separated like PATH) is
searched for that name, and a file is used only when its SHA-256 matches, so a stale copy
is never quoted from.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

__all__ = ["TEXTS_ENV", "TextLookup", "find_text"]

#: Environment variable naming the folder(s) that hold document texts.
TEXTS_ENV = "CLAIMGRAPH_TEXTS"

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


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def find_text(store: ox.Store, claim: ox.NamedNode, folders: str | None = None) -> TextLookup:
    """The document text of ``claim`` from the ``CLAIMGRAPH_TEXTS`` folders, checked by SHA-256."""
    rows = list(
        store.query(  # type: ignore[union-attr,arg-type]
            _DOCUMENT, use_default_graph_as_union=True, substitutions={ox.Variable("claim"): claim}
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
