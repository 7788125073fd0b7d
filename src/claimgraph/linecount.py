"""The statements of an N-Triples or N-Quads file, counted from its lines without a parse.

Why: a large load of these formats is parsed by pyoxigraph's bulk loader itself (``store.py``),
which says nothing of how many quads it read; ``load`` reports that per file. Both formats
hold at most one statement a line and none across lines (pyoxigraph refuses either), so a
file that parsed holds as many quads as lines starting with a term. The count runs in a thread
beside the bulk loader, which releases the GIL.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

__all__ = ["COUNT_BLOCK", "CountInThread", "statement_lines", "count_lines"]

#: Bytes read at a time: small, so counting adds nothing to a load's peak memory.
COUNT_BLOCK = 1 << 20


class CountInThread:
    """:func:`statement_lines` of a file in a thread of its own, started at once."""

    def __init__(self, path: Path, shown: str | Path) -> None:
        import threading  # deferred: only a large load counts

        self._outcome: list[int | BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(path, shown), daemon=True)
        self._thread.start()

    def _run(self, path: Path, shown: str | Path) -> None:
        try:
            self._outcome.append(statement_lines(path))
        except OSError as e:  # a read error, not the store's: raised by result()
            reason = f"cannot read file: {e.strerror or e}"
            self._outcome.append(InputError(reason, path=shown))
        except BaseException as e:
            self._outcome.append(e)

    def result(self) -> int:
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def statement_lines(path: Path) -> int:
    """Quads in an N-Triples or N-Quads file that parsed: its lines that start with a term
    (``<`` or ``_:``, after spaces or tabs), not blank or a comment. Counted in blocks at C
    speed, about a thirtieth of the load's time; a block with another line break than LF, or
    a line starting with anything but a term, is counted line by line."""
    count = 0
    rest = b""
    with open(path, "rb") as f:
        while block := f.read(COUNT_BLOCK):
            data = rest + block
            cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
            count += count_lines(data[:cut])
            rest = data[cut:]
    return count + count_lines(rest)


def count_lines(data: bytes) -> int:
    """Lines of ``data`` (whole lines) that start with a term.

    Where every line does (the line breaks are LF and each is followed by ``<`` or ``_``, as
    the first byte is), that is the number of line breaks; counting one byte is several times
    faster than counting a pair, so the pairs are counted only as far as needed."""
    if b"\r" not in data:
        lines = data.count(b"\n")
        starts = int(data[:1] in (b"<", b"_"))
        starts += data.count(b"\n<", 0, len(data) - 1)
        if starts < lines:
            starts += data.count(b"\n_", 0, len(data) - 1)
        if starts == lines:
            return lines
    lines_ = re.split(rb"[\r\n]", data)
    return sum(1 for line in lines_ if line.lstrip(b" \t")[:1] in (b"<", b"_"))
