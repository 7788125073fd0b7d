"""RDF/XML with a DOCTYPE: bounded internal entities load, everything else is refused.

Every DOCTYPE used to be refused, even the namespace entities Protégé writes into each file,
because pyoxigraph expands entities without limit. Now the DOCTYPE is read first and accepted
only when its expansion is known to be bounded.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from claimgraph import rdfxml
from claimgraph.errors import InputError
from claimgraph.store import parse_rdf_file

from .test_cli_commands import one_error_line, run

RDF_OPEN = (
    '<rdf:RDF xmlns="http://example.org/onto#" '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:owl="http://www.w3.org/2002/07/owl#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
)

PROTEGE = (
    '<?xml version="1.0"?>\n'
    "<!DOCTYPE rdf:RDF [\n"
    '    <!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
    '    <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#" >\n'
    "    <!-- written by the OWL API -->\n"
    '    <!ENTITY rdfs "http://www.w3.org/2000/01/rdf-schema#" >\n'
    "]>\n" + RDF_OPEN + '  <owl:Ontology rdf:about="http://example.org/onto"/>\n'
    '  <owl:Class rdf:about="http://example.org/onto#Tea">\n'
    '    <rdfs:subClassOf rdf:resource="&owl;Thing"/>\n'
    '    <rdfs:label rdf:datatype="&xsd;string">Tea &amp; more</rdfs:label>\n'
    "  </owl:Class>\n"
    "</rdf:RDF>\n"
)

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
    + RDF_OPEN
    + '<rdf:Description rdf:about="http://example.org/x"><rdfs:label>&lol9;</rdfs:label>'
    "</rdf:Description></rdf:RDF>\n"
)


def _write(folder: Path, text: str | bytes, name: str = "onto.owl") -> Path:
    path = folder / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _doctype(subset: str, body: str = "") -> str:
    return f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{subset}]>\n{RDF_OPEN}{body}</rdf:RDF>\n'


def test_protege_namespace_entities_load_and_expand(tmp_path):
    quads = parse_rdf_file(_write(tmp_path, PROTEGE))
    values = {(q.predicate.value, q.object.value) for q in quads}
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    assert (rdfs + "subClassOf", "http://www.w3.org/2002/07/owl#Thing") in values
    assert (rdfs + "label", "Tea & more") in values


def test_protege_file_loads_through_the_cli(runner, disk_store, tmp_path):
    result = run(runner, "load", str(_write(tmp_path, PROTEGE)), "--store", str(disk_store))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"loaded 4 quads from {tmp_path / 'onto.owl'}\n"


def test_billion_laughs_is_refused_with_one_line_and_exit_2(runner, disk_store, tmp_path):
    path = _write(tmp_path, BILLION_LAUGHS, "lolz.rdf")
    message = one_error_line(run(runner, "load", str(path), "--store", str(disk_store)), 2)
    assert message == (
        f"{path}: RDF/XML refused: entity 'lol1' refers to other entities or markup "
        "(values may not contain &, % or <)"
    )


@pytest.mark.parametrize(
    ("subset", "reason"),
    [
        ('<!ENTITY ext SYSTEM "file:///etc/passwd">', "external entities"),
        ('<!ENTITY ext PUBLIC "-//x//y" "http://127.0.0.1:9/x">', "external entities"),
        ('<!ENTITY % pe "x"> %pe;', "parameter entities"),
        ('<!ENTITY a "&#38;b;">', "refers to other entities"),
        ('<!ENTITY a "<x/>">', "refers to other entities"),
        ("<!ELEMENT rdf:RDF ANY>", "only internal <!ENTITY"),
        ('<!ENTITY a "x"><!ENTITY a "y">', "declared twice"),
        ('<!ENTITY a "x"', "only internal <!ENTITY"),
        ("<!ENTITY a 'x'>", "only internal <!ENTITY"),
    ],
)
def test_unsafe_doctype_declarations_are_refused(tmp_path, subset, reason):
    with pytest.raises(InputError, match=reason):
        parse_rdf_file(_write(tmp_path, _doctype(subset)))


def test_external_dtd_is_refused(tmp_path):
    text = f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/x.dtd">\n{RDF_OPEN}</rdf:RDF>'
    with pytest.raises(InputError, match="external DTD"):
        parse_rdf_file(_write(tmp_path, text))


def test_entity_declared_outside_the_doctype_is_refused(tmp_path):
    text = _doctype('<!ENTITY a "x">', '<!-- <!ENTITY b "y"> -->')
    with pytest.raises(InputError, match="ENTITY outside the DOCTYPE"):
        parse_rdf_file(_write(tmp_path, text))


def test_expansion_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(rdfxml, "EXPANSION_FLOOR", 1000)
    body = (
        '<rdf:Description rdf:about="http://example.org/x"><rdfs:label>'
        + "&big;" * 200
        + "</rdfs:label></rdf:Description>"
    )
    path = _write(tmp_path, _doctype(f'<!ENTITY big "{"x" * 100}">', body))
    with pytest.raises(InputError, match="would expand to more than"):
        parse_rdf_file(path)
    monkeypatch.setattr(rdfxml, "EXPANSION_FLOOR", 100_000)
    (quad,) = parse_rdf_file(path)
    assert quad.object == ox.Literal("x" * 100 * 200)


def test_utf16_rdfxml_is_refused_since_its_doctype_cannot_be_read(tmp_path):
    path = _write(
        tmp_path, BILLION_LAUGHS.replace('"1.0"?', '"1.0" encoding="UTF-16"?').encode("utf-16")
    )
    with pytest.raises(InputError, match="only UTF-8"):
        parse_rdf_file(path)


def test_rdfxml_without_doctype_is_unaffected(tmp_path):
    text = f'<?xml version="1.0"?>\n{RDF_OPEN}<owl:Ontology rdf:about="http://example.org/o"/></rdf:RDF>'
    assert len(parse_rdf_file(_write(tmp_path, text))) == 1
