"""The shared board layout: parallel to the pathway, deterministic, no overlapping boxes."""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import subprocess
import sys

import pytest

from exporters.interactions import Interaction
from exporters.layout import Box, Layout, interaction_ends, layout_pathway, node_width, text_width
from exporters.pathway import Family, Gene, Term, make_pathway


def problems(pathway, layout: Layout) -> list[str]:
    """Every overlap and misplacement a reader of the board would notice."""
    found = []
    if len(layout.singles) != len(pathway.singles) or len(layout.chemicals) != len(pathway.chemicals) \
            or len(layout.diseases) != len(pathway.diseases) or len(layout.families) != len(pathway.families):
        found.append("layout is not parallel to the pathway")
    top: list[tuple[str, Box]] = [("title", layout.title)]
    top += [(f"single {g.symbol}", b) for g, b in zip(pathway.singles, layout.singles)]
    top += [(f"family {f.name}", b) for f, b in zip(pathway.families, layout.families)]
    top += [(f"chemical {t.label}", b) for t, b in zip(pathway.chemicals, layout.chemicals)]
    top += [(f"disease {t.label}", b) for t, b in zip(pathway.diseases, layout.diseases)]
    for (name_a, a), (name_b, b) in itertools.combinations(top, 2):
        if a.overlaps(b):
            found.append(f"{name_a} overlaps {name_b}")
    for family, frame, boxes in zip(pathway.families, layout.families, layout.members):
        if len(boxes) != len(family.members):
            found.append(f"family {family.name}: members not parallel")
        for gene, box in zip(family.members, boxes):
            if not frame.contains(box):
                found.append(f"member {gene.symbol} sticks out of {family.name}")
        for a, b in itertools.combinations(boxes, 2):
            if a.overlaps(b):
                found.append(f"members of {family.name} overlap")
        label_band = Box(frame.x, frame.top + 11, frame.width, 22)
        if any(label_band.overlaps(b) for b in boxes):
            found.append(f"no room for the name of {family.name}")
    every = [b for _, b in top] + [b for boxes in layout.members for b in boxes]
    if any(b.left < 0 or b.top < 0 or b.right > layout.width or b.bottom > layout.height for b in every):
        found.append("a box lies off the board")
    return found


def test_seed_layouts_have_no_overlaps(seed_pathways, v2023_pathways):
    assert sum(len(p.interactions) for p in seed_pathways) >= 20  # the seeds' captions give edges
    for pathway in seed_pathways + v2023_pathways:
        layout = layout_pathway(pathway)
        assert problems(pathway, layout) == [], pathway.figure.figid
        assert layout == layout_pathway.__wrapped__(pathway)  # deterministic


def key(node) -> str:
    if isinstance(node, Gene):
        return f"ncbigene:{node.entrez}"
    if isinstance(node, Family):
        return f"fplx:{node.name}"
    assert isinstance(node, Term)
    return f"mesh:{node.mesh_id}"


def with_edges(pathway, *edges):
    """The pathway with these (source, target, directed) interactions instead of the caption's."""
    drawn = tuple(Interaction(a, b, key(a), key(b), "activation" if directed else "binding", directed, False, ())
                  for a, b, directed in edges)
    return dataclasses.replace(pathway, interactions=drawn)


def end_boxes(pathway, layout):
    return [(getattr(layout, a[0])[a[1]], getattr(layout, b[0])[b[1]], i)
            for (a, b), i in zip(interaction_ends(pathway), pathway.interactions) if a != b]


def edge_length(pathway, layout) -> float:
    """Total length of the edges' visible part, from box border to box border."""
    return sum(math.hypot(max(0, a.left - b.right, b.left - a.right), max(0, a.top - b.bottom, b.top - a.bottom))
               for a, b, _ in end_boxes(pathway, layout))


@pytest.fixture(scope="module")
def big_seed(seed_pathways):
    """Seed 003: 29 single genes, 7 families, 8 chemicals, a disease."""
    return max(seed_pathways, key=lambda p: len(p.genes))


def test_arrows_point_down(seed_pathways, big_seed):
    """Every directed edge of an acyclic graph runs from a box to one wholly below it."""
    singles = {g.symbol: g for g in big_seed.singles}
    families = {f.name: f for f in big_seed.families}
    nh2 = next(t for t in big_seed.chemicals if t.label == "NH2")
    made = with_edges(big_seed, (nh2, families["JAK"], True), (families["JAK"], singles["SRC"], True),
                      (singles["SRC"], singles["MYC"], True), (nh2, singles["MYC"], True),
                      (families["FGF"], singles["SRC"], True), (singles["MYC"], families["AKT"], False),
                      (singles["TP53"], singles["MTTP"], True))
    for pathway in seed_pathways + [made]:
        layout = layout_pathway.__wrapped__(pathway)
        assert problems(pathway, layout) == []
        for source, target, interaction in end_boxes(pathway, layout):
            if interaction.directed:
                assert source.bottom < target.top, (pathway.figure.figid, interaction.source_key)


