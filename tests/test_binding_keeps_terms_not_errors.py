"""The terms and query texts binding keeps for the values seen last (issue 13) are those a fresh
run makes; a value that fails its checks fails every time (an error is never kept)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph import binding
from claimgraph.catalog import Parameter
from claimgraph.errors import ParameterError
from claimgraph.terms import CG

CLAIM = Parameter(name="claim", type="iri", description="a claim", class_iri=CG + "Claim")
YEAR = Parameter(name="year", type="year", description="a year")
TEXT = "SELECT ?s WHERE { ?s ?p ?claim }"


@pytest.mark.parametrize("value", ['x> } ; DROP ALL ; #', "<urn:x:a b>", "doc/a/b/c"])
def test_a_hostile_value_fails_every_time(value):
    for _ in range(3):
        with pytest.raises(ParameterError):
            binding.to_term(value, CLAIM)


def test_a_kept_term_and_text_are_what_a_fresh_run_makes():
    value = "claim:essay/a-claim"
    first = binding.to_term(value, CLAIM)
    text = binding.inline_constants(TEXT, {ox.Variable("claim"): first})
    binding._term.cache_clear()
    binding._inlined.cache_clear()
    binding._template.cache_clear()
    again = binding.to_term(value, CLAIM)
    assert again == first
    assert binding.inline_constants(TEXT, {ox.Variable("claim"): again}) == text
    year = ox.Literal("1989", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert binding.to_term(" 1989 ", YEAR) == year == binding.to_term(" 1989 ", YEAR)
    with pytest.raises(ParameterError):
        binding.to_term("19x9", YEAR)
