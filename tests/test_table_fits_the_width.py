"""The one table renderer: unchanged without a width, fitted (cut or wrapped) with one."""

from __future__ import annotations

import pytest

from claimgraph import api
from claimgraph.catalog import load_catalog
from claimgraph.render import render_result, results_table
from claimgraph.sparql import run_stored
from claimgraph.store import open_store
from claimgraph.table import ELLIPSIS, fit_widths, render_table

HEADER = ("iri", "label")
ROWS = [("ex:a", "a short one"), ("ex:bb", "a label long enough to need cutting down to size")]


def test_without_a_width_nothing_is_cut_and_columns_pad_to_the_widest_cell():
    lines = render_table(HEADER, ROWS)
    assert lines[0] == "iri    label"
    assert lines[1] == "-----  " + "-" * len(ROWS[1][1])
    assert lines[3] == "ex:bb  " + ROWS[1][1]
    assert render_table(HEADER, ROWS, max_width=20, wide=True) == lines


def test_a_width_truncates_the_shrinking_columns_with_an_ellipsis():
    lines = render_table(HEADER, ROWS, max_width=30)
    assert all(len(line) <= 30 for line in lines)
    assert lines[3].startswith("ex:bb  a label long")
    assert lines[3].endswith(ELLIPSIS)
    assert lines[2] == "ex:a   a short one"  # short cells are left whole


def test_wrap_keeps_every_word_on_continuation_lines():
    lines = render_table(HEADER, ROWS, max_width=30, wrap=True)
    assert all(len(line) <= 30 for line in lines)
    assert lines[3].startswith("ex:bb  ")
    continuation = lines[4:]
    assert continuation and all(line.startswith(" " * 7) for line in continuation)
    words = " ".join(line[7:] for line in lines[3:]).split()
    assert words == ROWS[1][1].split()


def test_columns_not_allowed_to_shrink_keep_their_width():
    lines = render_table(HEADER, ROWS, max_width=10, shrink=(1,))
    assert lines[3].startswith("ex:bb  ")  # the IRI column is whole
    assert lines[3][7:] == ROWS[1][1][:7] + ELLIPSIS  # label down to its floor (8)


def test_fit_widths_caps_the_widest_columns_first():
    assert fit_widths([10, 40, 30], [3, 8, 8], [1, 2], 50) == [10, 18, 18]
    assert fit_widths([10, 40, 5], [3, 8, 5], [1, 2], 50) == [10, 31, 5]
    assert fit_widths([10, 40], [3, 8], [1], 100) == [10, 40]
    assert fit_widths([10, 40], [3, 8], [1], 5) == [10, 8]  # cannot fit: as narrow as allowed


@pytest.fixture(scope="module")
def actor_result():
    store = open_store(None)
    return run_stored(store, load_catalog().get_query("claims-about-actor"), {})


def test_query_tables_fit_the_width_by_cutting_labels_only(actor_result):
    full = results_table(actor_result)
    widest = max(len(line) for line in full.splitlines())
    fitted = results_table(actor_result, max_width=widest - 20)
    assert max(len(line) for line in fitted.splitlines()) <= widest - 20
    assert ELLIPSIS in fitted
    assert fitted.splitlines()[-1] == full.splitlines()[-1]  # the row count stays
    assert render_result(actor_result, "table", max_width=40, wide=True) == full.encode()
    for before, after in zip(full.splitlines()[2:-1], fitted.splitlines()[2:-1], strict=True):
        assert after.split()[0] == before.split()[0]  # the claim IRI is never cut


def test_catalog_table_is_unchanged_without_a_width_and_fits_with_one():
    queries = list(load_catalog().values())
    full = api.catalog_table(queries)
    lines = full.splitlines()
    assert lines[1].split("  ")[-1] == "-" * len("parameters")  # the open last column
    assert api.catalog_table(queries, max_width=70, wide=True) == full
    fitted = api.catalog_table(queries, max_width=70).splitlines()
    assert max(len(line) for line in fitted) <= 70
    assert [line.split()[0] for line in fitted] == [line.split()[0] for line in lines]
