"""Our CX as NDEx's viewer and IQuery draw it: cytoscape-cx2js + cytoscape.js (npm) in headless Chromium."""

from __future__ import annotations

import importlib.util
import json

import pytest

from exporters.formats.cx import Cx1Exporter, Cx2Exporter

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
    return render.label_boxes([json.loads(CX1.to_bytes(p)) for p in with_families])


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
    nodes = {n["id"]: n for n in render.label_boxes([doc])[0]}
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
