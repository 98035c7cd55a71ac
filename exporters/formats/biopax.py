"""``biopax``, ``turtle``, ``ntriples``: figures as BioPAX Level 3 RDF.

Model (see the README section "BioPAX, RDF and triple stores"):

* one ``bp:Pathway`` per figure (figid as name, title as displayName, caption
  as comment), with at most one organism: ``Pathway.organism`` / ``.taxon``,
  i.e. the first listed organism with a known NCBI Taxonomy id; every listed
  organism is named in a comment. A ``bp:Provenance`` data source and a
  ``bp:PublicationXref`` (pmc, plus doi when known) for the paper. Diseases
  are ``RelationshipXref(mesh)`` on the pathway;
* one generic ``bp:Interaction`` per figure holds the participants (PFOCR
  has no edges);
* per gene, shared across figures, one ``Protein`` + ``ProteinReference``
  with ncbigene / hgnc / hgnc.symbol ``RelationshipXref`` s and a UniProt
  ``UnificationXref`` where known; FamPlex families as generic
  ProteinReferences (``memberEntityReference``, ``UnificationXref(fplx)``);
  chemicals as ``SmallMolecule`` + ``SmallMoleculeReference(mesh)``.

IRIs are absolute and deterministic under ``base_uri``. ``biopax`` writes one
RDF/XML file per figure with typed node elements (Paxtools, pybiopax);
``turtle`` and ``ntriples`` write one corpus file in which shared entities
appear once. Option ``wp_view`` adds a WikiPathways-vocabulary view
(``wp:Pathway``, ``wp:GeneProduct``, ...): inline for Turtle/N-Triples, as a
``.wp.ttl`` companion for RDF/XML (Paxtools rejects foreign classes).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import IO, Any

from .. import identifiers
from ..pathway import Family, Gene, Pathway
from ..registry import Exporter, ExportError
from ..resources import schema_path
from ..xrefs import UNKNOWN
from .rdf_common import BP, NAMESPACES, RDF, Block, Lit, check_base, local, ntriples, rdfxml, turtle, turtle_prefixes

DEFAULT_BASE = "https://pfocr.wikipathways.org/biopax/"
BIOPAX_ONTOLOGY = "http://www.biopax.org/release/biopax-level3.owl#"
HUMAN = ("9606", "Homo sapiens")  # PFOCR's lexicon maps every word to a human gene
IDENTITY = ("0356", "identity")  # PSI-MI relationship types (MI:0353 children)
SEE_ALSO = ("0361", "see-also")
IDORG = "https://identifiers.org/"  # WikiPathways RDF spells xref IRIs identifiers.org/<prefix>/<id>


class _Builder:
    """Collects one figure's blocks; each shared entity once."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.blocks: list[Block] = []
        self._seen: set[str] = set()

    def iri(self, name: str) -> str:
        return self.base + name

    def shared(self, subject: str, rdf_type: str | None) -> Block | None:
        """A new shared block, or None when this figure already has it."""
        if subject in self._seen:
            return None
        self._seen.add(subject)
        block = Block(subject, rdf_type, key=subject)
        self.blocks.append(block)
        return block

    def own(self, subject: str, rdf_type: str | None) -> Block:
        block = Block(subject, rdf_type)
        self.blocks.append(block)
        return block

    def link(self, subject: str, prop: str, obj: str) -> None:
        """One shared statement outside its subject's block (family members, wp:isPartOf)."""
        key = f"{subject} {prop} {obj}"
        if key not in self._seen:
            self._seen.add(key)
            self.blocks.append(Block(subject, None, [(prop, obj)], key=key))

    # --- utility classes -------------------------------------------------

    def unification(self, db: str, ident: str) -> str:
        iri = self.iri(f"UX_{db}_{local(ident)}")
        if b := self.shared(iri, "bp:UnificationXref"):
            b.add("bp:db", Lit(db))
            b.add("bp:id", Lit(ident))
        return iri

    def relationship(self, db: str, ident: str, rel: tuple[str, str], comment: str | None = None) -> str:
        iri = self.iri(f"RX_{db}_{local(ident)}_{rel[1]}")
        if b := self.shared(iri, "bp:RelationshipXref"):
            b.add("bp:db", Lit(db))
            b.add("bp:id", Lit(ident))
            b.add("bp:relationshipType", self.vocabulary(rel))
            if comment:
                b.add("bp:comment", Lit(comment))
        return iri

    def vocabulary(self, rel: tuple[str, str]) -> str:
        code, term = rel
        iri = self.iri(f"RTV_mi_{code}")
        if b := self.shared(iri, "bp:RelationshipTypeVocabulary"):
            b.add("bp:term", Lit(term))
            b.add("bp:xref", self.unification("mi", f"MI:{code}"))
        return iri

    def biosource(self, taxon: str, name: str) -> str:
        iri = self.iri(f"BioSource_ncbitaxon_{taxon}")
        if b := self.shared(iri, "bp:BioSource"):
            b.add("bp:displayName", Lit(name))
            b.add("bp:xref", self.unification("ncbitaxon", taxon))
        return iri

    def provenance(self) -> str:
        iri = self.iri("Provenance_pfocr")
        if b := self.shared(iri, "bp:Provenance"):
            b.add("bp:displayName", Lit("PFOCR"))
            b.add("bp:standardName", Lit("Pathway Figure OCR"))
            b.add("bp:comment", Lit("https://pfocr.wikipathways.org; genes, chemicals and diseases read off "
                                    "published pathway figures; CC0"))
        return iri

    # --- physical entities ------------------------------------------------

    def gene_reference(self, gene: Gene) -> str:
        x = gene.xref
        iri = self.iri(f"PR_ncbigene_{x.entrez}")
        if b := self.shared(iri, "bp:ProteinReference"):
            b.add("bp:displayName", Lit(x.symbol))
            b.add("bp:standardName", Lit(x.symbol))
            if x.name:
                b.add("bp:name", Lit(x.name))
            b.add("bp:organism", self.biosource(*HUMAN))
            if x.uniprot and identifiers.is_valid("uniprot", x.uniprot[0]):
                b.add("bp:xref", self.unification("uniprot", x.uniprot[0]))
            b.add("bp:xref", self.relationship("ncbigene", x.entrez, IDENTITY))
            if x.hgnc_id and identifiers.is_valid("hgnc", x.hgnc_id):
                b.add("bp:xref", self.relationship("hgnc", x.hgnc_id, IDENTITY))
            if _hgnc_symbol(gene):
                b.add("bp:xref", self.relationship("hgnc.symbol", x.symbol, IDENTITY))
            for extra in x.uniprot[1:]:
                if identifiers.is_valid("uniprot", extra):
                    b.add("bp:xref", self.relationship("uniprot", extra, SEE_ALSO))
        return iri

    def gene_protein(self, gene: Gene) -> str:
        iri = self.iri(f"Protein_ncbigene_{gene.entrez}")
        if b := self.shared(iri, "bp:Protein"):
            b.add("bp:displayName", Lit(gene.symbol))
            b.add("bp:entityReference", self.gene_reference(gene))
        return iri

    def family_protein(self, family: Family) -> str:
        fplx = family.fplx_id
        ref = self.iri(f"PR_fplx_{local(fplx)}")
        if b := self.shared(ref, "bp:ProteinReference"):
            b.add("bp:displayName", Lit(family.name))
            b.add("bp:standardName", Lit(fplx))
            b.add("bp:organism", self.biosource(*HUMAN))
            b.add("bp:xref", self.unification("fplx", fplx))
        for member in family.members:
            self.link(ref, "bp:memberEntityReference", self.gene_reference(member))
        iri = self.iri(f"Protein_fplx_{local(fplx)}")
        if b := self.shared(iri, "bp:Protein"):
            b.add("bp:displayName", Lit(family.name))
            b.add("bp:entityReference", ref)
        return iri

    def small_molecule(self, mesh_id: str, label: str, mesh_name: str | None) -> str:
        ref = self.iri(f"SMR_mesh_{mesh_id}")
        if b := self.shared(ref, "bp:SmallMoleculeReference"):
            b.add("bp:displayName", Lit(mesh_name or label))
            if mesh_name:
                b.add("bp:standardName", Lit(mesh_name))
            b.add("bp:xref", self.unification("mesh", mesh_id))
        iri = self.iri(f"SM_mesh_{mesh_id}")
        if b := self.shared(iri, "bp:SmallMolecule"):
            b.add("bp:displayName", Lit(mesh_name or label))
            b.add("bp:entityReference", ref)
        return iri

    def publication(self, db: str, ident: str, pathway: Pathway) -> str:
        f = pathway.figure
        iri = self.iri(f"PX_{db}_{local(ident)}")
        if b := self.shared(iri, "bp:PublicationXref"):
            b.add("bp:db", Lit(db))
            b.add("bp:id", Lit(ident))
            b.add("bp:title", Lit(f.papertitle))
            b.add("bp:source", Lit(f.reftext))
            if f.year and str(f.year).isdigit():
                b.add("bp:year", Lit(str(int(f.year)), "int"))
            b.add("bp:url", Lit(f.paper_url if db == "pmc" else f"https://doi.org/{ident}"))
        return iri


