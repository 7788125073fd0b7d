"""Stored-query headers load into dataclasses; a malformed one is an error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimgraph.catalog import Parameter, load_catalog, parse_stored_query
from claimgraph.errors import CatalogError, UnknownQueryError
from claimgraph.terms import CG

GOOD = """\
#+ summary: Claims with a label
#+ description: Lists claims.
#+ description: Second line of the description.
#+ param: claim: IRI of a cg:Claim (default: no-binding-agreement)
#+ param: limit: integer how many at most
#+ tags: provenance, sources

SELECT ?claim ?label ?limit WHERE { ?claim <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_loads_into_dataclass(tmp_path):
    q = parse_stored_query(write(tmp_path, GOOD))
    assert q.name == "q"
    assert q.summary == "Claims with a label"
    assert q.description == "Lists claims. Second line of the description."
    assert q.tags == ("provenance", "sources")
    assert q.form == "SELECT"
    assert q.params == (
        Parameter(
            name="claim",
            type="iri",
            description="IRI of a cg:Claim",
            class_iri=CG + "Claim",
            default="no-binding-agreement",
        ),
        Parameter(name="limit", type="integer", description="integer how many at most"),
    )
    assert q.params[0].required is False and q.params[1].required is True


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("#+ summery: typo\nSELECT * {}\n", 1, "header line is not 'KEY: value'"),
        ("#+ description: no summary\nSELECT * {}\n", 1, "has no '#+ summary:' header line"),
        ("#+ summary: a\n#+ param: 1bad\nSELECT * {}\n", 2, "param line must read"),
        ("#+ summary: a\n#+ param: x: colour\nSELECT ?x {}\n", 2, "unknown type 'colour'"),
        ("#+ summary: a\n#+ param: x: IRI of a zz:Thing\nSELECT ?x {}\n", 2, "unknown prefix 'zz'"),
        ("#+ summary: a\n#+ summary: b\nSELECT * {}\n", 2, "more than one summary line"),
    ],
)
def test_malformed_header_names_file_and_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        parse_stored_query(path)
    assert info.value.path == str(path)
    assert info.value.line == line
    assert fragment in info.value.message
    assert str(info.value).startswith(f"{path}:{line}:")


def test_query_syntax_error_names_line_and_column(tmp_path):
    path = write(tmp_path, "#+ summary: a\n\nSELECT ?x WHERE {\n  ?x ?y ?z }\nLIMIT x\n")
    with pytest.raises(CatalogError) as info:
        parse_stored_query(path)
    assert (info.value.line, info.value.column) == (5, 7)
    assert "query does not parse" in info.value.message


def test_declared_parameter_missing_from_query(tmp_path):
    path = write(tmp_path, "#+ summary: a\n#+ param: claim: IRI\nSELECT ?x { ?x ?p ?o }\n")
    with pytest.raises(CatalogError, match="declared but \\?claim does not occur"):
        parse_stored_query(path)


def test_parameter_used_only_in_filter_is_caught_when_catalog_loads(tmp_path):
    text = "#+ summary: a\n#+ param: y: integer\nSELECT ?x { ?x ?p ?o FILTER(?o = ?y) }\n"
    with pytest.raises(CatalogError, match="must project its parameters"):
        parse_stored_query(write(tmp_path, text))


def test_update_is_not_a_stored_query(tmp_path):
    with pytest.raises(CatalogError, match="must be SELECT, CONSTRUCT, ASK or DESCRIBE"):
        parse_stored_query(write(tmp_path, "#+ summary: a\nCLEAR ALL\n"))


def test_bundled_catalog_is_complete_and_documented():
    catalog = load_catalog()
    assert len(catalog) >= 15
    for name, q in catalog.items():
        assert q.summary and q.description, name
        assert q.path.name == f"{name}.rq"
    for required in (
        "sources-supporting-claim",
        "claims-citing-source",
        "claims-by-actor",
        "claims-without-source",
    ):
        assert required in catalog


def test_unknown_query_suggests_a_name():
    with pytest.raises(UnknownQueryError) as info:
        load_catalog().get_query("sources-suporting-claim")
    assert "did you mean 'sources-supporting-claim'?" in str(info.value)
