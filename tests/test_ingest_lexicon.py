"""The data reported-speech detection reads: reporting verbs (from the ontology's scheme) and
actor names (from the shared graph), on stores and texts written for these tests."""

from __future__ import annotations

import pyoxigraph as ox

from claimgraph.ingest import DEFAULT_VERBS, actor_aliases, analyse_text, reporting_verbs
from claimgraph.ingest.lexicon import FACTIVE, NON_FACTIVE, VERB_TABLE, verb_forms
from claimgraph.resources import bundled_dir
from claimgraph.store import open_store
from claimgraph.terms import ONTOLOGY_GRAPH, SHARED_GRAPH, document_graph

RVERB = "https://w3id.org/claimgraph/vocab/reporting-verb/"
TTL_PREFIXES = """
@prefix cg: <https://w3id.org/claimgraph/ontology#> .
@prefix rverb: <https://w3id.org/claimgraph/vocab/reporting-verb/> .
@prefix actor: <https://w3id.org/claimgraph/id/actor/> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""
REFS = """

References

Lee, K. (2001). Fees. London: Press.
"""


def store_with(**graphs: str) -> ox.Store:
    store = ox.Store()
    for graph, ttl in graphs.items():
        store.load((TTL_PREFIXES + ttl).encode(), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(graph))
    return store


def test_verb_forms() -> None:
    assert verb_forms("argue") == ("argue", "argues", "argued")
    assert verb_forms("deny") == ("deny", "denies", "denied")
    assert verb_forms("justify as") == ("justify as", "justifies as", "justified as")
    assert verb_forms("double down on")[2] == "doubled down on"
    assert verb_forms("say", irregular=("said",)) == ("say", "says", "said")
    assert verb_forms("emphasise", that=True) == (
        "emphasise that", "emphasises that", "emphasised that",
        "emphasize that", "emphasizes that", "emphasized that")


def test_builtin_verbs_agree_with_the_ontology_scheme() -> None:
    """The built-in table classes every verb as the bundled ontology does, and names every
    verb concept the scheme has, so reading the scheme from a store changes nothing today."""
    store = ox.Store()
    for path in sorted(bundled_dir("ontology").glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    assert reporting_verbs(store) == DEFAULT_VERBS
    concepts = {r[3] for r in VERB_TABLE if r[3]}
    result = store.query(
        "SELECT ?c WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> "
        "<https://w3id.org/claimgraph/ontology#ReportingVerbScheme> ; "
        "<http://www.w3.org/2004/02/skos/core#broader> ?top }",
        use_default_graph_as_union=True)
    assert {s["c"].value.rsplit("/", 1)[1] for s in result} == concepts
    assert reporting_verbs(None) == DEFAULT_VERBS
    assert reporting_verbs(ox.Store()) == DEFAULT_VERBS  # no scheme: the built-in table


def test_reporting_verbs_follow_the_scheme_in_the_store() -> None:
    """A scheme that reclassifies "note" and adds "grumble" changes what is reported, with no
    code change."""
    store = store_with(**{ONTOLOGY_GRAPH: """
        rverb:note skos:inScheme cg:ReportingVerbScheme ; skos:broader rverb:non-factive ;
            skos:prefLabel "note"@en .
        rverb:grumble skos:inScheme cg:ReportingVerbScheme ; skos:broader rverb:non-factive ;
            skos:prefLabel "grumble"@en .
        rverb:affirm skos:inScheme cg:ReportingVerbScheme ; skos:broader rverb:factive ;
            skos:prefLabel "affirm"@en .
    """})
    verbs = reporting_verbs(store)
    by_lemma = {v.lemma: v for v in verbs}
    assert not by_lemma["note"].factive and by_lemma["argue"].concept == RVERB + "argue"
    assert by_lemma["grumble"].forms == ("grumble that", "grumbles that", "grumbled that")
    text = ("Canal Towns\n\nLee (2001) notes that the fees were high. "
            "Moscow grumbled that the fees rose. Moscow affirms that the canal is open." + REFS)
    a = analyse_text(text, aliases={"Moscow": "actor:x"}, verbs=verbs)
    assert [(p.reported, p.cue.reporting_verb) for p in a.speech] == [
        (True, RVERB + "note"), (True, RVERB + "grumble"), (False, RVERB + "affirm")]
    assert FACTIVE != NON_FACTIVE


ACTORS = """
    actor:board a cg:GovernmentBody ; rdfs:label "Harbour Board" ;
        skos:altLabel "the  Board", "the city" ; foaf:name "Bilbao Harbour Board" .
    actor:mayor a cg:Person ; rdfs:label "Mayor Holt" ; skos:altLabel "the city", "Holt" .
    actor:town a cg:State ; rdfs:label "Holt" .
    actor:guild a ex:Guild ; rdfs:label "Dockers' Guild" .
    ex:mayor-role a cg:Role ; rdfs:label "Mayor" .
    ex:work a cg:Source ; rdfs:label "Harbour Records" .
"""


def test_actor_aliases_read_every_name_of_every_actor_case_folded() -> None:
    store = store_with(**{
        SHARED_GRAPH: ACTORS,
        ONTOLOGY_GRAPH: "ex:Guild rdfs:subClassOf cg:Organisation . "
                        "cg:Organisation rdfs:subClassOf cg:Actor .",
        document_graph("canal"): 'actor:elsewhere a cg:Person ; rdfs:label "Elsewhere" .',
    })
    assert actor_aliases(store) == {
        "harbour board": "https://w3id.org/claimgraph/id/actor/board",
        "the board": "https://w3id.org/claimgraph/id/actor/board",
        "bilbao harbour board": "https://w3id.org/claimgraph/id/actor/board",
        "mayor holt": "https://w3id.org/claimgraph/id/actor/mayor",
        # a label beats an alternative label; two alternative labels alike are left out
        "holt": "https://w3id.org/claimgraph/id/actor/town",
        "dockers' guild": "https://w3id.org/claimgraph/id/actor/guild",
    }
    # the same data in a store without claimgraph's graphs is read whole
    flat = ox.Store()
    flat.load((TTL_PREFIXES + ACTORS).encode(), format=ox.RdfFormat.TURTLE)
    assert actor_aliases(flat)["the board"].endswith("/board")
    assert "dockers' guild" not in actor_aliases(flat)  # no ontology: ex:Guild is not known


def test_aliases_from_the_bundled_graph_give_actor_iris() -> None:
    aliases = actor_aliases(open_store())
    actor = "https://w3id.org/claimgraph/id/actor/"
    assert aliases["moscow"] == aliases["the kremlin"] == actor + "russian-government"
    assert aliases["putin"] == actor + "vladimir-putin"
    text = ("Canal Towns\n\nMoscow argued that the canal was neutral. "
            "Later, Putin accused the Kremlin’s critics of bad faith. "
            "From the viewpoint of Baltic governments and NATO planners, it was defensive. "
            "The Kremlin notes that tolls rose." + REFS)
    a = analyse_text(text, aliases=aliases)
    assert [(p.reported, p.voice.actors) for p in a.speech] == [
        (True, (actor + "russian-government",)),
        (True, (actor + "vladimir-putin",)),
        (True, (actor + "baltic-states", actor + "nato")),
        (False, (actor + "russian-government",)),  # factive: the author's voice
    ]
