"""GPML 2013a / 2021: valid, complete, round-trippable, openable by WikiPathways' own tools."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from exporters.formats.figure_json import figure_document
from exporters.formats.gpml import (MAX_TITLE, NS_2013A, NS_2021, Gpml2013aExporter, Gpml2021Exporter, problems,
                                    read_gpml, render_svg)
from exporters.interactions import Interaction
from exporters.model import TermMention
from exporters.relations import TYPES, Relation
from exporters.pathway import make_pathway
from exporters.records import find_records, read_record
from exporters.registry import ExportError

from conftest import V2023_DIR

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
    # the FamPlex id under the same key in both dialects, never a Group Xref (libGPML cannot save that as 2013a)
    fplx13 = [a.get("Value") for g in old.iter(f"{n13}Group") for a in g.iterfind(f"{n13}Attribute[@Key='fplx']")]
    fplx21 = [p.get("value") for g in new.iter(f"{n21}Group") for p in g.iterfind(f"{n21}Property[@key='fplx']")]
    assert fplx13 == fplx21 == [f.fplx_id for f in pathway.families]
    assert new.find(f"{n21}Groups/{n21}Group/{n21}Xref") is None
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
        chemicals=(TermMention("x<&", "x<&\"y'"), TermMention("ATP", "ATP", mesh="D000255")))
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
    assert "Interaction with an end attached to nothing" in " ".join(problems(re.sub(
        rb'(<Point [^>]*?) GraphRef="[^"]*"', rb"\1", data, count=1)))


def test_preview_pictures_show_every_gene(seed_pathways):
    pathway = max(seed_pathways, key=lambda p: len(p.genes))
    assert list(Gpml2013aExporter().companions(pathway, b"")) == []  # off unless asked
    for cls in (Gpml2013aExporter, Gpml2021Exporter):
        exporter = cls(preview=True)
        files = dict(exporter.companions(pathway, exporter.to_bytes(pathway)))
        svg = etree.fromstring(files[".svg"])
        texts = {"".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")}
        assert {g.symbol for g in pathway.genes} | {f.name for f in pathway.families} <= texts
        lines = [path for path in svg.iter("{http://www.w3.org/2000/svg}path") if path.get("marker-end")]
        assert len(lines) == len(pathway.interactions) >= 1
        if ".png" in files:
            assert files[".png"].startswith(b"\x89PNG")


def test_examples_are_current(seed_pathways):
    """examples/gpml/ holds what the exporters write today for seed 001."""
    pathway = next(p for p in seed_pathways if p.figure.figid.startswith("PMC7048131"))
    folder = ROOT / "examples" / "gpml"
    assert (folder / f"{pathway.figure.figid}.gpml").read_bytes() == EXPORTERS[0].to_bytes(pathway)
    assert (folder / f"{pathway.figure.figid}.2021.gpml").read_bytes() == EXPORTERS[1].to_bytes(pathway)
    assert (folder / f"{pathway.figure.figid}.svg").read_bytes() == render_svg(EXPORTERS[0].to_bytes(pathway))


SVG = "{http://www.w3.org/2000/svg}"


def pvjs_svg(gpml: bytes, name: str) -> etree._Element:
    """The SVG pvjs draws for a GPML 2013a file (via gpml2pvjson, as WikiPathways does)."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed; run .ci/install-node-tools on a machine with Node.js")
    if not ((TOOLS / "gpml2pvjson").exists() and (TOOLS / "pvjs").exists()):
        pytest.skip("gpml2pvjson/pvjs are not in .node-tools; run .ci/install-node-tools")
    pvjson = subprocess.run([str(TOOLS / "gpml2pvjson"), "--id", f"https://pfocr.example/{name}",
                             "--pathway-version", "0"], input=gpml, capture_output=True, timeout=60)
    assert pvjson.returncode == 0 and b'"GeneProduct"' in pvjson.stdout, pvjson.stderr.decode()[-500:]
    svg = subprocess.run([str(TOOLS / "pvjs")], input=pvjson.stdout, capture_output=True, timeout=60)
    assert svg.returncode == 0, svg.stderr.decode()[-500:]
    return etree.fromstring(svg.stdout)


