"""``gpml`` and ``gpml2021``: WikiPathways GPML 2013a and 2021 draft pathways.

One DataNode per gene (label = current HGNC symbol, or the record's NCBI
symbol for other organisms; Xref NCBI Gene; the organism's nomenclature id
(HGNC, MGI, RGD), HGNC symbol (human only), taxon, organism and, for a gene
of another organism than the figure's, the reason to check it as
Attributes/Properties; a suspect match's flags as ``pfocr_suspect`` Attributes/Properties and
Comments; OCR word as ``Comment Source="OCR"``), FamPlex
families as groups of member nodes with the family name as a Label and the
FamPlex id as an Attribute/Property (libGPML saves both dialects), chemicals
(Metabolite) with ChEBI Xrefs and diseases (Disease) with DOID Xrefs where
the record has them, else MeSH (MeSH kept as an Attribute/Property), a title
Label, the caption as description and the paper as a citation. The figure's
organism, the rule that chose it and every organism the record names are
pathway Attributes/Properties. The caption's draft interactions are Interactions
between the nodes (a family's end on its group) with PathVisio's MIM arrowhead
for their type, dashed when hedged, each stating sentence as a
``Comment Source="caption"`` and ``pfocr_interaction_source`` "caption,
unreviewed". Layout comes
from :mod:`exporters.layout`. Output is assembled as text, then checked
against the dialect's XSD plus the references the XSD leaves unchecked.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from lxml import etree

from ..identifiers import PREFIXES, bridgedb, bridgedb_id, curie
from ..interactions import PROVENANCE, QUALITY, SOURCE as INTERACTION_SOURCE, Interaction
from ..layout import (GROUP_LABEL, GROUP_PAD, MARGIN, TITLE_FONT, Box, gene_label, layout_pathway,
                      term_label)
from ..pathway import Gene, Pathway, Term, shared_per_pathway
from ..registry import Exporter, ExportError
from ..resources import schema_path
from ..suspects import Flag, gene_flags
from ..xmlguard import declaration_offset
from ..xrefs import UNKNOWN, RENAMED

NS_2013A = "http://pathvisio.org/GPML/2013a"
NS_2021 = "http://pathvisio.org/GPML/2021"
XSD = {NS_2013A: "GPML2013a.xsd", NS_2021: "GPML2021.xsd"}
DIALECT = {NS_2013A: "2013a", NS_2021: "2021"}
BP = "http://www.biopax.org/release/biopax-level3.owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SOURCE = "PFOCR"  # Data-Source / source: marks our own files (curator checks apply to them)
LICENSE = "CC0"
MAX_TITLE = 100  # WikiPathways curator check: titles longer than this are flagged
INFOBOX_ROOM = 60.0
ZORDER = {"DataNode": 32768, "Label": 28672, "Interaction": 12288}
COLOR = {"Metabolite": "0000ff", "Disease": "993300"}
SHAPE = {"Disease": "RoundedRectangle"}

# Arrowhead per interaction type: (2013a name, 2021 name). The 2013a names are PathVisio 3's MIM arrowheads,
# each of which pvjs draws; the 2021 names are GPML2021.xsd's (libGPML's ArrowHeadType), the one libGPML reads
# the 2013a name as (GPML2013aFormatAbstract's IA_PANEL_MAP) except for translocation: libGPML's own 2013a name
# for it, mim-translocation, is drawn by neither PathVisio 3 nor pvjs, so 2013a has a plain Arrow. libGPML
# saves 2021 Conversion as mim-conversion in 2013a, so there phosphorylation and degradation come back as
# mim-conversion (the type stays in the pfocr_interaction_type Attribute/Property). Undirected types
# (binding) have the arrowhead at both ends.
ARROWHEADS = {
    "activation": ("mim-stimulation", "Stimulation"),
    "inhibition": ("mim-inhibition", "Inhibition"),
    "binding": ("mim-binding", "Binding"),
    "expression": ("mim-transcription-translation", "TranscriptionTranslation"),
    "phosphorylation": ("mim-modification", "Conversion"),
    "degradation": ("mim-cleavage", "Conversion"),
    "translocation": ("Arrow", "Translocation"),
    "conversion": ("mim-conversion", "Conversion"),
    "regulation": ("Arrow", "Directed"),
    "chain": ("Arrow", "Directed"),
}
NO_ARROWHEAD = ("Line", "Undirected")
UNREVIEWED = f"{INTERACTION_SOURCE}, unreviewed"  # pfocr_interaction_source of every interaction
SUSPECT_COMMENT = "pfocr_suspect"  # Comment Source of a suspect gene match's reasons
PARALLEL_GAP = 8.0  # px between interactions that join the same two nodes
PATHVISIO_GROUP_MARGIN = 8.0  # PathVisio 3 draws a 2013a group this far around its members

_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_NCNAME = re.compile(r"[^A-Za-z0-9_.\-]+")
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


# Most strings need no escaping at all; one search decides, so they skip the rewriting.
_SPECIAL_ATTR = re.compile("[^\u0020-\u0021\u0023-\u0025\u0027-\u003b\u003d\u003f-\ud7ff]")
_SPECIAL_TEXT = re.compile("[^\t\n\u0020-\u0025\u0027-\u003b\u003d\u003f-\ud7ff]")


def clean(text: str) -> str:
    """Text with the characters XML 1.0 forbids removed."""
    return _ILLEGAL.sub("", text)


def _a(text: str) -> str:
    if not _SPECIAL_ATTR.search(text):
        return text
    return clean(text).translate(_ATTR)


def _t(text: str) -> str:
    if not _SPECIAL_TEXT.search(text):
        return text
    return clean(text).replace("\r", "").translate(_TEXT)


def _f(value: float) -> str:
    return f"{value:.1f}"


# --------------------------------------------------------------------------- content (dialect-neutral)

@dataclass
class _Node:
    id: str
    label: str
    type: str  # GeneProduct | Metabolite | Disease
    xref: tuple[str, str] | None  # (prefix, id as BridgeDb writes it: "7157", "CHEBI:15422")
    box: Box
    group: str | None = None  # group id
    comments: list[tuple[str, str]] = field(default_factory=list)  # (source, text)
    xref_props: list[tuple[str, str]] = field(default_factory=list)  # (prefix, id as in xref), more xrefs
    props: list[tuple[str, str]] = field(default_factory=list)  # (pfocr key, value)
    flagged: bool = False  # a gene of another organism than the figure's: drawn with a broken border


@dataclass
class _Label:
    id: str
    text: str
    box: Box
    font_size: int = 12
    bold: bool = False
    group: str | None = None
    href: str = ""


@dataclass
class _Group:
    id: str  # GroupId (2013a), elementId (2021)
    graph_id: str  # the 2013a GraphId interactions attach to
    box: Box
    fplx: str | None
    words: tuple[str, ...]


@dataclass(frozen=True)
class _End:
    """One end of an interaction: the element it attaches to in each dialect and that element's box."""

    ref_2013a: str  # a DataNode's GraphId, or a Group's GraphId
    ref_2021: str  # a DataNode's or Group's elementId
    box_2013a: Box  # where PathVisio 3 draws it (a 2013a group: its members plus PathVisio's margin)
    box_2021: Box


