"""On a terminal, tables fit its width (``COLUMNS``); piped or with ``--wide`` they are whole.

``CliRunner.invoke(..., tty=True)`` gives stdout an ``isatty()`` that says yes, so the CLI's
own decision (``sys.stdout.isatty()``) is what is tested, and ``COLUMNS`` sets the width
through ``shutil.get_terminal_size()``.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.cli import app
from claimgraph.store import open_store
from claimgraph.terms import ONTOLOGY_GRAPH, SHAPES_GRAPH, SHARED_GRAPH, document_graph

STORE = open_store()
BPN = "broken-promises-narrative"

ENV = {"CLAIMGRAPH_STORE": None, "COLUMNS": "50"}

COMMANDS = [
    ["queries"],
    ["claims", "--search", "crimea"],
    ["query", "claims-by-actor", "-p", "actor=russian-government"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_terminal_gets_a_table_that_fits(runner, args):
    piped = runner.invoke(app, args, env=ENV)
    fitted = runner.invoke(app, args, env=ENV, tty=True)
    assert piped.exit_code == fitted.exit_code == 0, fitted.stderr
    assert max(map(len, piped.stdout.splitlines())) > 50  # the whole table is wider
    assert fitted.stdout != piped.stdout
    assert "…" in fitted.stdout and "…" not in piped.stdout
    # as many lines: labels are cut, not wrapped, and no row is dropped
    assert len(fitted.stdout.splitlines()) == len(piped.stdout.splitlines())
    first_words = [line.split()[0] for line in fitted.stdout.splitlines()]
    assert first_words == [line.split()[0] for line in piped.stdout.splitlines()]


@pytest.mark.parametrize("args", COMMANDS + [["graphs"]], ids=lambda a: a[0])
def test_wide_on_a_terminal_prints_what_a_pipe_gets(runner, args):
    piped = runner.invoke(app, args, env=ENV)
    wide = runner.invoke(app, [*args, "--wide"], env=ENV, tty=True)
    assert wide.exit_code == 0, wide.stderr
    assert wide.stdout_bytes == piped.stdout_bytes


def test_the_catalog_on_a_narrow_terminal(runner):
    result = runner.invoke(app, ["queries"], env=ENV, tty=True)
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "name                         summary    parameters",
        "---------------------------  ---------  ----------",
        "author-unsourced-assertions  The auth…  doc (iri …",
        "claim-provenance             The full…  claim (ir…",
    ]
    assert all(len(line) <= 50 for line in lines)


def test_a_stored_query_on_a_narrow_terminal_keeps_its_iris_whole(runner):
    args = ["query", "claims-by-actor", "-p", "actor=russian-government"]
    result = runner.invoke(app, args, env=ENV, tty=True)
    assert result.stdout.splitlines()[2] == (
        "doc:broken-promises-narrative  "
        "claim:broken-promises-narrative/us-betrayed-detente-expectations"
        "       By allo…  interpr…         actor:lara-westra  stance:disputes"
    )


def test_graph_names_wrap_on_a_narrow_terminal_instead_of_being_cut(runner):
    result = runner.invoke(app, ["graphs"], env={**ENV, "COLUMNS": "20"}, tty=True)
    assert result.exit_code == 0, result.stderr
    n = {g: str(len(list(STORE.quads_for_pattern(None, None, None, ox.NamedNode(g)))))
         for g in (ONTOLOGY_GRAPH, SHAPES_GRAPH, SHARED_GRAPH, document_graph(BPN))}
    assert result.stdout == (
        "graph        triples\n"
        "-----------  -------\n"
        f"cgg:ontolog  {n[ONTOLOGY_GRAPH]}\n"
        "y\n"
        f"cgg:shapes   {n[SHAPES_GRAPH]}\n"
        f"cgg:shared   {n[SHARED_GRAPH]}\n"
        f"doc:broken-  {n[document_graph(BPN)]}\n"
        "promises-na\n"
        "rrative\n"
        "(4 graphs)\n"
    )
    assert all(len(line) <= 20 for line in result.stdout.splitlines())


def test_json_is_never_fitted(runner):
    piped = runner.invoke(app, ["queries", "-f", "json"], env=ENV)
    tty = runner.invoke(app, ["queries", "-f", "json"], env=ENV, tty=True)
    assert tty.stdout_bytes == piped.stdout_bytes