def pvjs_texts(gpml: bytes, name: str) -> list[tuple[str, float]]:
    """Every text pvjs draws for a GPML 2013a file: (text, font size px)."""
    return [("".join(t.itertext()).strip(), float(t.get("font-size", "0").removesuffix("px")))
            for t in pvjs_svg(gpml, name).iter(f"{SVG}text")]


def pvjs_edges(svg: etree._Element) -> dict[str, dict]:
    """Each edge pvjs draws: GraphId -> its path's d, marker-start and marker-end (marker ids, "" for none),
    whether every marker it names is defined in the picture (a missing one draws nothing) and whether it is dashed."""
    defined = {m.get("id") for m in svg.iter(f"{SVG}marker")}
    edges = {}
    for path in svg.iter(f"{SVG}path"):
        if path.get("class") == "EdgeBody" and (path.get("id") or "").endswith("-path"):
            markers = {end: path.get(f"marker-{end}", "").removeprefix("url(#").removesuffix(")")
                       for end in ("start", "end")}
            edges[path.get("id").removesuffix("-path")] = {
                "d": path.get("d"), **markers, "defined": all(m in defined for m in markers.values() if m),
                # kaavio trims every line under its markers with a dash array of up to 4 numbers; a dashed line has many
                "dashed": len((path.getparent().get("stroke-dasharray") or "").split(",")) > 4}
    return edges


def test_wikipathways_tools_convert_and_render(seed_pathways):
    """gpml2pvjson (WikiPathways' converter) and pvjs (its renderer) open every seed: every gene and family
    name is drawn, and nothing at a size no one can read (a group's own name came out at 1 px)."""
    for pathway in seed_pathways:
        drawn = pvjs_texts(EXPORTERS[0].to_bytes(pathway), pathway.figure.figid)
        missing = ({g.symbol for g in pathway.genes} | {f.name for f in pathway.families}) - {t for t, _ in drawn}
        assert not missing, f"{pathway.figure.figid}: pvjs drew no {sorted(missing)}"
        tiny = [(t, size) for t, size in drawn if size < 10]
        assert not tiny, f"{pathway.figure.figid}: pvjs draws {tiny}"


# How each interaction type is drawn, written out here: (2013a ArrowHead, 2021 arrowHead) at the target end
ARROWHEAD = {"activation": ("mim-stimulation", "Stimulation"), "inhibition": ("mim-inhibition", "Inhibition"),
             "binding": ("mim-binding", "Binding"),
             "expression": ("mim-transcription-translation", "TranscriptionTranslation"),
             "phosphorylation": ("mim-modification", "Conversion"), "degradation": ("mim-cleavage", "Conversion"),
             "translocation": ("Arrow", "Translocation"), "conversion": ("mim-conversion", "Conversion"),
             "regulation": ("Arrow", "Directed"), "chain": ("Arrow", "Directed")}
NO_HEAD = {"gpml": "Line", "gpml2021": "Undirected"}


def every_type(pathway):
    """The pathway with one made-up interaction of each type between single genes, a family, a chemical and a
    gene that is only a family member; the inhibition hedged, the binding undirected, three between one pair."""
    a, b = pathway.singles[:2]
    family = pathway.families[0]
    member = next(g for f in pathway.families for g in f.members if g not in pathway.singles)
    chemical = next(t for t in pathway.chemicals if t.mesh_id)
    key = {id(a): f"ncbigene:{a.entrez}", id(b): f"ncbigene:{b.entrez}", id(member): f"ncbigene:{member.entrez}",
           id(family): f"fplx:{family.name}", id(chemical): f"mesh:{chemical.mesh_id}"}
    ends = [(a, b), (b, family), (a, chemical), (family, a), (a, family), (b, a), (family, b), (chemical, member),
            (chemical, b), (a, b)]
    made = []
    for n, (kind, (source, target)) in enumerate(zip(TYPES, ends), 1):
        text = f"Sentence {n} says <{kind}> & more."
        hedged, directed = kind == "inhibition", kind != "binding"
        relation = Relation(key[id(source)], key[id(target)], kind, directed, hedged, n, text, text[:10], 0, 10,
                            "x", "y")
        made.append(Interaction(source, target, key[id(source)], key[id(target)], kind, directed, hedged, (relation,)))
    return dataclasses.replace(pathway, interactions=tuple(made))


