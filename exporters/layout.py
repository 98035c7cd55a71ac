"""A deterministic, readable board layout shared by the drawn formats (GPML, CX).

The board reads top to bottom: the figure title; the connected part, where the
entities that the caption's interactions join (single genes, family boxes as
units, chemicals) are drawn as a layered graph that flows down the arrows, one
drawing per connected component; the other single genes in a grid; the other
FamPlex families as boxed groups (members inside, family name on top); then a
band of the other chemicals and a band of diseases. Node widths fit their label
text, the board is sized to its content and no two boxes overlap (members sit
inside their own group box only). All coordinates are box centres.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable, Sequence
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
MAX_WIDTH = 1600.0  # nor (unless one box or connected component is wider) wider than this
FLOW_GAP = 30.0  # between neighbouring boxes of one layer of the connected part
LAYER_GAP = 40.0  # between its layers: room for an arrowhead
MAX_SLANT_GAP = 200.0  # most room between layers for slanting edges to pass beside boxes
PART_GAP = 48.0  # between its connected components
SWEEPS = 4  # rounds of crossing reduction and of straightening

Slot = tuple[str, int]  # (Layout field, index): ("singles", 3), ("families", 0), ("chemicals", 1)


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
def interaction_ends(pathway: Pathway) -> tuple[tuple[Slot, Slot], ...]:
    """Where each of pathway.interactions is drawn from and to, as (Layout field, index) slots:
    a gene's single node, else the box of the first family that has it as a member; a family's
    box; a chemical's node. Both ends may be one box (a family and one of its members)."""
    slots: dict[str, Slot] = {f"ncbigene:{g.entrez}": ("singles", i) for i, g in enumerate(pathway.singles)}
    for j, family in enumerate(pathway.families):
        slots[f"fplx:{family.name}"] = ("families", j)
        for gene in family.members:
            slots.setdefault(f"ncbigene:{gene.entrez}", ("families", j))
    for k, term in enumerate(pathway.chemicals):
        if term.mesh_id:
            slots.setdefault(f"mesh:{term.mesh_id}", ("chemicals", k))
    return tuple((slots[i.source_key], slots[i.target_key]) for i in pathway.interactions)


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
    parts: list[_Part] = []
    if pathway.interactions:
        sizes = {"singles": [(w, NODE_HEIGHT) for w in single_w], "families": group_sizes,
                 "chemicals": [(w, NODE_HEIGHT) for w in chem_w]}
        parts = _flow([(a, b, i.directed) for (a, b), i in zip(interaction_ends(pathway), pathway.interactions)],
                      lambda slot: sizes[slot[0]][slot[1]])

    area = sum((w + GAP) * (NODE_HEIGHT + GAP) for w in single_w + chem_w + dis_w)
    area += sum((w + GAP) * (h + GAP) for w, h in group_sizes)
    widest = max([title_w] + [w for w, _ in group_sizes] + single_w + chem_w + dis_w
                 + [part.width for part in parts])
    content_w = max(widest, min(MAX_WIDTH, max(MIN_WIDTH, math.sqrt(area * 2.0))))

    y = MARGIN
    title = Box(MARGIN + content_w / 2, y + len(lines) * TITLE_LINE / 2, title_w, len(lines) * TITLE_LINE)
    y = title.bottom
    placed, y = _shelve(parts, content_w, y + BAND_GAP) if parts else ({}, y)
    singles, y = _rest("singles", single_w, placed, lambda ws, top: _grid(ws, content_w, top), y)
    families, y = _rest("families", group_sizes, placed, lambda gs, top: _groups(gs, content_w, top), y)
    chemicals, y = _rest("chemicals", chem_w, placed, lambda ws, top: _grid(ws, content_w, top), y)
    diseases, y = _grid(dis_w, content_w, y + BAND_GAP) if dis_w else ((), y)
    members = tuple(_members(frame, ws) for frame, ws in zip(families, member_w))
    return Layout(width=content_w + 2 * MARGIN, height=y + MARGIN, title=title, singles=singles,
                  families=families, members=members, chemicals=chemicals, diseases=diseases,
                  title_lines=lines)