@dataclass
class _Edge:
    id: str
    source: _End
    target: _End
    type: str  # interactions' type: activation, inhibition, ...
    directed: bool
    dashed: bool  # hedged, or a slash chain
    side: float  # px left of the centre line (source to target), for interactions between the same two elements
    points: tuple[str, str]  # 2021 elementIds of the start and end Points
    sentences: list[str]
    props: list[tuple[str, str]]


@dataclass
class _Content:
    figid: str
    title: str
    organism: str | None
    description: str
    xref_props: list[tuple[str, str]]
    props: list[tuple[str, str]]
    citation: tuple[str, str, str] | None  # (prefix, id, url): doi, else pmc
    width: float
    height: float
    nodes: list[_Node]
    labels: list[_Label]
    groups: list[_Group]
    edges: list[_Edge]
    figure: object


class _Ids:
    """Deterministic NCName ids derived from content; collisions get a numeric suffix."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, kind: str, key: str) -> str:
        base = f"{kind}_{_NOT_NCNAME.sub('_', key).strip('_') or 'x'}"
        ident, n = base, 1
        while ident in self.taken:
            n += 1
            ident = f"{base}_{n}"
        self.taken.add(ident)
        return ident


def short_title(title: str) -> str:
    """The title cut to MAX_TITLE characters at a word boundary, with an ellipsis when cut."""
    title = " ".join(clean(title).split())
    if len(title) <= MAX_TITLE:
        return title
    cut = title[:MAX_TITLE - 1]
    if " " in cut[MAX_TITLE // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _description(pathway: Pathway) -> str:
    fig = pathway.figure
    caption = " ".join(clean(fig.caption).split())
    if caption:
        return caption
    where = f" of {fig.papertitle.strip()}" if fig.papertitle.strip() else ""
    return f"{fig.number or 'Figure'}{where} ({fig.pmcid or fig.figid}), read by PFOCR."


@shared_per_pathway
def _content(pathway: Pathway) -> _Content:
    layout = layout_pathway(pathway)
    fig = pathway.figure
    ids = _Ids()
    full_title = " ".join(clean(fig.title).split()) or fig.figid
    title = short_title(full_title)
    props = [("pfocr_figid", fig.figid), ("pfocr_pmcid", fig.pmcid), ("pfocr_figure_number", fig.number),
             ("pfocr_figure_url", fig.figure_url), ("pfocr_page", fig.pfocr_url),
             ("pfocr_paper_title", fig.papertitle), ("pfocr_reference", fig.reftext),
             ("pfocr_doi", fig.doi or ""), ("pfocr_year", fig.year or ""), ("pfocr_journal", fig.journal_title or "")]
    if title != full_title:
        props.append(("pfocr_title", full_title))
    props.append(("pfocr_organism_source", pathway.organism_source or ""))
    props.append(("pfocr_organisms_named", "; ".join(
        f"{name} ({curie('ncbitaxon', taxon)})" if taxon else name for name, taxon in pathway.organisms_named)))
    if pathway.interactions:
        props.append(("pfocr_interactions", f"{PROVENANCE} ({QUALITY})"))
    props = [(k, " ".join(clean(v).split())) for k, v in props if v and v.strip()]
    if fig.doi:
        citation = ("doi", fig.doi.strip(), f"https://doi.org/{fig.doi.strip()}")
    elif fig.pmcid:
        citation = ("pmc", fig.pmcid, fig.paper_url)
    else:
        citation = None
    xref_props = [("ncbitaxon", pathway.taxon)] if pathway.taxon else []

    nodes: list[_Node] = []
    ends: dict[str, _End] = {}  # interactions' end keys (ncbigene:, fplx:, mesh:) -> where they attach
    suspects = gene_flags(pathway)
    family_words = {w for f in pathway.families for w in f.words}
    for gene, box in zip(pathway.singles, layout.singles):
        words = [w for w in gene.words if w not in family_words] or list(gene.words)
        nodes.append(_gene_node(ids("n", gene.entrez), gene, box, None, words, pathway.taxon,
                                suspects.get(gene.entrez, ())))
        ends[f"ncbigene:{gene.entrez}"] = _End(nodes[-1].id, nodes[-1].id, box, box)
    groups, labels = [], []
    labels.append(_Label(ids("title", "label"), "\n".join(layout.title_lines), layout.title,
                         TITLE_FONT, True, href=fig.figure_url))
    for family, frame, boxes in zip(pathway.families, layout.families, layout.members):
        gid = ids("fam", family.name)
        group = _Group(gid, ids("fam", f"{family.name}_g"), frame, family.fplx_id, family.words)
        groups.append(group)
        name = _name_box(frame)
        labels.append(_Label(ids("famlabel", family.name), family.name, name, 12, True, gid))
        for gene, box in zip(family.members, boxes):
            nodes.append(_gene_node(ids("m", f"{family.name}_{gene.entrez}"), gene, box, gid, family.words,
                                    pathway.taxon, suspects.get(gene.entrez, ())))
            ends.setdefault(f"ncbigene:{gene.entrez}", _End(nodes[-1].id, nodes[-1].id, box, box))
        ends[f"fplx:{family.name}"] = _End(group.graph_id, gid, _enclose([*boxes, name], PATHVISIO_GROUP_MARGIN),
                                           frame)
    for kind, terms, boxes in (("Metabolite", pathway.chemicals, layout.chemicals),
                               ("Disease", pathway.diseases, layout.diseases)):
        for term, box in zip(terms, boxes):
            key = term.mesh_id or (f"{term.ontology}_{term.ontology_id}" if term.ontology_id else term.label)
            nodes.append(_term_node(ids("c" if kind == "Metabolite" else "d", key), term, kind, box))
            if kind == "Metabolite" and term.mesh_id:
                ends[f"mesh:{term.mesh_id}"] = _End(nodes[-1].id, nodes[-1].id, box, box)
    edges = _edges(pathway.interactions, ends, ids)
    return _Content(fig.figid, title, pathway.organism, _description(pathway), xref_props, props, citation,
                    layout.width, layout.height, nodes, labels, groups, edges, fig)


def _edges(interactions: Iterable[Interaction], ends: dict[str, _End], ids: _Ids) -> list[_Edge]:
    """One edge per interaction; those joining the same two elements are spread PARALLEL_GAP apart."""
    pairs = [(ends[i.source_key], ends[i.target_key]) for i in interactions]
    count = Counter(frozenset((s.ref_2021, t.ref_2021)) for s, t in pairs)
    seen: Counter[frozenset[str]] = Counter()
    edges = []
    for i, (source, target) in zip(interactions, pairs):
        pair = frozenset((source.ref_2021, target.ref_2021))
        side = (seen[pair] - (count[pair] - 1) / 2) * PARALLEL_GAP
        seen[pair] += 1
        props = [("pfocr_interaction_type", i.type), ("pfocr_interaction_source", UNREVIEWED)]
        if i.hedged:
            props.append(("pfocr_hedged", "true"))
        props.append(("pfocr_evidence", " ".join(clean(i.span).split())))
        ident = ids("i", f"{source.ref_2021}_{i.type}_{target.ref_2021}")
        edges.append(_Edge(ident, source, target, i.type, i.directed, i.hedged or i.is_chain,
                           side if source.ref_2021 < target.ref_2021 else -side,  # the same side either way round
                           (ids(ident, "start"), ids(ident, "end")),
                           [t for t in dict.fromkeys(" ".join(clean(r.sentence_text).split()) for r in i.statements)
                            if t], props))
    return edges


def _enclose(boxes: list[Box], margin: float) -> Box:
    """The box around boxes, margin px wider on every side."""
    left, top = min(b.left for b in boxes) - margin, min(b.top for b in boxes) - margin
    right, bottom = max(b.right for b in boxes) + margin, max(b.bottom for b in boxes) + margin
    return Box((left + right) / 2, (top + bottom) / 2, right - left, bottom - top)


def _line(source: Box, target: Box, side: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where a straight line between two boxes leaves the source's border and meets the target's, drawn
    side px to the left of the line between their centres (at most a third of the smaller box off it)."""
    dx, dy = target.x - source.x, target.y - source.y
    length = math.hypot(dx, dy)
    ux, uy = (dx / length, dy / length) if length else (1.0, 0.0)
    limit = min(source.width, source.height, target.width, target.height) / 3
    side = max(-limit, min(limit, side))
    return (_border(source, source.x + uy * side, source.y - ux * side, ux, uy),
            _border(target, target.x + uy * side, target.y - ux * side, -ux, -uy))


