"""``cx`` and ``cx2``: one NDEx network per figure, ready for upload.

``cx`` is CX version 1 (``POST /v2/network``), ``cx2`` is CX2
(``POST /v3/networks``). Both hold the same network:

- network attributes NDEx shows, searches and scores (name, description with
  a link to the figure, version, reference, organism, networkType, labels,
  rights, author, rightsHolder, disease) plus how the organism was decided
  (``organismSource``) and every organism the record names
  (``organismsNamed``), the figure's metadata under the names PFOCR gave its
  own NDEx networks (pfocrId, pmcId, figureLink, figureNumber, figureTitle,
  paperLink, paperTitle, publicationYear), ``__NetworkImage`` (the figure
  image on Europe PMC, which IQuery shows beside the network; the description
  shows it too) and an ``@context`` (prefix → identifiers.org IRI, JSON string);
- one node per box of ``exporters.layout``: genes of any organism
  (``represents`` = ``ncbigene:<id>``, ``alias`` = the organism's own
  nomenclature id ``hgnc:``/``mgi:``/``rgd:``, for human genes also
  ``hgnc.symbol:`` and ``uniprot:`` ids; ``taxon`` = NCBI Taxonomy id,
  ``organism``; ``suspect`` / ``suspectReason`` = the codes and readable
  reasons of ``exporters.suspects.gene_flags``, drawn with an orange border;
  ``flag`` = why a curator should check a gene of another organism than the
  figure's, also drawn dashed), family boxes
  (``type`` = ``proteinfamily`` with a ``member`` list of ``hgnc.symbol:``
  ids) drawn around their member genes, chemicals (``smallmolecule``,
  ``represents`` ``chebi:`` else ``mesh:``) and diseases (``disease``,
  ``doid:`` else ``mesh:``), the other id in ``alias``, with ``meshName``,
  ``chebiName`` / ``doidName``.
  A gene the figure names both on its own and inside a family is two nodes,
  one per place it is drawn, sharing the same ``represents``; search finds
  both;
- one edge per draft interaction read from the caption (``Pathway.interactions``):
  ``interaction`` = its type (CX1 ``i``), ``directed``, ``hedged``,
  ``evidence`` (every caption sentence that states it), ``citation`` (the
  paper: ``doi:``, ``pmc:``), ``source`` = ``caption`` and ``provenance``
  (says it is unreviewed), between the nodes it names: a gene's own node, else
  its node in the first family that has it; a family's box; a chemical;
- ``cartesianLayout`` (CX2: node x/y) in node order and a style (colour and
  shape per ``type``, labels, box sizes; target arrow per ``interaction``,
  dashed when ``hedged``) so the network opens as drawn.

Documents are assembled as plain lists and dicts and dumped with ``json``: one
aspect fragment per line, keys in a fixed order, so output is byte-stable.
Before a file is written it is checked against the JSON Schema and every rule
the NDEx server enforces (``cx_rules``).
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import IO, Any

from jsonschema import Draft202012Validator

try:
    import jsonschema_rs
except ImportError:  # optional speed-up; the reference validator alone gives the same verdicts
    jsonschema_rs = None

from .. import identifiers
from ..interactions import PROVENANCE, QUALITY, SOURCE, Interaction
from ..layout import GROUP_LABEL, GROUP_PAD, Box, gene_label, layout_pathway, term_label
from ..model import Figure
from ..pathway import Gene, Pathway, Term, shared_per_pathway
from ..registry import Exporter, ExportError
from ..resources import schema_path
from ..suspects import Flag, gene_flags
from .cx_rules import NUMBER_VERIFICATION, cx1_problems, cx2_problems, escape_mapping_value

RIGHTS = "Waiver-No rights reserved (CC0)"
AUTHOR = "Pathway Figure OCR (PFOCR), https://pfocr.wikipathways.org"
RIGHTS_HOLDER = "WikiPathways"
METHODS = ("Genes, chemicals and diseases read off a published pathway figure by optical character recognition "
           "and lexicon matching (Pathway Figure OCR, https://doi.org/10.1186/s13059-020-02181-2).")
EDGE_METHODS = (f"Edges are draft interactions {PROVENANCE} ({QUALITY}); each names the sentences that state it "
                "(evidence) and the paper (citation).")

# One data type per attribute name, for every network this module writes.
NETWORK_TYPES = {
    "name": "string", "description": "string", "version": "string", "reference": "string",
    "organism": "string", "organismSource": "string", "organismsNamed": "list_of_string",
    "networkType": "list_of_string", "labels": "list_of_string", "rights": "string",
    "author": "string", "rightsHolder": "string", "methods": "string", "disease": "string",
    "pfocrId": "string", "pmcId": "string", "figureLink": "string", "figureNumber": "string",
    "figureTitle": "string", "paperLink": "string", "paperTitle": "string", "publicationYear": "string",
    "pfocrLink": "string", "__NetworkImage": "string", "@context": "string",
}
NODE_TYPES = {"name": "string", "represents": "string", "type": "string", "alias": "list_of_string",
              "member": "list_of_string", "word": "list_of_string", "taxon": "string", "organism": "string",
              "flag": "string", "suspect": "list_of_string", "suspectReason": "list_of_string",
              "meshName": "string", "chebiName": "string", "doidName": "string"}
# Edge attributes after CX1's "i" (CX2's "interaction"), in this order.
EDGE_TYPES = {"directed": "boolean", "hedged": "boolean", "evidence": "list_of_string", "citation": "list_of_string",
              "source": "string", "provenance": "string"}

# Style: (fill colour, border colour, Cytoscape shape, CX2 shape) per node type.
PALETTE = {
    "protein": ("#E3F2FD", "#1565C0", "ROUND_RECTANGLE", "round-rectangle"),
    "gene": ("#E3F2FD", "#1565C0", "ROUND_RECTANGLE", "round-rectangle"),
    "proteinfamily": ("#FFF8E1", "#F9A825", "ROUND_RECTANGLE", "round-rectangle"),
    "smallmolecule": ("#E8F5E9", "#2E7D32", "ELLIPSE", "ellipse"),
    "disease": ("#FCE4EC", "#AD1457", "HEXAGON", "hexagon"),
}
DEFAULT_SIZE = (60.0, 25.0)
FAMILY_OPACITY = 0.35
# A flagged gene (another organism than the figure's): dashed border, CX1 value and its CX2 form
# (ndex-object-model CXToCX2VisualPropertyConverter: NODE_BORDER_STROKE LONG_DASH -> NODE_BORDER_STYLE dashed).
FLAG_BORDER = ("LONG_DASH", "dashed")
FLAG_BORDER_WIDTH = 2.5
# A gene with suspect-mention flags: its border colour (a bypass over the type mapping).
SUSPECT_BORDER = "#E65100"
EDGE_COLOUR = "#555555"
EDGE_WIDTH = 2.0
# Target arrow per interaction type: (CX1 / Cytoscape name, CX2 name as NDEx converts it,
# ndex-object-model CXToCX2VisualPropertyConverter.arrowShapeCvtr). An increase of the target is an
# arrow, a decrease a T-bar, binding none (undirected), regulation of unknown sign a diamond.
ARROWS = {
    "activation": ("DELTA", "triangle"), "expression": ("DELTA", "triangle"),
    "phosphorylation": ("DELTA", "triangle"), "translocation": ("DELTA", "triangle"),
    "conversion": ("DELTA", "triangle"), "inhibition": ("T", "tee"), "degradation": ("T", "tee"),
    "regulation": ("DIAMOND", "diamond"), "binding": ("NONE", "none"), "chain": ("DELTA", "triangle"),
}
HEDGED_LINE = ("EQUAL_DASH", "dashed")  # CX1 EDGE_LINE_TYPE, CX2 EDGE_LINE_STYLE (edgeLineTypeCvtr)
CHAIN_TRANSPARENCY = 110  # of 255: a slash chain ("IL-6/JAK/STAT3 pathway") is drawn faint
# CX2's form of CX1 "C,C,c,0.00,0.00" (ndex-object-model LabelPosition.createFromCX1Value)
LABEL_CENTRE = {"HORIZONTAL_ALIGN": "center", "VERTICAL_ALIGN": "center", "HORIZONTAL_ANCHOR": "center",
                "VERTICAL_ANCHOR": "center", "MARGIN_X": 0.0, "MARGIN_Y": 0.0, "JUSTIFICATION": "center"}
FONT_SIZE = 12  # the size exporters.layout measures labels at


def _num(value: float) -> float | int:
    """A coordinate as an int when whole (shorter, byte-stable JSON)."""
    value = round(value, 2)
    return int(value) if value.is_integer() else value


class _Node:
    """One network node: id, name, represents, attributes (in NODE_TYPES order), its box and the key
    interactions name it by (``Interaction.source_key``; None for diseases and unnamed terms)."""

    __slots__ = ("id", "name", "represents", "attrs", "box", "key")

    def __init__(self, ident: int, name: str, represents: str | None, attrs: dict[str, Any], box: Box,
                 key: str | None) -> None:
        self.id, self.name, self.represents, self.attrs, self.box, self.key = ident, name, represents, attrs, box, key


class _Edge:
    """One network edge: id, source and target node ids, interaction type, attributes (EDGE_TYPES order)."""

    __slots__ = ("id", "source", "target", "interaction", "attrs")

    def __init__(self, ident: int, source: int, target: int, interaction: str, attrs: dict[str, Any]) -> None:
        self.id, self.source, self.target, self.interaction, self.attrs = ident, source, target, interaction, attrs


def _gene_attrs(gene: Gene, flags: tuple[Flag, ...]) -> dict[str, Any]:
    x = gene.xref
    alias = [identifiers.curie(x.nomenclature, x.nomenclature_id)] if x.nomenclature else []
    if x.is_human and x.status != "unknown":  # other organisms' symbols are not HGNC symbols
        alias.append(identifiers.curie("hgnc.symbol", x.symbol))
    alias += [identifiers.curie("uniprot", u) for u in x.uniprot]
    kind = "protein" if x.locus_type in (None, "gene with protein product") else "gene"
    attrs: dict[str, Any] = {"type": kind}
    if alias:
        attrs["alias"] = alias
    attrs["word"] = list(gene.words)
    if x.taxon:
        attrs["taxon"] = x.taxon
    if x.organism:
        attrs["organism"] = x.organism
    if gene.flag:
        attrs["flag"] = gene.flag
    if flags:
        attrs["suspect"] = [f.code for f in flags]
        attrs["suspectReason"] = [f.reason for f in flags]
    return attrs


def _member(gene: Gene) -> str:
    """A family member as the ``member`` list names it (FamPlex families are human)."""
    if gene.xref.is_human:
        return identifiers.curie("hgnc.symbol", gene.symbol)
    return identifiers.curie("ncbigene", gene.entrez)


def _term_node(ident: int, term: Term, kind: str, box: Box) -> _Node:
    """A chemical or disease: represents its ChEBI/DOID id, else its MeSH id; the other id in alias."""
    mesh = identifiers.curie("mesh", term.mesh_id) if term.mesh_id else None
    if term.ontology and term.ontology_id:
        represents, alias = identifiers.curie(term.ontology, term.ontology_id), [mesh] if mesh else []
    else:
        represents, alias = mesh, []
    attrs: dict[str, Any] = {"type": kind}
    if alias:
        attrs["alias"] = alias
    attrs["word"] = list(term.words)
    if term.mesh_id and term.mesh_name:
        attrs["meshName"] = term.mesh_name
    if term.ontology in ("chebi", "doid") and term.ontology_id and term.ontology_name:
        attrs[f"{term.ontology}Name"] = term.ontology_name
    key = identifiers.curie("mesh", term.mesh_id) if kind == "smallmolecule" and term.mesh_id else None
    return _Node(ident, term_label(term), represents, attrs, box, key)


@shared_per_pathway
def network_nodes(pathway: Pathway) -> list[_Node]:
    """Every node of the figure's network, in layout order: singles, each family then its members,
    chemicals, diseases."""
    layout = layout_pathway(pathway)
    flags = gene_flags(pathway)
    nodes: list[_Node] = []

    def gene(g: Gene, box: Box) -> None:
        represents = identifiers.curie("ncbigene", g.entrez)
        nodes.append(_Node(len(nodes), gene_label(g), represents, _gene_attrs(g, flags.get(g.entrez, ())), box,
                           represents))

    for g, box in zip(pathway.singles, layout.singles):
        gene(g, box)
    for family, box, member_boxes in zip(pathway.families, layout.families, layout.members):
        attrs = {"type": "proteinfamily",
                 "member": [_member(m) for m in family.members],
                 "word": list(family.words)}
        represents = identifiers.curie("fplx", family.fplx_id) if family.fplx_id else None
        nodes.append(_Node(len(nodes), family.name, represents, attrs, box, f"fplx:{family.name}"))
        for g, member_box in zip(family.members, member_boxes):
            gene(g, member_box)
    for term, box in zip(pathway.chemicals, layout.chemicals):
        nodes.append(_term_node(len(nodes), term, "smallmolecule", box))
    for term, box in zip(pathway.diseases, layout.diseases):
        nodes.append(_term_node(len(nodes), term, "disease", box))
    return nodes


@shared_per_pathway
def network_edges(pathway: Pathway) -> list[_Edge]:
    """One edge per draft interaction, between the first node each end names: a gene's own node comes
    before its family-member nodes, so a gene named only inside families connects to its first family's."""
    node_of: dict[str, int] = {}
    for node in network_nodes(pathway):
        if node.key is not None:
            node_of.setdefault(node.key, node.id)
    citation = _citation(pathway.figure)
    return [_Edge(i, node_of[x.source_key], node_of[x.target_key], x.type, _edge_attrs(x, citation))
            for i, x in enumerate(pathway.interactions)]


