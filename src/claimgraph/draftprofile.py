"""The shapes' draft profile: on a node an ingest proposed, what is still missing is a warning.

A draft (``claimgraph ingest``) is incomplete by design: claims without labels or kinds,
reported speech without a stance. Writing a second copy of every shape for drafts would let the
two drift apart, and excluding draft nodes from every target would slow the curated graph's
validation; so the profile is data in the shapes graph (``cgsh:DraftProfile``: the status it
applies to, the constraint components that mean "a value is missing", the severity to report
them with) and is applied here to pyshacl's report, before it is read. A wrong value, a broken
anchor or an offset outside the body stays a violation, and nodes without the draft status are
never touched, so a curated graph validates exactly as without the profile.
"""

from __future__ import annotations

__all__ = ["DRAFT_NOTE", "apply_draft_profile", "lower_missing_values"]

SH = "http://www.w3.org/ns/shacl#"
CGSH = "https://w3id.org/claimgraph/shapes#"
CG_STATUS = "https://w3id.org/claimgraph/ontology#status"
#: Appended to the message of a result the profile turned into a warning.
DRAFT_NOTE = " (draft: still to be curated)"


def apply_draft_profile(report, data_graph, shapes_graph) -> int:  # type: ignore[no-untyped-def]
    """Lower the severity of missing-value results on draft nodes in ``report`` (rdflib graphs);
    return how many results changed."""
    import rdflib

    sh = rdflib.Namespace(SH)
    cgsh = rdflib.Namespace(CGSH)
    status = rdflib.URIRef(CG_STATUS)
    changed = 0
    for profile in shapes_graph.subjects(cgsh.forStatus, None):
        statuses = set(shapes_graph.objects(profile, cgsh.forStatus))
        components = set(shapes_graph.objects(profile, cgsh.missingValue))
        severity = shapes_graph.value(profile, sh.severity) or sh.Warning
        for result in list(report.subjects(rdflib.RDF.type, sh.ValidationResult)):
            if report.value(result, sh.resultSeverity) != sh.Violation:
                continue
            if report.value(result, sh.sourceConstraintComponent) not in components:
                continue
            focus = report.value(result, sh.focusNode)
            if focus is None or not statuses & set(data_graph.objects(focus, status)):
                continue
            report.set((result, sh.resultSeverity, severity))
            message = report.value(result, sh.resultMessage)
            if message is not None:
                report.set((result, sh.resultMessage, rdflib.Literal(str(message) + DRAFT_NOTE)))
            changed += 1
    return changed


def lower_missing_values(results, shapes, rows, dataset=None):  # type: ignore[no-untyped-def]
    """The same profile for the compiled engine's results (:mod:`claimgraph.shacl`): ``results``
    are ``ShaclResult``s, ``shapes`` the shapes graph's triples, ``rows`` a row executor (a
    store or an endpoint) that is asked which nodes carry the draft status, in one query
    (``dataset``: the graphs to name in its ``FROM``). Returns the results, lowered."""
    import dataclasses

    import pyoxigraph as ox

    profiles: dict[str, dict[str, set[str]]] = {}
    for t in shapes:
        if t.predicate.value.startswith(CGSH) or t.predicate.value == SH + "severity":
            profiles.setdefault(str(t.subject), {}).setdefault(t.predicate.value, set()).add(
                t.object.value)
    warning = SH + "Warning"
    rules = [
        (p[CGSH + "forStatus"], p.get(CGSH + "missingValue", set()),
         min(p.get(SH + "severity", {warning})))
        for p in profiles.values()
        if CGSH + "forStatus" in p
    ]
    lowerable = {c for rule in rules for c in rule[1]}
    if not any(r.severity.value == SH + "Violation" and r.component.value in lowerable
               for r in results):
        return results  # nothing a profile could lower: no query
    statuses = " ".join(f"<{s}>" for rule in rules for s in sorted(rule[0]))
    source = "".join(f" FROM <{g}>" for g in dataset or ())
    query = (f"SELECT DISTINCT ?s ?st{source} WHERE {{ ?s <{CG_STATUS}> ?st "
             f"VALUES ?st {{ {statuses} }} }}")
    drafts: dict[object, set[str]] = {}
    for row in rows.select(query):
        s, st = row.get("s"), row.get("st")
        if s is not None and st is not None:
            drafts.setdefault(s, set()).add(st.value)
    out = []
    for r in results:
        if r.severity.value == SH + "Violation" and r.focus in drafts:
            for status, components, severity in rules:
                if r.component.value in components and drafts[r.focus] & status:
                    r = dataclasses.replace(
                        r,
                        severity=ox.NamedNode(severity),
                        message=(r.message or "constraint not met") + DRAFT_NOTE,
                    )
                    break
        out.append(r)
    return out
