"""Every command through typer's CliRunner: exact output, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from claimgraph.catalog import load_catalog
from claimgraph.cli import app

from .conftest import DATA, EXPECTED

GOOD = '@prefix ex: <http://example.org/> .\nex:a ex:name "alpha" .\nex:b ex:name "beta" .\n'
BAD = '@prefix ex: <http://example.org/> .\nex:c ex:name "gamma" .\nex:d ex:name "delta\n'


def run(runner, *args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, list(args), env={"CLAIMGRAPH_STORE": None, **(env or {})})
    assert "Traceback" not in result.output + result.stderr
    return result


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("claimgraph: error: ")
    return lines[0][len("claimgraph: error: ") :]


# ---- queries --------------------------------------------------------------------------------


def test_queries_lists_every_stored_query(runner):
    result = run(runner, "queries")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "summary", "parameters"]
    names = [line.split()[0] for line in lines[2:]]
    assert names == list(load_catalog())
    assert (EXPECTED / "queries.txt").read_text(encoding="utf-8") == result.stdout


def test_queries_as_json(runner):
    result = run(runner, "queries", "--format", "json")
    listed = json.loads(result.stdout)
    first = {q["name"]: q for q in listed}["sources-supporting-claim"]
    assert first["params"] == [
        {
            "name": "claim",
            "type": "iri",
            "class": "cg:Claim",
            "default": "no-binding-agreement",
            "required": False,
            "description": "IRI of a cg:Claim",
        }
    ]


# ---- query ----------------------------------------------------------------------------------


def test_main_query_matches_golden_file(runner):
    result = run(
        runner, "query", "sources-supporting-claim", "--param", "claim=no-binding-agreement"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    expected = (EXPECTED / "sources-supporting-claim.txt").read_text(encoding="utf-8")
    assert result.stdout == expected


@pytest.mark.parametrize(
    "value",
    [
        "no-binding-agreement",
        "claim:broken-promises-narrative/no-binding-agreement",
        "https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/no-binding-agreement",
    ],
)
def test_parameter_forms_give_the_same_answer(runner, value):
    result = run(runner, "query", "sources-supporting-claim", "-p", f"claim={value}")
    assert result.stdout == (EXPECTED / "sources-supporting-claim.txt").read_text(encoding="utf-8")


def test_query_json_is_sparql_results_json(runner):
    result = run(runner, "query", "sources-supporting-claim", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["source", "role", "year", "title", "link"]
    sources = {b["source"]["value"].rsplit("/", 1)[1] for b in doc["results"]["bindings"]}
    assert sources == {"sarotte-2009", "sarotte-2014", "sarotte-2021"}


def test_query_csv_and_tsv(runner):
    csv_out = run(runner, "query", "claims-per-kind", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "doc,kind,label,claims,reportedClaims"
    tsv_out = run(runner, "query", "claims-per-kind", "--format", "tsv").stdout
    assert tsv_out.splitlines()[0] == "?doc\t?kind\t?label\t?claims\t?reportedClaims"
    assert len(csv_out.splitlines()) == len(tsv_out.splitlines()) == 5


def test_adhoc_sparql_ask_and_construct(runner):
    claim = "<https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/no-binding-agreement>"
    ask = run(runner, "query", "--sparql", f"ASK {{ {claim} a cg:Claim }}")
    assert (ask.exit_code, ask.stdout) == (0, "true\n")
    construct = run(
        runner,
        "query",
        "--sparql",
        f"CONSTRUCT {{ {claim} a cg:Claim }} WHERE {{}}",
    )
    assert construct.stdout == (
        "@prefix cg: <https://w3id.org/claimgraph/ontology#> .\n"
        "@prefix claim: <https://w3id.org/claimgraph/id/doc/broken-promises-narrative/claim/> .\n"
        "@prefix doc: <https://w3id.org/claimgraph/id/doc/> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "claim:no-binding-agreement a cg:Claim .\n"
    )


def test_adhoc_query_from_file(runner, tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a cg:Claim }", encoding="utf-8")
    result = run(runner, "query", "--file", str(path), "--format", "csv")
    assert result.stdout.splitlines()[0] == "n"
    assert int(result.stdout.splitlines()[1]) >= 40


def test_unknown_query_is_exit_2_with_did_you_mean(runner):
    message = one_error_line(run(runner, "query", "sources-suporting-claim"), 2)
    assert message == (
        "no stored query named 'sources-suporting-claim'; did you mean "
        "'sources-supporting-claim'? (claimgraph queries lists them)"
    )


def test_unknown_parameter(runner):
    message = one_error_line(run(runner, "query", "sources-supporting-claim", "-p", "clam=x"), 2)
    assert message.startswith(
        "query 'sources-supporting-claim' has no parameter 'clam'; did you mean 'claim'?"
    )


def test_ill_typed_parameter(runner):
    message = one_error_line(run(runner, "query", "sources-supporting-claim", "-p", "claim=a b"), 2)
    assert message == "parameter 'claim': 'a b' is not an IRI or a slug"


def test_parameter_without_equals(runner):
    message = one_error_line(run(runner, "query", "sources-supporting-claim", "-p", "claim"), 2)
    assert message == "--param takes NAME=VALUE, not 'claim'"


def test_query_syntax_error_has_position(runner):
    message = one_error_line(run(runner, "query", "--sparql", "SELECT ?x WHERE { ?x ?y }"), 2)
    assert message.startswith("query:1:")


def test_query_needs_exactly_one_source(runner):
    message = one_error_line(run(runner, "query"), 2)
    assert message == "give exactly one of a query NAME, --sparql TEXT or --file FILE"


def test_missing_query_file(runner, tmp_path):
    message = one_error_line(run(runner, "query", "--file", str(tmp_path / "no.rq")), 2)
    assert message == f"{tmp_path / 'no.rq'}: no such file"


def test_wrong_format_for_result(runner):
    message = one_error_line(run(runner, "query", "claims-per-kind", "--format", "turtle"), 2)
    assert message.startswith("--format turtle does not fit a SELECT result")


def test_unknown_command_is_one_line(runner):
    message = one_error_line(run(runner, "quer"), 2)
    assert message == "No such command 'quer'. Did you mean 'query', 'queries'?"


# ---- load -----------------------------------------------------------------------------------


def test_load_into_disk_store_and_query_it(runner, tmp_path, disk_store):
    path = tmp_path / "names.ttl"
    path.write_text(GOOD, encoding="utf-8")
    result = run(
        runner, "load", str(path), "--graph", "http://example.org/g", "--store", str(disk_store)
    )
    assert result.exit_code == 0
    assert result.stderr == f"loaded 2 quads from {path}\n"
    asked = run(
        runner,
        "query",
        "--store",
        str(disk_store),
        "--sparql",
        'ASK { GRAPH <http://example.org/g> { ?s ?p "beta" } }',
    )
    assert asked.stdout == "true\n"


def test_load_syntax_error_is_file_line_column_and_store_unchanged(runner, tmp_path, disk_store):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = run(runner, "query", "--store", str(disk_store), "--sparql", count).stdout
    message = one_error_line(
        run(runner, "load", str(good), str(bad), "--store", str(disk_store)), 2
    )
    assert message.startswith(f"{bad}:3:14: ")
    assert run(runner, "query", "--store", str(disk_store), "--sparql", count).stdout == before


def test_load_missing_file(runner, tmp_path, disk_store):
    message = one_error_line(
        run(runner, "load", str(tmp_path / "x.ttl"), "--store", str(disk_store)), 2
    )
    assert message == f"{tmp_path / 'x.ttl'}: no such file"


def test_load_needs_a_store(runner, tmp_path):
    message = one_error_line(run(runner, "load", str(DATA / "mini-graph.ttl")), 2)
    assert message == "load needs an on-disk store: --store DIR or CLAIMGRAPH_STORE"


def test_store_from_environment(runner, tmp_path, disk_store):
    path = tmp_path / "names.ttl"
    path.write_text(GOOD, encoding="utf-8")
    result = run(runner, "load", str(path), env={"CLAIMGRAPH_STORE": str(disk_store)})
    assert result.exit_code == 0


# ---- validate -------------------------------------------------------------------------------


def test_validate_bundled_graph_conforms(runner):
    result = run(runner, "validate")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("The graph conforms: 0 violations, ")


def test_validate_broken_file_exits_1_with_report(runner, tmp_path):
    broken = tmp_path / "broken.ttl"
    text = (DATA / "mini-graph.ttl").read_text(encoding="utf-8")
    broken.write_text(text.replace("    cg:statedIn ex:doc ;\n", "", 1), encoding="utf-8")
    result = run(runner, "validate", "--data", str(broken))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "The graph does not conform: 1 violation, 0 warnings."
    assert "Violation: The claim names no document it is stated in (cg:statedIn)." in result.stdout


def test_validate_json_and_turtle(runner, tmp_path):
    doc = json.loads(
        run(runner, "validate", "--data", str(DATA / "mini-graph.ttl"), "--format", "json").stdout
    )
    # no SHACL result; the one Info says the anchors went unchecked (no text given)
    assert (doc["conforms"], doc["violations"], doc["warnings"]) == (True, 0, 0)
    assert [(r["severity"], r["focus"]) for r in doc["results"]] == [
        ("Info", "<http://example.org/tea/doc>")
    ]
    assert [t["status"] for t in doc["texts"]] == ["absent"]
    ttl = run(runner, "validate", "--data", str(DATA / "mini-graph.ttl"), "--format", "turtle")
    assert "sh:conforms true" in ttl.stdout


def test_validate_missing_data_file(runner, tmp_path):
    message = one_error_line(run(runner, "validate", "--data", str(tmp_path / "x.ttl")), 2)
    assert message == f"{tmp_path / 'x.ttl'}: no such file"


# ---- export ---------------------------------------------------------------------------------


def test_export_to_stdout_and_file_agree(runner, tmp_path):
    out = run(runner, "export", "--format", "nquads")
    target = tmp_path / "all.nq"
    written = run(runner, "export", "--format", "nquads", "-o", str(target))
    assert written.stdout == ""
    assert written.stderr == f"wrote {target.stat().st_size} bytes to {target}\n"
    assert target.read_text(encoding="utf-8") == out.stdout


def test_export_one_graph_as_turtle(runner):
    out = run(runner, "export", "--graph", "https://w3id.org/claimgraph/graph/ontology")
    assert out.exit_code == 0
    assert out.stdout.startswith("@prefix ")


def test_export_turtle_of_everything_is_refused(runner):
    message = one_error_line(run(runner, "export", "--format", "turtle"), 2)
    assert "name one with --graph, or use --format trig or nquads" in message


# ---- show -----------------------------------------------------------------------------------


def test_show_prints_a_card(runner):
    result = run(runner, "show", "no-binding-agreement")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "claim:broken-promises-narrative/no-binding-agreement"
    assert any(line.startswith("  asserted by: Lara Westra (actor:lara-westra)") for line in lines)
    assert sum("source:sarotte-20" in line for line in lines) == 3


def test_show_unknown_claim(runner):
    message = one_error_line(run(runner, "show", "no-such-claim"), 2)
    assert message.startswith(
        "parameter 'claim': there is no cg:Claim 'no-such-claim' in any document"
    )


def test_show_quotes_only_a_matching_text(runner, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("x" * 20000, encoding="utf-8")
    result = run(runner, "show", "no-binding-agreement", "--text", str(other))
    assert "the text at hand does not match the anchor's SHA-256; not quoted" in result.stdout


def test_version(runner):
    from claimgraph import __version__

    assert run(runner, "--version").stdout == f"claimgraph {__version__}\n"


def test_help_lists_all_commands(runner):
    out = run(runner, "--help").stdout
    for command in ("queries", "query", "load", "validate", "export", "show"):
        assert f"  {command} " in out
