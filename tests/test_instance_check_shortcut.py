"""The local instance check confirms a plain yes by index lookups instead of an ASK (issue 13:
the ASK was a second query per run of a sub-millisecond stored query); a no is still the ASK's,
so an unknown or wrong-class IRI keeps its "did you mean"."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.binding import check_instance
from claimgraph.catalog import Parameter
from claimgraph.errors import ParameterError
from claimgraph.sparql import LocalExecutor, QueryResult
from claimgraph.terms import CG, PREFIXES

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
ACTOR = Parameter(name="actor", type="iri", description="an actor", class_iri=CG + "Actor")
CLAIM = Parameter(name="claim", type="iri", description="a claim", class_iri=CG + "Claim")
G1, G2 = ox.NamedNode("urn:x:g1"), ox.NamedNode("urn:x:g2")
ANNA = ox.NamedNode(PREFIXES["actor"] + "anna")


class Counting(LocalExecutor):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.asked: list[str] = []

    def query(self, text: str, **kwargs: object) -> QueryResult:  # type: ignore[override]
        self.asked.append(text)
        return super().query(text, **kwargs)  # type: ignore[arg-type]


def _store() -> ox.Store:
    """anna is a cg:Person in one graph; Person is under Actor (via Agent) in another."""
    store = ox.Store()
    agent = ox.NamedNode(CG + "Agent")
    store.extend(
        [
            ox.Quad(ANNA, RDF_TYPE, ox.NamedNode(CG + "Person"), G1),
            ox.Quad(ox.NamedNode(CG + "Person"), SUBCLASS, agent, G2),
            ox.Quad(agent, SUBCLASS, ox.NamedNode(CG + "Actor"), G2),
            ox.Quad(agent, SUBCLASS, agent, G2),  # a cycle ends the walk
        ]
    )
    return store


def test_an_instance_through_subclasses_in_other_graphs_needs_no_query():
    executor = Counting(_store())
    assert executor.confirms_instance(ANNA, ox.NamedNode(CG + "Actor"))
    check_instance(executor, ANNA, ACTOR)
    assert executor.asked == []


def test_a_no_is_left_to_the_ask_and_keeps_did_you_mean():
    executor = Counting(_store())
    near = ox.NamedNode(PREFIXES["actor"] + "annaa")
    assert not executor.confirms_instance(near, ox.NamedNode(CG + "Actor"))
    assert not executor.confirms_instance(ANNA, ox.NamedNode(CG + "Claim"))
    with pytest.raises(ParameterError, match="did you mean 'actor:anna'"):
        check_instance(executor, near, ACTOR)
    assert executor.asked  # the ASK (and the listing) ran
    with pytest.raises(ParameterError, match="there is no cg:Claim"):
        check_instance(executor, ANNA, CLAIM)


def test_an_executor_with_its_own_dataset_always_asks():
    executor = Counting(_store(), default_graph=[G1])
    assert not executor.confirms_instance(ANNA, ox.NamedNode(CG + "Actor"))
    # the ontology graph is outside this dataset: the ASK, not the shortcut, says no
    with pytest.raises(ParameterError):
        check_instance(executor, ANNA, ACTOR)
    assert executor.asked