def _rest(field: str, sizes: Sequence, placed: dict[Slot, Box], band: Callable, y: float
          ) -> tuple[tuple[Box, ...], float]:
    """Boxes of one kind: the connected part's where it placed them, the others in a band below y."""
    rest = [i for i in range(len(sizes)) if (field, i) not in placed]
    if not rest:
        return tuple(placed[(field, i)] for i in range(len(sizes))), y
    boxes, y = band([sizes[i] for i in rest], y + BAND_GAP)
    if len(rest) == len(sizes):
        return boxes, y
    by_index = dict(zip(rest, boxes))
    return tuple(by_index[i] if i in by_index else placed[(field, i)] for i in range(len(sizes))), y


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


def _groups(sizes: Sequence[tuple[float, float]], content_w: float, top: float) -> tuple[tuple[Box, ...], float]:
    """Group frames flowed left to right in rows; returns frames and the bottom y."""
    frames: list[Box] = []
    x, row_top, row_h = MARGIN, top, 0.0
    for gw, gh in sizes:
        if x > MARGIN and x + gw > MARGIN + content_w:
            x, row_top, row_h = MARGIN, row_top + row_h + GAP * 2, 0.0
        frames.append(Box(x + gw / 2, row_top + gh / 2, gw, gh))
        x += gw + GAP * 2
        row_h = max(row_h, gh)
    return tuple(frames), row_top + row_h if frames else top


def _members(frame: Box, widths: Sequence[float]) -> tuple[Box, ...]:
    """Member boxes in a grid inside their group frame, below the family name."""
    cell = max(widths, default=NODE_MIN_WIDTH)
    cols = _group_cols(len(widths))
    inner_w = cols * cell + (cols - 1) * GAP
    left = frame.left + (frame.width - inner_w) / 2
    first = frame.top + GROUP_PAD + GROUP_LABEL
    boxes = []
    for i, w in enumerate(widths):
        row, col = divmod(i, cols)
        boxes.append(Box(left + col * (cell + GAP) + cell / 2,
                         first + row * (NODE_HEIGHT + GAP) + NODE_HEIGHT / 2, w, NODE_HEIGHT))
    return tuple(boxes)


# --------------------------------------------------------------------------- the connected part

@dataclass(frozen=True)
class _Part:
    """One connected component drawn on its own, its boxes placed from its top-left corner."""

    boxes: dict[Slot, Box]
    width: float
    height: float


def _flow(edges: Sequence[tuple[Slot, Slot, bool]], size: Callable[[Slot], tuple[float, float]]) -> list[_Part]:
    """The interactions' ends as layered drawings (Sugiyama style: cycles broken, longest-path
    layers, barycentre ordering, straightened positions), one per connected component, in
    the order the caption first names them. Edges whose ends are one box are left out."""
    nodes: dict[Slot, int] = {}
    links: dict[tuple[int, int], bool] = {}
    for a, b, directed in edges:
        if a == b:
            continue
        u, v = nodes.setdefault(a, len(nodes)), nodes.setdefault(b, len(nodes))
        if (v, u) in links:  # one undirected link per pair, none beside a directed one
            if not directed:
                continue
            if not links[(v, u)]:
                del links[(v, u)]
        links[(u, v)] = links.get((u, v), False) or directed
    root = list(range(len(nodes)))

    def find(v: int) -> int:
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    for u, v in links:
        ru, rv = find(u), find(v)
        root[max(ru, rv)] = min(ru, rv)
    groups: dict[int, list[int]] = {}
    for v in range(len(nodes)):
        groups.setdefault(find(v), []).append(v)
    slots = list(nodes)
    parts = []
    for members in groups.values():
        local = {v: i for i, v in enumerate(members)}
        comp = [(local[u], local[v], d) for (u, v), d in links.items() if u in local]
        parts.append(_layered([size(slots[v]) for v in members], comp, [slots[v] for v in members]))
    return parts