def test_connected_nodes_are_near_and_above_the_rest(seed_pathways):
    """The interactions' ends sit closer together than in the grid (the seeds' edges are less than half
    as long), between the title and the other nodes."""
    drawn = grid = 0.0
    for pathway in (p for p in seed_pathways if p.interactions):
        layout = layout_pathway.__wrapped__(pathway)
        drawn += edge_length(pathway, layout)
        grid += edge_length(pathway, layout_pathway.__wrapped__(dataclasses.replace(pathway, interactions=())))
        connected = {slot for pair in interaction_ends(pathway) for slot in pair}
        lowest = max(getattr(layout, f)[i].bottom for f, i in connected)
        others = [b for f in ("singles", "families", "chemicals") for i, b in enumerate(getattr(layout, f))
                  if (f, i) not in connected] + list(layout.diseases)
        assert all(layout.title.bottom < getattr(layout, f)[i].top for f, i in connected)
        assert all(lowest < b.top for b in others), pathway.figure.figid
    assert drawn < 0.5 * grid


def test_a_chain_takes_one_layer_per_step(seed_pathways):
    """Seed 000's caption: LIF binds LIFR and activates STAT3 -> ID1 -> MDM2 -| TP53."""
    pathway = next(p for p in seed_pathways if p.figure.figid.startswith("PMC") and len(p.singles) == 6)
    layout = layout_pathway.__wrapped__(pathway)
    boxes = {g.symbol: b for g, b in zip(pathway.singles, layout.singles)}
    chain = [boxes[s] for s in ("LIF", "STAT3", "ID1", "MDM2", "TP53")]
    steps = [b.y - a.y for a, b in zip(chain, chain[1:])]
    assert all(step == steps[0] for step in steps) and steps[0] < 3 * 25


def test_cycles_and_member_ends(big_seed):
    """A cycle still lays out (most arrows down); a gene named only inside a family is drawn as its
    family's box, a gene named on its own as its own node."""
    singles = {g.symbol: g for g in big_seed.singles}
    jak = next(f for f in big_seed.families if f.name == "JAK")
    jak1 = next(g for g in jak.members if g.symbol == "JAK1")
    jak2 = next(g for g in jak.members if g.symbol == "JAK2")  # also a single
    made = with_edges(big_seed, (singles["SRC"], singles["MYC"], True), (singles["MYC"], jak1, True),
                      (jak1, singles["SRC"], True), (jak2, singles["TP53"], True))
    assert interaction_ends(made)[1:3] == (
        (("singles", big_seed.singles.index(singles["MYC"])), ("families", big_seed.families.index(jak))),
        (("families", big_seed.families.index(jak)), ("singles", big_seed.singles.index(singles["SRC"]))))
    assert interaction_ends(made)[3][0] == ("singles", big_seed.singles.index(jak2))
    layout = layout_pathway.__wrapped__(made)
    assert problems(made, layout) == []
    assert sum(a.bottom < b.top for a, b, _ in end_boxes(made, layout)) >= 3


def test_layout_is_the_same_in_every_process():
    """Nothing in the layout depends on hash order: two interpreters with other hash seeds agree."""
    code = ("from exporters.records import find_records, read_record; from exporters.resources import seeds_dir;"
            "from exporters.pathway import make_pathway; from exporters.layout import layout_pathway;"
            "print([layout_pathway(make_pathway(read_record(p))) for p in find_records([seeds_dir()])])")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1


def test_node_width_fits_label():
    assert node_width("FGF23") >= text_width("FGF23") + 10
    assert node_width("a-very-long-chemical-name-from-ocr") > node_width("FGF23")
    assert node_width("") == 60.0


def test_board_is_sized_to_content(seed_pathways):
    small = min(seed_pathways, key=lambda p: len(p.genes))
    big = max(seed_pathways, key=lambda p: len(p.genes))
    s, b = layout_pathway(small), layout_pathway(big)
    assert s.width * s.height < b.width * b.height
    for layout in (s, b):
        bottom = max(box.bottom for box in (layout.title, *layout.singles, *layout.families,
                                             *layout.chemicals, *layout.diseases))
        assert layout.height - bottom <= 40


def test_corpus_layouts_have_no_overlaps(corpus_dir):
    bulk = pytest.importorskip("exporters.bulk")
    count = 0
    for figure in bulk.read_bulk(corpus_dir):
        pathway = make_pathway(figure)
        assert problems(pathway, layout_pathway(pathway)) == [], figure.figid
        count += 1
    assert count > 3000
