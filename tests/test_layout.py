"""The shared board layout: parallel to the pathway, deterministic, no overlapping boxes."""

from __future__ import annotations

import itertools

import pytest

from exporters.layout import Box, Layout, layout_pathway, node_width, text_width
from exporters.pathway import make_pathway


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


def test_seed_layouts_have_no_overlaps(seed_pathways):
    for pathway in seed_pathways:
        layout = layout_pathway(pathway)
        assert problems(pathway, layout) == [], pathway.figure.figid
        assert layout == layout_pathway(pathway)  # deterministic


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
