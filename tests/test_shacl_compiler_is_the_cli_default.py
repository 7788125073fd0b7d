"""`claimgraph validate` runs the compiled engine by default and says the same as
`--engine pyshacl`, in every format, with and without texts, on the store and on a file."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from .test_validate_checks_anchors_against_the_text import (
    MINI_GRAPH,
    MINI_TEXT,
    SHIFTED,
    graph_with,
    run,
)

BROKEN = ("cg:statedIn ex:doc ;", "")


def _results(turtle: str) -> list[tuple[str, ...]]:
    store = ox.Store()
    store.load(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = store.query(
        """PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?conforms ?focus ?severity ?component ?path ?value ?message WHERE {
          ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
          ?r sh:focusNode ?focus ; sh:resultSeverity ?severity ;
             sh:sourceConstraintComponent ?component .
          OPTIONAL { ?r sh:resultPath ?path } OPTIONAL { ?r sh:value ?value }
          OPTIONAL { ?r sh:resultMessage ?message } }"""
    )
    found = []
    for row in rows:  # type: ignore[union-attr]
        path = row["path"]
        found.append(
            tuple(
                "_:" if isinstance(t, ox.BlankNode) else str(t)
                for t in (
                    row["conforms"],
                    row["focus"],
                    row["severity"],
                    row["component"],
                    path,
                    row["value"],
                    row["message"],
                )
            )
        )
    return sorted(found)


@pytest.mark.parametrize("fmt", ["text", "json", "turtle"])
@pytest.mark.parametrize("case", ["bundled", "broken-file", "shifted-with-text"])
def test_the_default_engine_says_what_pyshacl_says(runner, tmp_path, case, fmt):
    if case == "bundled":
        args: tuple[str, ...] = ()
    elif case == "broken-file":
        args = ("--data", str(graph_with(tmp_path, BROKEN)))
    else:
        args = ("--data", str(graph_with(tmp_path, SHIFTED)), "--text", str(MINI_TEXT))
    ours = run(runner, "validate", *args, "-f", fmt)
    theirs = run(runner, "validate", *args, "-f", fmt, "--engine", "pyshacl")
    assert ours.exit_code == theirs.exit_code
    assert ours.exit_code == (0 if case == "bundled" else 1)
    if fmt == "turtle":
        assert _results(ours.stdout) == _results(theirs.stdout)
    elif fmt == "json":
        assert json.loads(ours.stdout) == json.loads(theirs.stdout)
    else:
        assert ours.stdout == theirs.stdout


def test_auto_is_the_compiler_when_it_supports_every_shape(runner):
    auto = run(runner, "validate", "--data", str(MINI_GRAPH), "--engine", "auto")
    default = run(runner, "validate", "--data", str(MINI_GRAPH))
    assert (auto.exit_code, auto.stdout, auto.stderr) == (default.exit_code, default.stdout, "")


RECURSIVE = """@prefix cg: <https://w3id.org/claimgraph/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/shapes#> .
ex:Recursive a sh:NodeShape ; sh:targetClass cg:Claim ;
    sh:property [ sh:path cg:supports ; sh:node ex:Recursive ] .
"""


def test_a_shape_the_compiler_cannot_take_is_an_error_or_goes_to_pyshacl(runner, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(RECURSIVE, encoding="utf-8")
    store = str(tmp_path / "store")
    shapes = "https://w3id.org/claimgraph/graph/shapes"
    assert run(runner, "load", "--store", store, "--graph", shapes, str(extra)).exit_code == 0
    strict = run(runner, "validate", "--store", store)
    assert (strict.exit_code, strict.stdout) == (2, "")
    assert "shape <http://example.org/shapes#Recursive> uses sh:node" in strict.stderr
    assert "--engine auto" in strict.stderr
    auto = run(runner, "validate", "--store", store, "--engine", "auto")
    reference = run(runner, "validate", "--store", store, "--engine", "pyshacl")
    assert (auto.exit_code, auto.stdout) == (reference.exit_code, reference.stdout)
    assert auto.stderr == (
        "claimgraph: validated with pyshacl: shape <http://example.org/shapes#Recursive> "
        "uses sh:node (<http://example.org/shapes#Recursive> is recursive)\n"
    )