def _hgnc_symbol(gene: Gene) -> bool:
    """True when the gene's symbol is a current HGNC symbol (not only the record's guess)."""
    return gene.xref.status != UNKNOWN and identifiers.is_valid("hgnc.symbol", gene.symbol)


def _participants(build: _Builder, pathway: Pathway) -> list[str]:
    """Proteins for directly named genes and FamPlex families; members of non-FamPlex families."""
    found: dict[str, None] = {}
    for gene in pathway.singles:
        found[build.gene_protein(gene)] = None
    for family in pathway.families:
        if family.fplx_id and identifiers.is_valid("fplx", family.fplx_id):
            found[build.family_protein(family)] = None
        else:
            for gene in family.members:
                found[build.gene_protein(gene)] = None
    for term in pathway.chemicals:
        if term.mesh_id and identifiers.is_valid("mesh", term.mesh_id):
            found[build.small_molecule(term.mesh_id, term.label, term.mesh_name)] = None
    return list(found)


def biopax_blocks(pathway: Pathway, base: str) -> list[Block]:
    """The BioPAX blocks of one figure, pathway first."""
    f = pathway.figure
    build = _Builder(base)
    pw = build.own(build.iri(local(f.figid)), "bp:Pathway")
    act = build.own(build.iri(f"{local(f.figid)}_participants"), "bp:Interaction")
    pw.add("bp:displayName", Lit(f.title or f.figid))
    pw.add("bp:name", Lit(f.figid))
    if f.figid_alias and f.figid_alias != f.figid:
        pw.add("bp:name", Lit(f.figid_alias))
    pw.add("bp:comment", Lit(f.caption))
    if f.figure_url:
        pw.add("bp:comment", Lit(f"Figure: {f.figure_url}"))
    pw.add("bp:comment", Lit(f"PFOCR: {f.pfocr_url}"))
    if len(f.organisms) > 1 or (f.organisms and not pathway.taxon):
        pw.add("bp:comment", Lit("Organisms named by the paper: " + "; ".join(f.organisms)))
    if pathway.taxon:
        pw.add("bp:organism", build.biosource(pathway.taxon, pathway.organism or pathway.taxon))
    pw.add("bp:dataSource", build.provenance())
    if f.pmcid and identifiers.is_valid("pmc", f.pmcid):
        pw.add("bp:xref", build.publication("pmc", f.pmcid, pathway))
    if f.doi and identifiers.is_valid("doi", f.doi):
        pw.add("bp:xref", build.publication("doi", f.doi, pathway))
    for term in pathway.diseases:
        if term.mesh_id and identifiers.is_valid("mesh", term.mesh_id):
            pw.add("bp:xref", build.relationship("mesh", term.mesh_id, SEE_ALSO, term.mesh_name or term.label))
    pw.add("bp:pathwayComponent", act.subject)
    act.add("bp:displayName", Lit("figure co-occurrence"))
    act.add("bp:comment", Lit(f"Entities shown together on figure {f.figid}; PFOCR records no interactions."))
    act.add("bp:dataSource", build.provenance())
    for entity in _participants(build, pathway):
        act.add("bp:participant", entity)
    return build.blocks


