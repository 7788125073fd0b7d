"""Every bundled stored query passes the raw-text guard, header comments included.

The guard refuses the words SERVICE and LOAD anywhere (even in a ``#+ description:`` line) and
bounds brackets and operators; a stored query that broke either rule would fail only when a
user ran it, so this pins it when the catalog changes.
"""

from __future__ import annotations

import pytest

from claimgraph.catalog import load_catalog
from claimgraph.guard import NESTING_BUDGET, guard_query

CATALOG = load_catalog()


@pytest.mark.parametrize("name", list(CATALOG))
def test_stored_query_passes_the_guard_with_room_to_spare(name):
    text = CATALOG.get_query(name).text
    guard_query(text)
    cost = 10 * sum(text.count(c) for c in "({[") + sum(text.count(c) for c in "!&|+-*/=<>^")
    assert cost <= NESTING_BUDGET // 4
