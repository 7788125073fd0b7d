"""The namespaces in ``terms.py`` are the ones the bundled ontology file declares."""

from __future__ import annotations

import re

from claimgraph.resources import bundled_dir
from claimgraph.terms import CG, PREFIXES, compact, expand


def _declared() -> dict[str, str]:
    text = (bundled_dir("ontology") / "claimgraph.ttl").read_text(encoding="utf-8")
    return dict(re.findall(r"^@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.", text, re.M))


def test_every_prefix_of_the_ontology_file_means_the_same_in_code() -> None:
    declared = _declared()
    assert declared["cg"] == CG
    assert len(declared) >= 10
    for prefix, iri in declared.items():
        assert PREFIXES.get(prefix) == iri, prefix


def test_compact_uses_the_longest_namespace() -> None:
    claim = PREFIXES["doc"] + "broken-promises-narrative/claim/no-binding-agreement"
    assert compact(claim) == "claim:broken-promises-narrative/no-binding-agreement"
    assert expand("claim:broken-promises-narrative/no-binding-agreement") == claim
    assert compact(PREFIXES["doc"] + "broken-promises-narrative") == "doc:broken-promises-narrative"
    assert compact(PREFIXES["doc"] + "a/b/c/d") == "<" + PREFIXES["doc"] + "a/b/c/d>"
    assert compact(PREFIXES["doc"] + "a/nokind/c") == "<" + PREFIXES["doc"] + "a/nokind/c>"
    assert compact(CG + "Claim") == "cg:Claim"
    assert compact("urn:x:y") == "<urn:x:y>"


def test_expand_reads_the_three_spellings_of_a_graph_name() -> None:
    from claimgraph.terms import GRAPH, expand

    assert expand("cgg:ontology") == GRAPH + "ontology"
    assert expand(f"<{GRAPH}shapes>") == GRAPH + "shapes"
    assert expand("http://example.org/g") == "http://example.org/g"
    assert expand("unknown:thing") == "unknown:thing"


def test_mint_slug_is_readable_ascii_and_unique() -> None:
    from claimgraph.terms import mint_slug

    assert mint_slug("No binding agreement!") == "no-binding-agreement"
    assert mint_slug("Sarotte 2009", taken={"sarotte-2009"}) == "sarotte-2009a"
    assert mint_slug("Sarotte 2009", taken={"sarotte-2009", "sarotte-2009a"}) == "sarotte-2009b"
    assert mint_slug("Gorbačev’s “promise”") == "gorbacevs-promise"
    assert mint_slug("!!!") == "item"