@pytest.fixture(scope="module")
def typed_pathway(seed_pathways):
    return every_type(next(p for p in seed_pathways if p.chemicals and p.families))


def drawn_interactions(data: bytes) -> list[tuple]:
    """Each Interaction of a GPML file as (source, target, type, start and end arrowheads, dashed, sentences,
    pfocr_interaction_source), its ends named like figure_document's (ncbigene:, fplx:, mesh:)."""
    drawing = read_gpml(data)
    nodes = {n["id"]: n for n in drawing.nodes}

    def key(ref: str) -> str:
        if ref in drawing.groups:
            return f"fplx:{drawing.groups[ref]['name']}"
        node = nodes[ref]
        if node["type"] == "GeneProduct":
            return f"ncbigene:{node['ident']}"
        # a chemical with a ChEBI Xref has its MeSH id as an Attribute/Property: "MeSH" in our 2013a files, "mesh" in
        # our 2021 ones (libGPML keeps the key it read when it saves the other dialect)
        mesh = node["ident"] if node["prefix"] == "mesh" else node["props"].get("mesh") or node["props"]["MeSH"]
        return f"mesh:{mesh}"

    return [(key(i["source"]), key(i["target"]), i["props"]["pfocr_interaction_type"], i["start"], i["end"],
             i["dashed"], tuple(text for source, text in i["comments"] if source == "caption"),
             i["props"]["pfocr_interaction_source"]) for i in drawing.interactions]


def expected_interactions(pathway, dialect: str) -> list[tuple]:
    """What drawn_interactions should find for the interactions of the pathway's JSON document."""
    column = 0 if dialect == "gpml" else 1
    out = []
    for i in figure_document(pathway)["interactions"]:
        head = ARROWHEAD[i["type"]][column]
        out.append((i["source"], i["target"], i["type"], head if not i["directed"] else NO_HEAD[dialect], head,
                    i["hedged"] or i["type"] == "chain", tuple(dict.fromkeys(s["text"] for s in i["statements"])),
                    "caption, unreviewed"))
    return out


def on_border(point: tuple[float, float], box) -> bool:
    """True when the point lies on the box's border (to the 0.1 px GPML coordinates are written with)."""
    x, y = point
    inside_x, inside_y = box.left - 0.06 <= x <= box.right + 0.06, box.top - 0.06 <= y <= box.bottom + 0.06
    return inside_x and inside_y and min(abs(x - box.left), abs(x - box.right), abs(y - box.top),
                                         abs(y - box.bottom)) <= 0.06


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.name)
def test_every_interaction_is_drawn_with_its_arrowhead(seed_pathways, typed_pathway, exporter):
    """Every interaction of the JSON output is an Interaction between the right nodes (a family: its group; a
    gene: its own node, else its member node in its first family) with PathVisio's arrowhead for its type,
    dashed when hedged or a chain, each stating sentence as a caption Comment, marked unreviewed, and its ends
    on the borders of what they attach to."""
    assert sum(len(p.interactions) for p in seed_pathways) >= 20
    for pathway in [*seed_pathways, typed_pathway]:
        data = exporter.to_bytes(pathway)
        assert sorted(drawn_interactions(data)) == sorted(expected_interactions(pathway, exporter.name))
        drawing = read_gpml(data)
        nodes = {n["id"]: n for n in drawing.nodes}
        singles = {g.entrez for g in pathway.singles}
        first_family = {g.entrez: f.name for f in reversed(pathway.families) for g in f.members}
        for i in drawing.interactions:
            for ref, point in ((i["source"], i["points"][0]), (i["target"], i["points"][-1])):
                if ref in drawing.groups:
                    assert on_border(point, drawing.groups[ref]["box"]), (pathway.figure.figid, i["id"])
                    continue
                node = nodes[ref]
                assert on_border(point, node["box"]), (pathway.figure.figid, i["id"], point, node["box"])
                if node["type"] == "GeneProduct":
                    group = drawing.groups[node["group"]]["name"] if node["group"] else None
                    assert group == (None if node["ident"] in singles else first_family[node["ident"]])
        if pathway.interactions:
            assert "unreviewed" in pathway_attrs(data)["pfocr_interactions"]
    drawn = {(s, t, kind) for s, t, kind, *_ in drawn_interactions(exporter.to_bytes(typed_pathway))}
    assert {kind for _, _, kind in drawn} == set(TYPES) and any(s.startswith("fplx:") for s, _, _ in drawn)


