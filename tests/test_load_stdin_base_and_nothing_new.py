"""``load -`` reads stdin (with ``--format``), ``--base`` resolves relative IRIs, and a load
that adds nothing says so; ``export --graph`` of a missing graph lists the graphs there are."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from claimgraph.cli import app
from claimgraph.store import open_store

RELATIVE = '<a> <http://example.org/p> "x" .\n<b> <http://example.org/p> "y" .\n'
ABSOLUTE = '<http://example.org/a> <http://example.org/p> "x" .\n'
NOTES = "https://example.org/notes"


def load(runner, store: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["load", *args, "--store", str(store)], env={"CLAIMGRAPH_STORE": None}, input=input
    )


def quads_in(store: Path, graph: str) -> set[tuple[str, str, str]]:
    s = open_store(store)
    found = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in s.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }
    del s
    return found


def test_stdin_loads_with_a_format_and_a_base(runner, disk_store):
    result = load(
        runner, disk_store, "-", "-f", "turtle", "--base", "http://example.org/",
        "--graph", NOTES, input=RELATIVE,
    )  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "loaded 2 quads from stdin\n"
    assert quads_in(disk_store, NOTES) == {
        ("http://example.org/a", "http://example.org/p", "x"),
        ("http://example.org/b", "http://example.org/p", "y"),
    }
    assert not list(disk_store.parent.glob(".claimgraph-stdin.*"))  # the copy is gone


def test_stdin_without_a_format_is_one_line_exit_2(runner, disk_store):
    result = load(runner, disk_store, "-", input=ABSOLUTE)
    assert result.exit_code == 2
    assert result.stderr == (
        "claimgraph: error: load - reads stdin, which has no file extension: "
        "add --format FORMAT\n"
    )


def test_a_syntax_error_on_stdin_names_stdin_and_loads_nothing(runner, disk_store):
    before = quads_in(disk_store, NOTES)
    result = load(
        runner, disk_store, "-", "-f", "ntriples", "--graph", NOTES, input=ABSOLUTE + "<x> .\n"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("claimgraph: error: stdin:2:")
    assert result.stderr.count("\n") == 1
    assert quads_in(disk_store, NOTES) == before == set()
    assert not list(disk_store.parent.glob(".claimgraph-stdin.*"))


def test_relative_iris_without_a_base_are_refused(runner, disk_store):
    result = load(runner, disk_store, "-", "-f", "turtle", input=RELATIVE)
    assert result.exit_code == 2
    assert result.stderr.startswith("claimgraph: error: stdin:1:")


def test_a_base_that_is_not_absolute_is_refused_before_parsing(runner, disk_store, tmp_path):
    data = tmp_path / "notes.ttl"
    data.write_text(RELATIVE)
    result = load(runner, disk_store, str(data), "--base", "relative/")
    assert (result.exit_code, result.stderr) == (
        2,
        "claimgraph: error: base IRI 'relative/' is not an absolute IRI "
        "(for example http://ex.org/)\n",
    )


def test_format_overrides_the_extension(runner, disk_store, tmp_path):
    data = tmp_path / "notes.txt"
    data.write_text(ABSOLUTE)
    result = load(runner, disk_store, str(data), "--graph", NOTES)
    assert result.exit_code == 2  # .txt is no RDF extension
    result = load(runner, disk_store, str(data), "-f", "nt", "--graph", NOTES)  # an alias
    assert (result.exit_code, result.stderr) == (0, f"loaded 1 quads from {data}\n")
    assert quads_in(disk_store, NOTES) == {("http://example.org/a", "http://example.org/p", "x")}


def test_loading_the_same_file_again_says_nothing_changed(runner, disk_store, tmp_path):
    data = tmp_path / "notes.nt"
    data.write_text(ABSOLUTE)
    first = load(runner, disk_store, str(data), "--graph", NOTES)
    assert first.stderr == f"loaded 1 quads from {data}\n"
    again = load(runner, disk_store, str(data), "--graph", NOTES)
    assert (again.exit_code, again.stderr) == (
        0,
        "nothing new: the store already held all 1 quad\n",
    )
    empty = tmp_path / "empty.nt"
    empty.write_text("")
    nothing = load(runner, disk_store, str(empty))
    assert (nothing.exit_code, nothing.stderr) == (0, "nothing new: the input held no quads\n")


def test_export_of_a_missing_graph_lists_the_graphs(runner):
    result = runner.invoke(
        app, ["export", "--graph", "http://example.org/none"], env={"CLAIMGRAPH_STORE": None}
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    n = _sizes()
    assert result.stderr == (
        "claimgraph: error: the store has no graph <http://example.org/none>; it has "
        f"cgg:ontology ({n['ontology']} triples), cgg:shapes ({n['shapes']} triples), "
        f"cgg:shared ({n['shared']} triples), "
        f"doc:broken-promises-narrative ({n['broken-promises-narrative']} triples)\n"
    )


def _sizes() -> dict[str, int]:
    """Triples per bundled graph, by the last segment of its name (the data changes; the
    message's form is what is tested)."""
    store = open_store()
    sizes: dict[str, int] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        name = q.graph_name.value.rsplit("/", 1)[1]  # type: ignore[union-attr]
        sizes[name] = sizes.get(name, 0) + 1
    return sizes