def _border(box: Box, x: float, y: float, ux: float, uy: float) -> tuple[float, float]:
    """Where the ray from (x, y) inside box, direction (ux, uy), crosses the box's border."""
    steps = [((box.right if ux > 0 else box.left) - x) / ux] if ux else []
    steps += [((box.bottom if uy > 0 else box.top) - y) / uy] if uy else []
    step = min(steps)
    return x + step * ux, y + step * uy


def _rel(value: float, centre: float, size: float) -> str:
    """A linked point's RelX/RelY: -1..1 across the element it attaches to."""
    rel = max(-1.0, min(1.0, round((value - centre) / (size / 2), 3) if size else 0.0))
    return f"{rel or 0.0:.3f}"  # never "-0.000"


def _name_box(frame: Box) -> Box:
    """Where a family's name sits: the band above its members inside the group frame."""
    height = GROUP_LABEL - 4
    return Box(frame.x, frame.top + GROUP_PAD + height / 2, frame.width - 2 * GROUP_PAD, height)


def _xref(prefix: str, local: str) -> tuple[str, str]:
    """(prefix, id) with the id as BridgeDb writes it ("CHEBI:15422", "MGI:106403"), in both dialects:
    libGPML copies identifiers verbatim between 2013a and 2021 (WikiPathways' 2021 files have
    ``identifier="CHEBI:15846" dataSource="chebi"``), and BridgeDb's patterns for DOID and MGI need the prefix."""
    return prefix, bridgedb_id(prefix, local)


def _gene_node(ident: str, gene: Gene, box: Box, group: str | None, words: Iterable[str],
               figure_taxon: str | None, suspect: tuple[Flag, ...]) -> _Node:
    """A gene of any organism: its taxon always, its organism's name where that is not the pathway's Organism;
    a suspect match's flag codes (suspects.gene_flags) as pfocr_suspect, each code's reasons (" | " between
    them) as pfocr_suspect_<code>, and a Comment per flag."""
    x = gene.xref
    node = _Node(ident, clean(gene_label(gene)).strip() or gene.entrez, "GeneProduct", ("ncbigene", gene.entrez),
                 box, group, [("OCR", w) for w in words if clean(w).strip()])
    nomenclature = x.nomenclature  # hgnc (human), mgi (mouse), rgd (rat)
    if nomenclature:
        node.xref_props.append(_xref(nomenclature, x.nomenclature_id))
    if x.is_human and x.status != UNKNOWN:  # other organisms' symbols are not HGNC symbols
        node.xref_props.append(("hgnc.symbol", x.symbol))
    if x.ensembl:
        node.xref_props.append(("ensembl", x.ensembl))
    node.xref_props += [("uniprot", u) for u in x.uniprot]
    if x.taxon:
        node.xref_props.append(("ncbitaxon", x.taxon))
    if x.status == RENAMED:
        node.props.append(("pfocr_record_symbol", x.record_symbol))
    if x.name:
        node.props.append(("pfocr_gene_name", x.name))
    if x.organism and x.taxon != figure_taxon:
        node.props.append(("pfocr_organism", x.organism))
    if gene.flag:
        node.props.append(("pfocr_flag", gene.flag))
        node.flagged = True
    if suspect:
        reasons: dict[str, list[str]] = {}  # code -> its reasons (one per word that earned it)
        for f in suspect:
            reasons.setdefault(f.code, []).append(" ".join(clean(f.reason).split()))
        node.props.append(("pfocr_suspect", "; ".join(reasons)))
        node.props += [(f"pfocr_suspect_{code}", " | ".join(texts)) for code, texts in reasons.items()]
        node.comments += [(SUSPECT_COMMENT, f"Suspect match ({f.code}): {f.reason}") for f in suspect]
    return node


