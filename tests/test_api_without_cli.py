"""The behaviour behind each command is reachable as plain library calls."""

from __future__ import annotations

import json

import pytest

import claimgraph
from claimgraph import api
from claimgraph.errors import ClaimgraphError, ParameterError


def test_public_names_are_exported():
    for name in claimgraph.__all__:
        assert hasattr(claimgraph, name), name


def test_run_stored_query_as_a_library(bundled_store):
    query = claimgraph.load_catalog().get_query("sources-supporting-claim")
    result = claimgraph.run_stored(bundled_store, query, {"claim": "no-binding-agreement"})
    assert result.form == "SELECT"
    assert result.variables == ["source", "role", "year", "title", "link"]
    assert {row[0].value.rsplit("/", 1)[1] for row in result.rows} == {
        "sarotte-2009",
        "sarotte-2014",
        "sarotte-2021",
    }


def test_run_query_renders_bytes(bundled_store):
    out = api.run_query(bundled_store, name="claims-per-type", fmt="json")
    assert json.loads(out)["head"]["vars"] == ["type", "label", "claims"]


def test_run_query_needs_exactly_one_source(bundled_store):
    with pytest.raises(ClaimgraphError):
        api.run_query(bundled_store, name="claims-per-type", sparql="ASK {}")


def test_params_apply_to_stored_queries_only(bundled_store):
    with pytest.raises(ParameterError, match="--param applies to stored queries only"):
        api.run_query(bundled_store, sparql="ASK {}", params={"x": "1"})


@pytest.mark.parametrize(
    ("options", "expected"),
    [([], {}), (["a=1", "b=x=y"], {"a": "1", "b": "x=y"}), (["a="], {"a": ""})],
)
def test_parse_param_options(options, expected):
    assert api.parse_param_options(options) == expected


def test_parse_param_options_refuses_duplicates():
    with pytest.raises(ParameterError, match="given twice"):
        api.parse_param_options(["a=1", "a=2"])


def test_show_claim_without_text(bundled_store):
    card = api.show_claim(bundled_store, "claim:no-binding-agreement")
    assert card.startswith("claim:no-binding-agreement\n")
    assert "  text:" not in card


def test_show_claim_quotes_the_span_of_the_real_essay(bundled_store, essay_text, tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(essay_text, encoding="utf-8")
    card = api.show_claim(bundled_store, "no-binding-agreement", path)
    start, end = (int(x) for x in card.split("characters ", 1)[1].split(",", 1)[0].split("-"))
    quoted = " ".join(essay_text[start:end].split())
    assert f"  text:\n    “{quoted}”\n" in card
