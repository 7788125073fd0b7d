"""``--graph`` takes a prefixed name wherever it takes an IRI, and means the expanded IRI.

``load --graph cgg:ontology`` used to store the IRI ``<cgg:ontology>`` silently, while
``export --graph cgg:ontology`` failed.
"""

from __future__ import annotations

import pytest

from claimgraph.errors import InputError
from claimgraph.store import graph_iri, graph_names, open_store
from claimgraph.terms import GRAPH, ONTOLOGY_GRAPH

from .test_cli_commands import GOOD, one_error_line, run


def test_load_graph_as_prefixed_name_stores_the_expanded_iri(runner, disk_store, tmp_path):
    data = tmp_path / "a.ttl"
    data.write_text(GOOD)
    result = run(runner, "load", str(data), "--graph", "cgg:extra", "--store", str(disk_store))
    assert result.exit_code == 0, result.stderr
    names = graph_names(open_store(disk_store))
    assert GRAPH + "extra" in names
    assert "cgg:extra" not in names


def test_export_graph_as_prefixed_name_equals_the_full_iri(runner):
    short = run(runner, "export", "--graph", "cgg:ontology")
    full = run(runner, "export", "--graph", ONTOLOGY_GRAPH)
    assert short.exit_code == 0 and full.exit_code == 0, short.stderr
    assert short.stdout_bytes == full.stdout_bytes and short.stdout_bytes


@pytest.mark.parametrize(
    ("given", "iri"),
    [
        ("cgg:ontology", ONTOLOGY_GRAPH),
        (f"<{ONTOLOGY_GRAPH}>", ONTOLOGY_GRAPH),
        ("http://example.org/g", "http://example.org/g"),
        ("urn:x:extra", "urn:x:extra"),
        ("<foo:bar>", "foo:bar"),
    ],
)
def test_graph_names_that_are_iris_or_known_prefixes_are_accepted(given, iri):
    assert graph_iri(given) == iri


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("foo:bar", "unknown prefix 'foo'"),
        ("not an iri", "is not an absolute IRI or a prefixed name"),
        ("ontology", "is not an absolute IRI or a prefixed name"),
        ("<relative/path>", "is not an absolute IRI or a prefixed name"),
        ("http://example.org/a b", "is not a valid IRI"),
    ],
)
def test_graph_names_that_are_not_iris_are_refused(given, reason):
    with pytest.raises(InputError, match=reason):
        graph_iri(given)


@pytest.mark.parametrize("command", ["load", "export"])
def test_unknown_prefix_for_graph_exits_2(runner, disk_store, tmp_path, command):
    data = tmp_path / "a.ttl"
    data.write_text(GOOD)
    args = ["load", str(data)] if command == "load" else ["export"]
    message = one_error_line(
        run(runner, *args, "--graph", "foo:bar", "--store", str(disk_store)), 2
    )
    assert message.startswith("unknown prefix 'foo' in graph name 'foo:bar'")