def wp_blocks(pathway: Pathway, base: str) -> list[Block]:
    """The WikiPathways-vocabulary view of one figure (plain literals, as WikiPathways' queries expect)."""
    f = pathway.figure
    build = _Builder(base)
    pw_iri = build.iri(local(f.figid))
    pw = build.own(pw_iri, "wp:Pathway")
    pw.add("rdf:type", NAMESPACES["skos"] + "Collection")
    pw.add("dc:title", Lit(f.title or f.figid, None, "en"))
    pw.add("dcterms:identifier", Lit(f.figid, None))
    pw.add("dc:identifier", f.pfocr_url)
    pw.add("dc:source", Lit("PFOCR", None))
    pw.add("dcterms:description", Lit(f.caption, None))
    pw.add("foaf:page", f.pfocr_url)
    if pathway.taxon:
        pw.add("wp:organism", f"http://purl.obolibrary.org/obo/NCBITaxon_{pathway.taxon}")
        pw.add("wp:organismName", Lit(pathway.organism or "", None))
    if f.pmcid and identifiers.is_valid("pmc", f.pmcid):
        pw.add("cito:cites", f"{IDORG}pmc/{f.pmcid}")
    for gene in pathway.genes:
        x = gene.xref
        node = f"{IDORG}ncbigene/{x.entrez}"
        if b := build.shared(node, "wp:GeneProduct"):
            b.add("rdf:type", NAMESPACES["wp"] + "DataNode")
            b.add("rdfs:label", Lit(x.symbol, None))
            b.add("dcterms:identifier", Lit(x.entrez, None))
            b.add("dc:identifier", node)
            b.add("dc:source", Lit("Entrez Gene", None))
            b.add("wp:bdbEntrezGene", node)
            if _hgnc_symbol(gene):
                b.add("wp:bdbHgncSymbol", f"{IDORG}hgnc.symbol/{local(x.symbol)}")
            for acc in x.uniprot:
                if identifiers.is_valid("uniprot", acc):
                    b.add("wp:bdbUniprot", f"{IDORG}uniprot/{acc}")
            if x.ensembl and re.fullmatch(r"ENSG\d{11}", x.ensembl):
                b.add("wp:bdbEnsembl", f"{IDORG}ensembl/{x.ensembl}")
        build.own(node, None).add("dcterms:isPartOf", pw_iri)
    for term in pathway.chemicals:
        if not (term.mesh_id and identifiers.is_valid("mesh", term.mesh_id)):
            continue
        node = f"{IDORG}mesh/{term.mesh_id}"
        if b := build.shared(node, "wp:Metabolite"):
            b.add("rdf:type", NAMESPACES["wp"] + "DataNode")
            b.add("rdfs:label", Lit(term.mesh_name or term.label, None))
            b.add("dcterms:identifier", Lit(term.mesh_id, None))
            b.add("dc:identifier", node)
            b.add("dc:source", Lit("MeSH", None))
        build.own(node, None).add("dcterms:isPartOf", pw_iri)
    return build.blocks


