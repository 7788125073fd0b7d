"""Reported speech proposed by the ingest text analysis, on texts written for these tests."""

from __future__ import annotations

from claimgraph.ingest import DEFAULT_VERBS, ReportingVerb, analyse_text

REFS = """

References

Ellison, R., Park, J. and Moss, T. (2019). Trade on the water. Oxford: OUP.
Lee, K. (2001). Fees. London: Press.
Okafor, B. (2011). Tolls and tides. Lagos: Harbour Press.
"""

ALIASES = {
    "Moscow": "actor:russian-government", "the Kremlin": "actor:russian-government",
    "Ankara": "actor:turkish-government", "Turkey": "actor:turkey",
    "Dock workers": "actor:dock-workers", "the guild": "actor:guild",
    "Mayor Holt": "actor:holt", "harbour masters": "actor:harbour-masters",
}


def speech(body: str, aliases: dict[str, str] | None = ALIASES) -> list[tuple]:
    text = "Canal Towns\n\n" + body + REFS
    a = analyse_text(text, aliases=aliases)
    return [(text[p.candidate.start : p.candidate.end][:24], p.reported, p.cue.kind,
             p.voice.actors, p.voice.authors) for p in a.speech]


def test_non_factive_verbs_report_the_cited_authors() -> None:
    assert speech("Okafor (2011) argues that the tolls came first. "
                  "Scholars such as Lee (2001) suggest otherwise.") == [
        ("Okafor (2011) argues tha", True, "verb", (), ("Okafor",)),
        ("Scholars such as Lee (20", True, "verb", (), ("Lee",)),
    ]


def test_evidential_verbs_keep_the_authors_voice() -> None:
    got = speech("Research by Okafor (2011) shows that tolls rose. "
                 "Archival work demonstrates that the fees were fixed.")
    assert [(g[1], g[2]) for g in got] == [(False, "verb"), (False, "verb")]


def test_factive_reporting_verbs_are_reported_and_marked_factive() -> None:
    text = ("Canal Towns\n\nLee (2001) notes that the fees were high. "
            "Moscow stresses its losses." + REFS)
    a = analyse_text(text, aliases=ALIASES)
    assert [(p.reported, p.cue.verb, p.cue.factive, p.voice.actors or p.voice.authors)
            for p in a.speech] == [
        (True, "notes that", True, ("Lee",)),
        (True, "stresses", True, ("actor:russian-government",)),
    ]


def test_actor_aliases_are_data() -> None:
    body = "The Kremlin accused Ankara of bad faith. Ankara denied it."
    assert speech(body) == [
        ("The Kremlin accused Anka", True, "verb", ("actor:russian-government",), ()),
        ("Ankara denied it.", True, "verb", ("actor:turkish-government",), ()),
    ]
    # the same text with another lexicon: the voice follows the data, not the code
    assert speech(body, {"Ankara": "Turkish government"}) == [
        ("Ankara denied it.", True, "verb", ("Turkish government",), ())]
    # with no lexicon, there is no voice, so nothing is proposed as reported
    assert [g[1] for g in speech(body, {})] == []


def test_default_lexicon_knows_moscow_and_the_kremlin() -> None:
    assert speech("Moscow claimed the canal was neutral.", None)[0][3] == ("Russian government",)


def test_according_to_claim_that_and_perspective_cues() -> None:
    assert speech(
        "According to Mayor Holt, the locks were safe. "
        "The guild’s claim that fees were fair was doubtful. "
        "From Turkey’s perspective, the canal was a threat. "
        "However, from the viewpoint of Dock workers and harbour masters, it was a lifeline."
    ) == [
        ("According to Mayor Holt,", True, "according-to", ("actor:holt",), ()),
        ("The guild’s claim that f", True, "claim-that", ("actor:guild",), ()),
        ("From Turkey’s perspectiv", True, "perspective", ("actor:turkey",), ()),
        ("However, from the viewpo", True, "perspective",
         ("actor:dock-workers", "actor:harbour-masters"), ()),
    ]


def test_relative_who_note_that_resolves_to_the_citations_just_before() -> None:
    got = speech("This matches Lee (2001) and Ellison et al. (2019), who note that fees rose.")
    assert got == [("who note that fees rose.", True, "relative", (),
                    ("Lee", "Ellison", "Park", "Moss"))]


def test_passive_justified_by_x_as() -> None:
    got = speech("The town seized the barges in 1911, justified by Moscow as a defensive act.")
    assert got == [("justified by Moscow as a", True, "passive",
                    ("actor:russian-government",), ())]


def test_author_claims_without_a_speaker_are_not_reported() -> None:
    assert speech("This shows how tolls work. These claims are disputed (Lee, 2001). "
                  "Trade grew quickly.") == [("This shows how tolls wor", False, "verb", (), ())]


def test_reporting_verbs_are_configurable() -> None:
    verbs = (*DEFAULT_VERBS, ReportingVerb(("grumbles that",), factive=False))
    text = "Canal Towns\n\nMoscow grumbles that the fees rose." + REFS
    a = analyse_text(text, verbs=verbs)
    assert [(p.reported, p.cue.verb) for p in a.speech] == [(True, "grumbles that")]


def test_explicit_cue_with_an_unknown_voice_names_the_phrase() -> None:
    text = "Canal Towns\n\nAccording to the port authority of Bilbao, no berth closed." + REFS
    (p,) = analyse_text(text, aliases={}).speech
    assert p.reported and not p.voice and p.confidence < 0.5
    assert p.voice.phrase is not None
    assert text[p.voice.phrase[0] : p.voice.phrase[1]] == "the port authority of Bilbao"
