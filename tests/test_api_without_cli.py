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
    out = api.run_query(bundled_store, name="claims-per-kind", fmt="json")
    assert json.loads(out)["head"]["vars"] == ["doc", "kind", "label", "claims", "reportedClaims"]


def test_run_query_needs_exactly_one_source(bundled_store):
    with pytest.raises(ClaimgraphError):
        api.run_query(bundled_store, name="claims-per-kind", sparql="ASK {}")


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
    card = api.show_claim(bundled_store, "claim:broken-promises-narrative/no-binding-agreement")
    assert card.startswith("claim:broken-promises-narrative/no-binding-agreement\n")
    assert "  text:" not in card


def test_show_claim_quotes_the_span_of_the_real_essay(bundled_store, essay_text, tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(essay_text, encoding="utf-8")
    card = api.show_claim(bundled_store, "no-binding-agreement", path)
    start, end = (int(x) for x in card.split("characters ", 1)[1].split(",", 1)[0].split("-"))
    quoted = " ".join(essay_text[start:end].split())
    assert f"  text:\n    “{quoted}”\n" in card


def test_the_library_alone_runs_a_stored_query_without_the_cli_or_the_server_stack():
    """Only ``import claimgraph``: no CLI framework, server, rdflib, pyshacl or HTTP client."""
    import subprocess
    import sys

    script = (
        "import sys, json, claimgraph as cg\n"
        "store = cg.open_store()\n"
        "query = cg.load_catalog().get_query('sources-supporting-claim')\n"
        "values = {'claim': 'no-binding-agreement'}\n"
        "result = cg.run_stored(cg.LocalExecutor(store), query, values)\n"
        "heavy = ['typer', 'click', 'starlette', 'uvicorn', 'rdflib', 'pyshacl', 'httpx',\n"
        "         'SPARQLWrapper', 'claimgraph.cli', 'claimgraph.server']\n"
        "print(json.dumps({'rows': len(result.rows), 'vars': result.variables,\n"
        "                  'loaded': [m for m in heavy if m in sys.modules]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    got = json.loads(out.stdout)
    assert got == {"rows": 3, "vars": ["source", "role", "year", "title", "link"], "loaded": []}


def test_every_public_name_is_listed_once_and_resolves():
    assert len(claimgraph.__all__) == len(set(claimgraph.__all__))
    assert {"LocalExecutor", "RemoteExecutor", "Executor", "run_stored", "export", "validate",
            "errors", "open_store", "load_catalog", "QueryResult"} <= set(claimgraph.__all__)
    assert claimgraph.errors.RemoteError.exit_code == 3
    with pytest.raises(AttributeError):
        claimgraph.no_such_name  # noqa: B018
