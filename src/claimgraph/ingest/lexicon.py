"""The data reported-speech detection reads: reporting verbs and actor names.

Both are data, not code. The reporting verbs are one table (:data:`VERB_TABLE`) whose classes
follow the ontology's reporting-verb scheme (``cg:ReportingVerbScheme``: every verb concept is
narrower than ``rverb:factive`` or ``rverb:non-factive``); with a store at hand,
:func:`reporting_verbs` reads the scheme itself, so a verb the ontology adds or reclassifies
takes effect without a code change. Actor names come from the graph: :func:`actor_aliases`
maps every ``rdfs:label``, ``foaf:name`` and ``skos:altLabel`` of an actor ("Moscow", "the
Kremlin") to the actor's IRI.

The one rule (``cg:reportingVerb`` in the ontology): a factive verb ("shows", "demonstrates",
"notes that", "emphasises that") puts the claim in the author's own voice with the cited work as
evidence; a non-factive one ("argues", "suggests", "claims", "accused", "stated that") makes the
claim reported speech, voiced by whoever the verb's subject names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..terms import CG, ONTOLOGY_GRAPH, PREFIXES, SHARED_GRAPH

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph as ox

__all__ = [
    "DEFAULT_VERBS",
    "FACTIVE",
    "NON_FACTIVE",
    "NOUN_VERBS",
    "VERB_TABLE",
    "ReportingVerb",
    "actor_aliases",
    "reporting_verbs",
    "verb_forms",
]

RVERB = PREFIXES["rverb"]
#: The two classes of the scheme, as the IRIs of its top concepts.
FACTIVE = RVERB + "factive"
NON_FACTIVE = RVERB + "non-factive"


@dataclass(frozen=True)
class ReportingVerb:
    """Surface forms of one reporting verb (multi-word forms allowed, e.g. "notes that"), its
    class, its lemma and, when the ontology's scheme has it, the concept IRI to record as
    ``cg:reportingVerb`` (the class's top concept, :data:`FACTIVE` or :data:`NON_FACTIVE`, is
    what to record otherwise: :attr:`class_concept`)."""

    forms: tuple[str, ...]
    factive: bool
    lemma: str = ""
    concept: str | None = None

    @property
    def class_concept(self) -> str:
        return FACTIVE if self.factive else NON_FACTIVE


#: The built-in lexicon, one row a verb: lemma as the scheme labels it, class, ``that`` when the
#: verb reports only before "that" (a bare "note"/"state" is usually a noun), the concept's local
#: name in the scheme (``""``: not in the scheme), and the past forms when they are irregular.
#: Where the ontology's scheme is at hand it overrides the class of every verb it names
#: (:func:`reporting_verbs`); a test keeps the two in agreement.
VERB_TABLE: tuple[tuple[str, bool, bool, str, tuple[str, ...]], ...] = (
    # lemma             factive that   concept        irregular past
    ("show",            True,   False, "show",        ("showed", "shown")),
    ("demonstrate",     True,   False, "demonstrate", ()),
    ("reveal",          True,   False, "",            ()),
    ("establish",       True,   False, "",            ()),
    ("prove",           True,   False, "",            ("proved", "proven")),
    ("find",            True,   True,  "",            ("found",)),
    ("note",            True,   True,  "note",        ()),
    ("observe",         True,   True,  "",            ()),
    ("emphasise",       True,   True,  "emphasise",   ()),
    ("stress",          True,   False, "",            ()),
    ("point out",       True,   True,  "",            ()),
    ("acknowledge",     True,   True,  "",            ()),
    ("recognise",       True,   True,  "",            ()),
    ("argue",           False,  False, "argue",       ()),
    ("suggest",         False,  False, "suggest",     ()),
    ("claim",           False,  False, "claim",       ()),
    ("accuse",          False,  False, "accuse",      ()),
    ("state",           False,  True,  "state",       ()),
    ("express",         False,  False, "express",     ()),
    ("justify as",      False,  False, "justify",     ()),
    ("insist",          False,  False, "insist",      ()),
    ("contend",         False,  False, "",            ()),
    ("assert",          False,  False, "",            ()),
    ("maintain",        False,  True,  "",            ()),
    ("allege",          False,  False, "",            ()),
    ("believe",         False,  False, "",            ()),
    ("warn",            False,  False, "",            ()),
    ("predict",         False,  False, "",            ()),
    ("double down on",  False,  False, "",            ()),
    ("deny",            False,  False, "",            ()),
    ("propose",         False,  True,  "",            ()),
    ("hold",            False,  True,  "",            ("held",)),
    ("report",          False,  True,  "",            ()),
    ("say",             False,  False, "",            ("said",)),
    ("write",           False,  True,  "",            ("wrote", "written")),
    ("conclude",        False,  True,  "",            ()),
)

#: Nouns of "X's claim that …" and the verb lemma whose class and concept they take.
NOUN_VERBS: Mapping[str, str] = {
    "claim": "claim", "claims": "claim", "argument": "argue", "assertion": "assert",
    "contention": "contend", "insistence": "insist", "accusation": "accuse",
    "accusations": "accuse", "belief": "believe", "allegation": "allege", "charge": "accuse",
    "view": "", "narrative": "",
}


def verb_forms(lemma: str, that: bool = False, irregular: Iterable[str] = ()) -> tuple[str, ...]:
    """Base, third person and past forms of ``lemma`` (``irregular``, when given, are the past
    forms instead of the regular one), and "-ize" spellings of "-ise" verbs; in a multi-word
    lemma ("point out", "justify as") the first word is inflected. With ``that``, every form is
    followed by "that"."""
    head, _, rest = lemma.strip().partition(" ")
    tail = f" {rest}" if rest else ""
    if head.endswith("e"):
        words = [head, head + "s", head + "d"]
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        words = [head, head[:-1] + "ies", head[:-1] + "ied"]
    elif head.endswith(("s", "x", "sh", "ch", "z")):
        words = [head, head + "es", head + "ed"]
    else:
        words = [head, head + "s", head + "ed"]
    irregular = tuple(irregular)
    if irregular:
        words[2:] = irregular
    if head.endswith("ise"):
        words += [w.replace("ise", "ize", 1) for w in words if "ise" in w]
    forms = [w + tail for w in dict.fromkeys(words)]
    return tuple(f + " that" for f in forms) if that else tuple(forms)


def _from_table(classes: Mapping[str, tuple[bool, str]] | None = None) -> list[ReportingVerb]:
    out = []
    for lemma, factive, that, concept, irregular in VERB_TABLE:
        iri = RVERB + concept if concept else None
        if classes is not None and iri is not None and iri in classes:
            factive = classes[iri][0]
        out.append(ReportingVerb(verb_forms(lemma, that, irregular), factive, lemma, iri))
    return out


#: The built-in verbs, as :data:`VERB_TABLE` gives them.
DEFAULT_VERBS: tuple[ReportingVerb, ...] = tuple(_from_table())

_SCHEME_QUERY = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?top ?label WHERE {{
  ?c skos:inScheme <{CG}ReportingVerbScheme> ; skos:broader+ ?top ; skos:prefLabel ?label .
  VALUES ?top {{ <{FACTIVE}> <{NON_FACTIVE}> }}
}} ORDER BY ?c"""


