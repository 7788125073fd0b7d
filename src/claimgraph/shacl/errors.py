"""The engine's two failures: shapes it cannot read, and shapes it cannot compile.

Both subclass :class:`claimgraph.errors.ClaimgraphError` so the CLI maps them like any other
bad input; :class:`Unsupported` names the shape and the component, which is what a user needs
to decide between rewriting the shape and ``--engine auto``/``pyshacl``.
"""

from __future__ import annotations

from ..errors import ClaimgraphError

__all__ = ["ShapesError", "Unsupported"]


class ShapesError(ClaimgraphError):
    """The shapes graph is malformed (a broken list, a path that is no path…)."""


class Unsupported(ShapesError):
    """A shape uses something the compiler cannot translate to SPARQL."""

    def __init__(self, shape: object, component: str, why: str = "") -> None:
        self.shape = shape
        self.component = component
        #: "shape X uses Y (why)": what ``auto`` says when it hands the shape to pyshacl.
        self.short = f"shape {shape} uses {component}" + (f" ({why})" if why else "")
        super().__init__(
            f"shape {shape} uses {component}, which the SHACL compiler does not support"
            + (f" ({why})" if why else "")
            + "; use --engine auto to validate that shape with pyshacl"
        )
