"""A deterministic, readable board layout shared by the drawn formats (GPML, CX).

The board reads top to bottom: the figure title, the single genes in a grid,
the FamPlex families as boxed groups (members inside, family name on top),
then a band of chemicals and a band of diseases. Node widths fit their label
text, the board is sized to its content and no two boxes overlap (members
sit inside their own group box only). All coordinates are box centres.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .pathway import Gene, Pathway, Term, shared_per_pathway

MARGIN = 20.0  # board edge to content
GAP = 12.0  # between neighbouring boxes
BAND_GAP = 36.0  # between the title, singles, families, chemicals and diseases
NODE_HEIGHT = 25.0
NODE_MIN_WIDTH = 60.0
GROUP_PAD = 10.0  # group frame to its members
GROUP_LABEL = 22.0  # room above the members for the family name
TITLE_FONT = 16
TITLE_LINE = 22.0
TITLE_WRAP = 64  # characters per title line
TITLE_BOLD = 1.2  # bold title text is wider than the regular-weight estimate
MIN_WIDTH = 600.0  # content width never narrower than this
MAX_WIDTH = 1600.0  # nor (unless one box is wider) wider than this


@dataclass(frozen=True)
class Box:
    x: float  # centre x
    y: float  # centre y
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share interior area (touching edges do not count)."""
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def contains(self, other: Box) -> bool:
        """True when other lies inside this box."""
        return (self.left <= other.left and other.right <= self.right
                and self.top <= other.top and other.bottom <= self.bottom)


@dataclass(frozen=True)
class Layout:
    width: float  # board size
    height: float
    title: Box
    singles: tuple[Box, ...]  # parallel to pathway.singles
    families: tuple[Box, ...]  # group boxes, parallel to pathway.families
    members: tuple[tuple[Box, ...], ...]  # member boxes, parallel to pathway.families[i].members
    chemicals: tuple[Box, ...]  # parallel to pathway.chemicals
    diseases: tuple[Box, ...]  # parallel to pathway.diseases
    title_lines: tuple[str, ...] = ()  # the title as wrapped into the title box


def gene_label(gene: Gene) -> str:
    """Text shown on a gene node: its current HGNC symbol."""
    return gene.symbol


def term_label(term: Term) -> str:
    """Text shown on a chemical or disease node: the word on the figure."""
    return term.label


def text_width(text: str, font_size: float = 12.0) -> float:
    """Estimated rendered width of text in a sans-serif font (no font metrics needed)."""
    units = 0.0
    for char in text:
        if char in "il.,:;|!'` ":
            units += 0.3 if char != " " else 0.28
        elif char in "mwMW":
            units += 0.85
        elif char.isupper() or char.isdigit():
            units += 0.67
        else:
            units += 0.55
    return units * font_size


def node_width(text: str, font_size: float = 12.0) -> float:
    """Width of a node box whose label is text, with padding, rounded up to 5 px."""
    return max(NODE_MIN_WIDTH, math.ceil((text_width(text, font_size) + 16.0) / 5.0) * 5.0)


def wrap_title(title: str) -> tuple[str, ...]:
    """The title split into lines of at most TITLE_WRAP characters (at least one line)."""
    return tuple(textwrap.wrap(" ".join(title.split()), TITLE_WRAP)) or ("",)