def test_parallel_interactions_do_not_overlap(typed_pathway):
    """Three interactions between the same two genes (two one way, one the other) are three separate lines."""
    a, b = (f"ncbigene:{g.entrez}" for g in typed_pathway.singles[:2])
    for exporter in EXPORTERS:
        drawing = read_gpml(exporter.to_bytes(typed_pathway))
        keys = {n["id"]: f"ncbigene:{n['ident']}" for n in drawing.nodes}
        lines = [frozenset(i["points"]) for i in drawing.interactions
                 if {keys.get(i["source"]), keys.get(i["target"])} == {a, b}]
        assert len(lines) == len(set(lines)) == 3


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.name)
def test_suspect_flags_on_gene_nodes(seed_pathways, v2023_pathways, exporter):
    """Every node of a gene the JSON output flags carries the flag codes, each reason, and a Comment per flag;
    other genes carry none; other_organism goes with the older pfocr_flag, which stays."""
    flagged = 0
    for pathway in [*seed_pathways, *v2023_pathways]:
        suspects = {g["entrez"]: g["suspect"] for g in figure_document(pathway)["genes"]}
        drawing = read_gpml(exporter.to_bytes(pathway))
        for node in (n for n in drawing.nodes if n["prefix"] == "ncbigene"):
            flags = suspects[node["ident"]]
            props = node["props"]
            if not flags:
                assert not any(k.startswith("pfocr_suspect") for k in props), node
                continue
            flagged += 1
            reasons = {}
            for f in flags:
                reasons.setdefault(f["code"], []).append(" ".join(f["reason"].split()))
            assert props["pfocr_suspect"] == "; ".join(reasons)
            assert all(props[f"pfocr_suspect_{code}"] == " | ".join(texts) for code, texts in reasons.items())
            notes = [text for source, text in node["comments"] if source == "pfocr_suspect"]
            assert notes == [f"Suspect match ({f['code']}): {f['reason']}" for f in flags]
            assert ("other_organism" in props["pfocr_suspect"]) == ("pfocr_flag" in props) == node["dashed"]
    assert flagged >= 100


def test_wikipathways_tools_draw_every_interaction(seed_pathways, typed_pathway):
    """pvjs draws each interaction as an edge between its nodes with its type's marker (each marker it names is
    defined), a start marker only on an undirected binding, and a dashed line when hedged or a chain."""
    for pathway in [*seed_pathways, typed_pathway]:
        data = EXPORTERS[0].to_bytes(pathway)
        drawn = pvjs_edges(pvjs_svg(data, pathway.figure.figid))
        ours = {i["id"]: i for i in read_gpml(data).interactions}
        assert set(drawn) == set(ours)
        for ident, edge in drawn.items():
            kind = ours[ident]["props"]["pfocr_interaction_type"]
            assert edge["defined"] and edge["end"], (pathway.figure.figid, ident, edge)
            assert bool(edge["start"]) == (kind == "binding") and edge["dashed"] == ours[ident]["dashed"]
            start, end = (tuple(map(float, xy.split(","))) for xy in edge["d"][1:].split("L"))
            assert (start, end) == (ours[ident]["points"][0], ours[ident]["points"][-1])
    assert {e["end"] for e in pvjs_edges(pvjs_svg(EXPORTERS[0].to_bytes(typed_pathway), "typed")).values()} >= {
        "markerEndMimStimulation", "markerEndMimInhibition", "markerEndMimBinding",
        "markerEndMimTranscriptionTranslation", "markerEndMimModification", "markerEndMimCleavage",
        "markerEndMimConversion", "markerEndArrow"}


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
                assert len(read_gpml(data).interactions) == len(pathway.interactions), figure.figid
        count += 1
    assert count >= 1796


# How each dialect spells the databases (written out here, not taken from exporters.identifiers)
SPELLING = {"gpml": {"gene": "Entrez Gene", "mesh": "MeSH", "chebi": "ChEBI", "doid": "Human Disease Ontology",
                     "hgnc": "HGNC Accession number", "hgnc.symbol": "HGNC", "mgi": "MGI"},
            "gpml2021": {"gene": "ncbigene", "mesh": "mesh", "chebi": "chebi", "doid": "doid",
                         "hgnc": "hgnc", "hgnc.symbol": "hgnc.symbol", "mgi": "mgi"}}


