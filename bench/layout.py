"""Cost and quality of the shared board layout (exporters.layout). Not run by CI.

    python bench/layout.py            # the seeds, the v2023 records and the 2020 corpus figures

Time: microseconds per figure of ``layout_pathway`` (uncached, best of five rounds), for the figures
whose caption gives interactions and for those without, next to the same figures laid out with their
interactions left out (the grid alone, as before edges were drawn). Quality, on the figures with
interactions: arrows that point down (source box wholly above target box), edges whose straight line
crosses a box other than its ends (and the family boxes holding them), and the edges' visible length
(border to border) against the grid's.
"""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exporters.bulk import iter_bulk  # noqa: E402
from exporters.layout import Box, Layout, interaction_ends, layout_pathway  # noqa: E402
from exporters.model import Figure  # noqa: E402
from exporters.pathway import Pathway, make_pathway  # noqa: E402
from exporters.records import find_records, read_record  # noqa: E402
from exporters.resources import seeds_dir  # noqa: E402

CORPUS = Path(os.environ.get("PFOCR_SHARED", ROOT.parent / "shared")) / "pfocr-corpus"


def per_figure(pathways: list[Pathway]) -> float:
    """Best of five rounds, microseconds per figure."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        for pathway in pathways:
            layout_pathway.__wrapped__(pathway)
        best = min(best, time.perf_counter() - started)
    return best / max(1, len(pathways)) * 1e6


def crosses(a: Box, b: Box, box: Box) -> bool:
    """Does the straight line between the centres of a and b pass through box (sampled)?"""
    return any(box.left < a.x + (b.x - a.x) * t < box.right and box.top < a.y + (b.y - a.y) * t < box.bottom
               for t in (k / 64 for k in range(1, 64)))


def visible(a: Box, b: Box) -> float:
    return math.hypot(max(0, a.left - b.right, b.left - a.right), max(0, a.top - b.bottom, b.top - a.bottom))


def quality(pathway: Pathway, layout: Layout, grid: Layout) -> tuple[int, int, int, int, float, float]:
    """(edges, directed, pointing down, crossing another box, visible length, grid's visible length)."""
    boxes = {(field, i): box for field in ("singles", "families", "chemicals", "diseases")
             for i, box in enumerate(getattr(layout, field))}
    edges = directed = down = crossing = 0
    length = grid_length = 0.0
    for (s, t), interaction in zip(interaction_ends(pathway), pathway.interactions):
        if s == t:
            continue
        a, b = boxes[s], boxes[t]
        edges += 1
        directed += interaction.directed
        down += interaction.directed and a.bottom <= b.top
        crossing += any(crosses(a, b, box) for slot, box in boxes.items()
                        if slot not in (s, t) and not (box.contains(a) or box.contains(b)))
        length += visible(a, b)
        grid_length += visible(getattr(grid, s[0])[s[1]], getattr(grid, t[0])[t[1]])
    return edges, directed, down, crossing, length, grid_length


def main() -> None:
    figures: list[Figure] = [read_record(p) for p in find_records([seeds_dir(), ROOT / "tests" / "data" / "v2023"])]
    if (CORPUS / "genes_2020_subsets.tsv").is_file():
        figures += [f for f in iter_bulk(CORPUS) if isinstance(f, Figure)]
    pathways = [make_pathway(f) for f in figures]
    drawn = [p for p in pathways if p.interactions]
    plain = [p for p in pathways if not p.interactions]
    stripped = [dataclasses.replace(p, interactions=()) for p in drawn]
    print(f"{len(pathways)} figures, {len(drawn)} with interactions ({sum(len(p.interactions) for p in drawn)} in all)")
    print(f"time per figure: without interactions {per_figure(plain):.0f} us; with interactions "
          f"{per_figure(drawn):.0f} us (the same figures as a grid: {per_figure(stripped):.0f} us)")
    totals = [0, 0, 0, 0, 0.0, 0.0]
    widest = 0.0
    for pathway, bare in zip(drawn, stripped):
        layout = layout_pathway.__wrapped__(pathway)
        widest = max(widest, layout.width)
        for i, value in enumerate(quality(pathway, layout, layout_pathway.__wrapped__(bare))):
            totals[i] += value
    edges, directed, down, crossing, length, grid_length = totals
    print(f"edges drawn {edges}: directed pointing down {down}/{directed}; crossing another box {crossing}; "
          f"visible length {length / max(1, grid_length):.2f} x the grid's; widest board {widest:.0f} px")


if __name__ == "__main__":
    main()