def _layered(sizes: list[tuple[float, float]], links: list[tuple[int, int, bool]], slots: list[Slot]) -> _Part:
    """One connected component, nodes numbered in caption order, flowing top to bottom."""
    n = len(sizes)
    layer = _layers(n, [(u, v) for u, v, d in links if d], [(u, v) for u, v, d in links if not d])
    # a long edge passes through a dummy node (width 0) in each layer it crosses, which keeps
    # room for it there on the straight line between its ends
    up: list[list[int]] = [[] for _ in range(n)]
    down: list[list[int]] = [[] for _ in range(n)]
    widths = [w for w, _ in sizes]
    on_line: dict[int, tuple[int, int, float]] = {}  # dummy: (upper end, lower end, fraction of the way)
    for u, v in _downward(links, layer):
        prev = u
        for at in range(layer[u] + 1, layer[v]):
            dummy = len(layer)
            on_line[dummy] = (u, v, (at - layer[u]) / (layer[v] - layer[u]))
            layer.append(at)
            widths.append(0.0)
            up.append([prev])
            down.append([])
            down[prev].append(dummy)
            prev = dummy
        down[prev].append(v)
        up[v].append(prev)
    rows: list[list[int]] = [[] for _ in range(max(layer) + 1)]
    for v, at in enumerate(layer):
        rows[at].append(v)
    rows = _order(rows, up, down)
    x = _positions(rows, up, down, widths, on_line)
    left = min(x[v] - widths[v] / 2 for v in range(n))
    right = max(x[v] + widths[v] / 2 for v in range(n))
    heights = [h for _, h in sizes] + [0.0] * (len(widths) - n)
    lift = [0.0] * len(widths)  # a box's centre below its layer's centre line
    for row in rows:
        band = max(heights[v] for v in row)
        for v in row:  # a box with edges on one side only sits on that side of its layer
            lift[v] = (band - heights[v]) / 2 * ((not up[v]) - (not down[v]))
    boxes: dict[Slot, Box] = {}
    y = max(heights[v] for v in rows[0]) / 2
    for at, row in enumerate(rows):
        for v in row:
            if v < n:
                boxes[slots[v]] = Box(round(x[v] - left), y + lift[v], *sizes[v])
        if at + 1 < len(rows):
            y += _row_distance(row, rows[at + 1], down, x, lift, widths, heights)
    return _Part(boxes, math.ceil(right - left) + 1.0, y + max(heights[v] for v in rows[-1]) / 2)


def _row_distance(upper: list[int], lower: list[int], down: list[list[int]], x: list[float], lift: list[float],
                  widths: list[float], heights: list[float]) -> float:
    """Distance between the centre lines of two layers: LAYER_GAP between their boxes, more where
    a slanting edge would otherwise cut a box beside one of its ends (at most MAX_SLANT_GAP)."""
    least = max(heights[v] for v in upper) / 2 + max(heights[v] for v in lower) / 2
    need = least + LAYER_GAP
    for u in upper:
        for w in down[u]:
            dx = x[w] - x[u]
            if not dx:
                continue
            drop = lift[w] - lift[u]  # the edge falls the distance sought plus this
            for other in upper:  # the edge must pass under the box beside its upper end
                near = x[other] - math.copysign(widths[other] / 2, dx)
                share = (near - x[u]) / dx  # how far along the edge it reaches that box
                if other != u and heights[other] and 0 < share < 1:
                    need = max(need, (lift[other] + heights[other] / 2 - lift[u]) / share - drop)
            for other in lower:  # and over the box beside its lower end
                near = x[other] + math.copysign(widths[other] / 2, dx)
                share = (x[w] - near) / dx
                if other != w and heights[other] and 0 < share < 1:
                    need = max(need, (lift[w] - lift[other] + heights[other] / 2) / share - drop)
    return min(need, least + MAX_SLANT_GAP)