def data_nodes(data: bytes) -> list[dict]:
    """Each DataNode of a GPML file of either dialect: id, type, its Xref (database, id) and its own
    Attributes (2013a) / Properties (2021) as key -> values, parsed with lxml."""
    root = etree.fromstring(data)
    old = etree.QName(root).namespace == NS_2013A
    ns = f"{{{etree.QName(root).namespace}}}"
    nodes = []
    for dn in root.iter(f"{ns}DataNode"):
        x = dn.find(f"{ns}Xref")
        xref = None if x is None else (x.get("Database"), x.get("ID")) if old else (x.get("dataSource"),
                                                                                    x.get("identifier"))
        attrs: dict[str, list[str]] = {}
        for a in dn.iterfind(f"{ns}Attribute" if old else f"{ns}Property"):
            attrs.setdefault(a.get("Key" if old else "key"), []).append(a.get("Value" if old else "value"))
        nodes.append({"id": dn.get("GraphId" if old else "elementId"), "label": dn.get("TextLabel" if old else
                      "textLabel"), "type": dn.get("Type" if old else "type"), "xref": xref, "attrs": attrs})
    return nodes


def pathway_attrs(data: bytes) -> dict[str, str]:
    root = etree.fromstring(data)
    old = etree.QName(root).namespace == NS_2013A
    ns = f"{{{etree.QName(root).namespace}}}"
    return {a.get("Key" if old else "key"): a.get("Value" if old else "value")
            for a in root.iterfind(f"{ns}Attribute" if old else f"{ns}Property")}


def v2023_table(figid: str, kind: str) -> list[dict[str, str]]:
    path = V2023_DIR / "_data" / f"{figid}-{kind}.tsv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def local_id(value: str) -> str | None:
    """"mesh:D005227" -> "D005227"; "NA" (absent) -> None."""
    value = value.strip()
    return None if value in ("", "NA") else value.split(":", 1)[1]


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.name)
def test_v2023_records_convert_without_loss(exporter):
    """Every NCBI Gene id with its taxon, every MeSH, ChEBI and DOID id of the 12 real v2023 records' tables
    is in the GPML, in an Xref or in the Attribute/Property the exporter defines for it."""
    spell = SPELLING[exporter.name]
    paths = find_records([V2023_DIR])
    assert len(paths) == 12
    checked = {"gene": 0, "mesh": 0, "chebi": 0, "doid": 0}
    for path in paths:
        figure = read_record(path)
        data = exporter.to_bytes(make_pathway(figure))  # raises ExportError when not valid
        assert problems(data) == []
        nodes = data_nodes(data)
        figure_taxon = make_pathway(figure).taxon
        for row in v2023_table(figure.figid, "genes"):
            entrez, taxon = row["ncbigene_id"].strip(), row["organism_id"].strip()
            found = [n for n in nodes if n["type"] == "GeneProduct" and n["xref"] == (spell["gene"], entrez)]
            assert found, f"{figure.figid}: no gene node with Xref {spell['gene']} {entrez}"
            assert all(n["attrs"].get("ncbitaxon") == [taxon] for n in found), (figure.figid, entrez, taxon)
            # the organism's name where it is not the pathway's Organism (whose name the pathway carries)
            name = [] if taxon == figure_taxon else [row["organism_name"].strip()]
            assert all(n["attrs"].get("pfocr_organism", []) == name for n in found)
            checked["gene"] += 1
        for kind, node_type, column, id_prefix in (("chemicals", "Metabolite", "chebi", "CHEBI:"),
                                                   ("diseases", "Disease", "doid", "DOID:")):
            rows = [(local_id(r["mesh"]), local_id(r[column])) for r in v2023_table(figure.figid, kind)]
            mesh_with_ontology = {mesh for mesh, onto in rows if mesh and onto}
            terms = [n for n in nodes if n["type"] == node_type]
            for mesh, onto in rows:
                if onto:  # ontology id in the Xref, the row's MeSH id beside it on the same node
                    xref = (spell[column], id_prefix + onto)
                    assert any(n["xref"] == xref and (mesh is None or n["attrs"].get(spell["mesh"]) == [mesh])
                               for n in terms), f"{figure.figid}: no {node_type} with Xref {xref} and MeSH {mesh}"
                    checked[column] += 1
                if mesh:
                    in_xref = any(n["xref"] == (spell["mesh"], mesh) for n in terms)
                    in_attr = any(n["attrs"].get(spell["mesh"]) == [mesh] for n in terms)
                    # MeSH is the Xref unless a ChEBI/DOID id of the same MeSH term took that place
                    assert in_xref or (mesh in mesh_with_ontology and in_attr), (figure.figid, kind, mesh)
                    checked["mesh"] += 1
    assert all(checked.values()), checked