def _term_node(ident: str, term: Term, kind: str, box: Box) -> _Node:
    """A chemical (ChEBI Xref) or disease (DOID Xref) with MeSH as an extra xref; MeSH Xref when that is all."""
    label = (clean(term_label(term)).strip() or term.mesh_name or term.ontology_name or term.mesh_id
             or term.ontology_id or "?")
    mesh = ("mesh", term.mesh_id) if term.mesh_id else None
    ontology = _xref(term.ontology, term.ontology_id) if term.ontology_id and term.ontology in PREFIXES else None
    node = _Node(ident, label, kind, ontology or mesh, box,
                 comments=[("OCR", w) for w in term.words if clean(w).strip()])
    if ontology and mesh:
        node.xref_props.append(mesh)
    if term.mesh_name and term.mesh_name != label:
        node.props.append(("pfocr_mesh_name", term.mesh_name))
    if ontology and term.ontology_name and term.ontology_name != label:
        node.props.append((f"pfocr_{term.ontology}_name", term.ontology_name))
    return node


# --------------------------------------------------------------------------- writers

def _write_2013a(c: _Content) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<Pathway xmlns="{NS_2013A}" Name="{_a(c.title)}"']
    if c.organism:
        out.append(f' Organism="{_a(c.organism)}"')
    out.append(f' Data-Source="{SOURCE}" Version="{_a(c.figid)}" License="{LICENSE}">\n')
    out.append(f'  <Comment Source="WikiPathways-description">{_t(c.description)}</Comment>\n')
    if c.citation:
        out.append("  <BiopaxRef>cite</BiopaxRef>\n")
    out += _attributes_2013a(c.xref_props, c.props, "  ")
    out.append(f'  <Graphics BoardWidth="{_f(c.width)}" BoardHeight="{_f(c.height + INFOBOX_ROOM)}" />\n')
    for n in c.nodes:
        group = f' GroupRef="{n.group}"' if n.group else ""
        out.append(f'  <DataNode TextLabel="{_a(n.label)}" GraphId="{n.id}" Type="{n.type}"{group}>\n')
        out += [f'    <Comment Source="{_a(s)}">{_t(t)}</Comment>\n' for s, t in n.comments]
        out += _attributes_2013a(n.xref_props, n.props, "    ")
        color = f' Color="{COLOR[n.type]}"' if n.type in COLOR else ""
        shape = f' ShapeType="{SHAPE[n.type]}"' if n.type in SHAPE else ""
        shape += ' LineStyle="Broken"' if n.flagged else ""
        out.append(f'    <Graphics {_box_2013a(n.box)} ZOrder="{ZORDER["DataNode"]}" FontSize="12" '
                   f'Valign="Middle"{color}{shape} />\n')
        db, ident = (bridgedb(n.xref[0]), n.xref[1]) if n.xref else ("", "")
        out.append(f'    <Xref Database="{_a(db)}" ID="{_a(ident)}" />\n  </DataNode>\n')
    for e in c.edges:
        out.append(f'  <Interaction GraphId="{e.id}">\n')
        out += [f'    <Comment Source="{INTERACTION_SOURCE}">{_t(text)}</Comment>\n' for text in e.sentences]
        if c.citation:
            out.append("    <BiopaxRef>cite</BiopaxRef>\n")
        out += _attributes_2013a([], e.props, "    ")
        style = ' LineStyle="Broken"' if e.dashed else ""
        out.append(f'    <Graphics ZOrder="{ZORDER["Interaction"]}" LineThickness="1.0"{style}>\n')
        head = ARROWHEADS[e.type][0]
        (x1, y1), (x2, y2) = _line(e.source.box_2013a, e.target.box_2013a, e.side)
        for (x, y), end, arrow in (((x1, y1), e.source, None if e.directed else head), ((x2, y2), e.target, head)):
            b = end.box_2013a
            arrow_attr = f' ArrowHead="{arrow}"' if arrow else ""
            out.append(f'      <Point X="{_f(x)}" Y="{_f(y)}" GraphRef="{end.ref_2013a}" '
                       f'RelX="{_rel(x, b.x, b.width)}" RelY="{_rel(y, b.y, b.height)}"{arrow_attr} />\n')
        out.append('    </Graphics>\n    <Xref Database="" ID="" />\n  </Interaction>\n')
    for lab in c.labels:
        extra = (f' GroupRef="{lab.group}"' if lab.group else "") + (f' Href="{_a(lab.href)}"' if lab.href else "")
        weight = ' FontWeight="Bold"' if lab.bold else ""
        out.append(f'  <Label TextLabel="{_a(lab.text)}" GraphId="{lab.id}"{extra}>\n'
                   f'    <Graphics {_box_2013a(lab.box)} ZOrder="{ZORDER["Label"]}"{weight} '
                   f'FontSize="{lab.font_size}" Valign="Middle" />\n  </Label>\n')
    for g in c.groups:
        # Style None draws the group frame in PathVisio 3 (libGPML reads it as 2021 type "Group"). No TextLabel:
        # gpml2pvjson would give pvjs the group's name to draw at 1 px; the name is the group's own Label.
        out.append(f'  <Group GroupId="{g.id}" GraphId="{g.graph_id}" Style="None">\n')
        out += [f'    <Comment Source="OCR">{_t(w)}</Comment>\n' for w in g.words if clean(w).strip()]
        out += _attributes_2013a([("fplx", g.fplx)] if g.fplx else [], [], "    ")
        out.append("  </Group>\n")
    out.append(f'  <InfoBox CenterX="{_f(MARGIN)}" CenterY="{_f(c.height + 10)}" />\n')
    if c.citation:
        out.append(_biopax(c))
    out.append("</Pathway>\n")
    return "".join(out)


def _box_2013a(b: Box) -> str:
    return f'CenterX="{_f(b.x)}" CenterY="{_f(b.y)}" Width="{_f(b.width)}" Height="{_f(b.height)}"'


def _attributes_2013a(xref_props: list[tuple[str, str]], props: list[tuple[str, str]], pad: str) -> list[str]:
    pairs = [(_key_2013a(p), v) for p, v in xref_props] + props
    return [f'{pad}<Attribute Key="{_a(k)}" Value="{_a(v)}" />\n' for k, v in pairs]


def _key_2013a(prefix: str) -> str:
    """2013a Attribute key for a cross-reference: its BridgeDb name, else its Bioregistry prefix."""
    return PREFIXES[prefix].bridgedb or PREFIXES[prefix].prefix


def _biopax(c: _Content) -> str:
    prefix, ident, url = c.citation
    db = bridgedb(prefix)  # "DOI" or "PubMed Central", as libGPML maps a citation's database
    fig = c.figure
    fields = [("ID", ident), ("DB", db), ("TITLE", fig.papertitle), ("SOURCE", fig.journal_title or ""),
              ("YEAR", fig.year or "")]
    body = "".join(f'      <bp:{tag} rdf:datatype="{XSD_STRING}">{_t(" ".join(v.split()))}</bp:{tag}>\n'
                   for tag, v in fields if v and v.strip())
    return (f'  <Biopax>\n    <bp:PublicationXref xmlns:bp="{BP}" xmlns:rdf="{RDF}" rdf:id="cite">\n'
            f'{body}    </bp:PublicationXref>\n  </Biopax>\n')


