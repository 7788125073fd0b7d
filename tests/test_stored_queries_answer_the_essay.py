"""Each stored query, run on the bundled graph, gives the answer a reader of the essay expects.

The expected answers are written out from reading the essay (which works it cites where, whose
voice each sentence reports), not copied from a query run.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.catalog import load_catalog
from claimgraph.sparql import QueryResult, run_stored
from claimgraph.terms import compact

CATALOG = load_catalog()
C = "claim:broken-promises-narrative/"  # how a claim of the essay is printed
S = "section:broken-promises-narrative/"
A = "anchor:broken-promises-narrative/"
SARROTTE = {"source:sarotte-2009", "source:sarotte-2014", "source:sarotte-2021"}


def run(store: ox.Store, name: str, **params: str) -> QueryResult:
    return run_stored(store, CATALOG.get_query(name), params)


def cells(result: QueryResult, *columns: str) -> list[tuple[str, ...]]:
    idx = [result.variables.index(c) for c in columns]

    def show(t: object) -> str:
        if t is None:
            return ""
        if isinstance(t, ox.NamedNode):
            short = compact(t.value)
            return t.value if short.startswith("<") else short
        return t.value  # type: ignore[attr-defined]

    return [tuple(show(row[i]) for i in idx) for row in result.rows]


def column(result: QueryResult, name: str) -> list[str]:
    return [c[0] for c in cells(result, name)]


def claims(*slugs: str) -> set[str]:
    return {C + s for s in slugs}


# Claims for which the essay gives no reference, in text order of the sentences.
UNSOURCED_AUTHOR = [
    "expansion-debate-central-narrative",
    "broken-promises-narrative-named",
    "narrative-shapes-russian-worldview",
    "grievance-rooted-in-german-reunification",
    "western-soviet-talks-on-unified-germany",
    "diplomatic-differences-bred-mistrust",
    "us-exploitation-of-soviet-collapse-contested",
    "aspirant-agency-neglected",
    "soviet-rule-left-cee-insecure",
    "nato-admits-members-on-request-by-consensus",
    "enlargement-reflected-autonomy",
    "ignoring-agency-reinforces-narrative",
    "baltic-enlargement-especially-significant",
    "baltic-states-joined-nato-2004",
    "opposing-readings-of-baltic-enlargement",
    "munich-speech-escalated-narrative",
    "munich-ended-cooperative-era",
    "munich-embedded-grievance-in-doctrine",
    "crimea-annexation-continues-pattern",
    "crimea-most-direct-clash",
    "annexation-shifted-european-security",
    "annexation-triggered-sanctions",
    "intervention-accelerated-enlargement",
    "finland-sweden-joined-nato",
    "nordic-accession-seen-as-consequence",
    "invasion-revitalised-nato",
    "allies-strengthened-collective-defence",
    "eastern-push-for-integration-intensified",
    "russia-doubled-down-after-2022",
    "ukrainian-agency-undercuts-betrayal-claims",
    "narrative-persists",
    "understanding-narrative-needed-for-diplomacy",
    "europe-fragile-unless-grievances-acknowledged",
    "eastern-states-will-keep-seeking-security",
]
# Reported voices the essay gives no reference for: Moscow's accusation in the introduction,
# Moscow's view of NATO near St Petersburg, Putin's two accusations, Eastern European fears.
# The essay sets sources against Moscow's pledge claim, the Crimea justification and Russia's
# betrayal narrative, but cites none for them.
UNSOURCED_REPORTED = [
    "us-betrayed-detente-expectations",
    "west-pledged-no-eastward-move",
    "crimea-defensive-reaction",
    "russia-doubled-down-on-betrayal-claims",
    "nato-near-russia-seen-as-encroachment",
    "putin-accuses-us-unipolarity",
    "putin-accuses-us-ignoring-russian-security",
    "eastern-fears-of-coercion-confirmed",
]


def test_sources_supporting_the_no_binding_agreement_claim(bundled_store):
    # "archival research by Sarotte (2009; 2014; 2021) demonstrates ..."
    result = run(bundled_store, "sources-supporting-claim", claim="no-binding-agreement")
    assert cells(result, "source", "role", "year") == [
        ("source:sarotte-2009", "is evidence for", "2009"),
        ("source:sarotte-2014", "is evidence for", "2014"),
        ("source:sarotte-2021", "is evidence for", "2021"),
    ]


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("albright-no-commitment", {("source:schneider-2025", "supports")}),
        (
            "narrative-persists-great-power-identity",
            {("source:pushkov-1997", "supports"), ("source:lieven-1995", "supports")},
        ),
        ("narrative-persists-information-framing", {("source:marten-2023", "supports")}),
        ("west-pledged-no-eastward-move", set()),  # Moscow's claim: the essay backs it with nothing
    ],
)
def test_sources_supporting_other_claims(bundled_store, claim, expected):
    result = run(bundled_store, "sources-supporting-claim", claim=claim)
    assert set(cells(result, "source", "role")) == expected


def test_support_and_dispute_of_the_pledge_claim(bundled_store):
    result = run(bundled_store, "claim-support-and-dispute", claim="west-pledged-no-eastward-move")
    assert set(cells(result, "kind", "item", "role")) == {
        ("source", "source:sarotte-2009", "disputes"),
        ("source", "source:sarotte-2014", "disputes"),
        ("source", "source:sarotte-2021", "disputes"),
        ("claim", C + "no-binding-agreement", "disputes"),
        ("claim", C + "albright-no-commitment", "disputes"),
        ("claim", C + "betrayal-claims-disputed-by-archives", "disputes"),
        # Albright's statement, which Schneider (2025) supports, challenges the pledge claim
        ("source", "source:schneider-2025", "disputes"),
    }


def test_support_and_dispute_of_the_no_binding_agreement_claim(bundled_store):
    result = run(bundled_store, "claim-support-and-dispute", claim="no-binding-agreement")
    assert set(cells(result, "kind", "item", "role")) == {
        ("source", s, "is evidence for") for s in SARROTTE
    } | {("claim", C + "albright-no-commitment", "supports")}


def test_claims_citing_sarotte_2021(bundled_store):
    # Sarotte (2021) is cited three times: the 1989-1990 finding, the diplomatic styles, and
    # the archival evidence against Russia's betrayal claims in 2022-2025.
    result = run(bundled_store, "claims-citing-source", source="sarotte-2021")
    assert set(cells(result, "claim", "role")) == {
        (C + "no-binding-agreement", "is evidence for"),
        (C + "west-pledged-no-eastward-move", "disputes"),
        (C + "diplomatic-styles-differ", "supports"),
        (C + "betrayal-claims-disputed-by-archives", "is evidence for"),
        (C + "russia-doubled-down-on-betrayal-claims", "disputes"),
    }


def test_claims_citing_the_british_government_analysis(bundled_store):
    result = run(bundled_store, "claims-citing-source", source="britain-2015")
    assert set(cells(result, "claim", "role")) == {
        (C + "ukraine-not-close-to-membership", "is evidence for"),
        (C + "crimea-defensive-reaction", "disputes"),
    }


def test_claims_attributed_to_moscow(bundled_store):
    result = run(bundled_store, "claims-by-actor", actor="russian-government")
    assert cells(result, "claim", "reporter", "stance") == [
        (C + "us-betrayed-detente-expectations", "actor:lara-westra", "stance:disputes"),
        (C + "west-pledged-no-eastward-move", "actor:lara-westra", "stance:disputes"),
        (C + "nato-near-russia-seen-as-encroachment", "actor:lara-westra", "stance:relays"),
        (C + "crimea-defensive-reaction", "actor:lara-westra", "stance:disputes"),
    ]


def test_claims_attributed_to_putin_and_albright(bundled_store):
    putin = run(bundled_store, "claims-by-actor", actor="vladimir-putin")
    assert set(column(putin, "claim")) == claims(
        "putin-accuses-us-unipolarity", "putin-accuses-us-ignoring-russian-security"
    )
    albright = run(bundled_store, "claims-by-actor", actor="actor:madeleine-albright")
    assert cells(albright, "claim", "stance") == [
        (C + "albright-no-commitment", "stance:endorses")
    ]


def test_reported_speech_is_never_the_authors_own_voice(bundled_store):
    result = run(bundled_store, "reported-speech")
    voices = set(column(result, "voice"))
    assert "actor:lara-westra" not in voices
    # non-factive verbs (argue, suggest, accuse, state, express, justify) and perspectives;
    # the factive ones (the British analysis emphasises, Marten 2023 and Kaunert et al. note)
    # are the author's own voice under the one rule
    assert voices == {
        "actor:russian-government",
        "actor:russia",
        "actor:vladimir-putin",
        "actor:madeleine-albright",
        "actor:marten-k",
        "actor:tsygankov-a-p",
        "actor:nato",
        "actor:baltic-states",
        "actor:central-eastern-european-states",
    }
    assert set(column(result, "reporter")) == {"actor:lara-westra"}
    assert len(set(column(result, "claim"))) == 13
    assert {c for c, v in cells(result, "claim", "verbClass") if v == "rverb:factive"} == set()


def test_the_reporting_chain_of_albrights_statement(bundled_store):
    # "what did Albright say and who reports it": Westra reports, Schneider (2025) relays
    result = run(bundled_store, "claims-by-actor", actor="madeleine-albright")
    assert cells(result, "claim", "reporter", "relay", "stance") == [
        (
            C + "albright-no-commitment",
            "actor:lara-westra",
            "actor:schneider-a-k",
            "stance:endorses",
        )
    ]
    chain = cells(run(bundled_store, "reported-speech"), "voice", "relay", "reporter", "verb")
    link = ("actor:madeleine-albright", "actor:schneider-a-k", "actor:lara-westra", "rverb:state")
    assert link in chain


def test_claims_without_source(bundled_store):
    result = run(bundled_store, "claims-without-source")
    assert set(column(result, "claim")) == claims(*UNSOURCED_AUTHOR, *UNSOURCED_REPORTED)


def test_the_authors_unsourced_assertions(bundled_store):
    result = run(bundled_store, "author-unsourced-assertions")
    assert column(result, "claim") == [C + s for s in UNSOURCED_AUTHOR]


def test_unresolved_citations(bundled_store):
    # "Madeira, Hamilton & Spohr (2019)": there is no Madeira in the reference list.
    result = run(bundled_store, "unresolved-citations")
    assert cells(result, "text", "section") == [("Madeira", S + "2022-2025")]


def test_every_reference_is_cited(bundled_store):
    assert run(bundled_store, "uncited-references").rows == []


def test_references_ranked_by_backing(bundled_store):
    result = run(bundled_store, "references-by-backing")
    rows = cells(result, "source", "backs", "disputes")
    assert len(rows) == 15
    assert rows[0] == ("source:hamilton-2019", "5", "2")  # the essay's most used work
    assert all(int(backs) >= 1 for _, backs, _ in rows)
    # a work disputes a claim that a claim citing it challenges (no cito:isDisputedBy)
    disputing = {s: int(d) for s, _, d in rows if int(d)}
    assert disputing == {
        "source:sarotte-2009": 2,  # the pledge claim and Russia's betrayal narrative
        "source:sarotte-2014": 2,
        "source:sarotte-2021": 2,
        "source:britain-2015": 1,  # the Crimea justification
        "source:hamilton-2019": 2,  # Moscow's charge of betrayal, the encroachment reading
        "source:schimmelfennig-2006": 1,  # Moscow's charge of betrayal
        "source:reiter-2001": 1,
        "source:schneider-2025": 1,  # through Albright's statement, against the pledge claim
    }


def test_contested_claims(bundled_store):
    result = run(bundled_store, "contested-claims")
    assert cells(result, "claim", "backing", "disputing") == [
        (C + "west-pledged-no-eastward-move", "1", "7"),
        (C + "us-betrayed-detente-expectations", "1", "6"),
        (C + "russia-doubled-down-on-betrayal-claims", "1", "5"),
        (C + "crimea-defensive-reaction", "1", "2"),
        (C + "nato-near-russia-seen-as-encroachment", "1", "2"),
    ]


def test_event_timeline_in_date_order_at_the_essays_precision(bundled_store):
    result = run(bundled_store, "event-timeline")
    dated = []
    for date, event in cells(result, "date", "event"):
        if date and (date, event) not in dated:
            dated.append((date, event))
    assert dated == [
        ("1990", "event:german-reunification"),
        ("1991", "event:1991-end-of-soviet-union"),
        ("2004", "event:2004-baltic-enlargement"),
        ("2007", "event:2007-munich-speech"),
        ("2014", "event:2014-crimea-annexation"),
        ("2022", "event:2022-full-scale-invasion"),
        ("2023", "event:2023-finland-accession"),
    ]
    # Sweden joined "soon after": the essay gives no year, so the event has none.
    assert ("", "event:sweden-accession") in cells(result, "date", "event")
    baltic = {
        a
        for d, e, a in cells(result, "date", "event", "actor")
        if e == "event:2004-baltic-enlargement"
    }
    assert {"actor:estonia", "actor:latvia", "actor:lithuania", "actor:nato"} <= baltic


def test_claims_about_finland(bundled_store):
    result = run(bundled_store, "claims-about-actor", actor="finland")
    assert set(column(result, "claim")) == claims(
        "finland-sweden-joined-nato", "nordic-accession-seen-as-consequence"
    )


def test_claims_about_the_baltic_enlargement(bundled_store):
    result = run(bundled_store, "claims-about-event", event="2004-baltic-enlargement")
    assert set(column(result, "claim")) == claims(
        "baltic-enlargement-especially-significant",
        "baltic-states-joined-nato-2004",
        "russia-saw-baltic-entry-as-encirclement",
        "nato-near-russia-seen-as-encroachment",
        "baltic-enlargement-defensive",
        "opposing-readings-of-baltic-enlargement",
    )


def test_claims_per_section(bundled_store):
    result = run(bundled_store, "claims-per-section")
    assert cells(result, "section", "claims") == [
        (S + "introduction", "5"),
        (S + "1989-1990", "9"),
        (S + "agency", "7"),
        (S + "baltic-2004", "7"),
        (S + "munich-2007", "16"),
        (S + "2022-2025", "11"),
        (S + "why-it-persists", "4"),
        (S + "conclusion", "3"),
    ]


def test_claims_per_kind(bundled_store):
    # a claim of two kinds counts for both: 62 claims, 63 kinds; 13 claims are reported
    result = run(bundled_store, "claims-per-kind")
    assert cells(result, "kind", "claims", "reportedClaims") == [
        ("ctype:interpretive", "46", "11"),
        ("ctype:factual", "13", "2"),
        ("ctype:normative", "2", "0"),
        ("ctype:predictive", "2", "0"),
    ]


def kinds_of(result: QueryResult) -> list[tuple[str, set[str]]]:
    return [(c, set(k.split())) for c, k in cells(result, "claim", "kinds")]


def test_claims_in_the_conclusion_in_text_order(bundled_store):
    result = run(bundled_store, "claims-in-section", section="conclusion")
    assert kinds_of(result) == [
        (C + "understanding-narrative-needed-for-diplomacy", {"normative"}),
        (C + "europe-fragile-unless-grievances-acknowledged", {"predictive", "normative"}),
        (C + "eastern-states-will-keep-seeking-security", {"predictive"}),
    ]


def test_reasons_why_the_narrative_persists(bundled_store):
    result = run(bundled_store, "reasons-for-claim", claim="narrative-persists")
    assert cells(result, "reason", "source") == [
        (C + "narrative-persists", ""),
        (C + "narrative-persists-domestic-legitimacy", "source:tsygankov-2012"),
        (C + "narrative-persists-great-power-identity", "source:lieven-1995"),
        (C + "narrative-persists-great-power-identity", "source:pushkov-1997"),
        (C + "narrative-persists-information-framing", "source:marten-2023"),
    ]


def test_online_references(bundled_store):
    result = run(bundled_store, "online-references")
    assert cells(result, "source", "link") == [
        ("source:lieven-1995", "https://www.jstor.org/stable/40396653"),
        ("source:marten-2023", "https://doi.org/10.1007/978-3-031-23364-7_7"),
        ("source:pushkov-1997", "https://www.jstor.org/stable/42896937"),
        ("source:schneider-2025", "https://doi.org/10.1007/978-3-031-90367-0_24"),
    ]


def test_full_provenance_of_one_claim(bundled_store):
    result = run(bundled_store, "claim-provenance", claim="no-binding-agreement")
    triples = {
        (
            compact(t.subject.value),
            compact(t.predicate.value),
            compact(t.object.value) if isinstance(t.object, ox.NamedNode) else t.object.value,
        )
        for t in result.triples
    }
    expected = {
        (C + "no-binding-agreement", "prov:wasAttributedTo", "actor:lara-westra"),
        (C + "no-binding-agreement", "cg:inSection", S + "1989-1990"),
        (C + "no-binding-agreement", "cg:anchor", A + "no-binding-agreement"),
        (A + "no-binding-agreement-position", "oa:start", "1182"),
        (A + "no-binding-agreement-position", "oa:end", "1341"),
        (C + "no-binding-agreement", "mp:challenges", C + "west-pledged-no-eastward-move"),
        (C + "albright-no-commitment", "mp:supports", C + "no-binding-agreement"),
        (
            "citation:broken-promises-narrative/sarotte-2009-2014-2021-a",
            "cg:citationText",
            "Sarotte (2009; 2014; 2021)",
        ),
        ("actor:lara-westra", "rdfs:label", "Lara Westra"),
    } | {(C + "no-binding-agreement", "cito:citesAsEvidence", s) for s in SARROTTE}
    assert expected <= triples
    subjects = {s for s, _, _ in triples}
    assert C + "russia-doubled-down-on-betrayal-claims" not in subjects


def test_every_stored_query_is_tested_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    untested = [name for name in CATALOG if f'"{name}"' not in source]
    assert untested == []


PROV = "http://www.w3.org/ns/prov#wasAttributedTo"
SUBJECT = "http://purl.org/dc/terms/subject"


@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("claims-about-actor", "actor", "russia"),
        ("claims-about-actor", "actor", "nato"),
        ("claims-about-event", "event", "2004-baltic-enlargement"),
        ("claims-about-event", "event", "nato-enlargement"),
    ],
)
def test_claims_about_give_one_row_per_claim_with_its_asserters(
    bundled_store, name, param, value
):
    """A claim several voices assert is one row: the first asserter by IRI and how many there
    are, both derived here from the graph's own prov:wasAttributedTo triples."""
    result = run(bundled_store, name, **{param: value})
    listed = column(result, "claim")
    assert listed and len(listed) == len(set(listed))
    kind = "actor" if param == "actor" else "event"
    subject = ox.NamedNode(f"https://w3id.org/claimgraph/id/{kind}/{value}")
    about = {
        q.subject for q in bundled_store.quads_for_pattern(None, ox.NamedNode(SUBJECT), subject)
    }
    assert set(listed) == {compact(c.value) for c in about}
    for claim, first, count in cells(result, "claim", "assertedBy", "asserters"):
        node = next(c for c in about if compact(c.value) == claim)
        found = bundled_store.quads_for_pattern(node, ox.NamedNode(PROV), None)
        voices = sorted({q.object.value for q in found})
        assert (first, int(count)) == (compact(voices[0]), len(voices))


def test_a_claim_with_two_asserters_is_one_row(bundled_store):
    # "from the viewpoint of Baltic governments and NATO planners": two voices, one claim
    result = run(bundled_store, "claims-about-event", event="2004-baltic-enlargement")
    rows = [r for r in cells(result, "claim", "asserters") if r[0].endswith("-defensive")]
    assert rows == [(C + "baltic-enlargement-defensive", "2")]
