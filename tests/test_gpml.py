"""GPML 2013a / 2021: valid, complete, round-trippable, openable by WikiPathways' own tools."""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from exporters.formats.gpml import (MAX_TITLE, NS_2013A, NS_2021, Gpml2013aExporter, Gpml2021Exporter, problems,
                                    read_gpml, render_svg)
from exporters.model import TermMention
from exporters.pathway import make_pathway
from exporters.registry import ExportError

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".node-tools" / "node_modules" / ".bin"
EXPORTERS = (Gpml2013aExporter(), Gpml2021Exporter())
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def summary(data: bytes):
    """Entrez ids, MeSH ids and family groups (name -> member Entrez ids) a GPML file holds."""
    d = read_gpml(data)
    entrez = {n["ident"] for n in d.nodes if n["prefix"] == "ncbigene"}
    mesh = {n["ident"] for n in d.nodes if n["prefix"] == "mesh"}
    groups = {g["name"]: frozenset(n["ident"] for n in d.nodes if n["group"] == gid) for gid, g in d.groups.items()}
    return entrez, mesh, groups


def expected(pathway):
    return ({g.entrez for g in pathway.genes},
            {t.mesh_id for t in pathway.chemicals + pathway.diseases if t.mesh_id},
            {f.name: frozenset(g.entrez for g in f.members) for f in pathway.families})


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.name)
def test_seeds_validate_and_round_trip(seed_pathways, exporter):
    for pathway in seed_pathways:
        data = exporter.to_bytes(pathway)  # raises ExportError when invalid
        assert data == exporter.to_bytes(pathway)  # byte-identical on re-run
        assert summary(data) == expected(pathway), pathway.figure.figid
        drawing = read_gpml(data)
        singles = [n for n in drawing.nodes if n["group"] is None and n["type"] == "GeneProduct"]
        assert [n["label"] for n in singles] == [g.symbol for g in pathway.singles]
        assert all(n["type"] == "GeneProduct" for n in drawing.nodes if n["prefix"] == "ncbigene")
        family_labels = {lab["text"] for lab in drawing.labels if lab["group"]}
        assert family_labels == {f.name for f in pathway.families}  # the family name is shown


def test_dialect_spelling(seed_pathways):
    pathway = max(seed_pathways, key=lambda p: len(p.families))
    old = etree.fromstring(EXPORTERS[0].to_bytes(pathway))
    new = etree.fromstring(EXPORTERS[1].to_bytes(pathway))
    n13, n21 = f"{{{NS_2013A}}}", f"{{{NS_2021}}}"
    gene = pathway.genes[0]
    node13 = old.find(f"{n13}DataNode/{n13}Xref[@ID='{gene.entrez}']/..")
    assert node13.find(f"{n13}Xref").get("Database") == "Entrez Gene"
    assert node13.find(f"{n13}Comment").get("Source") == "OCR"
    keys = {a.get("Key"): a.get("Value") for a in node13.iterfind(f"{n13}Attribute")}
    node21 = new.find(f"{n21}DataNodes/{n21}DataNode/{n21}Xref[@identifier='{gene.entrez}']/..")
    assert node21.find(f"{n21}Xref").get("dataSource") == "ncbigene"
    props = {p.get("key"): p.get("value") for p in node21.iterfind(f"{n21}Property")}
    if gene.xref.hgnc_id:  # HGNC id and symbol machine-readable in both dialects
        assert keys["HGNC Accession number"] == props["hgnc"] == gene.xref.hgnc_id
        assert keys["HGNC"] == props["hgnc.symbol"] == gene.symbol
    assert old.find(f"{n13}Comment[@Source='WikiPathways-description']").text == " ".join(
        pathway.figure.caption.split())
    assert new.find(f"{n21}Description").text == old.find(f"{n13}Comment").text
    assert old.get("License") == new.get("license") == "CC0"
    assert old.get("Organism") == new.get("organism") == pathway.organism
    # groups: 2013a members point at the GroupId, 2021 at the group's elementId; 2021 groups carry Graphics
    assert {g.get("GroupId") for g in old.iter(f"{n13}Group")} == {
        d.get("GroupRef") for d in old.iter(f"{n13}DataNode") if d.get("GroupRef")}
    assert all(g.find(f"{n21}Graphics") is not None for g in new.iter(f"{n21}Group"))
    # the paper: Biopax publication in 2013a, Citation in 2021, reftext kept verbatim
    assert old.find(f"{n13}BiopaxRef").text == "cite"
    assert new.find(f"{n21}Citations/{n21}Citation/{n21}Xref").get("dataSource") in ("doi", "pmc")
    assert {a.get("Value") for a in old.iterfind(f"{n13}Attribute")} >= {pathway.figure.reftext,
                                                                         pathway.figure.figure_url}
    for root, attr in ((old, "GraphId"), (new, "elementId")):
        assert all(NCNAME.match(el.get(attr)) for el in root.iter() if isinstance(el.tag, str) and el.get(attr))