def _write_2021(c: _Content) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<Pathway xmlns="{NS_2021}" title="{_a(c.title)}"']
    if c.organism:
        out.append(f' organism="{_a(c.organism)}"')
    out.append(f' source="{SOURCE}" version="{_a(c.figid)}" license="{LICENSE}">\n')
    out.append(f"  <Description>{_t(c.description)}</Description>\n")
    out += _properties_2021(c.xref_props, c.props, "  ")
    if c.citation:
        out.append('  <CitationRef elementRef="cite" />\n')
    out.append(f'  <Graphics boardWidth="{_f(c.width)}" boardHeight="{_f(c.height)}" />\n')
    if c.nodes:
        out.append("  <DataNodes>\n")
        for n in c.nodes:
            group = f' groupRef="{n.group}"' if n.group else ""
            out.append(f'    <DataNode elementId="{n.id}" textLabel="{_a(n.label)}" type="{n.type}"{group}>\n')
            if n.xref:
                out.append(f'      <Xref identifier="{_a(n.xref[1])}" dataSource="{_ds(n.xref[0])}" />\n')
            color = f' textColor="{COLOR[n.type]}" borderColor="{COLOR[n.type]}"' if n.type in COLOR else ""
            shape = f' shapeType="{SHAPE[n.type]}"' if n.type in SHAPE else ""
            shape += ' borderStyle="Dashed"' if n.flagged else ""
            out.append(f'      <Graphics {_box_2021(n.box)} fontSize="12" vAlign="Middle"{color}{shape} '
                       f'zOrder="{ZORDER["DataNode"]}" />\n')
            out += [f'      <Comment source="{_a(s)}">{_t(t)}</Comment>\n' for s, t in n.comments]
            out += _properties_2021(n.xref_props, n.props, "      ")
            out.append("    </DataNode>\n")
        out.append("  </DataNodes>\n")
    if c.edges:
        out.append("  <Interactions>\n")
        for e in c.edges:
            out.append(f'    <Interaction elementId="{e.id}">\n      <Waypoints>\n')
            head = ARROWHEADS[e.type][1]
            (x1, y1), (x2, y2) = _line(e.source.box_2021, e.target.box_2021, e.side)
            for (x, y), end, arrow, point in (((x1, y1), e.source, None if e.directed else head, e.points[0]),
                                              ((x2, y2), e.target, head, e.points[1])):
                b = end.box_2021
                arrow_attr = f' arrowHead="{arrow}"' if arrow else ""
                out.append(f'        <Point elementId="{point}"{arrow_attr} x="{_f(x)}" y="{_f(y)}" '
                           f'elementRef="{end.ref_2021}" relX="{_rel(x, b.x, b.width)}" '
                           f'relY="{_rel(y, b.y, b.height)}" />\n')
            style = "Dashed" if e.dashed else "Solid"
            out.append(f'      </Waypoints>\n      <Graphics lineColor="000000" lineStyle="{style}" lineWidth="1.0" '
                       f'connectorType="Straight" zOrder="{ZORDER["Interaction"]}" />\n')
            out += [f'      <Comment source="{INTERACTION_SOURCE}">{_t(text)}</Comment>\n' for text in e.sentences]
            out += _properties_2021([], e.props, "      ")
            if c.citation:
                out.append('      <CitationRef elementRef="cite" />\n')
            out.append("    </Interaction>\n")
        out.append("  </Interactions>\n")
    out.append("  <Labels>\n")
    for lab in c.labels:
        extra = (f' groupRef="{lab.group}"' if lab.group else "") + (f' href="{_a(lab.href)}"' if lab.href else "")
        weight = ' fontWeight="Bold"' if lab.bold else ""
        out.append(f'    <Label elementId="{lab.id}" textLabel="{_a(lab.text)}"{extra}>\n'
                   f'      <Graphics {_box_2021(lab.box)}{weight} fontSize="{lab.font_size}" vAlign="Middle" '
                   f'borderWidth="0.0" fillColor="ffffff" shapeType="None" zOrder="{ZORDER["Label"]}" />\n'
                   f'    </Label>\n')
    out.append("  </Labels>\n")
    if c.groups:
        out.append("  <Groups>\n")
        for g in c.groups:
            # FamPlex id as a Property: libGPML cannot save a Group Xref as 2013a. No textLabel: see _write_2013a
            out.append(f'    <Group elementId="{g.id}" type="Group">\n')
            out.append(f'      <Graphics {_box_2021(g.box)} />\n')
            out += [f'      <Comment source="OCR">{_t(w)}</Comment>\n' for w in g.words if clean(w).strip()]
            out += _properties_2021([("fplx", g.fplx)] if g.fplx else [], [], "      ")
            out.append("    </Group>\n")
        out.append("  </Groups>\n")
    if c.citation:
        prefix, ident, url = c.citation
        out.append(f'  <Citations>\n    <Citation elementId="cite">\n'
                   f'      <Xref identifier="{_a(ident)}" dataSource="{_ds(prefix)}" />\n'
                   f'      <Url link="{_a(url)}" />\n    </Citation>\n  </Citations>\n')
    out.append("</Pathway>\n")
    return "".join(out)


def _box_2021(b: Box) -> str:
    return f'centerX="{_f(b.x)}" centerY="{_f(b.y)}" width="{_f(b.width)}" height="{_f(b.height)}"'


def _properties_2021(xref_props: list[tuple[str, str]], props: list[tuple[str, str]], pad: str) -> list[str]:
    pairs = [(_ds(p), v) for p, v in xref_props] + props
    return [f'{pad}<Property key="{_a(k)}" value="{_a(v)}" />\n' for k, v in pairs]


def _ds(prefix: str) -> str:
    """GPML 2021 dataSource: the compact-identifier (Bioregistry) prefix."""
    return PREFIXES[prefix].prefix


# --------------------------------------------------------------------------- validation

@lru_cache(maxsize=None)
def _schema(namespace: str) -> etree.XMLSchema:
    """The parsed XSD of one dialect (parsed once per process)."""
    return etree.XMLSchema(etree.parse(str(schema_path(XSD[namespace]))))