# --- validation ----------------------------------------------------------------


@lru_cache(maxsize=1)
def ontology_terms() -> tuple[frozenset[str], frozenset[str]]:
    """(class names, property names) defined in schemas/biopax-level3.owl."""
    from lxml import etree

    root = etree.parse(str(schema_path("biopax-level3.owl"))).getroot()
    rdf_id = f"{{{RDF}}}ID"
    classes, props = set(), set()
    for el in root:
        name = el.get(rdf_id)
        if name and isinstance(el.tag, str):
            if el.tag == f"{{{NAMESPACES['owl']}}}Class":
                classes.add(name)
            elif el.tag.endswith("Property"):
                props.add(name)
    return frozenset(classes), frozenset(props)


def _check_xref(db: str | None, ident: str | None, where: str) -> str | None:
    if db is None or ident is None:
        return f"{where}: xref without bp:db or bp:id"
    if db in identifiers.PREFIXES and not identifiers.is_valid(db, ident):
        return f"{where}: {db} id {ident!r} does not match the Bioregistry pattern"
    return None


def _rdfxml_problems(data: bytes) -> list[str]:
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != f"{{{RDF}}}RDF":
        return [f"root element is {root.tag}, not rdf:RDF"]
    classes, props = ontology_terms()
    about, rdf_id = f"{{{RDF}}}about", f"{{{RDF}}}ID"
    problems = []
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if el.tag == f"{{{RDF}}}Description":
            problems.append("untyped rdf:Description node: Paxtools and pybiopax need typed node elements")
            continue
        if not el.tag.startswith(f"{{{BP}"):
            continue
        cls = el.tag[len(BP) + 2:]
        where = f"bp:{cls} {el.get(about) or el.get(rdf_id)}"
        if cls not in classes:
            problems.append(f"{where}: bp:{cls} is not a BioPAX Level 3 class")
        if el.get(about) is None and el.get(rdf_id) is None:
            problems.append(f"{where}: node without rdf:about or rdf:ID")
        values: dict[str, list[str]] = {}
        for child in el:
            if isinstance(child.tag, str) and child.tag.startswith(f"{{{BP}"):
                name = child.tag[len(BP) + 2:]
                if name not in props:
                    problems.append(f"{where}: bp:{name} is not a BioPAX Level 3 property")
                values.setdefault(name, []).append(child.text or "")
        problems.extend(_node_problems(cls, values, where))
    return problems