def _query(store: ox.Store, query: str, graphs: Iterable[str]) -> list[dict[str, str]]:
    import pyoxigraph as ox

    present = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    wanted: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(g) for g in graphs if g in present]
    if wanted:
        result = store.query(query, default_graph=wanted)
    else:  # the graphs are not named as claimgraph names them: read everything
        result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def reporting_verbs(store: ox.Store | None = None,
                    graph: str = ONTOLOGY_GRAPH) -> tuple[ReportingVerb, ...]:
    """The reporting verbs, classed as the ontology's scheme in ``store`` says.

    Every verb of :data:`VERB_TABLE` is kept (with the scheme's class where the scheme names
    it); a verb the scheme has and the table does not is added with regular forms (and "that"
    after it, the cautious reading of an unknown verb). Without a store, or when the store has no
    scheme, this is :data:`DEFAULT_VERBS`.
    """
    if store is None:
        return DEFAULT_VERBS
    classes: dict[str, tuple[bool, str]] = {}
    for r in _query(store, _SCHEME_QUERY, [graph]):
        classes.setdefault(r["c"], (r["top"] == FACTIVE, r["label"]))
    if not classes:
        return DEFAULT_VERBS
    verbs = _from_table(classes)
    known = {v.concept for v in verbs}
    for iri, (factive, label) in sorted(classes.items()):
        if iri not in known and iri not in (FACTIVE, NON_FACTIVE):
            verbs.append(ReportingVerb(verb_forms(label, that=True), factive, label, iri))
    return tuple(verbs)


_ACTOR_CLASSES = ("Actor", "State", "Person", "Organisation", "GroupOfStates", "GovernmentBody")
_ALIAS_QUERY = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?x ?name ?rank WHERE {{
  {{ ?x a ?t . VALUES ?t {{ {" ".join(f"<{CG}{c}>" for c in _ACTOR_CLASSES)} }} }}
  UNION {{ ?x a/rdfs:subClassOf+ <{CG}Actor> }}
  {{ ?x rdfs:label ?name BIND(0 AS ?rank) }} UNION {{ ?x foaf:name ?name BIND(1 AS ?rank) }}
  UNION {{ ?x skos:altLabel ?name BIND(2 AS ?rank) }}
}}"""


def actor_aliases(store: ox.Store, graph: str = SHARED_GRAPH) -> dict[str, str]:
    """Every name of every actor in ``graph`` of ``store`` (``rdfs:label``, ``foaf:name``,
    ``skos:altLabel``), case-folded, mapped to the actor's IRI: the alias lexicon that
    :func:`claimgraph.ingest.analyse_text` takes as ``aliases``.

    Reads the shared graph (with the ontology graph, for subclasses of ``cg:Actor``); a store
    without those named graphs is read whole. A name two actors share goes to the one it labels
    (``rdfs:label`` before ``foaf:name`` before ``skos:altLabel``); if that does not decide,
    the name is left out rather than guessed.
    """
    best: dict[str, tuple[int, set[str]]] = {}
    for r in _query(store, _ALIAS_QUERY, [graph, ONTOLOGY_GRAPH]):
        name = " ".join(r["name"].split()).casefold()
        if not name:
            continue
        rank = int(r["rank"])
        have = best.get(name)
        if have is None or rank < have[0]:
            best[name] = (rank, {r["x"]})
        elif rank == have[0]:
            have[1].add(r["x"])
    return {name: next(iter(xs)) for name, (_, xs) in sorted(best.items()) if len(xs) == 1}