def _parse(data: bytes) -> etree._Element:
    offset = declaration_offset(data)
    if offset is not None:  # GPML has none; entities can expand without bound
        raise ValueError(f"a DOCTYPE or entity declaration (byte {offset}) is refused: GPML needs none")
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    namespace = etree.QName(root).namespace
    if namespace not in XSD:
        raise ValueError(f"line {root.sourceline}: root element <{etree.QName(root).localname}> is in namespace "
                         f"{namespace or '(none)'}, not GPML 2013a ({NS_2013A}) or 2021 ({NS_2021})")
    return root


def problems(data: bytes) -> list[str]:
    """Everything wrong with a GPML file of either dialect, each naming its line ([] when valid).

    Every file: well-formed, its dialect's XSD, unique ids and resolving
    GraphRef/GroupRef (2013a) or elementRef/groupRef/aliasRef (2021).
    Files that declare themselves PFOCR output (Data-Source/source "PFOCR")
    must also pass the WikiPathways curator checks and resolve their BiopaxRefs.
    """
    try:
        root = _parse(data)
    except ValueError as exc:
        return [str(exc)]
    namespace = etree.QName(root).namespace
    schema = _schema(namespace)
    if not schema.validate(root):
        return [f"line {e.line}: {re.sub(r'{[^}]*}', '', e.message)}" for e in schema.error_log]
    ours = root.get("Data-Source" if namespace == NS_2013A else "source") == SOURCE
    found = _refs_2013a(root, ours) if namespace == NS_2013A else _refs_2021(root)
    if ours:
        found += _curator(root, namespace)
    return found


_GRAPH_IDS = etree.XPath("//@GraphId", smart_strings=False)
_GRAPH_REFS = etree.XPath("//*[@GraphRef]")
_GROUP_REFS = etree.XPath("//*[@GroupRef]")
_ELEMENT_IDS = etree.XPath("//*[@elementId]")
_REFS_2021 = etree.XPath("//*[@elementRef or @groupRef or @aliasRef]")


def _refs_2013a(root: etree._Element, strict: bool) -> list[str]:
    ns = f"{{{NS_2013A}}}"
    found: list[tuple[int, str]] = []  # (line, message), reported in file order
    graph_ids = set(_GRAPH_IDS(root))
    group_ids: dict[str, int] = {}
    for el in root.iter(f"{ns}Group"):
        if el.get("GroupId") in group_ids:
            found.append((el.sourceline, f"GroupId {el.get('GroupId')!r} is used twice"))
        group_ids[el.get("GroupId")] = el.sourceline
    for el in _GRAPH_REFS(root):
        if el.get("GraphRef") not in graph_ids:
            found.append((el.sourceline, f"GraphRef {el.get('GraphRef')!r} names no GraphId"))
    for el in _GROUP_REFS(root):
        if el.get("GroupRef") not in group_ids:
            found.append((el.sourceline, f"GroupRef {el.get('GroupRef')!r} names no Group's GroupId"))
    if strict:
        biopax_ids = {el.get(f"{{{RDF}}}id") for el in root.iterfind(f"{ns}Biopax/*")}
        for el in root.iter(f"{ns}BiopaxRef"):
            if (el.text or "").strip() not in biopax_ids:
                found.append((el.sourceline, f"BiopaxRef {el.text!r} names no Biopax publication"))
    return [f"line {line}: {message}" for line, message in sorted(found, key=lambda f: f[0])]


REF_TARGETS_2021 = {"groupRef": "Group", "aliasRef": "Group"}
REF_ELEMENTS_2021 = {"CitationRef": "Citation", "AnnotationRef": "Annotation", "EvidenceRef": "Evidence"}


def _refs_2021(root: etree._Element) -> list[str]:
    kinds = {el.get("elementId"): el.tag for el in _ELEMENT_IDS(root)}
    found = []
    for el in _REFS_2021(root):
        local = etree.QName(el).localname
        for attr in ("elementRef", "groupRef", "aliasRef"):
            target = el.get(attr)
            if target is None:
                continue
            want = REF_TARGETS_2021.get(attr) or REF_ELEMENTS_2021.get(local)
            if target not in kinds:
                found.append(f"line {el.sourceline}: {attr} {target!r} names no elementId")
            elif want and etree.QName(kinds[target]).localname != want:
                found.append(f"line {el.sourceline}: {attr} {target!r} is a "
                             f"{etree.QName(kinds[target]).localname}, not a {want}")
    return found


def _curator(root: etree._Element, namespace: str) -> list[str]:
    """The WikiPathways curator checks that fit a generated pathway."""
    old = namespace == NS_2013A
    ns = f"{{{namespace}}}"
    found = []
    title = root.get("Name" if old else "title") or ""
    if not title.strip() or len(title) > MAX_TITLE:
        found.append(f"line {root.sourceline}: title must have 1..{MAX_TITLE} characters, has {len(title)}")
    if old:
        desc = [c.text for c in root.iterfind(f"{ns}Comment") if c.get("Source") == "WikiPathways-description"]
    else:
        desc = [c.text for c in root.iterfind(f"{ns}Description")]
    if len(desc) != 1 or not (desc[0] or "").strip():
        found.append(f"line {root.sourceline}: the pathway needs exactly one non-empty description")
    ref = "GraphRef" if old else "elementRef"
    for el in root.iter(f"{ns}Interaction"):
        points = el.findall(f"{ns}Graphics/{ns}Point" if old else f"{ns}Waypoints/{ns}Point")
        if not (points[0].get(ref) and points[-1].get(ref)):
            found.append(f"line {el.sourceline}: Interaction with an end attached to nothing")
    label_attr = "TextLabel" if old else "textLabel"
    for el in root.iter(f"{ns}DataNode", f"{ns}Label"):
        if not (el.get(label_attr) or "").strip():
            found.append(f"line {el.sourceline}: {etree.QName(el).localname} with an empty label")
    integer = {(bridgedb("ncbigene") if old else _ds("ncbigene")): True,
               (bridgedb("hgnc") if old else _ds("hgnc")): True,
               (bridgedb("hgnc.symbol") if old else _ds("hgnc.symbol")): False}
    forms = _id_forms(old)
    for el in root.iter(f"{ns}Xref", f"{ns}Attribute", f"{ns}Property"):
        if el.tag == f"{ns}Xref":
            db, ident = (el.get("Database"), el.get("ID")) if old else (el.get("dataSource"), el.get("identifier"))
        else:
            db, ident = (el.get("Key"), el.get("Value")) if old else (el.get("key"), el.get("value"))
        if db in integer and ident and ident.isdigit() != integer[db]:
            want = "an integer" if integer[db] else "not an integer"
            found.append(f"line {el.sourceline}: {db} id {ident!r} must be {want}")
        elif db in forms and ident and not forms[db][0].fullmatch(ident):
            found.append(f"line {el.sourceline}: {db} id {ident!r} must look like {forms[db][1]!r}")
    return found