def _citation(fig: Figure) -> list[str]:
    """The paper as NDEx's ``citation`` attribute names one: its DOI and its PMC id, as CURIEs."""
    doi = (fig.doi or "").strip()
    return ([identifiers.curie("doi", doi)] if doi else []) + (
        [identifiers.curie("pmc", fig.pmcid)] if fig.pmcid else [])


def _edge_attrs(interaction: Interaction, citation: list[str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "directed": interaction.directed,
        "hedged": interaction.hedged,
        "evidence": list(dict.fromkeys(s.sentence_text for s in interaction.statements)),
    }
    if citation:
        attrs["citation"] = citation
    attrs.update(source=SOURCE, provenance=PROVENANCE)
    return attrs


@lru_cache(maxsize=1)
def _context_json() -> str:
    """The prefix -> IRI map NDEx uses to link ``represents`` and ``alias`` CURIEs."""
    return json.dumps(identifiers.context(), separators=(",", ":"), sort_keys=True)


def figure_image_url(fig: Figure) -> str:
    """The figure's image on Europe PMC, where PFOCR moved its figure images when NCBI's image links broke
    (pfocr-database 3dae0f6: ``europepmc.org/articles/<pmcid>/bin/<filename>``); "" without both parts."""
    return f"https://europepmc.org/articles/{fig.pmcid}/bin/{fig.filename}" if fig.pmcid and fig.filename else ""


@shared_per_pathway
def network_attributes(pathway: Pathway) -> dict[str, Any]:
    """The network's attributes in a fixed order; empty values are left out."""
    fig = pathway.figure
    esc = html.escape
    links = [f'<a href="{esc(url)}">{esc(text)}</a>' for url, text in (
        (fig.figure_url, f"{fig.number or 'Figure'} in {fig.pmcid or 'PMC'}"),
        (fig.pfocr_url, "PFOCR figure page")) if url]
    image = figure_image_url(fig)
    description = "".join((f"<p>{esc(fig.caption)}</p>" if fig.caption else "",
                           f'<p><img src="{esc(image)}" style="width: 100%;"></p>' if image else "",
                           f"<p>{' | '.join(links)}</p>"))
    reference = " ".join(part for part in (
        esc(fig.reftext), f"<b>{esc(fig.papertitle)}</b>" if fig.papertitle else "",
        f'<a href="https://doi.org/{esc(fig.doi)}">doi:{esc(fig.doi)}</a>' if fig.doi else "",
        f'<a href="{esc(fig.paper_url)}">{esc(fig.pmcid)}</a>' if fig.pmcid else "") if part)
    diseases = ", ".join(_disease_link(t) for t in pathway.diseases)
    values = {
        "name": fig.title or fig.figid,
        "description": description,
        "version": f"PFOCR {fig.schema}",
        "reference": reference,
        "organism": pathway.organism or "",
        "organismSource": pathway.organism_source or "",
        "organismsNamed": [name for name, _ in pathway.organisms_named],
        "networkType": ["pathway"],
        "labels": ["PFOCR", fig.figid],
        "rights": RIGHTS,
        "author": AUTHOR,
        "rightsHolder": RIGHTS_HOLDER,
        "methods": f"{METHODS} {EDGE_METHODS}" if pathway.interactions else METHODS,
        "disease": diseases,
        "pfocrId": fig.figid,
        "pmcId": fig.pmcid,
        "figureLink": fig.figure_url,
        "figureNumber": fig.number,
        "figureTitle": fig.title,
        "paperLink": fig.paper_url,
        "paperTitle": fig.papertitle,
        "publicationYear": fig.year or "",
        "pfocrLink": fig.pfocr_url,
        "__NetworkImage": image,
        "@context": _context_json(),
    }
    return {k: v for k, v in values.items() if v}


def _disease_link(term: Term) -> str:
    """A disease for the ``disease`` attribute: linked to MeSH, else to DOID, else its word."""
    esc = html.escape
    if term.mesh_id:
        return f'<a href="{identifiers.iri("mesh", term.mesh_id)}">{esc(term.mesh_name or term.label)}</a>'
    if term.ontology == "doid" and term.ontology_id:
        return (f'<a href="{identifiers.iri("doid", term.ontology_id)}">'
                f'{esc(term.ontology_name or term.label)}</a>')
    return esc(term.label)


def _size(node: _Node) -> tuple[float | int, float | int]:
    return _num(node.box.width), _num(node.box.height)


def _name_offset(node: _Node) -> float | int | None:
    """How far up from its box centre a family's name is drawn (None for other nodes).

    The name goes in the band the layout leaves above the members, placed from the centre (anchors C,C
    plus a y offset): cytoscape-cx2js, which NDEx's viewer and IQuery draw with, maps the inside-top
    anchors (CX1 "N,N", CX2 top/top) to the centre, under the members, while centre anchors and offsets
    mean the same in Cytoscape, cytoscape-cx2js and NDEx's CX1 -> CX2 conversion.
    """
    if node.attrs["type"] != "proteinfamily":
        return None
    return _num(node.box.height / 2 - GROUP_PAD - GROUP_LABEL / 2)


def _dump(document: list[dict[str, Any]]) -> bytes:
    """One aspect fragment per line: compact, diffable, byte-stable."""
    lines = (json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in document)
    return ("[" + ",\n".join(lines) + "]\n").encode("utf-8")


@lru_cache(maxsize=None)
def _schemas(filename: str) -> tuple[Any, Draft202012Validator]:
    """A compiled fast validator (None without jsonschema-rs) and the reference one of a shipped schema."""
    with open(schema_path(filename), encoding="utf-8") as handle:
        schema = json.load(handle)
    fast = jsonschema_rs.validator_for(schema) if jsonschema_rs is not None else None
    return fast, Draft202012Validator(schema)


def schema_error(doc: Any, filename: str) -> str | None:
    """The first JSON Schema violation in doc, or None.

    jsonschema-rs (Rust, draft 2020-12) decides in about 0.1 ms; jsonschema,
    the reference implementation, only runs to explain a failure (about 30 ms
    per network, too slow for 100,000 figures) and has the last word.
    """
    fast, reference = _schemas(filename)
    if fast is not None and fast.is_valid(doc):
        return None
    errors = sorted(reference.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    where = "/".join(map(str, errors[0].absolute_path)) or "document"
    return f"schema {filename}: at {where}: {errors[0].message}"


class _CxBase(Exporter):
    """Shared parsing and checking; subclasses build and check one CX version."""

    schema_file: str
    label: str

    def problems(self, doc: Any) -> tuple[list[str], list[str]]:
        raise NotImplementedError

    def check(self, data: bytes, label: str, strict: bool) -> None:
        """Raise ExportError with the first schema or server-rule violation (warnings too when strict)."""
        try:
            doc = json.loads(data)
        except ValueError as exc:
            raise ExportError(f"{label}: {self.label}: not JSON: {exc}") from None
        self.check_document(doc, label, strict)

    def check_document(self, doc: Any, label: str, strict: bool) -> None:
        errors, warnings = self.problems(doc)
        if not errors:
            message = schema_error(doc, self.schema_file)
            errors = [message] if message else []
        if strict and not errors:
            errors = warnings
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise ExportError(f"{label}: {self.label}: {errors[0]}{more}", errors)

    def validate(self, data: bytes, label: str) -> None:
        """Accept any CX file NDEx would accept; reject others with the server's kind of message."""
        self.check(data, label, strict=False)

    def to_bytes(self, pathway: Pathway) -> bytes:
        """Our own output must also be free of what NDEx merely warns about."""
        document = self.document(pathway)
        self.check_document(document, pathway.figure.figid, strict=True)
        return _dump(document)

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        stream.write(_dump(self.document(pathway)))

    def document(self, pathway: Pathway) -> list[dict[str, Any]]:
        """The CX document of one figure."""
        return self.assemble(network_nodes(pathway), network_edges(pathway), network_attributes(pathway))

    def assemble(self, nodes: list[_Node], edges: list[_Edge], attributes: dict[str, Any]) -> list[dict[str, Any]]:
        raise NotImplementedError


class Cx1Exporter(_CxBase):
    """CX version 1, as ``POST /v2/network`` takes it (NDEx derives the CX2 form itself)."""

    name = "cx"
    suffix = ".cx"
    description = ("NDEx CX (version 1) network: genes, families, chemicals, diseases, caption interactions, "
                   "layout and style")
    schema_file = "cx1-ndex.schema.json"
    label = "cx"

    def problems(self, doc: Any) -> tuple[list[str], list[str]]:
        return cx1_problems(doc)

    def assemble(self, nodes: list[_Node], edges: list[_Edge], attributes: dict[str, Any]) -> list[dict[str, Any]]:
        net_attrs = []
        for key, value in attributes.items():
            element: dict[str, Any] = {"n": key, "v": value}
            if NETWORK_TYPES[key] != "string":
                element["d"] = NETWORK_TYPES[key]
            net_attrs.append(element)
        cx_nodes, node_attrs, layout = [], [], []
        for node in nodes:
            element = {"@id": node.id, "n": node.name}
            if node.represents:
                element["r"] = node.represents
            cx_nodes.append(element)
            node_attrs += _cx1_attributes(node.id, node.attrs, NODE_TYPES)
            layout.append({"node": node.id, "x": _num(node.box.x), "y": _num(node.box.y)})
        cx_edges, edge_attrs = [], []
        for edge in edges:
            cx_edges.append({"@id": edge.id, "s": edge.source, "t": edge.target, "i": edge.interaction})
            edge_attrs += _cx1_attributes(edge.id, edge.attrs, EDGE_TYPES)
        style = _cx1_style(nodes)
        aspects = [("networkAttributes", net_attrs), ("nodes", cx_nodes), ("edges", cx_edges),
                   ("nodeAttributes", node_attrs), ("edgeAttributes", edge_attrs),
                   ("cartesianLayout", layout), ("cyVisualProperties", style)]
        aspects = [(name, elements) for name, elements in aspects if elements or name == "nodes"]
        last_ids = {"nodes": nodes[-1].id if nodes else None, "edges": edges[-1].id if edges else None}
        metadata = []
        for name, elements in aspects:
            meta: dict[str, Any] = {"name": name, "version": "1.0", "elementCount": len(elements),
                                    "consistencyGroup": 1}
            if last_ids.get(name) is not None:
                meta["idCounter"] = last_ids[name]
            metadata.append(meta)
        return [{"numberVerification": [{"longNumber": NUMBER_VERIFICATION}]}, {"metaData": metadata},
                *({name: elements} for name, elements in aspects),
                {"status": [{"error": "", "success": True}]}]


def _cx1_attributes(owner: int, attrs: dict[str, Any], types: dict[str, str]) -> list[dict[str, Any]]:
    """CX1 attribute elements of one node or edge; booleans as the strings "true"/"false", as the CX1
    spec and NDEx write them (cytoscape-cx2js reads a JSON boolean as null)."""
    elements = []
    for key, value in attrs.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        element: dict[str, Any] = {"po": owner, "n": key, "v": value}
        if types[key] != "string":
            element["d"] = types[key]
        elements.append(element)
    return elements


def _cx1_discrete(column: str, pairs: list[tuple[str, str]], column_type: str = "string") -> str:
    """Cytoscape's DISCRETE mapping definition string, commas in keys and values doubled (NDEx parses it so)."""
    parts = [f"COL={escape_mapping_value(column)},T={column_type}"]
    for i, (key, value) in enumerate(pairs):
        parts.append(f"K={i}={escape_mapping_value(key)},V={i}={escape_mapping_value(value)}")
    return ",".join(parts)


def _cx1_style(nodes: list[_Node]) -> list[dict[str, Any]]:
    """cyVisualProperties: network defaults, node/edge defaults with type mappings, box-size and flag bypasses."""
    style = list(_cx1_defaults())
    for node in nodes:
        width, height = _size(node)
        properties = {}
        if (width, height) != DEFAULT_SIZE:
            properties.update(NODE_WIDTH=str(width), NODE_HEIGHT=str(height))
        if "suspect" in node.attrs:
            properties["NODE_BORDER_PAINT"] = SUSPECT_BORDER
        if "flag" in node.attrs:
            properties.update(NODE_BORDER_STROKE=FLAG_BORDER[0], NODE_BORDER_WIDTH=str(FLAG_BORDER_WIDTH))
        offset = _name_offset(node)
        if offset is not None:
            properties["NODE_LABEL_POSITION"] = f"C,C,c,0.00,{-offset:.2f}"
        if properties:
            style.append({"properties_of": "nodes", "applies_to": node.id, "properties": properties})
    return style


@lru_cache(maxsize=1)
def _cx1_defaults() -> tuple[dict[str, Any], ...]:
    """The figure-independent part of the CX1 style, built once (shared: never mutated)."""
    types = list(PALETTE)
    node_defaults = {
        "NODE_SHAPE": "ROUND_RECTANGLE", "NODE_FILL_COLOR": "#FFFFFF", "NODE_BORDER_PAINT": "#555555",
        "NODE_BORDER_WIDTH": "1.5", "NODE_WIDTH": str(DEFAULT_SIZE[0]), "NODE_HEIGHT": str(DEFAULT_SIZE[1]),
        "NODE_LABEL_FONT_SIZE": str(FONT_SIZE), "NODE_LABEL_COLOR": "#000000", "NODE_TRANSPARENCY": "255",
        "NODE_LABEL_POSITION": "C,C,c,0.00,0.00",
    }
    mappings = {
        "NODE_LABEL": {"type": "PASSTHROUGH", "definition": "COL=name,T=string"},
        "NODE_FILL_COLOR": {"type": "DISCRETE", "definition": _cx1_discrete("type", [(t, PALETTE[t][0]) for t in types])},
        "NODE_BORDER_PAINT": {"type": "DISCRETE",
                              "definition": _cx1_discrete("type", [(t, PALETTE[t][1]) for t in types])},
        "NODE_SHAPE": {"type": "DISCRETE", "definition": _cx1_discrete("type", [(t, PALETTE[t][2]) for t in types])},
        "NODE_TRANSPARENCY": {"type": "DISCRETE",
                              "definition": _cx1_discrete("type", [("proteinfamily", str(round(255 * FAMILY_OPACITY)))])},
        "NODE_TOOLTIP": {"type": "PASSTHROUGH", "definition": "COL=represents,T=string"},
    }
    # arrowColorMatchesEdge: line and arrows take EDGE_UNSELECTED_PAINT (Cytoscape, cytoscape-cx2js and NDEx's
    # CX2VPHolder all read the lock so)
    edge_defaults = {
        "EDGE_UNSELECTED_PAINT": EDGE_COLOUR, "EDGE_WIDTH": str(EDGE_WIDTH), "EDGE_LINE_TYPE": "SOLID",
        "EDGE_SOURCE_ARROW_SHAPE": "NONE", "EDGE_TARGET_ARROW_SHAPE": "NONE", "EDGE_TRANSPARENCY": "255",
    }
    edge_mappings = {
        "EDGE_TARGET_ARROW_SHAPE": {"type": "DISCRETE",
                                    "definition": _cx1_discrete("interaction", [(t, a[0]) for t, a in ARROWS.items()])},
        "EDGE_LINE_TYPE": {"type": "DISCRETE",
                           "definition": _cx1_discrete("hedged", [("true", HEDGED_LINE[0])], "boolean")},
        "EDGE_TRANSPARENCY": {"type": "DISCRETE",
                              "definition": _cx1_discrete("interaction", [("chain", str(CHAIN_TRANSPARENCY))])},
    }
    return (
        {"properties_of": "network", "properties": {"NETWORK_BACKGROUND_PAINT": "#FFFFFF"}},
        {"properties_of": "nodes:default", "properties": node_defaults,
         "dependencies": {"nodeSizeLocked": "false", "nodeCustomGraphicsSizeSync": "true"}, "mappings": mappings},
        {"properties_of": "edges:default", "properties": edge_defaults,
         "dependencies": {"arrowColorMatchesEdge": "true"}, "mappings": edge_mappings},
    )


class Cx2Exporter(_CxBase):
    """CX2, as ``POST /v3/networks`` takes it."""

    name = "cx2"
    suffix = ".cx2"
    description = "NDEx CX2 network: genes, families, chemicals, diseases, caption interactions, layout and style"
    schema_file = "cx2.schema.json"
    label = "cx2"

    def problems(self, doc: Any) -> tuple[list[str], list[str]]:
        return cx2_problems(doc)

    def assemble(self, nodes: list[_Node], edges: list[_Edge], net_attrs: dict[str, Any]) -> list[dict[str, Any]]:
        cx_nodes = []
        for node in nodes:
            values: dict[str, Any] = {"name": node.name}
            if node.represents:
                values["represents"] = node.represents
            values.update(node.attrs)
            cx_nodes.append({"id": node.id, "x": _num(node.box.x), "y": _num(node.box.y), "v": values})
        cx_edges = [{"id": e.id, "s": e.source, "t": e.target, "v": {"interaction": e.interaction, **e.attrs}}
                    for e in edges]
        declarations = {  # nodes and edges in full: the style maps "type", "interaction" and "hedged" always
            "networkAttributes": {k: {"d": NETWORK_TYPES[k]} for k in net_attrs},
            "nodes": {k: {"d": d} for k, d in NODE_TYPES.items()},
            "edges": {"interaction": {"d": "string"}, **{k: {"d": d} for k, d in EDGE_TYPES.items()}},
        }
        bypasses = []
        for node in nodes:
            width, height = _size(node)
            properties: dict[str, Any] = {}
            if (width, height) != DEFAULT_SIZE:
                properties.update(NODE_WIDTH=width, NODE_HEIGHT=height)
            if "suspect" in node.attrs:
                properties["NODE_BORDER_COLOR"] = SUSPECT_BORDER
            if "flag" in node.attrs:
                properties.update(NODE_BORDER_STYLE=FLAG_BORDER[1], NODE_BORDER_WIDTH=FLAG_BORDER_WIDTH)
            offset = _name_offset(node)
            if offset is not None:
                properties["NODE_LABEL_POSITION"] = {**LABEL_CENTRE, "MARGIN_Y": -offset}
            if properties:
                bypasses.append({"id": node.id, "v": properties})
        aspects: list[tuple[str, list[dict[str, Any]]]] = [
            ("attributeDeclarations", [declarations]), ("networkAttributes", [net_attrs]), ("nodes", cx_nodes),
            ("edges", cx_edges), ("visualProperties", [_cx2_style()]), ("nodeBypasses", bypasses),
            ("visualEditorProperties", [{"properties": {"nodeSizeLocked": False, "arrowColorMatchesEdge": True,
                                                         "nodeCustomGraphicsSizeSync": True}}]),
        ]
        aspects = [(name, elements) for name, elements in aspects if elements or name == "nodes"]
        metadata = [{"name": name, "elementCount": len(elements)} for name, elements in aspects]
        return [{"CXVersion": "2.0", "hasFragments": False}, {"metaData": metadata},
                *({name: elements} for name, elements in aspects),
                {"status": [{"error": "", "success": True}]}]


def _cx2_discrete(vp_values: list[tuple[Any, Any]], attribute: str = "type",
                  attribute_type: str = "string") -> dict[str, Any]:
    return {"type": "DISCRETE", "definition": {"attribute": attribute, "type": attribute_type,
                                               "map": [{"v": v, "vp": vp} for v, vp in vp_values]}}


@lru_cache(maxsize=1)
def _cx2_style() -> dict[str, Any]:
    """visualProperties: defaults plus mappings by node type and interaction, each with definition.type
    (built once, shared); values as NDEx converts the CX1 style."""
    types = list(PALETTE)
    return {
        "default": {
            "network": {"NETWORK_BACKGROUND_COLOR": "#FFFFFF"},
            "node": {"NODE_SHAPE": "round-rectangle", "NODE_BACKGROUND_COLOR": "#FFFFFF",
                     "NODE_BORDER_COLOR": "#555555", "NODE_BORDER_WIDTH": 1.5, "NODE_WIDTH": DEFAULT_SIZE[0],
                     "NODE_HEIGHT": DEFAULT_SIZE[1], "NODE_LABEL_FONT_SIZE": FONT_SIZE,
                     "NODE_LABEL_COLOR": "#000000", "NODE_BACKGROUND_OPACITY": 1.0,
                     "NODE_LABEL_POSITION": LABEL_CENTRE},
            "edge": {"EDGE_LINE_COLOR": EDGE_COLOUR, "EDGE_SOURCE_ARROW_COLOR": EDGE_COLOUR,
                     "EDGE_TARGET_ARROW_COLOR": EDGE_COLOUR, "EDGE_WIDTH": EDGE_WIDTH, "EDGE_LINE_STYLE": "solid",
                     "EDGE_SOURCE_ARROW_SHAPE": "none", "EDGE_TARGET_ARROW_SHAPE": "none", "EDGE_OPACITY": 1.0},
        },
        "nodeMapping": {
            "NODE_LABEL": {"type": "PASSTHROUGH", "definition": {"attribute": "name", "type": "string"}},
            "NODE_BACKGROUND_COLOR": _cx2_discrete([(t, PALETTE[t][0]) for t in types]),
            "NODE_BORDER_COLOR": _cx2_discrete([(t, PALETTE[t][1]) for t in types]),
            "NODE_SHAPE": _cx2_discrete([(t, PALETTE[t][3]) for t in types]),
            "NODE_BACKGROUND_OPACITY": _cx2_discrete([("proteinfamily", FAMILY_OPACITY)]),
        },
        "edgeMapping": {
            "EDGE_TARGET_ARROW_SHAPE": _cx2_discrete([(t, a[1]) for t, a in ARROWS.items()], "interaction"),
            "EDGE_LINE_STYLE": _cx2_discrete([(True, HEDGED_LINE[1])], "hedged", "boolean"),
            "EDGE_OPACITY": _cx2_discrete([("chain", CHAIN_TRANSPARENCY / 255)], "interaction"),
        },
    }
