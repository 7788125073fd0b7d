"""The SPARQL 1.1 Protocol's ``using-graph-uri`` / ``using-named-graph-uri`` for updates.

pyoxigraph's ``Store.update`` takes no dataset, so the protocol's dataset is written into the
update as ``USING <g>`` / ``USING NAMED <g>`` clauses before each operation's ``WHERE``: the
same thing the protocol says the parameters mean. Only validated IRIs, serialised by
pyoxigraph, are inserted, never request text. The spec makes an update that has its own
``USING`` or ``WITH`` together with these parameters an error; that is decided by a scan of the
raw text that no string, comment or IRI can hide, so a harmless update that merely contains
the word is refused too, with a message that says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from ..errors import ClaimgraphError
from ..guard import tokens

__all__ = ["with_protocol_dataset"]

_OWN_DATASET = re.compile(r"\b(USING|WITH)\b", re.IGNORECASE)


def with_protocol_dataset(text: str, default: Sequence[str], named: Sequence[str]) -> str:
    """``text`` with the protocol dataset as USING clauses on every DELETE/INSERT … WHERE.

    Raises :class:`ClaimgraphError` (400) when the update names its own dataset, or when an
    operation's ``WHERE`` cannot be placed with certainty (``DELETE WHERE`` has no USING form).
    """
    if not default and not named:
        return text
    if m := _OWN_DATASET.search(text):
        raise ClaimgraphError(
            f"the update contains {m.group(1).upper()} (read anywhere in its text, even in a "
            "string or an IRI), so it cannot also take using-graph-uri or using-named-graph-uri; "
            "give the dataset in one place only"
        )
    clauses = [f"USING {ox.NamedNode(g)}" for g in default]
    clauses += [f"USING NAMED {ox.NamedNode(g)}" for g in named]
    insert = " ".join(clauses) + " "
    depth = 0
    previous: str | None = None
    cuts: list[int] = []
    for t in tokens(text):
        if t.kind == "punct" and t.text == "{":
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
        elif t.kind == "word" and t.text.upper() == "WHERE" and depth == 0:
            if previous is not None and previous.upper() == "DELETE":
                raise ClaimgraphError(
                    "DELETE WHERE { … } cannot take using-graph-uri or using-named-graph-uri; "
                    "write it as DELETE { … } WHERE { … }"
                )
            if previous != "}":
                raise ClaimgraphError(
                    "cannot tell where to apply using-graph-uri / using-named-graph-uri in "
                    "this update"
                )
            cuts.append(t.start)
        previous = t.text
    out: list[str] = []
    last = 0
    for cut in cuts:
        out += [text[last:cut], insert]
        last = cut
    out.append(text[last:])
    return "".join(out)
