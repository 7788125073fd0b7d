"""The one plain-table renderer for people: query results, the catalog, and later claims.

Columns are padded to their widest cell and separated by two spaces, under a header and a rule
of dashes, with trailing spaces stripped, so a table pastes cleanly into a README and diffs
well. Without ``max_width`` nothing is cut: piped output and golden files stay byte-identical
whatever the terminal. With it (the CLI passes the terminal width) the columns allowed to
shrink (label columns: an IRI cut short is useless, a label cut short still reads) are narrowed
until the table fits, and their long cells are truncated with ``…`` or wrapped onto
continuation lines. Widths count code points, not terminal cells: East Asian wide characters
can still overrun, which is rare in claim labels and not worth a wcwidth dependency.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

__all__ = ["render_table", "fit_widths", "ELLIPSIS", "MIN_WIDTH"]

ELLIPSIS = "…"
#: A shrinking column keeps at least this many characters (or its header, if wider).
MIN_WIDTH = 8
_GAP = "  "


def fit_widths(
    widths: Sequence[int], floors: Sequence[int], shrink: Sequence[int], max_width: int
) -> list[int]:
    """Column widths that fit ``max_width`` by capping the ``shrink`` columns evenly.

    The widest shrinking columns give way first (one cap for all of them, as large as fits);
    no column goes below its floor, so a table that cannot fit stays as narrow as it can.
    """
    out = list(widths)
    budget = max_width - len(_GAP) * (len(widths) - 1)
    fixed = sum(w for i, w in enumerate(widths) if i not in shrink)

    def total(cap: int) -> int:
        return fixed + sum(max(min(widths[i], cap), floors[i]) for i in shrink)

    if not shrink or total(max(widths)) <= budget:
        return out
    lo, hi = 0, max(widths)  # the largest cap whose total fits, or 0 if none does
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if total(mid) <= budget:
            lo = mid
        else:
            hi = mid - 1
    for i in shrink:
        out[i] = max(min(widths[i], lo), floors[i])
    return out


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: max(width - 1, 0)] + ELLIPSIS


def _wrap(cell: str, width: int) -> list[str]:
    if len(cell) <= width:
        return [cell]
    return textwrap.wrap(cell, width, break_long_words=True, break_on_hyphens=False) or [""]


def render_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: int | None = None,
    wide: bool = False,
    wrap: bool = False,
    shrink: Sequence[int] | None = None,
    open_last: bool = False,
) -> list[str]:
    """The lines of a table (without a final newline), fitted to ``max_width`` unless ``wide``.

    ``shrink`` names the columns that may narrow (default: all). ``wrap`` wraps their long
    cells instead of truncating them. ``open_last`` leaves the last column unmeasured, its
    rule as wide as its header: the catalog's free-text last column has always looked so.
    """
    ncols = len(header)
    widths = [max([len(header[i]), *(len(r[i]) for r in rows)]) for i in range(ncols)]
    rule_widths = list(widths)
    if open_last and ncols:
        rule_widths[-1] = len(header[-1])
    if max_width is not None and not wide:
        allowed = list(range(ncols)) if shrink is None else [i for i in shrink if i < ncols]
        floors = [
            max(MIN_WIDTH, len(h)) if i in allowed else widths[i] for i, h in enumerate(header)
        ]
        floors = [min(f, w) for f, w in zip(floors, widths, strict=True)]
        fitted = fit_widths(widths, floors, allowed, max_width)
        rule_widths = [min(r, f) for r, f in zip(rule_widths, fitted, strict=True)]
        widths = fitted

    def line(cells: Sequence[str]) -> str:
        return _GAP.join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in rule_widths])]
    for row in rows:
        if not wrap:
            out.append(line([_cut(c, w) for c, w in zip(row, widths, strict=True)]))
            continue
        pieces = [_wrap(c, w) for c, w in zip(row, widths, strict=True)]
        for k in range(max(len(p) for p in pieces) if pieces else 1):
            out.append(line([p[k] if k < len(p) else "" for p in pieces]))
    return out
