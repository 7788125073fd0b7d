"""Parameter values become RDF terms bound with substitutions; they never change the query."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph.binding import bind_parameters, to_term
from claimgraph.catalog import Parameter, StoredQuery, parse_stored_query
from claimgraph.errors import ParameterError
from claimgraph.sparql import run_stored
from claimgraph.terms import CG, PREFIXES

CLAIM = Parameter(name="claim", type="iri", description="a claim", class_iri=CG + "Claim")
ANY_IRI = Parameter(name="thing", type="iri", description="anything")


NBA = PREFIXES["doc"] + "broken-promises-narrative/claim/no-binding-agreement"


@pytest.mark.parametrize(
    "value",
    [
        "no-binding-agreement",
        "broken-promises-narrative/no-binding-agreement",
        "claim:broken-promises-narrative/no-binding-agreement",
        PREFIXES["doc"] + "broken-promises-narrative/claim/no-binding-agreement",
        f"<{PREFIXES['doc']}broken-promises-narrative/claim/no-binding-agreement>",
    ],
)
def test_iri_parameter_accepts_slug_prefixed_name_and_full_iri(value, bundled_store):
    from claimgraph.sparql import LocalExecutor

    assert to_term(value, CLAIM, LocalExecutor(bundled_store)) == ox.NamedNode(NBA)


def test_a_bare_slug_of_a_claim_needs_a_store_to_find_its_document():
    with pytest.raises(ParameterError, match="give 'no-binding-agreement' as DOC/no-binding"):
        to_term("no-binding-agreement", CLAIM)
    assert to_term("broken-promises-narrative/no-binding-agreement", CLAIM) == ox.NamedNode(NBA)


def _two_documents() -> ox.Store:
    store = ox.Store()
    for doc in ("essay-a", "essay-b"):
        for slug in ("shared-claim", f"only-in-{doc}"):
            store.add(
                ox.Quad(
                    ox.NamedNode(f"{PREFIXES['doc']}{doc}/claim/{slug}"),
                    ox.NamedNode(PREFIXES["rdf"] + "type"),
                    ox.NamedNode(CG + "Claim"),
                )
            )
    return store


def test_a_slug_two_documents_share_is_ambiguous_and_doc_slug_disambiguates():
    from claimgraph.sparql import LocalExecutor

    executor = LocalExecutor(_two_documents())
    with pytest.raises(ParameterError) as info:
        to_term("shared-claim", CLAIM, executor)
    assert str(info.value) == (
        "parameter 'claim': 'shared-claim' names a claim in 2 documents "
        "('claim:essay-a/shared-claim', 'claim:essay-b/shared-claim'); give DOC/shared-claim"
    )
    assert to_term("essay-b/shared-claim", CLAIM, executor) == ox.NamedNode(
        PREFIXES["doc"] + "essay-b/claim/shared-claim"
    )
    assert to_term("only-in-essay-a", CLAIM, executor) == ox.NamedNode(
        PREFIXES["doc"] + "essay-a/claim/only-in-essay-a"
    )


def test_did_you_mean_lists_the_candidates_of_each_document():
    from claimgraph.catalog import load_catalog

    q = load_catalog().get_query("claim-provenance")
    with pytest.raises(ParameterError) as info:
        bind_parameters(q, {"claim": "shared-clam"}, _two_documents())
    assert str(info.value).endswith(
        "did you mean 'claim:essay-a/shared-claim' or 'claim:essay-b/shared-claim'?"
    )
    with pytest.raises(ParameterError) as info:
        bind_parameters(q, {"claim": "essay-a/only-in-essay-b"}, _two_documents())
    assert str(info.value) == (
        "parameter 'claim': there is no cg:Claim claim:essay-a/only-in-essay-b; "
        "did you mean 'claim:essay-a/only-in-essay-a' or 'claim:essay-b/only-in-essay-b'?"
    )


def test_bare_slug_needs_a_class_to_know_its_namespace():
    with pytest.raises(ParameterError, match="needs a full IRI or a prefixed name"):
        to_term("russia", ANY_IRI)


@pytest.mark.parametrize(
    "value",
    [
        "no-binding-agreement> } ; DROP ALL ; #",
        'x" . ?s ?p ?o #',
        "http://example.org/a b",
        "http://example.org/a>",
        "claim:broken-promises-narrative/x{y}",
    ],
)
def test_iri_values_that_try_to_break_out_are_refused(value):
    with pytest.raises(ParameterError, match="is not (a valid IRI|an IRI or a slug)"):
        to_term(value, CLAIM)


@pytest.mark.parametrize(
    ("ptype", "good", "bad", "datatype"),
    [
        ("integer", "42", "4.2", "integer"),
        ("decimal", "4.2", "four", "decimal"),
        ("boolean", "true", "yes", "boolean"),
        ("date", "2025-12-29", "2025-13-01", "date"),
        ("year", "2004", "04", "gYear"),
    ],
)
def test_typed_parameters_are_checked(ptype, good, bad, datatype):
    p = Parameter(name="v", type=ptype, description="")
    term = to_term(good, p)
    assert isinstance(term, ox.Literal)
    assert term.datatype == ox.NamedNode(PREFIXES["xsd"] + datatype)
    with pytest.raises(ParameterError, match="parameter 'v' must be"):
        to_term(bad, p)


def _query(tmp_path: Path, text: str) -> StoredQuery:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return parse_stored_query(path)


def test_unknown_parameter_gets_did_you_mean(tmp_path):
    q = _query(
        tmp_path,
        "#+ summary: s\n#+ param: claim: IRI of a cg:Claim\nSELECT ?claim ?l { ?claim ?p ?l }\n",
    )
    with pytest.raises(ParameterError) as info:
        bind_parameters(q, {"claimm": "x"})
    assert "has no parameter 'claimm'; did you mean 'claim'?" in str(info.value)


def test_missing_required_parameter(tmp_path):
    q = _query(
        tmp_path,
        "#+ summary: s\n#+ param: claim: IRI of a cg:Claim\nSELECT ?claim ?l { ?claim ?p ?l }\n",
    )
    with pytest.raises(ParameterError, match="needs parameter 'claim'"):
        bind_parameters(q, {})


def test_claim_that_does_not_exist_gets_did_you_mean(bundled_store):
    from claimgraph.catalog import load_catalog

    q = load_catalog().get_query("claim-provenance")
    store = ox.Store()
    claim = ox.NamedNode(PREFIXES["doc"] + "broken-promises-narrative/claim/no-binding-agreement")
    store.extend(
        [
            ox.Quad(claim, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(CG + "Claim")),
        ]
    )
    with pytest.raises(ParameterError) as info:
        bind_parameters(q, {"claim": "no-binding-agreemnt"}, store)
    assert str(info.value) == (
        "parameter 'claim': there is no cg:Claim 'no-binding-agreemnt' in any document; "
        "did you mean 'claim:broken-promises-narrative/no-binding-agreement'?"
    )


def test_hostile_string_value_is_bound_as_a_literal_and_changes_nothing(tmp_path):
    store = ox.Store()
    ex = "http://example.org/"
    store.extend(
        [
            ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "name"), ox.Literal("alpha")),
            ox.Quad(ox.NamedNode(ex + "b"), ox.NamedNode(ex + "name"), ox.Literal("beta")),
        ]
    )
    q = _query(
        tmp_path,
        "#+ summary: s\n#+ param: name: string\n"
        "SELECT ?name ?x { ?x <http://example.org/name> ?name }\n",
    )
    before = len(store)
    hostile = 'alpha" } UNION { ?x ?p ?o } #'
    result = run_stored(store, q, {"name": hostile})
    assert result.rows == []  # no row has that exact name: nothing leaked through
    assert len(store) == before
    result = run_stored(store, q, {"name": "alpha"})
    assert result.variables == ["x"]  # the echoed parameter column is dropped
    assert result.rows == [(ox.NamedNode(ex + "a"),)]


def test_an_optional_parameter_left_out_or_empty_binds_nothing(bundled_store):
    from claimgraph.catalog import load_catalog

    q = load_catalog().get_query("claims-per-section")
    assert bind_parameters(q, {}, bundled_store) == {}
    assert bind_parameters(q, {"doc": " "}, bundled_store) == {}  # an empty web-form field
    bound = bind_parameters(q, {"doc": "broken-promises-narrative"}, bundled_store)
    doc = ox.NamedNode(PREFIXES["doc"] + "broken-promises-narrative")
    assert bound == {ox.Variable("doc"): doc}
    with pytest.raises(ParameterError, match="there is no cg:Document"):
        bind_parameters(q, {"doc": "no-such-essay"}, bundled_store)
