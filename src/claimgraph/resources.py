"""Where the bundled ontology, data, shapes and queries are.

In a wheel they live inside the package (``claimgraph/_bundled/…``, put there by the build);
in a source checkout (editable install, tests) they are the folders at the top of the repo.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_dir"]

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Path of the bundled folder ``name`` (``ontology``, ``data``, ``shapes`` or ``queries``)."""
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled folder {name!r} is missing from this installation")