def test_v2023_organisms_and_nomenclatures(v2023_pathways):
    """Mouse MGI ids, no HGNC symbol for non-human genes, flags, the figure organism's rule and all organisms named."""
    for pathway in v2023_pathways:
        for exporter in EXPORTERS:
            spell = SPELLING[exporter.name]
            data = exporter.to_bytes(pathway)
            nodes = {n["xref"][1]: n for n in data_nodes(data) if n["type"] == "GeneProduct"}
            for gene in pathway.genes:
                attrs = nodes[gene.entrez]["attrs"]
                if gene.taxon == "9606":
                    assert attrs.get(spell["hgnc"]) == ([gene.xref.hgnc_id] if gene.xref.hgnc_id else None)
                    assert spell["mgi"] not in attrs
                else:
                    assert spell["hgnc"] not in attrs and spell["hgnc.symbol"] not in attrs, gene
                if gene.taxon == "10090" and gene.xref.nomenclature_id:
                    assert attrs[spell["mgi"]] == [f"MGI:{gene.xref.nomenclature_id}"]
                assert attrs.get("pfocr_flag") == ([gene.flag] if gene.flag else None)
            drawn = {n["ident"]: n["dashed"] for n in read_gpml(data).nodes if n["prefix"] == "ncbigene"}
            assert drawn == {g.entrez: bool(g.flag) for g in pathway.genes}  # flagged genes: broken border
            top = pathway_attrs(data)
            assert top.get("pfocr_organism_source") == pathway.organism_source
            named = [re.fullmatch(r"(.+?)(?: \(ncbitaxon:(\d+)\))?", part).groups()
                     for part in top["pfocr_organisms_named"].split("; ")] if pathway.organisms_named else []
            assert named == [(name, taxon) for name, taxon in pathway.organisms_named]
    mouse = next(p for p in v2023_pathways if p.taxon == "10090")
    old = data_nodes(EXPORTERS[0].to_bytes(mouse))
    spg21 = next(n for n in old if n["xref"] == ("Entrez Gene", "27965"))
    assert spg21["attrs"]["MGI"] == ["MGI:106403"] and spg21["attrs"]["ncbitaxon"] == ["10090"]
    assert sum(bool(g.flag) for p in v2023_pathways for g in p.genes) > 0  # the flags were exercised


def test_id_forms_are_checked(v2023_pathways):
    pathway = next(p for p in v2023_pathways if any(t.ontology == "chebi" for t in p.chemicals))
    for exporter in EXPORTERS:
        data = exporter.to_bytes(pathway)
        bad = re.sub(rb'"CHEBI:(\d+)"', rb'"\1"', data, count=1)
        assert "must look like 'CHEBI:15422'" in " ".join(problems(bad))


def test_2013a_citation_names_a_database_libgpml_knows(seed_pathways):
    """The paper is cited as DOI or PubMed Central + PMC id, never as a made-up "URL" database (issue 13, item 5)."""
    for pathway in seed_pathways:
        root = etree.fromstring(EXPORTERS[0].to_bytes(pathway))
        bp = "{http://www.biopax.org/release/biopax-level3.owl#}"
        (xref,) = root.iter(f"{bp}PublicationXref")
        db, ident = xref.findtext(f"{bp}DB"), xref.findtext(f"{bp}ID")
        fig = pathway.figure
        assert (db, ident) == (("DOI", fig.doi.strip()) if fig.doi else ("PubMed Central", fig.pmcid))