# BridgeDb's id patterns (datasources.tsv) for the sources we write with a prefixed id, plus RGD;
# ChEBI ids with the "CHEBI:" prefix, the form WikiPathways asks for. (pattern, example)
ID_FORMS = {"chebi": (r"CHEBI:\d+", "CHEBI:15422"), "doid": (r"DOID:\d+", "DOID:0060239"),
            "mgi": (r"MGI:\d+", "MGI:106403"), "rgd": (r"\d{4,7}", "2018")}


@lru_cache(maxsize=None)
def _id_forms(old: bool) -> dict[str, tuple[re.Pattern[str], str]]:
    """Xref database (or Attribute/Property key) in one dialect's spelling -> (id pattern, example)."""
    return {(bridgedb(p) if old else _ds(p)): (re.compile(rx), example) for p, (rx, example) in ID_FORMS.items()}


# --------------------------------------------------------------------------- reading (preview, round trips)

@dataclass
class Drawing:
    """What a GPML file of either dialect draws, read back in one shape."""

    dialect: str
    title: str
    width: float
    height: float
    nodes: list[dict] = field(default_factory=list)  # id, label, type, prefix, ident, box, group, dashed, props,
    # comments
    labels: list[dict] = field(default_factory=list)  # text, box, bold, size, group
    groups: dict[str, dict] = field(default_factory=dict)  # id -> name (TextLabel, else its Label), box, fplx
    interactions: list[dict] = field(default_factory=list)  # id, source, target (a node id or a groups key),
    # start, end (arrowheads), points [(x, y)], dashed, props, comments


def _prefix_of(database: str) -> str:
    for key, p in PREFIXES.items():
        if database in (key, p.bridgedb):
            return key
    return database


def read_gpml(data: bytes) -> Drawing:
    """Read the nodes, labels and groups of a GPML file (raises ValueError when it is not GPML)."""
    root = _parse(data)
    old = etree.QName(root).namespace == NS_2013A
    ns = f"{{{etree.QName(root).namespace}}}"
    A = (lambda name: name) if old else (lambda name: name[0].lower() + name[1:])  # noqa: E731
    graphics = root.find(f"{ns}Graphics")
    drawing = Drawing(DIALECT[etree.QName(root).namespace], root.get(A("Name") if old else "title", ""),
                      float(graphics.get(A("BoardWidth"), 0)) if graphics is not None else 0.0,
                      float(graphics.get(A("BoardHeight"), 0)) if graphics is not None else 0.0)

    def _graphics(el: etree._Element, name: str) -> str | None:
        g = el.find(f"{ns}Graphics")
        return None if g is None else g.get(name)

    def box(el: etree._Element) -> Box | None:
        g = el.find(f"{ns}Graphics")
        if g is None or g.get(A("CenterX")) is None:
            return None
        return Box(float(g.get(A("CenterX"))), float(g.get(A("CenterY"))),
                   float(g.get(A("Width"))), float(g.get(A("Height"))))

    for el in root.iter(f"{ns}Group"):
        gid = el.get("GroupId") if old else el.get("elementId")
        fplx = ([a.get("Value") for a in el.iterfind(f"{ns}Attribute") if a.get("Key") == _key_2013a("fplx")]
                if old else [p.get("value") for p in el.iterfind(f"{ns}Property") if p.get("key") == _ds("fplx")])
        drawing.groups[gid] = {"name": el.get(A("TextLabel")) or "", "box": None if old else box(el),
                               "fplx": fplx[0] if fplx else None}

    def props(el: etree._Element) -> dict[str, str]:
        return {p.get(A("Key")): p.get(A("Value")) for p in el.iterfind(f"{ns}{'Attribute' if old else 'Property'}")}

    def comments(el: etree._Element) -> list[tuple[str, str]]:
        return [(c.get(A("Source"), ""), c.text or "") for c in el.iterfind(f"{ns}Comment")]

    for el in root.iter(f"{ns}DataNode"):
        xref = el.find(f"{ns}Xref")
        db, ident = ("", "") if xref is None else (
            (xref.get("Database"), xref.get("ID")) if old else (xref.get("dataSource"), xref.get("identifier")))
        drawing.nodes.append({"id": el.get("GraphId" if old else "elementId"), "label": el.get(A("TextLabel")),
                              "type": el.get(A("Type"), "Unknown"), "prefix": _prefix_of(db), "ident": ident,
                              "box": box(el), "group": el.get(A("GroupRef")),
                              "dashed": _graphics(el, A("LineStyle") if old else "borderStyle") in ("Broken", "Dashed"),
                              "props": props(el), "comments": comments(el)})
    # what a Point may name: a node, or a group (2013a: by its GraphId; drawing.groups is keyed by GroupId)
    element = {n["id"]: n["id"] for n in drawing.nodes}
    element |= ({el.get("GraphId"): el.get("GroupId") for el in root.iter(f"{ns}Group") if el.get("GraphId")}
                if old else {gid: gid for gid in drawing.groups})
    default = NO_ARROWHEAD[0 if old else 1]
    for el in root.iter(f"{ns}Interaction"):
        points = el.findall(f"{ns}Graphics/{ns}Point" if old else f"{ns}Waypoints/{ns}Point")
        ref = A("GraphRef") if old else "elementRef"
        drawing.interactions.append({
            "id": el.get("GraphId" if old else "elementId"),
            "source": element.get(points[0].get(ref)), "target": element.get(points[-1].get(ref)),
            "start": points[0].get(A("ArrowHead"), default), "end": points[-1].get(A("ArrowHead"), default),
            "points": [(float(p.get(A("X"))), float(p.get(A("Y")))) for p in points],
            "dashed": _graphics(el, A("LineStyle")) in ("Broken", "Dashed"),
            "props": props(el), "comments": comments(el)})
    for el in root.iter(f"{ns}Label"):
        g = el.find(f"{ns}Graphics")
        drawing.labels.append({"text": el.get(A("TextLabel")), "box": box(el), "group": el.get(A("GroupRef")),
                               "bold": g is not None and g.get(A("FontWeight")) == "Bold",
                               "size": float(g.get(A("FontSize"), 12)) if g is not None else 12.0})
    for lab in drawing.labels:  # a group without a TextLabel (ours) is named by its own Label
        group = drawing.groups.get(lab["group"])
        if group is not None and not group["name"]:
            group["name"] = lab["text"] or ""
    for gid, group in drawing.groups.items():  # 2013a groups have no Graphics: enclose their members
        if group["box"] is None:
            inside = [i["box"] for i in drawing.nodes + drawing.labels if i["group"] == gid and i["box"]]
            if inside:
                left = min(b.left for b in inside) - 8
                top = min(b.top for b in inside) - 8
                right = max(b.right for b in inside) + 8
                bottom = max(b.bottom for b in inside) + 8
                group["box"] = Box((left + right) / 2, (top + bottom) / 2, right - left, bottom - top)
    return drawing


