"""Model v2 read against the essay: voice apart from kind, one rule for reporting verbs,
reporting chains, hedges and times as data, and each defect a close reading found in v1.

Each test names the defect it guards against, so that it would catch it again. Tests that
compare a span with the words of the essay read the essay (../shared/essay/ or
$CLAIMGRAPH_ESSAY); the others need only the graph.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.sparql import execute
from claimgraph.terms import PREFIXES, compact

BPN = "broken-promises-narrative"
DOC = PREFIXES["doc"] + BPN
C = f"{PREFIXES['doc']}{BPN}/claim/"
CG = PREFIXES["cg"]
MP = PREFIXES["mp"]


def rows(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    result = execute(store, text)
    return [
        tuple(
            "" if t is None else compact(t.value) if isinstance(t, ox.NamedNode) else t.value
            for t in row
        )  # type: ignore[union-attr]
        for row in result.rows
    ]


def objects(store: ox.Store, slug: str, prop: str) -> set[str]:
    found = store.quads_for_pattern(ox.NamedNode(C + slug), ox.NamedNode(prop), None)
    return {compact(q.object.value) for q in found if isinstance(q.object, ox.NamedNode)}


def span(store: ox.Store, slug: str, essay_text: str) -> str:
    ((start, end),) = rows(
        store,
        f"SELECT ?s ?e WHERE {{ <{C}{slug}> cg:anchor/oa:hasSelector ?p . "
        "?p oa:start ?s ; oa:end ?e }",
    )
    return essay_text[int(start) : int(end)]


# ---- §2 voice is not a kind ------------------------------------------------------------------


def test_no_claim_has_the_v1_type_reported_or_the_v1_property(bundled_store):
    assert not execute(bundled_store, "ASK { ?c cg:claimType ?t }").boolean
    assert not execute(bundled_store, "ASK { ?c cg:kind ctype:reported }").boolean


def test_a_claim_can_be_of_two_kinds(bundled_store):
    kinds = objects(bundled_store, "europe-fragile-unless-grievances-acknowledged", CG + "kind")
    assert kinds == {"ctype:predictive", "ctype:normative"}


def test_reported_follows_from_attribution(bundled_store):
    """A claim has a reporter exactly when its voice is not its document's author."""
    mismatched = rows(
        bundled_store,
        """SELECT ?c WHERE {
             ?c a cg:Claim ; cg:statedIn ?d ; prov:wasAttributedTo ?v .
             BIND (EXISTS { ?d dcterms:creator ?v } AS ?author)
             BIND (EXISTS { ?c cg:reportedBy ?r } AS ?reported)
             FILTER (?author = ?reported) }""",
    )
    assert mismatched == []


def test_one_rule_for_reporting_verbs(bundled_store):
    """Factive verbs (show, demonstrate, note, emphasise): the author's voice, the work as
    evidence. Non-factive (argue, suggest, claim, accuse, state, ...): reported speech. v1 had
    'demonstrates' as the author's voice but 'notes that' and 'emphasises that' as reported."""
    found = rows(
        bundled_store,
        """SELECT ?c ?class ?reported WHERE {
             ?c cg:reportingVerb/skos:broader ?class .
             BIND (EXISTS { ?c cg:reportedBy ?r } AS ?reported) } ORDER BY ?c""",
    )
    assert len(found) >= 15
    broken = [
        (c, cls, rep) for c, cls, rep in found if (cls == "rverb:factive") != (rep == "false")
    ]
    assert broken == []
    factive = {c.rsplit("/", 1)[1] for c, cls, _ in found if cls == "rverb:factive"}
    assert {
        "no-binding-agreement",  # research demonstrates
        "narrative-core-justification-by-late-2000s",  # Marten (2023) notes
        "ukraine-not-close-to-membership",  # a British government analysis emphasises
        "russian-aggression-pushes-neighbours-west",  # ... who note that
    } <= factive
    for slug in ("narrative-core-justification-by-late-2000s", "ukraine-not-close-to-membership"):
        assert objects(bundled_store, slug, PREFIXES["prov"] + "wasAttributedTo") == {
            "actor:lara-westra"
        }
        assert objects(bundled_store, slug, PREFIXES["cito"] + "citesAsEvidence")


