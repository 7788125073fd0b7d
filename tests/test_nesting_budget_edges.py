"""At the edge of the guard's nesting budget, every construct still parses without a crash.

For each way of nesting that pyoxigraph's parser recurses on, the test finds the deepest text
the guard lets through and runs it in a forked child: a child killed by a signal (the parser's
stack overflow is a SIGSEGV) fails the test without taking pytest with it. The deepest refused
text is one level more, so together they pin that the budget, not luck, keeps these safe.
"""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

from claimgraph.errors import ClaimgraphError, QueryRefused
from claimgraph.guard import guard_query
from claimgraph.sparql import execute

#: (opening text of one level, closing text of one level, what sits innermost); the closers
#: of the first few hide inside strings, so the running bracket count never sees the depth.
LEVELS = {
    "calls-behind-strings": ("STR(CONCAT(')))',", "))", "'a'"),
    "coalesce": ("COALESCE(", ")", "1"),
    "count": ("COUNT(", ")", "1"),
    "not-exists": ("FILTER NOT EXISTS { '}' ", "}", ""),
    "filter-exists": ("FILTER(EXISTS { '})' ", "})", ""),
    "subquery-in-exists": ("FILTER EXISTS { SELECT * { ", "} }", ""),
    "braces": ("{ ", "}", ""),
    "parentheses": ("(", ")", "1"),
    "sum-chain": ("1+", "", "1"),
    "not-chain": ("!", "", "true"),
    "and-chain": ("true&&", "", "true"),
    "less-than-hidden": ("1<(", ")", "1"),
}


def text_for(name: str, n: int) -> str:
    opener, closer, inner = LEVELS[name]
    body = opener * n + inner + closer * n
    if name in ("not-exists", "filter-exists", "subquery-in-exists", "braces"):
        return f"ASK {{ {body} }}"
    if name == "count":
        return f"SELECT ({body} AS ?n) {{}}"
    if name == "less-than-hidden":
        return f"ASK {{ FILTER({body}&&2>1) }}"
    return f"ASK {{ FILTER({body}) }}"


def passes(text: str) -> bool:
    try:
        guard_query(text, max_depth=1 << 30)  # the budget alone, not the running count
    except QueryRefused:
        return False
    return True


def deepest_passing(name: str) -> int:
    lo, hi = 0, 1
    while passes(text_for(name, hi)):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if passes(text_for(name, mid)) else (lo, mid)
    return lo


def killed_by(text: str) -> int | None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            execute(ox.Store(), text)
        except (ClaimgraphError, Exception):
            pass
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else None


@pytest.mark.parametrize("name", list(LEVELS))
def test_deepest_text_the_budget_allows_does_not_crash_the_parser(name):
    n = deepest_passing(name)
    assert n >= 100, "the budget should leave room for ordinary nesting"
    assert not passes(text_for(name, n + 1))
    assert killed_by(text_for(name, n)) is None, f"{name}: {n} levels crashed the parser"