def _node_problems(cls: str, values: dict[str, list[str]], where: str) -> list[str]:
    problems = []
    if cls == "Pathway" and len(values.get("organism", ())) > 1:
        problems.append(f"{where}: more than one bp:organism (PathwayOrganismCRRule)")
    if cls.endswith("Xref"):
        db, ident = values.get("db", [None])[0], values.get("id", [None])[0]
        if problem := _check_xref(db, ident, where):
            problems.append(problem)
    return problems


def _triples_problems(data: bytes, fmt: str) -> list[str]:
    """Parse Turtle/N-Triples and run the same node checks on the triples."""
    try:
        triples = _parse_triples(data, fmt)
    except (SyntaxError, ValueError) as exc:
        return [f"not valid {fmt}: {exc}"]
    classes, props = ontology_terms()
    rdf_type = f"{RDF}type"
    types: dict[str, str] = {}
    values: dict[str, dict[str, list[str]]] = {}
    problems = []
    for s, p, o in triples:
        if p == rdf_type and o.startswith(BP):
            types[s] = o[len(BP):]
            if o[len(BP):] not in classes:
                problems.append(f"{s}: bp:{o[len(BP):]} is not a BioPAX Level 3 class")
        elif p.startswith(BP):
            if p[len(BP):] not in props:
                problems.append(f"{s}: bp:{p[len(BP):]} is not a BioPAX Level 3 property")
            values.setdefault(s, {}).setdefault(p[len(BP):], []).append(o)
    for s, cls in types.items():
        problems.extend(_node_problems(cls, values.get(s, {}), f"bp:{cls} {s}"))
    return problems


def _parse_triples(data: bytes, fmt: str) -> list[tuple[str, str, str]]:
    """(subject, predicate, object) strings; literal objects as their lexical form."""
    try:
        import pyoxigraph
    except ImportError:
        import rdflib

        graph = rdflib.Graph().parse(data=data, format="nt" if fmt == "N-Triples" else "turtle")
        return [(str(s), str(p), str(o)) for s, p, o in graph]
    rdf_format = pyoxigraph.RdfFormat.N_TRIPLES if fmt == "N-Triples" else pyoxigraph.RdfFormat.TURTLE
    return [(t.subject.value, t.predicate.value, t.object.value)
            for t in pyoxigraph.parse(data, format=rdf_format)]