def _layers(n: int, directed: list[tuple[int, int]], undirected: list[tuple[int, int]]) -> list[int]:
    """Layer of each node: directed edges point down (a depth-first search reverses the fewest it
    must to break cycles), an undirected edge from the node higher up (earlier named) to the other;
    longest-path layers, then nodes moved up or down while that shortens their edges."""
    out: list[list[int]] = [[] for _ in range(n)]
    has_in = [False] * n
    for u, v in directed:
        out[u].append(v)
        has_in[v] = True
    finished: list[int] = []
    state = [0] * n  # 0 unseen, 1 on the search path, 2 finished
    for start in [v for v in range(n) if not has_in[v]] + list(range(n)):
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, iter(out[start]))]
        while stack:
            v, successors = stack[-1]
            for w in successors:
                if not state[w]:
                    state[w] = 1
                    stack.append((w, iter(out[w])))
                    break
            else:
                state[v] = 2
                finished.append(v)
                stack.pop()
    rank = [0] * n
    for i, v in enumerate(reversed(finished)):
        rank[v] = i
    dag = [(u, v) if rank[u] < rank[v] else (v, u) for u, v in directed]
    layer = _longest_paths(sorted(range(n), key=rank.__getitem__), dag, n)
    if undirected:
        key = [(layer[v], v) for v in range(n)]
        dag += [(u, v) if key[u] < key[v] else (v, u) for u, v in undirected]
        layer = _longest_paths(sorted(range(n), key=key.__getitem__), dag, n)
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    for u, v in dag:
        succ[u].append(v)
        pred[v].append(u)
    moved = True
    while moved:  # each move shortens the edges in all: a node with more edges down than up goes down
        moved = False
        for v in range(n):
            if len(succ[v]) > len(pred[v]) and min(layer[w] for w in succ[v]) - 1 > layer[v]:
                layer[v], moved = min(layer[w] for w in succ[v]) - 1, True
            elif len(pred[v]) > len(succ[v]) and max(layer[w] for w in pred[v]) + 1 < layer[v]:
                layer[v], moved = max(layer[w] for w in pred[v]) + 1, True
    used = {at: i for i, at in enumerate(sorted(set(layer)))}
    return [used[at] for at in layer]


def _longest_paths(order: list[int], dag: list[tuple[int, int]], n: int) -> list[int]:
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in dag:
        succ[u].append(v)
    layer = [0] * n
    for v in order:
        for w in succ[v]:
            layer[w] = max(layer[w], layer[v] + 1)
    return layer


def _downward(links: Sequence[tuple[int, int, bool]], layer: list[int]) -> list[tuple[int, int]]:
    """Each link as (upper end, lower end): its ends are always in different layers."""
    return [(u, v) if layer[u] < layer[v] else (v, u) for u, v, _ in links]


def _order(rows: list[list[int]], up: list[list[int]], down: list[list[int]]) -> list[list[int]]:
    """Reorder each layer by the mean position of its neighbours, sweeping down then up, and keep
    the order with the fewest edge crossings."""
    best, fewest = [row[:] for row in rows], _crossings(rows, down)
    for _ in range(SWEEPS):
        if not fewest:
            break
        for at in range(1, len(rows)):
            rows[at] = _by_barycentre(rows[at], rows[at - 1], up)
        for at in range(len(rows) - 2, -1, -1):
            rows[at] = _by_barycentre(rows[at], rows[at + 1], down)
        crossings = _crossings(rows, down)
        if crossings < fewest:
            best, fewest = [row[:] for row in rows], crossings
    return best


def _by_barycentre(row: list[int], fixed: list[int], neighbours: list[list[int]]) -> list[int]:
    place = {v: i for i, v in enumerate(fixed)}
    scale = len(fixed) / max(1, len(row))

    def barycentre(item: tuple[int, int]) -> float:
        i, v = item
        near = neighbours[v]
        return sum(place[w] for w in near) / len(near) if near else i * scale

    return [v for _, v in sorted(enumerate(row), key=lambda item: (barycentre(item), item[0]))]


