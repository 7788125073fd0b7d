"""Validating an on-disk store reads a checkpoint without the shapes graph (issue 13).

The checkpoint's union of graphs must be exactly the data graph: a shapes-graph triple never
counts as data, the answers equal those read through the graph list, nothing is left beside
the store, and where no checkpoint can be made the graph list is read instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import api, checkpoint
from claimgraph.shacl.compiler import compile_shapes
from claimgraph.store import open_store
from claimgraph.terms import CG, ID, SHAPES_GRAPH

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: a claim with nothing else: a violation of every required property, if it were data
STRAY = ox.NamedNode(ID + "doc/nowhere/claim/stray")
#: the same kind of claim in a data graph: it must be reported
FAULTY = ox.NamedNode(ID + "doc/nowhere/claim/faulty")


def _fill(folder: Path) -> None:
    store = open_store(folder, write=True)
    claim = ox.NamedNode(CG + "Claim")
    store.add(ox.Quad(STRAY, RDF_TYPE, claim, ox.NamedNode(SHAPES_GRAPH)))
    store.add(ox.Quad(FAULTY, RDF_TYPE, claim, ox.NamedNode(ID + "doc/nowhere")))
    store.flush()


def _results(report) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return sorted(
        (r["focus"], r["severity"], r["path"] or "", r["value"] or "", r["message"] or "")
        for r in json.loads(report.to_json())["results"]
    )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if ".claimgraph-check." in p.name)


def test_the_checkpoint_answers_as_the_graph_list_and_leaves_nothing(disk_store: Path) -> None:
    _fill(disk_store)
    store = open_store(disk_store)
    listed = api.validate(store, check_texts=False)
    union = api.validate(store, check_texts=False, folder=disk_store)
    assert _results(union) == _results(listed)
    assert any(r[0].endswith("/faulty") for r in _results(union))
    assert not any(r[0].endswith("/stray") for r in _results(union))
    assert _leftovers(disk_store) == []


def test_without_a_checkpoint_the_graph_list_is_read(
    disk_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(disk_store)
    store = open_store(disk_store)
    expected = _results(api.validate(store, check_texts=False))

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(checkpoint.tempfile, "mkdtemp", refuse)
    assert _results(api.validate(store, check_texts=False, folder=disk_store)) == expected
    with checkpoint.without_graphs(store, disk_store, []) as copy:
        assert copy is None


def test_an_in_memory_store_has_no_checkpoint(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    with checkpoint.without_graphs(ox.Store(), folder, []) as copy:
        assert copy is None
    assert _leftovers(folder) == []


def test_a_killed_validation_leaves_a_checkpoint_the_next_one_removes(disk_store: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = disk_store.with_name(f".{disk_store.name}.claimgraph-check.{dead}.abcd")
    (stale / "store").mkdir(parents=True)
    live = disk_store.with_name(f".{disk_store.name}.claimgraph-check.{os.getppid()}.efgh")
    live.mkdir()
    api.validate(open_store(disk_store), check_texts=False, folder=disk_store)
    assert _leftovers(disk_store) == [live.name]


def test_the_cli_validates_a_store_through_a_checkpoint(
    disk_store: Path,
    runner,  # type: ignore[no-untyped-def]
) -> None:
    _fill(disk_store)
    from claimgraph.cli import app

    result = runner.invoke(app, ["validate", "--store", str(disk_store), "-f", "json"])
    assert result.exit_code == 1
    foci = {r["focus"] for r in json.loads(result.stdout)["results"]}
    assert any(f.endswith("/faulty") for f in foci)
    assert not any(f.endswith("/stray") for f in foci)
    assert _leftovers(disk_store) == []


@pytest.mark.parametrize(
    ("path", "set_at_a_time"),
    [
        ("rdfs:label", True),
        ("( cg:anchor oa:hasSelector )", True),
        ("[ sh:zeroOrMorePath rdfs:seeAlso ]", False),
    ],
)
def test_counts_and_classes_are_checked_set_at_a_time_only_on_bounded_paths(
    path: str, set_at_a_time: bool
) -> None:
    shapes = ox.Store()
    shapes.load(
        f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix cg: <{CG}> .
        @prefix oa: <http://www.w3.org/ns/oa#> .
        <urn:s> a sh:NodeShape ; sh:targetClass cg:Claim ;
            sh:property [ sh:path {path} ; sh:minCount 1 ; sh:maxCount 2 ; sh:class cg:Thing ] .
        """.encode(),
        format=ox.RdfFormat.TURTLE,
    )
    texts = {c.component.value.rsplit("#", 1)[1]: c.text for c in compile_shapes(shapes).checks}
    assert ("MINUS" in texts["MinCountConstraintComponent"]) is set_at_a_time
    assert ("HAVING" in texts["MaxCountConstraintComponent"]) is set_at_a_time
    assert "MINUS" in texts["ClassConstraintComponent"]  # its right side is bound by the class
