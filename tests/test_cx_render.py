"""Our CX as NDEx's viewer and IQuery draw it: cytoscape-cx2js + cytoscape.js (npm) in headless Chromium:
family names, labels, caption-interaction edges (ends, arrows, dashes) and suspect-gene borders."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace

import pytest

from exporters.formats.cx import Cx1Exporter, Cx2Exporter
from exporters.layout import gene_label, term_label
from exporters.pathway import Family, Gene, make_pathway

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("cx_render", ROOT / "examples" / "cx" / "render.py")
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)

CX1, CX2 = Cx1Exporter(), Cx2Exporter()


@pytest.fixture(scope="module")
def with_families(seed_pathways, v2023_pathways):
    pathways = [p for p in [*seed_pathways, *v2023_pathways] if p.families]
    assert len(pathways) >= 3
    return pathways


@pytest.fixture(scope="module")
def drawn(with_families):
    reason = render.missing()
    if reason:
        pytest.skip(reason)
    return [network["nodes"] for network in render.drawn([json.loads(CX1.to_bytes(p)) for p in with_families])]


def _families(pathway):
    """(family node id, its member node ids) in the order the exporter numbers nodes."""
    i = len(pathway.singles)
    for family in pathway.families:
        yield i, list(range(i + 1, i + 1 + len(family.members)))
        i += 1 + len(family.members)


def test_family_names_are_drawn_above_their_members(with_families, drawn):
    """The family's name sits in its frame's top band, clear of every member (issue 13 item 2: it was
    drawn at the frame's centre, under the member boxes)."""
    checked = 0
    for pathway, nodes in zip(with_families, drawn):
        by_id = {n["id"]: n for n in nodes}
        for (family, members), group in zip(_families(pathway), pathway.families):
            frame, name = by_id[family]["node"], by_id[family]["text"]
            assert by_id[family]["label"] == group.name
            top_of_members = min(by_id[m]["node"]["y1"] for m in members)
            assert frame["y1"] <= name["y1"] and name["y2"] <= top_of_members, (pathway.figure.figid, by_id[family])
            assert frame["x1"] <= name["x1"] and name["x2"] <= frame["x2"]
            checked += 1
    assert checked >= 5


def test_every_other_label_stays_in_its_box(with_families, drawn):
    family_ids = {f for p in with_families for f, _ in _families(p)}
    for pathway, nodes in zip(with_families, drawn):
        for node in nodes:
            if node["id"] in family_ids:
                continue
            box, text = node["node"], node["text"]
            assert box["x1"] <= text["x1"] and text["x2"] <= box["x2"], (pathway.figure.figid, node)
            assert box["y1"] <= text["y1"] and text["y2"] <= box["y2"], (pathway.figure.figid, node)


def test_the_old_inside_top_anchor_is_drawn_under_the_members(with_families):
    """What item 2 reported, reproduced: cytoscape-cx2js draws CX1 "N,N" (inside top) at the centre."""
    reason = render.missing()
    if reason:
        pytest.skip(reason)
    pathway = with_families[0]
    doc = json.loads(CX1.to_bytes(pathway))
    family, members = next(_families(pathway))
    for fragment in doc:
        for element in fragment.get("cyVisualProperties", []):
            if element.get("applies_to") == family:
                element["properties"]["NODE_LABEL_POSITION"] = "N,N,c,0.00,3.00"
    nodes = {n["id"]: n for n in render.drawn([doc])[0]["nodes"]}
    name, frame = nodes[family]["text"], nodes[family]["node"]
    assert abs((name["y1"] + name["y2"]) / 2 - (frame["y1"] + frame["y2"]) / 2) < 5
    assert name["y2"] > min(nodes[m]["node"]["y1"] for m in members)


def _cx2_label_position(cx1: str) -> dict:
    """NDEx's CX1 -> CX2 conversion of a label position (ndex-object-model ObjectPosition.createFromCX1Value,
    LabelPosition adds the justification)."""
    node_anchor, label_anchor, justification, x, y = cx1.split(",")
    vertical = {"N": "top", "S": "bottom"}
    horizontal = {"W": "left", "E": "right"}

    def place(letters, what):
        return (next((vertical[c] for c in letters if c in vertical), "center") if what == "v"
                else next((horizontal[c] for c in letters if c in horizontal), "center"))

    return {"HORIZONTAL_ALIGN": place(label_anchor, "h"), "VERTICAL_ALIGN": place(label_anchor, "v"),
            "HORIZONTAL_ANCHOR": place(node_anchor, "h"), "VERTICAL_ANCHOR": place(node_anchor, "v"),
            "MARGIN_X": float(x), "MARGIN_Y": float(y),
            "JUSTIFICATION": {"l": "left", "r": "right"}.get(justification, "center")}


def test_cx2_places_names_as_ndex_converts_the_cx1(with_families):
    """The .cx2 carries the same label positions NDEx derives from the .cx, so both uploads look alike."""
    for pathway in with_families:
        cx1 = {e["applies_to"]: e["properties"]["NODE_LABEL_POSITION"]
               for f in json.loads(CX1.to_bytes(pathway)) for e in f.get("cyVisualProperties", [])
               if "NODE_LABEL_POSITION" in e.get("properties", {}) and "applies_to" in e}
        cx2 = {b["id"]: b["v"]["NODE_LABEL_POSITION"]
               for f in json.loads(CX2.to_bytes(pathway)) for b in f.get("nodeBypasses", [])
               if "NODE_LABEL_POSITION" in b["v"]}
        assert sorted(cx1) == sorted(cx2) == [f for f, _ in _families(pathway)]
        assert all(_cx2_label_position(cx1[i]) == cx2[i] for i in cx1)


# What a reader of the figure expects at an edge's target, as cytoscape.js names the shapes.
ARROW_SEEN = {"activation": "triangle", "expression": "triangle", "phosphorylation": "triangle",
              "translocation": "triangle", "conversion": "triangle", "chain": "triangle", "inhibition": "tee",
              "degradation": "tee", "regulation": "diamond", "binding": "none"}


@pytest.fixture(scope="module")
def with_edges(seed_pathways, v2023_pathways):
    """Every seed and v2023 record with caption interactions, plus a seed whose caption hedges ("may") and names
    a slash chain (chains on), for the dashed and the faint lines."""
    pathways = [p for p in [*seed_pathways, *v2023_pathways] if p.interactions]
    seed = next(p.figure for p in seed_pathways if p.figure.figid.startswith("PMC7513516"))
    caption = "JAK2 may activate STAT3. Signalling through the IL6/JAK/STAT3 pathway."
    hedged = make_pathway(replace(seed, caption=caption), chains=True)
    assert {(i.type, i.hedged) for i in hedged.interactions} == {("activation", True), ("chain", False)}
    return [*pathways, hedged]


@pytest.fixture(scope="module")
def drawn_edges(with_edges):
    reason = render.missing()
    if reason:
        pytest.skip(reason)
    docs = [json.loads(CX1.to_bytes(p)) for p in with_edges]
    return docs, render.drawn(docs)


def _label(end):
    if isinstance(end, Gene):
        return gene_label(end)
    return end.name if isinstance(end, Family) else term_label(end)


def test_edges_are_drawn_between_the_named_nodes_with_arrows_by_type(with_edges, drawn_edges):
    """Each caption interaction is a visible edge from the node that names its source to the node that names
    its target; the target end has the arrow of its type (T-bar for inhibition), hedged ones are dashed,
    slash chains faint, and the edge's ends sit on the two nodes' borders."""
    _, networks = drawn_edges
    types = set()
    for pathway, network in zip(with_edges, networks):
        nodes = {n["id"]: n for n in network["nodes"]}
        edges = sorted(network["edges"], key=lambda e: e["id"])
        assert len(edges) == len(pathway.interactions), pathway.figure.figid
        for interaction, edge in zip(pathway.interactions, edges):
            where = (pathway.figure.figid, edge)
            assert edge["visible"] and edge["width"] > 0 and edge["interaction"] == interaction.type, where
            assert nodes[edge["source"]]["label"] == _label(interaction.source), where
            assert nodes[edge["target"]]["label"] == _label(interaction.target), where
            assert (edge["arrow"], edge["sourceArrow"]) == (ARROW_SEEN[interaction.type], "none"), where
            assert edge["line"] == ("dashed" if interaction.hedged else "solid"), where
            assert (edge["opacity"] < 0.5) == interaction.is_chain, where
            for point, end in ((edge["start"], edge["source"]), (edge["end"], edge["target"])):
                box = nodes[end]["node"]
                assert box["x1"] - 2 <= point["x"] <= box["x2"] + 2, where
                assert box["y1"] - 2 <= point["y"] <= box["y2"] + 2, where
            types.add(interaction.type)
    assert {"activation", "inhibition", "binding", "expression", "chain"} <= types


def test_suspect_genes_have_an_orange_border(drawn_edges):
    """A gene with suspect-mention flags is drawn with an orange border, genes of another organism too (their
    dashed border, NODE_BORDER_STROKE, is one cytoscape-cx2js 0.6.6 does not draw: it has no such property)."""
    docs, networks = drawn_edges
    suspects = 0
    for doc, network in zip(docs, networks):
        attrs = {}
        for fragment in doc:
            for a in fragment.get("nodeAttributes", []):
                attrs.setdefault(a["po"], {})[a["n"]] = a["v"]
        for node in network["nodes"]:
            flagged = "suspect" in attrs[node["id"]]
            assert (node["border"] == "rgb(230,81,0)") == flagged, node
            assert flagged or "flag" not in attrs[node["id"]], node
            assert node["borderStyle"] == "solid", node
            suspects += flagged
    assert suspects >= 20