# --- exporters -------------------------------------------------------------------


class _RdfExporter(Exporter):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.base = check_base(options.get("base_uri") or DEFAULT_BASE)
        self.wp_view = bool(options.get("wp_view"))


class BiopaxExporter(_RdfExporter):
    """One BioPAX Level 3 RDF/XML file per figure, typed node elements (Paxtools, pybiopax)."""

    name = "biopax"
    suffix = ".owl"
    description = "BioPAX Level 3 RDF/XML, one file per figure (Paxtools, pybiopax)"

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        stream.write(rdfxml(biopax_blocks(pathway, self.base), self.base, BIOPAX_ONTOLOGY).encode("utf-8"))

    def companions(self, pathway: Pathway, data: bytes):
        if not self.wp_view:
            return ()
        body = "".join(text for _, text in turtle(wp_blocks(pathway, self.base)))
        return ((".wp.ttl", (turtle_prefixes() + body).encode("utf-8")),)

    def validate(self, data: bytes, label: str) -> None:
        problems = _rdfxml_problems(data)
        if problems:
            raise ExportError(f"{label}: biopax: {problems[0]}" + (f" (+{len(problems) - 1} more)"
                                                                    if len(problems) > 1 else ""))


class _CorpusRdfExporter(_RdfExporter):
    """One file for all figures. Each figure's document marks its blocks with ``#@ key`` comment
    lines; :meth:`corpus_add` drops the header and every shared block already written."""

    corpus_level = True
    syntax: str

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._written: set[bytes] = set()

    def header(self) -> str:
        raise NotImplementedError

    def render(self, blocks: list[Block]) -> list[tuple[str | None, str]]:
        raise NotImplementedError

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        ontology = Block(self.base, "owl:Ontology", [("owl:imports", BIOPAX_ONTOLOGY)], key=self.base)
        blocks = [ontology] + biopax_blocks(pathway, self.base)
        if self.wp_view:
            blocks += wp_blocks(pathway, self.base)
        parts = [self.header()]
        for key, text in self.render(blocks):
            parts.append(f"#@ {key}\n" if key else "#@\n")
            parts.append(text)
        stream.write("".join(parts).encode("utf-8"))

    def corpus_start(self, stream: IO[bytes]) -> None:
        self._written = set()
        stream.write(self.header().encode("utf-8"))

    def corpus_add(self, chunk: bytes, stream: IO[bytes]) -> None:
        written = self._written
        for piece in chunk.split(b"\n#@")[1:]:
            head, _, body = piece.partition(b"\n")
            key = head.strip()
            if key:
                if key in written:
                    continue
                written.add(key)
            stream.write(body + b"\n")

    def validate(self, data: bytes, label: str) -> None:
        problems = _triples_problems(data, self.syntax)
        if problems:
            raise ExportError(f"{label}: {self.name}: {problems[0]}" + (f" (+{len(problems) - 1} more)"
                                                                         if len(problems) > 1 else ""))


class TurtleExporter(_CorpusRdfExporter):
    """All figures in one Turtle file, shared entities once."""

    name = "turtle"
    suffix = ".ttl"
    description = "BioPAX Level 3 as Turtle, one file for all figures (triple stores)"
    syntax = "Turtle"

    def header(self) -> str:
        return "# PFOCR pathway figures as BioPAX Level 3\n" + turtle_prefixes()

    def render(self, blocks: list[Block]) -> list[tuple[str | None, str]]:
        return turtle(blocks)


class NTriplesExporter(_CorpusRdfExporter):
    """All figures in one N-Triples file, shared entities once (bulk loading)."""

    name = "ntriples"
    suffix = ".nt"
    description = "BioPAX Level 3 as N-Triples, one file for all figures (bulk loading)"
    syntax = "N-Triples"

    def header(self) -> str:
        return "# PFOCR pathway figures as BioPAX Level 3\n"

    def render(self, blocks: list[Block]) -> list[tuple[str | None, str]]:
        return ntriples(blocks)