@shared_per_pathway
def layout_pathway(pathway: Pathway) -> Layout:
    """Place every node, group and the title of a pathway on a board."""
    lines = wrap_title(pathway.figure.title)
    title_w = max(node_width(line, TITLE_FONT) for line in lines) * TITLE_BOLD
    single_w = [node_width(gene_label(g)) for g in pathway.singles]
    member_w = [[node_width(gene_label(g)) for g in f.members] for f in pathway.families]
    group_sizes = [_group_size(len(ws), max(ws, default=NODE_MIN_WIDTH), f.name)
                   for ws, f in zip(member_w, pathway.families)]
    chem_w = [node_width(term_label(t)) for t in pathway.chemicals]
    dis_w = [node_width(term_label(t)) for t in pathway.diseases]

    area = sum((w + GAP) * (NODE_HEIGHT + GAP) for w in single_w + chem_w + dis_w)
    area += sum((w + GAP) * (h + GAP) for w, h in group_sizes)
    widest = max([title_w] + [w for w, _ in group_sizes] + single_w + chem_w + dis_w)
    content_w = max(widest, min(MAX_WIDTH, max(MIN_WIDTH, math.sqrt(area * 2.0))))

    y = MARGIN
    title = Box(MARGIN + content_w / 2, y + len(lines) * TITLE_LINE / 2, title_w, len(lines) * TITLE_LINE)
    y = title.bottom
    singles, y = _grid(single_w, content_w, y + BAND_GAP if single_w else y)
    families, members, y = _groups(member_w, group_sizes, content_w, y + BAND_GAP if group_sizes else y)
    chemicals, y = _grid(chem_w, content_w, y + BAND_GAP if chem_w else y)
    diseases, y = _grid(dis_w, content_w, y + BAND_GAP if dis_w else y)
    return Layout(width=content_w + 2 * MARGIN, height=y + MARGIN, title=title, singles=singles,
                  families=families, members=members, chemicals=chemicals, diseases=diseases,
                  title_lines=lines)


def _columns(cell: float, content_w: float, count: int) -> int:
    return max(1, min(count, int((content_w + GAP) // (cell + GAP))))


def _grid(widths: Sequence[float], content_w: float, top: float) -> tuple[tuple[Box, ...], float]:
    """Equal cells (as wide as the widest label) in rows; returns boxes and the bottom y."""
    if not widths:
        return (), top
    cell = max(widths)
    cols = _columns(cell, content_w, len(widths))
    boxes = []
    for i, w in enumerate(widths):
        row, col = divmod(i, cols)
        boxes.append(Box(MARGIN + col * (cell + GAP) + cell / 2,
                         top + row * (NODE_HEIGHT + GAP) + NODE_HEIGHT / 2, w, NODE_HEIGHT))
    rows = math.ceil(len(widths) / cols)
    return tuple(boxes), top + rows * NODE_HEIGHT + (rows - 1) * GAP


def _group_cols(count: int) -> int:
    """Members per row inside a group: a squarish block, at most 5 wide."""
    return max(1, min(5, math.ceil(math.sqrt(count))))


def _group_size(count: int, cell: float, name: str) -> tuple[float, float]:
    cols = _group_cols(count)
    rows = max(1, math.ceil(count / cols))
    inner_w = cols * cell + (cols - 1) * GAP
    width = max(inner_w, text_width(name) + 8.0) + 2 * GROUP_PAD
    height = GROUP_LABEL + rows * NODE_HEIGHT + (rows - 1) * GAP + 2 * GROUP_PAD
    return width, height


def _groups(member_w: Sequence[Sequence[float]], sizes: Sequence[tuple[float, float]], content_w: float,
            top: float) -> tuple[tuple[Box, ...], tuple[tuple[Box, ...], ...], float]:
    """Group frames flowed left to right in rows, members in a grid inside each."""
    frames: list[Box] = []
    members: list[tuple[Box, ...]] = []
    x, row_top, row_h = MARGIN, top, 0.0
    for widths, (gw, gh) in zip(member_w, sizes):
        if x > MARGIN and x + gw > MARGIN + content_w:
            x, row_top, row_h = MARGIN, row_top + row_h + GAP * 2, 0.0
        frame = Box(x + gw / 2, row_top + gh / 2, gw, gh)
        frames.append(frame)
        cell = max(widths, default=NODE_MIN_WIDTH)
        cols = _group_cols(len(widths))
        inner_w = cols * cell + (cols - 1) * GAP
        left = frame.left + (gw - inner_w) / 2
        first = frame.top + GROUP_PAD + GROUP_LABEL
        boxes = []
        for i, w in enumerate(widths):
            row, col = divmod(i, cols)
            boxes.append(Box(left + col * (cell + GAP) + cell / 2,
                             first + row * (NODE_HEIGHT + GAP) + NODE_HEIGHT / 2, w, NODE_HEIGHT))
        members.append(tuple(boxes))
        x += gw + GAP * 2
        row_h = max(row_h, gh)
    bottom = row_top + row_h if frames else top
    return tuple(frames), tuple(members), bottom