def test_the_rule_is_stated_in_the_ontology(bundled_store):
    (comment,) = rows(bundled_store, "SELECT ?c WHERE { cg:reportingVerb rdfs:comment ?c }")
    assert "ONE RULE" in comment[0] and "factive" in comment[0] and "non-factive" in comment[0]


def test_reporting_chain_westra_schneider_albright(bundled_store):
    slug = "albright-no-commitment"
    assert objects(bundled_store, slug, PREFIXES["prov"] + "wasAttributedTo") == {
        "actor:madeleine-albright"
    }
    assert objects(bundled_store, slug, CG + "relayedBy") == {"actor:schneider-a-k"}
    assert objects(bundled_store, slug, CG + "relayedIn") == {"source:schneider-2025"}
    assert objects(bundled_store, slug, CG + "reportedBy") == {"actor:lara-westra"}


def test_hedges_and_modality_are_data(bundled_store):
    expected = {
        "us-exploitation-of-soviet-collapse-contested": "mod:contested",  # remains contested
        "nordic-accession-seen-as-consequence": "mod:widely-held",  # widely interpreted as
        "post-cold-war-policy-improvised": "mod:tentative",  # suggest
        "russia-saw-baltic-entry-as-encirclement": "mod:apparent",  # appeared to confirm
        "russia-doubled-down-on-betrayal-claims": "mod:distancing",  # supposed
    }
    for slug, hedge in expected.items():
        assert hedge in objects(bundled_store, slug, CG + "modality"), slug


def test_when_uttered_is_kept_apart_from_the_time_a_claim_is_about(bundled_store):
    for slug in ("putin-accuses-us-unipolarity", "putin-accuses-us-ignoring-russian-security"):
        uttered = objects(bundled_store, slug, PREFIXES["prov"] + "wasGeneratedBy")
        about = objects(bundled_store, slug, PREFIXES["dcterms"] + "temporal")
        assert uttered == {"event:2007-munich-speech"}
        assert about == {"event:post-cold-war-era"}


def test_source_perspective_where_the_essay_gives_one(bundled_store):
    found = dict(
        rows(
            bundled_store,
            "SELECT ?w ?p WHERE { ?e a cg:ReferenceEntry ; biro:references ?w ; "
            "cg:perspective ?p }",
        )
    )
    assert found == {
        "source:lieven-1995": "actor:russia",  # early Russian commentaries
        "source:pushkov-1997": "actor:russia",
        "source:kasekamp-2018": "actor:baltic-states",  # analyses of Baltic statehood
    }


# ---- §3 relations that read the right way, and the defects of v1 ------------------------------


def test_cito_dispute_terms_are_not_used(bundled_store):
    for prop in ("isDisputedBy", "disputes"):
        assert not execute(bundled_store, f"ASK {{ ?s <{PREFIXES['cito']}{prop}> ?o }}").boolean, (
            prop
        )


def test_eastern_demand_does_not_challenge_putins_unipolarity_charge(bundled_store):
    challenged = objects(bundled_store, "enlargement-driven-by-eastern-demand", MP + "challenges")
    assert f"claim:{BPN}/putin-accuses-us-unipolarity" not in challenged


def test_no_claim_the_document_only_relays_is_challenged_in_its_own_voice(bundled_store):
    """v1: Moscow's encroachment reading was 'relays' yet challenged by an endorsed claim."""
    found = rows(
        bundled_store,
        """SELECT ?c ?o WHERE {
             ?c cg:stance stance:relays ; cg:statedIn ?d .
             ?o mp:challenges ?c .
             { ?o cg:stance stance:endorses }
             UNION { ?d dcterms:creator ?a . ?o prov:wasAttributedTo ?a }
           }""",
    )
    assert found == []