def _crossings(rows: list[list[int]], down: list[list[int]]) -> int:
    count = 0
    for upper, lower in zip(rows, rows[1:]):
        place = {v: i for i, v in enumerate(lower)}
        ends = [(i, place[w]) for i, v in enumerate(upper) for w in down[v]]
        count += sum(1 for (a, b), (c, d) in itertools.combinations(ends, 2) if (a - c) * (b - d) < 0)
    return count


def _positions(rows: list[list[int]], up: list[list[int]], down: list[list[int]], widths: list[float],
               on_line: dict[int, tuple[int, int, float]]) -> list[float]:
    """x of each node: layers start centred, then, layer by layer, each node goes as near the mean
    x of its neighbours (a dummy: its edge's straight line) as the gaps in its layer allow, nodes
    with more edges weighing more; last, the dummies onto their lines, the others making room."""
    x = [0.0] * len(widths)
    for row in rows:
        at = 0.0
        for i, v in enumerate(row):
            at += (widths[row[i - 1]] + widths[v]) / 2 + FLOW_GAP if i else 0.0
            x[v] = at
        for v in row:
            x[v] -= at / 2

    def wanted(v: int) -> float:
        if v in on_line:
            a, b, along = on_line[v]
            return x[a] + (x[b] - x[a]) * along
        near = up[v] + down[v]
        return sum(x[w] for w in near) / len(near) if near else x[v]

    weight = [float(len(up[v]) + len(down[v])) for v in range(len(widths))]
    for _ in range(SWEEPS):
        for row in rows[1:] + rows[-2::-1]:
            _settle(row, [wanted(v) for v in row], [weight[v] for v in row], widths, x)
    for _ in range(SWEEPS if on_line else 0):
        for row in rows:
            _settle(row, [wanted(v) if v in on_line else x[v] for v in row],
                    [100.0 if v in on_line else weight[v] for v in row], widths, x)
    return x


def _settle(row: list[int], wanted: list[float], weight: list[float], widths: list[float], x: list[float]) -> None:
    """Set x of row's nodes to the placement nearest wanted (least weighted squares) that keeps
    their order and FLOW_GAP: with each node's least offset from the first taken off, that is
    an isotonic regression, solved by pooling adjacent violators."""
    offset = [0.0]
    for a, b in zip(row, row[1:]):
        offset.append(offset[-1] + (widths[a] + widths[b]) / 2 + FLOW_GAP)
    pools: list[list[float]] = []  # [weighted sum, weight, nodes]
    for want, off, w in zip(wanted, offset, weight):
        pools.append([(want - off) * w, w, 1])
        while len(pools) > 1 and pools[-2][0] * pools[-1][1] > pools[-1][0] * pools[-2][1]:
            total, w, count = pools.pop()
            pools[-1][0] += total
            pools[-1][1] += w
            pools[-1][2] += count
    i = 0
    for total, w, count in pools:
        for _ in range(int(count)):
            x[row[i]] = total / w + offset[i]
            i += 1


def _shelve(parts: list[_Part], content_w: float, top: float) -> tuple[dict[Slot, Box], float]:
    """The components side by side in rows as wide as the content; returns boxes and the bottom y."""
    placed: dict[Slot, Box] = {}
    x, row_top, row_h = MARGIN, top, 0.0
    for part in parts:
        if x > MARGIN and x + part.width > MARGIN + content_w:
            x, row_top, row_h = MARGIN, row_top + row_h + PART_GAP, 0.0
        for slot, box in part.boxes.items():
            placed[slot] = Box(x + box.x, row_top + box.y, box.width, box.height)
        x += part.width + PART_GAP
        row_h = max(row_h, part.height)
    return placed, row_top + row_h
