"""The short cuts of a cold `claimgraph query NAME` give the same answers as the long way.

The in-memory bundled store is built by ``Store.load`` per file (not a Python quad loop), and a
stored query is read from its own file (not the whole catalog): both for start-up time only.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph import api
from claimgraph.catalog import load_catalog
from claimgraph.errors import UnknownQueryError
from claimgraph.store import bundled_quads, open_store


def _canonical(quads: object) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def test_bundled_store_holds_exactly_the_parsed_bundled_files():
    store = open_store()
    quads = bundled_quads()
    assert len(store) == len(quads) > 1000
    assert any(isinstance(q.subject, ox.BlankNode) for q in quads)  # the check is not vacuous
    assert _canonical(store) == _canonical(quads)


def test_two_bundled_stores_share_no_blank_node():
    def blanks(store: ox.Store) -> set[ox.BlankNode]:
        return {q.subject for q in store if isinstance(q.subject, ox.BlankNode)}

    first, second = blanks(open_store()), blanks(open_store())
    assert first and not first & second


CATALOG = load_catalog()
DEFAULTED = sorted(n for n, q in CATALOG.items() if all(not p.required for p in q.params))


@pytest.mark.parametrize("name", DEFAULTED)
def test_a_stored_query_read_alone_answers_as_the_catalog_does(name):
    store = open_store()
    alone = api.run_query(store, name=name, fmt="default")
    whole = api.run_query(store, name=name, fmt="default", catalog=CATALOG)
    assert alone == whole


def test_the_defaulted_queries_are_most_of_the_catalog():
    assert len(DEFAULTED) >= len(CATALOG) // 2


@pytest.mark.parametrize(
    ("name", "hint"),
    [("claims-per-sectio", "claims-per-section"), ("../queries/claims-per-section", None)],
)
def test_an_unknown_name_still_gets_the_catalog_error(name, hint):
    with pytest.raises(UnknownQueryError) as caught:
        api.run_query(open_store(), name=name)
    assert "claimgraph queries lists them" in str(caught.value)
    if hint:
        assert f"did you mean {hint!r}" in str(caught.value)