# --------------------------------------------------------------------------- preview

# The preview's arrowheads: a bar for inhibition, none for a plain line, else a filled triangle
_SVG_MARKERS = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
                'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#000000"/></marker>'
                '<marker id="bar" viewBox="0 0 4 12" refX="4" refY="6" markerWidth="4" markerHeight="12" '
                'orient="auto-start-reverse"><path d="M2,0V12" stroke="#000000" stroke-width="2"/></marker></defs>\n')
_SVG_HEAD = {"mim-inhibition": "bar", "TBar": "bar", "Inhibition": "bar", "Line": None, "Undirected": None}


def render_svg(data: bytes) -> bytes:
    """A plain SVG picture of a GPML file: group frames, interactions, node boxes with labels, text labels."""
    d = read_gpml(data)
    width = max([d.width] + [i["box"].right + MARGIN for i in d.nodes + d.labels if i["box"]])
    height = max([d.height] + [i["box"].bottom + MARGIN for i in d.nodes + d.labels if i["box"]])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
           f'viewBox="0 0 {_f(width)} {_f(height)}" font-family="Arial, Helvetica, sans-serif">\n'
           f'<title>{_t(d.title)}</title>\n<rect width="100%" height="100%" fill="#ffffff"/>\n']
    if d.interactions:
        out.append(_SVG_MARKERS)
    for group in d.groups.values():
        b = group["box"]
        if b:
            out.append(f'<rect x="{_f(b.left)}" y="{_f(b.top)}" width="{_f(b.width)}" height="{_f(b.height)}" '
                       f'fill="#f2f2f2" stroke="#808080" stroke-dasharray="4 3"/>\n')
    for i in d.interactions:
        ends = "".join(f' marker-{where}="url(#{_SVG_HEAD.get(head, "arrow")})"'
                       for where, head in (("start", i["start"]), ("end", i["end"])) if _SVG_HEAD.get(head, "arrow"))
        dash = ' stroke-dasharray="6 4"' if i["dashed"] else ""
        path = "L".join(f"{_f(x)},{_f(y)}" for x, y in i["points"])
        out.append(f'<path d="M{path}" fill="none" stroke="#000000"{dash}{ends}/>\n')
    for n in d.nodes:
        b = n["box"]
        if not b:
            continue
        color = "#" + COLOR.get(n["type"], "000000")
        radius = ' rx="8"' if n["type"] in SHAPE else ""
        radius += ' stroke-dasharray="5 3" stroke-width="2"' if n.get("dashed") else ""
        out.append(f'<rect x="{_f(b.left)}" y="{_f(b.top)}" width="{_f(b.width)}" height="{_f(b.height)}"'
                   f'{radius} fill="#ffffff" stroke="{color}"/>\n'
                   f'<text x="{_f(b.x)}" y="{_f(b.y + 4)}" font-size="12" text-anchor="middle" '
                   f'fill="{color}">{_t(n["label"] or "")}</text>\n')
    for lab in d.labels:
        b = lab["box"]
        if not b:
            continue
        lines = (lab["text"] or "").split("\n")
        size = lab["size"]
        first = b.y - (len(lines) - 1) * size * 0.7 + size * 0.35
        weight = ' font-weight="bold"' if lab["bold"] else ""
        out.append(f'<text x="{_f(b.x)}" font-size="{size:g}" text-anchor="middle"{weight}>' + "".join(
            f'<tspan x="{_f(b.x)}" y="{_f(first + i * size * 1.4)}">{_t(line)}</tspan>'
            for i, line in enumerate(lines)) + "</text>\n")
    out.append("</svg>\n")
    return "".join(out).encode("utf-8")


# --------------------------------------------------------------------------- exporters

class _GpmlExporter(Exporter):
    suffix = ".gpml"
    option_help = {"preview": "also <figid>.svg, our own drawing of the file, and .png with cairosvg"}
    companion_suffixes = (".svg", ".png")
    _write = staticmethod(_write_2013a)

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        stream.write(type(self)._write(_content(pathway)).encode("utf-8"))

    def validate(self, data: bytes, label: str) -> None:
        """Accept a valid GPML file of either dialect; ExportError names label, the problem and its line."""
        found = problems(data)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise ExportError(f"{label}: {self.name}: {found[0]}{more}", found)

    def companions(self, pathway: Pathway, data: bytes) -> Iterator[tuple[str, bytes]]:
        """With the ``preview`` option: an SVG picture of the file, and a PNG when cairosvg imports."""
        if not self.options.get("preview"):
            return
        svg = render_svg(data)
        yield ".svg", svg
        cairosvg = _cairosvg()
        if cairosvg is not None:
            yield ".png", cairosvg.svg2png(bytestring=svg)

    def notices(self) -> list[str]:
        if self.options.get("preview") and _cairosvg() is None:
            return ["--preview: SVG pictures only, no PNG: cairosvg cannot be imported "
                    "(pip install 'pfocr-exporters[preview]'; it also needs the cairo library)"]
        return []

    def checked_as(self, data: bytes) -> str | None:
        """The dialect a check of data holds it to, from its namespace ('GPML 2021'); None if unreadable."""
        try:
            return f"GPML {DIALECT[etree.QName(_parse(data)).namespace]}"
        except (ValueError, KeyError):
            return None


def _cairosvg() -> Any:
    """The cairosvg module for PNG previews, or None when it (or the cairo library) is missing."""
    try:
        import cairosvg
    except (ImportError, OSError):
        return None
    return cairosvg


class Gpml2013aExporter(_GpmlExporter):
    """GPML 2013a, the format of every pathway on WikiPathways today (PathVisio 3)."""

    name = "gpml"
    description = "WikiPathways GPML 2013a (PathVisio 3, wikipathways.org), laid out, XSD-checked"
    _write = staticmethod(_write_2013a)


class Gpml2021Exporter(_GpmlExporter):
    """GPML 2021 (libGPML / PathVisio 4)."""

    name = "gpml2021"
    description = "WikiPathways GPML 2021 (libGPML / PathVisio 4), laid out, XSD-checked"
    _write = staticmethod(_write_2021)
