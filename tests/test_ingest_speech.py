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


RVERB = "https://w3id.org/claimgraph/vocab/reporting-verb/"


def test_factive_verbs_keep_the_authors_voice_with_the_work_as_evidence() -> None:
    """v2's one rule: "shows", "demonstrates", "notes that", "emphasises that" commit the
    writer, so the claim is the author's own and the cited work its evidence."""
    text = ("Canal Towns\n\nResearch by Okafor (2011) shows that tolls rose. "
            "Archival work demonstrates that the fees were fixed (Lee, 2001). "
            "Lee (2001) notes that the fees were high. "
            "A harbour survey (2019) emphasises that, in winter, no berth closed. "
            "Moscow stresses its losses." + REFS)
    a = analyse_text(text, aliases=ALIASES)
    entry = {k.surnames[0]: i for i, k in enumerate(a.references)}
    assert [(p.reported, p.cue.verb, p.cue.verb_class, p.cue.reporting_verb, p.evidence)
            for p in a.speech] == [
        (False, "shows", "factive", RVERB + "show", (entry["Okafor"],)),
        (False, "demonstrates", "factive", RVERB + "demonstrate", (entry["Lee"],)),
        (False, "notes that", "factive", RVERB + "note", (entry["Lee"],)),
        (False, "emphasises that", "factive", RVERB + "emphasise", (entry["Ellison"],)),
        # a factive verb outside the scheme records its class
        (False, "stresses", "factive", RVERB + "factive", ()),
    ]
    # whom the factive verb names is kept (whose work the author relies on), but not as voice
    assert a.speech[2].voice.authors == ("Lee",) and a.speech[4].voice.actors == (
        "actor:russian-government",)


def test_non_factive_verbs_report_and_record_their_concept() -> None:
    text = ("Canal Towns\n\nOkafor (2011) argues that the tolls came first. "
            "Moscow accused Ankara of bad faith. The guild stated that fees were fair. "
            "Mayor Holt insists the locks were safe. Ankara grumbled that fees rose." + REFS)
    a = analyse_text(text, aliases=ALIASES)
    assert [(p.reported, p.cue.verb, p.cue.verb_class, p.cue.reporting_verb)
            for p in a.speech] == [
        (True, "argues", "non-factive", RVERB + "argue"),
        (True, "accused", "non-factive", RVERB + "accuse"),
        (True, "stated that", "non-factive", RVERB + "state"),
        (True, "insists", "non-factive", RVERB + "insist"),
    ]
    # a voice from a citation names the reference entry, whose work's creators are the voice
    okafor = next(i for i, k in enumerate(a.references) if k.surnames == ("Okafor",))
    assert a.speech[0].voice.entries == (okafor,) and a.speech[0].evidence == (okafor,)


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


def test_relative_who_note_that_is_factive_with_the_citations_just_before_as_evidence() -> None:
    text = ("Canal Towns\n\nThis matches Lee (2001) and Ellison et al. (2019), "
            "who note that fees rose." + REFS)
    a = analyse_text(text, aliases=ALIASES)
    (p,) = a.speech
    assert (text[p.candidate.start : p.candidate.end][:24], p.reported, p.cue.kind,
            p.voice.authors) == ("who note that fees rose.", False, "relative",
                                 ("Lee", "Ellison", "Park", "Moss"))
    assert [a.references[i].surnames[0] for i in p.evidence] == ["Lee", "Ellison"]
    assert p.cue.reporting_verb == RVERB + "note"


def test_relative_who_argue_that_reports_the_citations_just_before() -> None:
    got = speech("This matches Lee (2001) and Ellison et al. (2019), who argue that fees rose.")
    assert got == [("who argue that fees rose", True, "relative", (),
                    ("Lee", "Ellison", "Park", "Moss"))]
    # only a reporting verb as the lexicon lists it makes "who …" a cue
    assert speech("The mayor met Lee (2001), who held office then, and Okafor (2011), "
                  "who found the guild.") == []


def test_passive_justified_by_x_as() -> None:
    got = speech("The town seized the barges in 1911, justified by Moscow as a defensive act.")
    assert got == [("justified by Moscow as a", True, "passive",
                    ("actor:russian-government",), ())]
    text = "Canal Towns\n\nThe town seized the barges, justified by Moscow as defence." + REFS
    (p,) = analyse_text(text, aliases=ALIASES).speech
    assert p.cue.reporting_verb == RVERB + "justify"


def test_claim_that_nouns_take_their_verbs_class() -> None:
    text = ("Canal Towns\n\nThe guild’s accusation that fees were unfair was doubtful. "
            "The guild’s view that the canal was a threat spread." + REFS)
    a = analyse_text(text, aliases=ALIASES)
    assert [(p.reported, p.cue.kind, p.cue.verb, p.cue.reporting_verb) for p in a.speech] == [
        (True, "claim-that", "accusation", RVERB + "accuse"),
        (True, "claim-that", "view", RVERB + "non-factive"),
    ]


def test_author_claims_without_a_speaker_are_not_reported() -> None:
    assert speech("This shows how tolls work. These claims are disputed (Lee, 2001). "
                  "Trade grew quickly.") == [("This shows how tolls wor", False, "verb", (), ())]


def test_reporting_verbs_are_configurable() -> None:
    verbs = (*DEFAULT_VERBS, ReportingVerb(("grumbles that",), factive=False),
             ReportingVerb(("confirms that",), factive=True, lemma="confirm"))
    text = "Canal Towns\n\nMoscow grumbles that the fees rose. Moscow confirms that too." + REFS
    a = analyse_text(text, verbs=verbs)
    assert [(p.reported, p.cue.verb, p.cue.reporting_verb) for p in a.speech] == [
        (True, "grumbles that", RVERB + "non-factive"),
        (False, "confirms that", RVERB + "factive"),
    ]


def test_explicit_cue_with_an_unknown_voice_names_the_phrase() -> None:
    text = "Canal Towns\n\nAccording to the port authority of Bilbao, no berth closed." + REFS
    (p,) = analyse_text(text, aliases={}).speech
    assert p.reported and not p.voice and p.confidence < 0.5
    assert p.voice.phrase is not None
    assert text[p.voice.phrase[0] : p.voice.phrase[1]] == "the port authority of Bilbao"