def test_marten_2017_is_relayed_not_endorsed(bundled_store):
    slug = "post-cold-war-policy-improvised"
    assert objects(bundled_store, slug, CG + "stance") == {"stance:relays"}
    assert objects(bundled_store, slug, CG + "reportingVerb") == {"rverb:suggest"}


def test_the_active_choice_claim_supports_agency_not_its_neglect(bundled_store):
    supported = objects(bundled_store, "membership-an-active-strategic-choice", MP + "supports")
    assert f"claim:{BPN}/aspirant-agency-neglected" not in supported
    assert f"claim:{BPN}/enlargement-reflected-autonomy" in supported


def test_no_two_claims_share_one_anchor_span(bundled_store):
    spans = rows(
        bundled_store,
        """SELECT ?s ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
             ?c a cg:Claim ; cg:anchor/oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e }
           GROUP BY ?s ?e HAVING (COUNT(DISTINCT ?c) > 1)""",
    )
    assert spans == []


def test_the_two_putin_accusations_each_have_their_clause(bundled_store, essay_text):
    unipolar = span(bundled_store, "putin-accuses-us-unipolarity", essay_text)
    ignoring = span(bundled_store, "putin-accuses-us-ignoring-russian-security", essay_text)
    assert "unipolar" in unipolar and "security" not in unipolar
    assert "security concerns" in ignoring and "unipolar" not in ignoring


def test_the_europe_fragile_anchor_stops_at_its_clause(bundled_store, essay_text):
    fragile = span(bundled_store, "europe-fragile-unless-grievances-acknowledged", essay_text)
    assert "fragile" in fragile and "persist" not in fragile
    assert "persist" in span(bundled_store, "eastern-states-will-keep-seeking-security", essay_text)


def test_formal_or_legally_binding(bundled_store, essay_text):
    ((label,),) = rows(
        bundled_store, f"SELECT ?l WHERE {{ <{C}no-binding-agreement> rdfs:label ?l }}"
    )
    assert "formal or legally binding" in label
    assert "formal or legally binding" in span(bundled_store, "no-binding-agreement", essay_text)


def test_the_authors_own_statement_that_russia_doubled_down(bundled_store, essay_text):
    slug = "russia-doubled-down-after-2022"
    assert objects(bundled_store, slug, PREFIXES["prov"] + "wasAttributedTo") == {
        "actor:lara-westra"
    }
    assert not objects(bundled_store, slug, CG + "reportedBy")
    assert "doubled down" in span(bundled_store, slug, essay_text)
    # Russia's narrative itself stays Russia's voice, disputed
    reported = "russia-doubled-down-on-betrayal-claims"
    assert objects(bundled_store, reported, CG + "stance") == {"stance:disputes"}


def test_1991_is_an_event_dated_where_the_essay_names_it(bundled_store, essay_text):
    ((date, start, end),) = rows(
        bundled_store,
        """SELECT ?date ?s ?e WHERE { event:1991-end-of-soviet-union dcterms:date ?date ;
             cg:datedBy/oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e }""",
    )
    assert date == "1991" and essay_text[int(start) : int(end)] == "1991"


@pytest.mark.parametrize(
    "event",
    [
        "german-reunification",
        "2004-baltic-enlargement",
        "2007-munich-speech",
        "2014-crimea-annexation",
        "2022-full-scale-invasion",
        "2023-finland-accession",
    ],
)
def test_every_dated_event_is_dated_where_the_essay_says_so(bundled_store, essay_text, event):
    ((date, start, end),) = rows(
        bundled_store,
        f"""SELECT ?date ?s ?e WHERE {{ event:{event} dcterms:date ?date ;
              cg:datedBy/oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e }}""",
    )
    assert essay_text[int(start) : int(end)] == date