def test_long_title_is_cut_and_kept(seed_pathways):
    pathway = next(p for p in seed_pathways if len(p.figure.title) > MAX_TITLE)
    for exporter in EXPORTERS:
        root = etree.fromstring(exporter.to_bytes(pathway))
        title = root.get("Name") or root.get("title")
        assert len(title) <= MAX_TITLE and title.endswith("…")
        assert pathway.figure.title.startswith(title[:-1])
        assert pathway.figure.title in etree.tostring(root).decode()  # full title kept as an attribute/property


def test_hostile_text_is_escaped_and_cleaned(seed_figures):
    figure = dataclasses.replace(
        seed_figures[0], title='A <b>&"odd"</b>\x01 title\x0b', caption="caption with ]]> and \x1f control",
        chemicals=(TermMention("x<&", "x<&\"y'", "", ""), TermMention("ATP", "ATP", "MESH", "D000255")))
    pathway = make_pathway(figure)
    for exporter in EXPORTERS:
        data = exporter.to_bytes(pathway)
        drawing = read_gpml(data)
        assert drawing.title == 'A <b>&"odd"</b> title'
        chems = [n for n in drawing.nodes if n["type"] == "Metabolite"]
        assert [(n["label"], n["prefix"], n["ident"]) for n in chems][0][0] == "x<&\"y'"
        assert ("ATP", "mesh", "D000255") in [(n["label"], n["prefix"], n["ident"]) for n in chems]
    no_id = etree.fromstring(EXPORTERS[0].to_bytes(pathway)).find(f"{{{NS_2013A}}}DataNode[@Type='Metabolite']")
    xref = no_id.find(f"{{{NS_2013A}}}Xref")
    assert (xref.get("Database"), xref.get("ID")) == ("", "")  # a mention without id keeps an empty Xref


MINIMAL_2013A = b"""<?xml version="1.0" encoding="UTF-8"?>
<Pathway xmlns="http://pathvisio.org/GPML/2013a" Name="x" Data-Source="WikiPathways">
  <BiopaxRef>nowhere</BiopaxRef>
  <DataNode TextLabel="TP53" GraphId="n1" GroupRef="g1">
    <Graphics CenterX="1" CenterY="1" Width="1" Height="1" /><Xref Database="Entrez Gene" ID="abc" /></DataNode>
  <Group GroupId="g1" GraphId="g1grp" />
  <InfoBox CenterX="0" CenterY="0" />
</Pathway>"""

MINIMAL_2021 = b"""<Pathway xmlns="http://pathvisio.org/GPML/2021" title="x">
  <DataNodes><DataNode elementId="n1" textLabel="A" groupRef="g1">
    <Graphics centerX="1" centerY="1" width="1" height="1" /></DataNode></DataNodes>
  <Groups><Group elementId="g1"><Graphics centerX="1" centerY="1" width="1" height="1" /></Group></Groups>
</Pathway>"""


def test_foreign_files_of_both_dialects_are_accepted():
    # curator checks (integer Entrez ids, BiopaxRef targets) apply to our own files only
    for exporter, data in itertools.product(EXPORTERS, (MINIMAL_2013A, MINIMAL_2021)):
        exporter.validate(data, "foreign.gpml")


@pytest.mark.parametrize("data, message", [
    (b"<Pathway><x/></Pathway>", r"line 1: root element <Pathway> is in namespace \(none\), not GPML"),
    (b"<Pathway xmlns='http://pathvisio.org/GPML/2013a' Name='x'", "not well-formed XML"),
    (MINIMAL_2013A.replace(b'GroupRef="g1"', b'GroupRef="g2"'), "line 4: GroupRef 'g2' names no Group's GroupId"),
    (MINIMAL_2013A.replace(b"<InfoBox", b"<Label TextLabel='l'><Graphics CenterX='1' CenterY='1' Width='1' "
                                        b"Height='1'/></Label><InfoBox"), "line 7: .*Label.*not expected"),
    (MINIMAL_2013A.replace(b'GraphId="g1grp"', b'GraphId="1bad"'), "line 6: Element 'Group', attribute 'GraphId': '1bad' is not a valid value of the atomic type 'xs:ID'"),
    (MINIMAL_2021.replace(b'groupRef="g1"', b'groupRef="n1"'), "line 2: groupRef 'n1' is a DataNode, not a Group"),
    (MINIMAL_2013A.replace(b"WikiPathways", b"PFOCR"), "(BiopaxRef 'nowhere' names no Biopax|Entrez Gene id 'abc')"),
])
def test_invalid_files_are_rejected_naming_problem_and_line(data, message):
    for exporter in EXPORTERS:
        with pytest.raises(ExportError, match=f"^bad.gpml: {exporter.name}: .*{message}"):
            exporter.validate(data, "bad.gpml")


