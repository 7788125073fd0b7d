"""A bounded response cache for the endpoint: the same question about the same store, same bytes.

A read-only endpoint answers a repeated request (same query text or stored query and values,
same dataset, same negotiated format, same store generation) with the same bytes; answering it
from memory skips the worker round trip, which is most of a request's cost. Bounded by entries
and by bytes (least recently used go first). Never cached: errors, answers cut at the row cap,
and queries whose answer may differ between two runs on the same store — NOW, RAND, UUID,
STRUUID, BNODE, SERVICE, and graph answers whose template mints blank nodes (``_:`` or ``[``).
The check reads the raw text, so a comment or string naming one of those words only costs a
cache miss. Every update clears the cache and bumps its generation, so that an answer computed
before the update finished is not stored after it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Hashable

from .wire import GRAPH_MEDIA, Reply

__all__ = ["ResponseCache", "WireAnswer", "WireKey", "varies", "wire_key"]

_VARIES = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE|SERVICE)\b", re.IGNORECASE)
_GRAPH_MEDIA = frozenset(GRAPH_MEDIA.values())


class WireAnswer(tuple[bytes, bytes, bytes]):
    """A kept reply as it goes on the wire: status line, header lines (ending in the blank
    line) and body; the per-second ``date`` header goes between the first two when sent."""

    __slots__ = ()


WireKey = tuple[str, bytes, bytes, "bytes | None"]


def wire_key(path: bytes, query: bytes, accept: bytes | None) -> WireKey:
    """The key of a raw request (path and query string as sent, the first Accept value)."""
    return ("wire", path, query, accept)


def _size(entry: Reply | WireAnswer) -> int:
    if isinstance(entry, WireAnswer):
        return len(entry[1]) + len(entry[2])
    return len(entry.body)


def varies(text: str) -> bool:
    """Whether two runs of ``text`` on one store may answer differently (then: never cached)."""
    return _VARIES.search(text) is not None


class ResponseCache:
    """An LRU of finished replies, bounded by ``max_entries`` and ``max_bytes`` (0: off)."""

    def __init__(self, max_entries: int = 1024, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.generation = 0
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Reply | WireAnswer] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Reply | None:
        reply = self._entries.get(key)
        if reply is None or isinstance(reply, WireAnswer):
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return reply

    def get_wire(self, key: Hashable) -> WireAnswer | None:
        """The wire form filed under a raw request by :meth:`put_wire`, if still kept."""
        entry = self._entries.get(key)
        if entry is None or not isinstance(entry, WireAnswer):
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put_wire(self, key: Hashable, answer: WireAnswer, generation: int) -> bool:
        """File ``answer`` under a raw request; only for a reply :meth:`put` just kept."""
        if not self.enabled or generation != self.generation:
            return False
        self._keep(key, answer)
        return True

    def put(self, key: Hashable, reply: Reply, generation: int, text: str) -> bool:
        """Keep ``reply`` unless it must not be (see the module docstring); True if kept.

        ``generation`` is :attr:`generation` read before the query was sent: an update since
        then makes the reply stale, and it is dropped.
        """
        if not self.enabled or generation != self.generation:
            return False
        if reply.status != 200 or reply.truncated or varies(text):
            return False
        if reply.media_type in _GRAPH_MEDIA and ("_:" in text or "[" in text):
            return False
        if len(reply.body) > self.max_bytes:
            return False
        self._keep(key, reply)
        return True

    def _keep(self, key: Hashable, entry: Reply | WireAnswer) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= _size(old)
        self._entries[key] = entry
        self.bytes += _size(entry)
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.bytes -= _size(dropped)

    def clear(self) -> None:
        """Forget everything and start a new generation (called around every update)."""
        self._entries.clear()
        self.bytes = 0
        self.generation += 1