def test_our_files_pass_curator_checks(seed_pathways):
    data = EXPORTERS[0].to_bytes(seed_pathways[0])
    assert problems(data) == []
    assert "must be an integer" in " ".join(problems(data.replace(b'ID="3976"', b'ID="LIF"')))
    assert "empty label" in " ".join(problems(data.replace(b'TextLabel="LIF"', b'TextLabel=" "')))
    assert "description" in " ".join(problems(re.sub(rb"<Comment Source=\"WikiPathways-description\">.*?</Comment>",
                                                     b"", data, flags=re.S)))


def test_preview_pictures_show_every_gene(seed_pathways):
    pathway = max(seed_pathways, key=lambda p: len(p.genes))
    assert list(Gpml2013aExporter().companions(pathway, b"")) == []  # off unless asked
    for cls in (Gpml2013aExporter, Gpml2021Exporter):
        exporter = cls(preview=True)
        files = dict(exporter.companions(pathway, exporter.to_bytes(pathway)))
        svg = etree.fromstring(files[".svg"])
        texts = {"".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")}
        assert {g.symbol for g in pathway.genes} | {f.name for f in pathway.families} <= texts
        if ".png" in files:
            assert files[".png"].startswith(b"\x89PNG")


def test_examples_are_current(seed_pathways):
    """examples/gpml/ holds what the exporters write today for seed 001."""
    pathway = next(p for p in seed_pathways if p.figure.figid.startswith("PMC7048131"))
    folder = ROOT / "examples" / "gpml"
    assert (folder / f"{pathway.figure.figid}.gpml").read_bytes() == EXPORTERS[0].to_bytes(pathway)
    assert (folder / f"{pathway.figure.figid}.2021.gpml").read_bytes() == EXPORTERS[1].to_bytes(pathway)
    assert (folder / f"{pathway.figure.figid}.svg").read_bytes() == render_svg(EXPORTERS[0].to_bytes(pathway))


def test_wikipathways_tools_convert_and_render(seed_pathways, tmp_path):
    """gpml2pvjson (WikiPathways' converter) and pvjs (its renderer) open every seed; every gene is drawn."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed; run .ci/install-node-tools on a machine with Node.js")
    if not ((TOOLS / "gpml2pvjson").exists() and (TOOLS / "pvjs").exists()):
        pytest.skip("gpml2pvjson/pvjs are not in .node-tools; run .ci/install-node-tools")
    for pathway in seed_pathways:
        gpml = EXPORTERS[0].to_bytes(pathway)
        pvjson = subprocess.run([str(TOOLS / "gpml2pvjson"), "--id", f"https://pfocr.example/{pathway.figure.figid}",
                                 "--pathway-version", "0"], input=gpml, capture_output=True, timeout=60)
        assert pvjson.returncode == 0 and b'"GeneProduct"' in pvjson.stdout, pvjson.stderr.decode()[-500:]
        svg = subprocess.run([str(TOOLS / "pvjs")], input=pvjson.stdout, capture_output=True, timeout=60)
        assert svg.returncode == 0, svg.stderr.decode()[-500:]
        root = etree.fromstring(svg.stdout)
        texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
        missing = {g.symbol for g in pathway.genes} - texts
        assert not missing, f"{pathway.figure.figid}: pvjs drew no {sorted(missing)}"


def test_corpus_converts_and_validates(corpus_dir):
    """Every other corpus figure (the full 3,592 x 2 dialects pass too; ~27 s) in both dialects."""
    from exporters.bulk import read_bulk

    count = 0
    for figure in itertools.islice(read_bulk(corpus_dir), 0, None, 2):
        pathway = make_pathway(figure)
        for exporter in EXPORTERS:
            data = exporter.to_bytes(pathway)
            if count % 50 == 0:
                assert summary(data) == expected(pathway), figure.figid
        count += 1
    assert count >= 1796
