"""``biopax``, ``turtle``, ``ntriples``: figures as BioPAX Level 3 RDF.

Model (see the README section "BioPAX, RDF and triple stores"):

* one ``bp:Pathway`` per figure (figid as name, title as standardName, its
  first 25 characters as displayName, caption as comment), with at most one
  organism: ``Pathway.organism`` / ``.taxon`` (``pathway.ORGANISM_RULES``);
  comments say which rule decided it (``organismSource: <key> — <rule>``) and
  name every organism the record names (``organismsNamed: ...``). A
  ``bp:Provenance`` data source and a ``bp:PublicationXref`` (pmc, plus doi
  when known) for the paper. Diseases are ``RelationshipXref`` s (mesh, doid)
  on the pathway;
* one generic ``bp:Interaction`` per figure that names entities holds them
  (co-occurrence); its comments name the figure's suspect gene matches, each
  flag's code and reason (``suspects.gene_flags``);
* each draft interaction read from the caption (``Pathway.interactions``) in
  the pattern Pathway Commons uses for its type (``_caption_interactions``:
  Control of the target's activation, phosphorylation, degradation or
  translocation, TemplateReactionRegulation of its TemplateReaction,
  ComplexAssembly of a Complex, BiochemicalReaction of chemicals), with a
  ``bp:Evidence`` (PSI-MI predictive text mining, ECO:0007669), the paper and
  the stating sentences; the ends' other states (active, phosphorylated,
  located, bound) are shared entities like the ends themselves;
* per gene, shared across figures, one ``Protein`` + ``ProteinReference``
  whose ``organism`` is the BioSource of the gene's own taxon (one per taxon),
  with ``RelationshipXref`` s ncbigene (every organism), the organism's
  nomenclature (hgnc, mgi, rgd) and, for human genes only, hgnc.symbol, and a
  UniProt ``UnificationXref`` where HGNC gives the gene one of its own.
  FamPlex families as generic ProteinReferences named by their FamPlex id
  (``memberEntityReference``, ``UnificationXref(fplx)``);
* chemicals as ``SmallMolecule`` + ``SmallMoleculeReference``: with a ChEBI id,
  ``SMR_chebi_<id>`` with ``UnificationXref(chebi, CHEBI:<id>)`` and the MeSH
  id as a ``RelationshipXref``; with MeSH only, ``SMR_mesh_<id>`` with
  ``UnificationXref(mesh)``. Physical entities name PFOCR as ``dataSource``.

A shared entity's block depends on its IRI only; what a figure's record adds to
one (a paper's title, a term's name) is a statement of its own (``fact``), so a
union of figure files, and the corpus file, hold every value without conflict.
IRIs are absolute and deterministic under ``base_uri``, local names XML names
(``rdf_common.local``). ``biopax`` writes one
RDF/XML file per figure with typed node elements (Paxtools, pybiopax);
``turtle`` and ``ntriples`` write one corpus file in which shared entities
appear once. Option ``wp_view`` adds a WikiPathways-vocabulary view
(``wp:Pathway``, ``wp:GeneProduct``, ...): inline for Turtle/N-Triples, as a
``.wp.ttl`` companion for RDF/XML (Paxtools rejects foreign classes).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import IO, Any, NamedTuple
from urllib.parse import quote

from .. import identifiers
from ..interactions import PROVENANCE, QUALITY, Interaction
from ..model import HUMAN as HUMAN_NAME, HUMAN_TAXON
from ..pathway import ORGANISM_RULES, Family, Gene, Pathway, Term, shared_per_pathway
from ..registry import Exporter, ExportError
from ..resources import schema_path
from ..suspects import Flag, gene_flags
from ..xmlguard import xml_declaration_problem
from ..xrefs import UNKNOWN, default_resolver
from . import shapes
from .rdf_common import BP, NAMESPACES, RDF, Block, Lit, check_base, local, ntriples, rdfxml, turtle, turtle_prefixes

DEFAULT_BASE = "https://pfocr.wikipathways.org/biopax/"
BIOPAX_ONTOLOGY = "http://www.biopax.org/release/biopax-level3.owl#"
HUMAN = (HUMAN_TAXON, HUMAN_NAME)  # FamPlex families are human
IDENTITY = ("0356", "identity")  # PSI-MI relationship types (MI:0353 children)
SEE_ALSO = ("0361", "see-also")
IDORG = "https://identifiers.org/"  # WikiPathways RDF spells xref IRIs identifiers.org/<prefix>/<id>
OBO = "http://purl.obolibrary.org/obo/"
# Caption interactions' evidence code: a PSI-MI interaction detection method, as the validator's
# EvidenceCodeCvRule wants (MI:0001, MI:0002, MI:0003 children), with ECO's term for evidence a program
# asserted unreviewed as a see-also xref (ECO has no text-mining term)
TEXT_MINING = ("0087", "predictive text mining")
ECO_AUTOMATIC = ("0007669", "computational evidence used in automatic assertion")
PHOSPHORYLATED = ("00696", "phosphorylated residue")  # PSI-MOD, a ProteinModificationFeatureCvRule term
ACTIVE = "residue modification, active"  # Pathway Commons' (NCI-PID's) activity feature; PSI-MOD has none
UNREVIEWED = "Draft interaction read from the figure caption, unreviewed"
# Bioregistry "bananas" (identifiers.banana): ids of chebi, doid and mgi are written CHEBI:15422, as the
# Paxtools Normalizer writes them; the validator (Resolver.checkRegExp) strips the banana before matching.


DISPLAY_MAX = 25  # DisplayNameRule: a longer displayName draws too.long.display.name (Provenance: 50)


def _java_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # Java's String.length(): UTF-16 units


def display_name(text: str, keep_end: bool = False) -> str:
    """text when it fits DisplayNameRule's 25 characters, else a shortening ending in '…' (its start cut
    at a word boundary), or with keep_end its start and end around '…', which keeps apart names
    that differ only at the end (Uridine Diphosphate Glucose / Galactose: the validator's
    SameNameDiffKindPhysEntitiesRule compares entities' names). The full text goes into standardName."""
    if _java_length(text) <= DISPLAY_MAX:
        return text
    if keep_end:
        head, tail = text[:DISPLAY_MAX // 2].rstrip(), text[-(DISPLAY_MAX // 2):].lstrip()
        while _java_length(head + tail) > DISPLAY_MAX - 1:
            tail = tail[1:]
        return head + "\u2026" + tail
    cut = text[:DISPLAY_MAX - 1]
    while _java_length(cut) > DISPLAY_MAX - 1:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space >= DISPLAY_MAX // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-(") + "\u2026"


def _named(b: Block, name: str, standard: str | None = None, entity: bool = False) -> None:
    """displayName short enough for DisplayNameRule (an entity's keeps its name's end); standardName
    the given one, else the full name when displayName had to be cut."""
    short = display_name(name, keep_end=entity)
    b.add("bp:displayName", Lit(short))
    standard = standard or (name if short != name else None)
    if standard:
        b.add("bp:standardName", Lit(standard))


def xref_id(db: str, local_id: str) -> str:
    """A bp:id value: the local id, with its database's banana where it has one."""
    return identifiers.banana(db) + local_id


def valid_id(db: str, ident: str) -> bool:
    """True when a bp:id value (banana optional) matches its database's pattern."""
    banana = identifiers.banana(db)
    if banana and ident.startswith(banana):
        ident = ident[len(banana):]
    return identifiers.is_valid(db, ident)


class _End(NamedTuple):
    """An interaction end's physical entity: IRI, entity reference (None for a group of genes), name, class,
    and what its text depends on besides its IRI (a group's: its member genes)."""

    iri: str
    ref: str | None
    name: str
    type: str
    variant: Any


_Ref = tuple[str, Any]  # (block key, variant): how a shared block is found in the cache
_CACHE: dict[_Ref, tuple[Block, tuple[_Ref, ...]]] = {}  # per process: shared blocks + what they refer to
_CACHE_LIMIT = 60_000  # entries (~3 kB each with three syntaxes rendered); emptied between figures beyond this


class _Builder:
    """Collects one figure's blocks, each shared entity once.

    A shared entity is built once per process (``_CACHE``, keyed by its IRI
    and whatever else its text depends on) together with the shared entities
    it refers to; a figure then emits it and, depth-first, those. The order is
    the same whether or not the cache was warm, so output is byte-identical
    however figures are spread over worker processes.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.blocks: list[Block] = []
        self._seen: set[str] = set()
        self._deps: list[_Ref] | None = None  # set while a shared block is being filled
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()

    def iri(self, name: str) -> str:
        return self.base + name

    def own(self, subject: str, rdf_type: str | None) -> Block:
        """A block of this figure only."""
        block = Block(subject, rdf_type)
        self.blocks.append(block)
        return block

    def entity(self, subject: str, rdf_type: str | None, fill: Callable[[Block], None], variant: Any = None,
               key: str | None = None) -> str:
        """A shared block (built by fill on first use in this process); returns its subject."""
        ref = (key or subject, variant)
        if self._deps is not None:
            self._deps.append(ref)
        if ref not in _CACHE:
            block = Block(subject, rdf_type, key=ref[0])
            outer, self._deps = self._deps, []
            fill(block)
            _CACHE[ref] = (block, tuple(self._deps))
            self._deps = outer
        if self._deps is None:
            self._emit(ref)
        return subject

    def _emit(self, ref: _Ref) -> None:
        if ref[0] in self._seen:
            return
        self._seen.add(ref[0])
        block, deps = _CACHE[ref]
        self.blocks.append(block)
        for dep in deps:
            self._emit(dep)

    def link(self, subject: str, prop: str, obj: str, make: Callable[[], str], variant: Any) -> None:
        """One shared statement outside its subject's block (a family member); make() builds obj."""
        def fill(b: Block) -> None:
            b.add(prop, make())
        self.entity(subject, None, fill, variant, key=f"{subject} {prop} {obj}")

    def fact(self, subject: str, prop: str, value: Lit) -> None:
        """One shared literal statement outside its subject's block: what a figure's record adds to a
        shared entity (a paper's title, a MeSH term's name). Keyed by its value, so the corpus and any
        union of figure files hold what every figure said, and no block's text depends on the figure."""
        digest = hashlib.blake2b(value.text.encode("utf-8"), digest_size=8).hexdigest()
        self.entity(subject, None, lambda b: b.add(prop, value), key=f"{subject} {prop} {digest}")

    # --- utility classes -------------------------------------------------

    def unification(self, db: str, ident: str, value: str | None = None) -> str:
        """UX_<db>_<id>; ident is the local id, value the bp:id when it is not ident with its
        database's banana."""
        def fill(b: Block) -> None:
            b.add("bp:db", Lit(db))
            b.add("bp:id", Lit(value or xref_id(db, ident)))
        return self.entity(self.iri(f"UX_{db}_{local(ident)}"), "bp:UnificationXref", fill)

    def relationship_iri(self, db: str, ident: str, rel: tuple[str, str]) -> str:
        return self.iri(f"RX_{db}_{local(ident)}_{rel[1]}")

    def relationship(self, db: str, ident: str, rel: tuple[str, str], comment: str | None = None,
                     value: str | None = None) -> str:
        """RX_<db>_<id>_<type>; ident is the local id (the banana, if any, goes into bp:id only), value the
        bp:id when it is not that; the comment (the term's name as the record gives it) is a fact of its own."""
        def fill(b: Block) -> None:
            b.add("bp:db", Lit(db))
            b.add("bp:id", Lit(value or xref_id(db, ident)))
            b.add("bp:relationshipType", self.vocabulary(rel))
        subject = self.entity(self.relationship_iri(db, ident, rel), "bp:RelationshipXref", fill)
        if comment:
            self.fact(subject, "bp:comment", Lit(comment))
        return subject

    def vocabulary(self, rel: tuple[str, str]) -> str:
        code, term = rel

        def fill(b: Block) -> None:
            b.add("bp:term", Lit(term))
            b.add("bp:xref", self.unification("mi", code, f"MI:{code}"))
        return self.entity(self.iri(f"RTV_mi_{code}"), "bp:RelationshipTypeVocabulary", fill)

    def biosource(self, taxon: str, name: str) -> str:
        def fill(b: Block) -> None:
            _named(b, name, name)
            b.add("bp:xref", self.unification("ncbitaxon", taxon))
        return self.entity(self.iri(f"BioSource_ncbitaxon_{taxon}"), "bp:BioSource", fill, name)

    def provenance(self) -> str:
        def fill(b: Block) -> None:
            b.add("bp:displayName", Lit("PFOCR"))
            b.add("bp:standardName", Lit("Pathway Figure OCR"))
            b.add("bp:comment", Lit("https://pfocr.wikipathways.org; genes, chemicals and diseases read off "
                                    "published pathway figures; CC0"))
        return self.entity(self.iri("Provenance_pfocr"), "bp:Provenance", fill)

    # --- physical entities ------------------------------------------------

    def gene_reference(self, gene: Gene) -> str:
        """The gene's ProteinReference: organism = the BioSource of its own taxon."""
        x = gene.xref

        def fill(b: Block) -> None:
            _named(b, x.symbol, x.symbol, entity=True)
            if x.name:
                b.add("bp:name", Lit(x.name))
            if x.taxon and identifiers.is_valid("ncbitaxon", x.taxon):
                b.add("bp:organism", self.biosource(x.taxon, x.organism or x.taxon))
            if x.uniprot and identifiers.is_valid("uniprot", x.uniprot[0]):
                if default_resolver().uniprot_is_shared(x.uniprot[0]):  # one protein of several genes: not
                    b.add("bp:xref", self.relationship("uniprot", x.uniprot[0], IDENTITY))  # this gene's identity
                else:
                    b.add("bp:xref", self.unification("uniprot", x.uniprot[0]))
            b.add("bp:xref", self.relationship("ncbigene", x.entrez, IDENTITY))
            if x.is_human and x.hgnc_id and identifiers.is_valid("hgnc", x.hgnc_id):
                b.add("bp:xref", self.relationship("hgnc", x.hgnc_id, IDENTITY))
            nomenclature = x.nomenclature
            if nomenclature in ("mgi", "rgd") and identifiers.is_valid(nomenclature, x.nomenclature_id):
                b.add("bp:xref", self.relationship(nomenclature, x.nomenclature_id, IDENTITY))
            if _hgnc_symbol(gene):
                b.add("bp:xref", self.relationship("hgnc.symbol", x.symbol, IDENTITY))
            for extra in x.uniprot[1:]:
                if identifiers.is_valid("uniprot", extra):
                    b.add("bp:xref", self.relationship("uniprot", extra, SEE_ALSO))
        return self.entity(self.iri(f"PR_ncbigene_{x.entrez}"), "bp:ProteinReference", fill, x)

    def gene_protein(self, gene: Gene) -> str:
        """One Protein per gene, shared by every figure (a flagged gene's flag is said on the figure's
        interaction: a second Protein of the same reference would draw same.state.entity)."""
        def fill(b: Block) -> None:
            _named(b, gene.symbol, entity=True)
            b.add("bp:entityReference", self.gene_reference(gene))
            b.add("bp:dataSource", self.provenance())
        return self.entity(self.iri(f"Protein_ncbigene_{gene.entrez}"), "bp:Protein", fill, gene.xref)

    def family_protein(self, family: Family) -> str:
        fplx = family.fplx_id
        ref = self.iri(f"PR_fplx_{local(fplx)}")

        def fill_ref(b: Block) -> None:  # named by the FamPlex id: the record's word depends on the figure
            _named(b, fplx, fplx, entity=True)
            b.add("bp:organism", self.biosource(*HUMAN))
            b.add("bp:xref", self.unification("fplx", fplx))

        def fill(b: Block) -> None:
            _named(b, fplx, entity=True)
            b.add("bp:entityReference", self.entity(ref, "bp:ProteinReference", fill_ref))
            b.add("bp:dataSource", self.provenance())
        iri = self.entity(self.iri(f"Protein_fplx_{local(fplx)}"), "bp:Protein", fill)
        for member in family.members:
            self.link(ref, "bp:memberEntityReference", self.iri(f"PR_ncbigene_{member.entrez}"),
                      lambda m=member: self.gene_reference(m), member.xref)
        return iri


    def small_molecule(self, mesh_id: str, label: str, mesh_name: str | None) -> str:
        name = mesh_name or label

        def fill_ref(b: Block) -> None:
            _named(b, name, mesh_name, entity=True)
            b.add("bp:xref", self.unification("mesh", mesh_id))

        def fill(b: Block) -> None:
            _named(b, name, entity=True)
            b.add("bp:dataSource", self.provenance())
            b.add("bp:entityReference", self.entity(self.iri(f"SMR_mesh_{mesh_id}"), "bp:SmallMoleculeReference",
                                                    fill_ref, name))
        return self.entity(self.iri(f"SM_mesh_{mesh_id}"), "bp:SmallMolecule", fill, name)

    def chebi_molecule(self, term: Term, chebi: str, mesh_id: str | None) -> str:
        """A chemical with a ChEBI id: SmallMoleculeReference unified to ChEBI, its MeSH id (if any) a
        see-also RelationshipXref. The MeSH statement is shared on its own, so an SMR keeps every MeSH
        id the corpus maps to its ChEBI id."""
        name = term.ontology_name or term.mesh_name or term.label
        ref = self.iri(f"SMR_chebi_{chebi}")

        def fill_ref(b: Block) -> None:
            _named(b, name, term.ontology_name, entity=True)
            b.add("bp:xref", self.unification("chebi", chebi))

        def fill(b: Block) -> None:
            _named(b, name, entity=True)
            b.add("bp:dataSource", self.provenance())
            b.add("bp:entityReference", self.entity(ref, "bp:SmallMoleculeReference", fill_ref, name))
        iri = self.entity(self.iri(f"SM_chebi_{chebi}"), "bp:SmallMolecule", fill, name)
        if mesh_id:
            comment = term.mesh_name or term.label
            self.link(ref, "bp:xref", self.relationship_iri("mesh", mesh_id, SEE_ALSO),
                      lambda: self.relationship("mesh", mesh_id, SEE_ALSO, comment), comment)
        return iri

    def publication(self, db: str, ident: str, pathway: Pathway) -> str:
        """PX_<db>_<id>; title, source and year as the record gives them are facts of their own (records
        of one paper do not all give them)."""
        f = pathway.figure
        url = f.paper_url if db == "pmc" else f"https://doi.org/{ident}"

        def fill(b: Block) -> None:
            b.add("bp:db", Lit(db))
            b.add("bp:id", Lit(ident))
            b.add("bp:url", Lit(url))
        subject = self.entity(self.iri(f"PX_{db}_{local(ident)}"), "bp:PublicationXref", fill)
        year = str(f.year).strip() if f.year else ""
        year = str(int(year)) if year.isdigit() and int(year) > 0 else ""  # "0": illegal.property.value
        for prop, value in (("bp:title", Lit(f.papertitle or "")), ("bp:source", Lit(f.reftext or "")),
                            ("bp:year", Lit(year, "int"))):
            if value.text:
                self.fact(subject, prop, value)
        return subject

    # --- caption interactions: ends, their states, vocabularies -------------

    def end(self, node: Gene | Family | Term) -> _End | None:
        """The physical entity an interaction end names, or None when the node has none (a chemical
        without a usable id)."""
        if isinstance(node, Gene):
            return _End(self.gene_protein(node), self.iri(f"PR_ncbigene_{node.entrez}"), node.symbol,
                        "bp:Protein", node.xref)
        if isinstance(node, Family):
            if node.fplx_id and identifiers.is_valid("fplx", node.fplx_id):
                return _End(self.family_protein(node), self.iri(f"PR_fplx_{local(node.fplx_id)}"), node.fplx_id,
                            "bp:Protein", None)
            if len(node.members) == 1:
                return self.end(node.members[0])
            return _End(self.group_protein(node), None, node.name, "bp:Protein", node.members) if node.members else None
        chebi, mesh = _chebi(node), _mesh(node)
        if chebi:
            name = node.ontology_name or node.mesh_name or node.label
            return _End(self.chebi_molecule(node, chebi, mesh), self.iri(f"SMR_chebi_{chebi}"), name,
                        "bp:SmallMolecule", name)
        if mesh:
            name = node.mesh_name or node.label
            return _End(self.small_molecule(mesh, node.label, node.mesh_name), self.iri(f"SMR_mesh_{mesh}"), name,
                        "bp:SmallMolecule", name)
        return None

    def group_protein(self, family: Family) -> str:
        """A family that is no FamPlex entity, as a generic Protein of its members' Proteins (its IRI
        names the member set, so every figure describes it alike)."""
        ids = ",".join(sorted(m.entrez for m in family.members))
        digest = hashlib.blake2b(ids.encode(), digest_size=6).hexdigest()

        def fill(b: Block) -> None:
            _named(b, family.name, entity=True)
            for member in family.members:
                b.add("bp:memberPhysicalEntity", self.gene_protein(member))
            b.add("bp:dataSource", self.provenance())
        return self.entity(self.iri(f"Protein_group_{local(family.name)}_{digest}"), "bp:Protein", fill,
                           tuple(m.xref for m in family.members))

    def _tail(self, end: _End) -> str:
        """The end's physical entity IRI without the base and the class code: ncbigene_7157, fplx_JAK."""
        return end.iri[len(self.base):].split("_", 1)[1]

    def state(self, end: _End, suffix: str, name: str, feature: Callable[[], str] | None = None,
              location: tuple[str, str] | None = None) -> str:
        """The end in another state (a feature or a cellular location), shared by every figure: same
        reference (a group's members), a different physical entity (one per reference and state)."""
        def fill(b: Block) -> None:
            _named(b, name, entity=True)
            if end.ref:
                b.add("bp:entityReference", end.ref)
            else:
                for member in end.variant:
                    b.add("bp:memberPhysicalEntity", self.gene_protein(member))
            b.add("bp:dataSource", self.provenance())
            if feature:
                b.add("bp:feature", feature())
            if location:
                b.add("bp:cellularLocation", self.location(location))
        return self.entity(f"{end.iri}_{suffix}", end.type, fill, end.variant)

    def feature(self, end: _End, rdf_type: str, suffix: str, fill: Callable[[Block], None]) -> str:
        """A feature of the end's reference (listed as its entityFeature: SimplePhysicalEntityFeaturesRule)."""
        code = "MF" if rdf_type == "bp:ModificationFeature" else "BF"
        iri = self.iri(f"{code}_{self._tail(end)}_{suffix}")
        if end.ref:
            self.link(end.ref, "bp:entityFeature", iri, lambda: self.entity(iri, rdf_type, fill), None)
        else:
            self.entity(iri, rdf_type, fill)
        return iri

    def modified(self, end: _End, phosphorylated: bool) -> str:
        """The end phosphorylated (PSI-MOD:00696) or active (Pathway Commons' activity feature)."""
        suffix, label = (("phosphorylated", f"phospho-{end.name}") if phosphorylated
                         else ("active", f"active {end.name}"))

        def fill(b: Block) -> None:
            b.add("bp:modificationType", self.phosphorylated() if phosphorylated else self.active())
        return self.state(end, suffix, label, lambda: self.feature(end, "bp:ModificationFeature", suffix, fill))

    def located(self, end: _End, place: tuple[str, str]) -> str:
        return self.state(end, f"GO_{place[0]}", f"{end.name} in {place[1]}", location=place)

    def bound(self, end: _End, other: _End) -> str:
        """The end as a component of its complex with other, with a BindingFeature bound to other's."""
        mine, theirs = self._tail(end), self._tail(other)

        def fill(b: Block) -> None:
            b.add("bp:bindsTo", self.iri(f"BF_{theirs}_bound_{mine}"))
        return self.state(end, f"bound_{theirs}", f"{end.name} bound to {other.name}",
                          lambda: self.feature(end, "bp:BindingFeature", f"bound_{theirs}", fill))

    def complex(self, a: _End, b: _End) -> str:
        """The complex of two ends (one per pair, in IRI order), its components their bound states."""
        a, b = sorted((a, b), key=self._tail)

        def fill(block: Block) -> None:
            _named(block, f"{a.name}:{b.name}", entity=True)
            block.add("bp:component", self.bound(a, b))
            block.add("bp:component", self.bound(b, a))
            block.add("bp:dataSource", self.provenance())
        return self.entity(self.iri(f"Complex_{self._tail(a)}_{self._tail(b)}"), "bp:Complex", fill,
                           (a.variant, b.variant))

    def term(self, rdf_type: str, name: str, term: str, xref: Callable[[], str] | None = None) -> str:
        """A controlled vocabulary term, its UnificationXref the term's own id (CvTermsRule)."""
        def fill(b: Block) -> None:
            b.add("bp:term", Lit(term))
            if xref:
                b.add("bp:xref", xref())
        return self.entity(self.iri(name), rdf_type, fill)

    def evidence_code(self) -> str:
        """PSI-MI's predictive text mining, with ECO's term for automatic assertions as a see-also xref."""
        code, term = TEXT_MINING
        eco, eco_name = ECO_AUTOMATIC

        def fill(b: Block) -> None:
            b.add("bp:term", Lit(term))
            b.add("bp:xref", self.unification("mi", code, f"MI:{code}"))
            b.add("bp:xref", self.relationship("eco", eco, SEE_ALSO, eco_name, f"ECO:{eco}"))
        return self.entity(self.iri(f"ECV_mi_{code}"), "bp:EvidenceCodeVocabulary", fill)

    def phosphorylated(self) -> str:
        code, term = PHOSPHORYLATED
        return self.term("bp:SequenceModificationVocabulary", f"SMV_mod_{code}", term,
                         lambda: self.unification("mod", code, f"MOD:{code}"))

    def active(self) -> str:
        return self.term("bp:SequenceModificationVocabulary", "SMV_active", ACTIVE)

    def location(self, place: tuple[str, str]) -> str:
        go, name = place
        return self.term("bp:CellularLocationVocabulary", f"CLV_go_{go}", name,
                         lambda: self.unification("go", go, f"GO:{go}"))


def _hgnc_symbol(gene: Gene) -> bool:
    """True when the gene is human and its symbol a current HGNC symbol (not only the record's guess).
    Other organisms' symbols (NCBI Gene's, MGI's, ...) are never HGNC symbols."""
    return (gene.xref.is_human and gene.xref.status != UNKNOWN
            and identifiers.is_valid("hgnc.symbol", gene.symbol))


def _chebi(term: Term) -> str | None:
    """The term's ChEBI id (local, digits) when it has a well-formed one."""
    if term.ontology == "chebi" and term.ontology_id and identifiers.is_valid("chebi", term.ontology_id):
        return term.ontology_id
    return None


def _doid(term: Term) -> str | None:
    if term.ontology == "doid" and term.ontology_id and identifiers.is_valid("doid", term.ontology_id):
        return term.ontology_id
    return None


def _mesh(term: Term) -> str | None:
    return term.mesh_id if term.mesh_id and identifiers.is_valid("mesh", term.mesh_id) else None


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
        chebi, mesh = _chebi(term), _mesh(term)
        if chebi:
            found[build.chebi_molecule(term, chebi, mesh)] = None
        elif mesh:
            found[build.small_molecule(mesh, term.label, term.mesh_name)] = None
    return list(found)


def _suspect_lines(gene: Gene, flags: tuple[Flag, ...], where: str = "") -> list[str]:
    return [f"Suspect match {gene.symbol} (ncbigene:{gene.entrez}){where} [{f.code}]: {f.reason}" for f in flags]


def _flag_notes(pathway: Pathway, suspects: dict[str, tuple[Flag, ...]]) -> list[str]:
    """Comments naming the figure's suspect gene matches (suspects.gene_flags) and why: their Proteins
    are shared by every figure, so the flags are said on this figure's interaction."""
    notes: dict[str, None] = {}
    named = {g.entrez for g in pathway.singles}
    for gene in pathway.singles:
        notes.update(dict.fromkeys(_suspect_lines(gene, suspects.get(gene.entrez, ()))))
    for family in pathway.families:
        fplx = family.fplx_id and identifiers.is_valid("fplx", family.fplx_id)
        for m in family.members:
            if m.entrez not in named:
                where = f", member of {family.name}" if fplx else ""
                notes.update(dict.fromkeys(_suspect_lines(m, suspects.get(m.entrez, ()), where)))
    return list(notes)


# --- caption interactions -------------------------------------------------------

CONTROL_TYPES = {"activation": "ACTIVATION", "inhibition": "INHIBITION", "phosphorylation": "ACTIVATION",
                 "degradation": "ACTIVATION", "translocation": "ACTIVATION", "regulation": None}
VERBS = {"activation": "activates", "inhibition": "inhibits", "regulation": "regulates",
         "phosphorylation": "phosphorylates", "degradation": "degrades", "translocation": "moves",
         "expression": "controls expression of", "binding": "binds", "conversion": "is converted to",
         "chain": "/"}
_PLACES = (  # GO cellular components a caption may name as where an entity moves (CellularLocationCvRule)
    (r"nucle(?:us|i|ar)", ("0005634", "nucleus")),
    (r"cytosol(?:ic)?", ("0005829", "cytosol")),
    (r"cytoplasm(?:ic)?", ("0005737", "cytoplasm")),
    (r"(?:plasma|cell) membrane|cell surface", ("0005886", "plasma membrane")),
    (r"mitochondri(?:on|a|al)", ("0005739", "mitochondrion")),
    (r"endoplasmic reticulum", ("0005783", "endoplasmic reticulum")),
    (r"golgi(?: apparatus)?", ("0005794", "Golgi apparatus")),
    (r"lysosom(?:e|es|al)", ("0005764", "lysosome")),
    (r"endosom(?:e|es|al)", ("0005768", "endosome")),
    (r"extracellular(?: space| region| milieu)?", ("0005576", "extracellular region")),
    (r"membranes?", ("0016020", "membrane")),
)
_PLACE = "|".join(f"(?:{pattern})" for pattern, _ in _PLACES)
_INTO = re.compile(rf"\b(?:to|into|towards?|at)\s+(?:the\s+)?({_PLACE})\b", re.I)
_OUT_OF = re.compile(rf"\bfrom\s+(?:the\s+)?({_PLACE})\b", re.I)
_MOVE = r"\s+(?:translocation|import|accumulation|entry|localization|recruitment)\b"
_TOWARDS = re.compile(rf"\b(nuclear(?! factor)|mitochondrial|membrane|lysosomal){_MOVE}", re.I)  # "nuclear import"
_ORIGIN = re.compile(rf"\b(cytosolic|cytoplasmic|nuclear(?! factor)|mitochondrial|lysosomal|endosomal)\b(?!{_MOVE})",
                     re.I)  # "translocation of cytosolic MDM2"
_INFLUX = re.compile(r"\s*(?:influx|uptake)\b", re.I)  # right after the moved chemical: into the cell
_EFFLUX = re.compile(r"\s*(?:efflux|export)\b", re.I)
CYTOSOL, EXTRACELLULAR = ("0005829", "cytosol"), ("0005576", "extracellular region")
_REACH = 60  # characters after the stating span where its destination may be named


def _place(word: str) -> tuple[str, str]:
    return next(place for pattern, place in _PLACES if re.fullmatch(pattern, word, re.I))


def compartments(interaction: Interaction) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """(from, to) GO cellular components of a translocation, as its first sentence naming one says:
    "translocation of cytosolic MDM2 to the nucleus", "nuclear import of X", "calcium influx"."""
    for st in interaction.statements:
        text, start, stop = st.sentence_text, st.evidence_start, st.evidence_end
        if _INFLUX.match(text, stop):
            return EXTRACELLULAR, CYTOSOL
        if _EFFLUX.match(text, stop):
            return CYTOSOL, EXTRACELLULAR
        into = _INTO.search(text, start, stop + _REACH) or _TOWARDS.search(text, start, stop)
        out_of = _OUT_OF.search(text, start, stop + _REACH) or _ORIGIN.search(text, start, stop)
        origin, destination = (_place(m.group(1)) if m else None for m in (out_of, into))
        if destination or origin:
            return origin, (destination if destination != origin else None)
    return None, None


def _evidence(build: _Builder, subject: str, interaction: Interaction, papers: list[str]) -> str:
    """The interaction's bp:Evidence: the text-mining evidence code, the paper, every stating sentence."""
    ev = build.own(subject, "bp:Evidence")
    ev.add("bp:evidenceCode", build.evidence_code())
    for paper in papers:
        ev.add("bp:xref", paper)
    notes: dict[str, None] = {}
    for st in interaction.statements:
        hedge = " (hedged: may/might/could)" if st.hedged else ""
        notes[f"Caption sentence {st.sentence}{hedge}: {st.sentence_text}"] = None
        notes[f"Stated by: {st.evidence}"] = None
    notes[f"{PROVENANCE} ({QUALITY})"] = None
    for note in notes:
        ev.add("bp:comment", Lit(note))
    return subject


def _caption_interactions(build: _Builder, pathway: Pathway, pw: Block, papers: list[str],
                          suspects: dict[str, tuple[Flag, ...]]) -> None:
    """Each caption interaction in the pattern Pathway Commons uses for its type, every interaction a
    pathwayComponent with the interaction's Evidence (README, section BioPAX)."""
    figid = local(pathway.figure.figid)
    for i in pathway.interactions:
        s, t = build.end(i.source), build.end(i.target)
        if s is None or t is None or s.iri == t.iri:  # an end without an entity; a family of the other end alone
            continue
        base = f"{figid}_{i.type}_{_key_name(i.source_key)}_{_key_name(i.target_key)}"
        evidence = build.iri(f"{base}_evidence")

        def own(suffix: str, rdf_type: str, name: str) -> Block:
            b = build.own(build.iri(base + suffix), rdf_type)
            pw.add("bp:pathwayComponent", b.subject)
            _named(b, name)
            b.add("bp:comment", Lit(f"{UNREVIEWED}: {i.type}" + (", hedged" if i.hedged else "")))
            b.add("bp:dataSource", build.provenance())
            b.add("bp:evidence", evidence)
            return b

        main = own("", _MAIN_CLASS.get(i.type, "bp:Control"), f"{s.name} {VERBS[i.type]} {t.name}")
        for node in (i.source, i.target):
            if isinstance(node, Gene):
                for line in _suspect_lines(node, suspects.get(node.entrez, ())):
                    main.add("bp:comment", Lit(line))
        if i.type == "binding":
            main.add("bp:left", s.iri)
            main.add("bp:left", t.iri)
            main.add("bp:right", build.complex(s, t))
            main.add("bp:conversionDirection", Lit("LEFT-TO-RIGHT"))
        elif i.type == "conversion":
            main.add("bp:left", s.iri)
            main.add("bp:right", t.iri)
            main.add("bp:conversionDirection", Lit("LEFT-TO-RIGHT"))
        elif i.type == "chain":
            main.add("bp:participant", s.iri)
            main.add("bp:participant", t.iri)
        else:
            main.add("bp:controller", s.iri)
            if i.type == "expression" and t.type == "bp:Protein":
                process = own("_expression", "bp:TemplateReaction", f"{t.name} expression")
                process.add("bp:product", t.iri)
            else:
                process = _changed(own, i, t, build)
                if CONTROL_TYPES.get(i.type):
                    main.add("bp:controlType", Lit(CONTROL_TYPES[i.type]))
            main.add("bp:controlled", process.subject)
        _evidence(build, evidence, i, papers)


_MAIN_CLASS = {"expression": "bp:TemplateReactionRegulation", "binding": "bp:ComplexAssembly",
               "conversion": "bp:BiochemicalReaction", "chain": "bp:Interaction"}


def _changed(own: Callable[[str, str, str], Block], i: Interaction, t: _End, build: _Builder) -> Block:
    """The change of the target a control-type interaction controls: its activation, phosphorylation,
    degradation or translocation; for a chemical target of activation, inhibition, regulation (or
    expression) its production, of phosphorylation its consumption."""
    chemical = t.type == "bp:SmallMolecule"
    if i.type == "degradation":
        b = own("_degradation", "bp:Degradation", f"{t.name} degradation")
        b.add("bp:left", t.iri)
    elif i.type == "translocation":
        origin, destination = compartments(i)
        if origin is None and destination is None:  # where to and from, the caption does not say
            b = own("_translocation", "bp:Interaction", f"{t.name} translocation")
            b.add("bp:comment", Lit("The caption names no compartment the entity moves from or to"))
            b.add("bp:participant", t.iri)
            return b
        b = own("_translocation", "bp:Transport", f"{t.name} translocation")
        b.add("bp:left", build.located(t, origin) if origin else t.iri)
        b.add("bp:right", build.located(t, destination) if destination else t.iri)
    elif chemical and i.type == "phosphorylation":
        b = own("_phosphorylation", "bp:BiochemicalReaction", f"{t.name} phosphorylation")
        b.add("bp:left", t.iri)
    elif chemical:
        b = own("_production", "bp:BiochemicalReaction", f"{t.name} production")
        b.add("bp:right", t.iri)
    else:
        phosphorylation = i.type == "phosphorylation"
        b = own(f"_{'phosphorylation' if phosphorylation else 'activation'}", "bp:BiochemicalReaction",
                f"{t.name} {'phosphorylation' if phosphorylation else 'activation'}")
        b.add("bp:left", t.iri)
        b.add("bp:right", build.modified(t, phosphorylation))
    b.add("bp:conversionDirection", Lit("LEFT-TO-RIGHT"))
    return b


def _key_name(key: str) -> str:
    """An interaction end's key as a local-name part: ncbigene:7157 -> ncbigene_7157."""
    db, _, ident = key.partition(":")
    return f"{db}_{local(ident)}"


def _organisms_named(pathway: Pathway) -> str:
    return "; ".join(f"{name} (ncbitaxon:{taxon})" if taxon else name for name, taxon in pathway.organisms_named)


@shared_per_pathway
def biopax_blocks(pathway: Pathway, base: str) -> list[Block]:
    """The BioPAX blocks of one figure, pathway first."""
    f = pathway.figure
    build = _Builder(base)
    pw = build.own(build.iri(local(f.figid)), "bp:Pathway")
    _named(pw, f.title or f.figid, f.title)
    pw.add("bp:name", Lit(f.figid))
    if f.figid_alias and f.figid_alias != f.figid:
        pw.add("bp:name", Lit(f.figid_alias))
    pw.add("bp:comment", Lit(f.caption))
    if f.figure_url:
        pw.add("bp:comment", Lit(f"Figure: {f.figure_url}"))
    pw.add("bp:comment", Lit(f"PFOCR: {f.pfocr_url}"))
    if len(f.organisms) > 1 or (f.organisms and not pathway.taxon):
        pw.add("bp:comment", Lit("Organisms named by the paper: " + "; ".join(f.organisms)))
    if pathway.organism_source:
        pw.add("bp:comment", Lit(f"organismSource: {pathway.organism_source} \u2014 "
                                 f"{ORGANISM_RULES.get(pathway.organism_source, '')}"))
    if pathway.organisms_named:
        pw.add("bp:comment", Lit("organismsNamed: " + _organisms_named(pathway)))
    if pathway.taxon:
        pw.add("bp:organism", build.biosource(pathway.taxon, pathway.organism or pathway.taxon))
    pw.add("bp:dataSource", build.provenance())
    papers = [build.publication(db, ident, pathway) for db, ident in (("pmc", f.pmcid), ("doi", f.doi))
              if ident and identifiers.is_valid(db, ident)]
    for paper in papers:
        pw.add("bp:xref", paper)
    for term in pathway.diseases:
        mesh, doid = _mesh(term), _doid(term)
        if mesh:
            pw.add("bp:xref", build.relationship("mesh", mesh, SEE_ALSO, term.mesh_name or term.label))
        if doid:
            pw.add("bp:xref", build.relationship("doid", doid, SEE_ALSO, term.ontology_name or term.label))
    for kind, terms, other, ontology_id in (("Chemicals", pathway.chemicals, "ChEBI", _chebi),
                                            ("Diseases", pathway.diseases, "DOID", _doid)):
        unmapped = [t.label for t in terms if not (_mesh(t) or ontology_id(t))]
        if unmapped:
            pw.add("bp:comment", Lit(f"{kind} on the figure without a MeSH or {other} id: " + "; ".join(unmapped)))
    suspects = gene_flags(pathway)
    entities = _participants(build, pathway)
    if entities:  # a figure naming no entity has no interaction
        act = Block(build.iri(f"{local(f.figid)}_participants"), "bp:Interaction")
        build.blocks.insert(1, act)
        pw.add("bp:pathwayComponent", act.subject)
        act.add("bp:displayName", Lit("figure co-occurrence"))
        act.add("bp:comment", Lit(f"Entities shown together on figure {f.figid}; PFOCR records no interactions."))
        for note in _flag_notes(pathway, suspects):
            act.add("bp:comment", Lit(note))
        act.add("bp:dataSource", build.provenance())
        for entity in entities:
            act.add("bp:participant", entity)
    if pathway.interactions:
        pw.add("bp:comment", Lit(f"Caption interactions: {PROVENANCE} ({QUALITY})"))
        _caption_interactions(build, pathway, pw, papers, suspects)
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
    for term in pathway.diseases:
        doid = _doid(term)
        if doid:  # as WikiPathways tags pathways with Disease Ontology terms
            pw.add("wp:ontologyTag", f"{OBO}DOID_{doid}")
            pw.add("wp:diseaseOntologyTag", f"{OBO}DOID_{doid}")
    for paper in _wp_papers(build, f):
        pw.add("cito:cites", paper)
        build.own(paper, None).add("dcterms:isPartOf", pw_iri)
    for gene in pathway.genes:
        build.own(_wp_gene(build, gene), None).add("dcterms:isPartOf", pw_iri)
    seen: set[str] = set()
    for term in pathway.chemicals:
        chebi, mesh = _chebi(term), _mesh(term)
        if chebi:
            node = _wp_chebi(build, chebi, term.ontology_name or term.mesh_name or term.label)
        elif mesh:
            node = _wp_metabolite(build, mesh, term.mesh_name or term.label)
        else:
            continue
        if node not in seen:
            seen.add(node)
            build.own(node, None).add("dcterms:isPartOf", pw_iri)
    return build.blocks


def _wp_papers(build: _Builder, f: Any) -> list[str]:
    """The paper as WikiPathways' wp:PublicationReference (GPML2RDF's PublicationXrefConverter: the
    identifiers.org IRI of its id, foaf:page, dcterms:identifier, dc:source; a DOI as its doi.org IRI)."""
    papers = []
    doi = "https://doi.org/" + quote(f.doi or "", safe="/:@!$&'()*+,;=")
    for db, ident, node, page, source in (("pmc", f.pmcid, f"{IDORG}pmc/{f.pmcid}", f.paper_url, "PubMed Central"),
                                          ("doi", f.doi, doi, doi, "DOI")):
        if ident and identifiers.is_valid(db, ident):
            def fill(b: Block, ident: str = ident, page: str = page, source: str = source) -> None:
                b.add("foaf:page", page)
                b.add("dcterms:identifier", Lit(ident, None))
                b.add("dc:source", Lit(source, None))
            papers.append(build.entity(node, "wp:PublicationReference", fill))
    return papers


def _wp_gene(build: _Builder, gene: Gene) -> str:
    x = gene.xref
    node = f"{IDORG}ncbigene/{x.entrez}"

    def fill(b: Block) -> None:
        b.add("rdf:type", NAMESPACES["wp"] + "DataNode")
        b.add("rdfs:label", Lit(x.symbol, None))
        b.add("dcterms:identifier", Lit(x.entrez, None))
        b.add("dc:identifier", node)
        b.add("dc:source", Lit("Entrez Gene", None))
        b.add("wp:bdbEntrezGene", node)
        if _hgnc_symbol(gene):
            b.add("wp:bdbHgncSymbol", f"{IDORG}hgnc.symbol/{quote(x.symbol, safe='')}")
        for acc in x.uniprot:
            if identifiers.is_valid("uniprot", acc):
                b.add("wp:bdbUniprot", f"{IDORG}uniprot/{acc}")
        if x.ensembl and re.fullmatch(r"ENS[A-Z]*G\d{11}", x.ensembl):  # ENSG, ENSMUSG, ENSRNOG
            b.add("wp:bdbEnsembl", f"{IDORG}ensembl/{x.ensembl}")
    return build.entity(node, "wp:GeneProduct", fill, x)


def _wp_chebi(build: _Builder, chebi: str, name: str) -> str:
    """A ChEBI metabolite as WikiPathways writes it: node and wp:bdbChEBI identifiers.org/chebi/CHEBI:n."""
    node = f"{IDORG}chebi/CHEBI:{chebi}"

    def fill(b: Block) -> None:
        b.add("rdf:type", NAMESPACES["wp"] + "DataNode")
        b.add("rdfs:label", Lit(name, None))
        b.add("dcterms:identifier", Lit(f"CHEBI:{chebi}", None))
        b.add("dc:identifier", node)
        b.add("dc:source", Lit("ChEBI", None))
        b.add("wp:bdbChEBI", node)
    return build.entity(node, "wp:Metabolite", fill, name)


def _wp_metabolite(build: _Builder, mesh_id: str, name: str) -> str:
    node = f"{IDORG}mesh/{mesh_id}"

    def fill(b: Block) -> None:
        b.add("rdf:type", NAMESPACES["wp"] + "DataNode")
        b.add("rdfs:label", Lit(name, None))
        b.add("dcterms:identifier", Lit(mesh_id, None))
        b.add("dc:identifier", node)
        b.add("dc:source", Lit("MeSH", None))
    return build.entity(node, "wp:Metabolite", fill, name)


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


_NT_LINE = re.compile(rb'^<([^<>"{}|^`\\\x00-\x20]*)> <([^<>"{}|^`\\\x00-\x20]*)> '
                      rb'(?:<([^<>"{}|^`\\\x00-\x20]*)>|"((?:[^"\\\n\r]|\\.)*)"'
                      rb'(?:\^\^<[^<>\s]*>|@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)?) \.$', re.M)
_STATEMENT_LINE = re.compile(rb"^[^#\n]", re.M)
_NT_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_NT_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
RDF_TYPE = RDF + "type"
_Triple = tuple[str, str, str]


def _unescape(text: bytes) -> str:
    value = text.decode("utf-8")
    if "\\" in value:
        value = _NT_UNESCAPE.sub(lambda e: chr(int(e[1] or e[2], 16)) if (e[1] or e[2])
                                 else _NT_SIMPLE.get(e[3], e[0]), value)
    return value


def _canonical_ntriples(data: bytes) -> list[tuple[bytes, bytes, bytes, bytes]] | None:
    """Raw (subject, predicate, object IRI, object literal) of canonical N-Triples (one triple a
    line, no blank nodes); None for anything else. One regex pass in C, nothing decoded yet."""
    found = _NT_LINE.findall(data)
    if len(found) != len(_STATEMENT_LINE.findall(data)):
        return None
    return found


def parse_triples(data: bytes, syntax: str) -> list[tuple[bytes, bytes, bytes, bytes]] | list[_Triple]:
    """The statements of an RDF document ("N-Triples", "Turtle" or "RDF/XML"): raw tuples from
    the canonical N-Triples fast path, else (subject, predicate, object) strings. Raises
    ValueError when the document does not parse."""
    if syntax == "N-Triples":
        fast = _canonical_ntriples(data)
        if fast is not None:
            return fast
    try:
        import pyoxigraph as ox
    except ImportError:
        import rdflib

        fmt = {"N-Triples": "nt", "Turtle": "turtle", "RDF/XML": "xml"}[syntax]
        try:
            graph = rdflib.Graph().parse(data=data, format=fmt)
        except Exception as exc:  # rdflib raises many unrelated types for bad input
            raise ValueError(str(exc)) from exc
        return [(str(s), str(p), str(o)) for s, p, o in graph]
    fmt = {"N-Triples": ox.RdfFormat.N_TRIPLES, "Turtle": ox.RdfFormat.TURTLE, "RDF/XML": ox.RdfFormat.RDF_XML}
    try:  # re-serialized in Rust as canonical N-Triples, then read by the fast path
        canonical = ox.serialize(ox.parse(data, format=fmt[syntax]), format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise ValueError(str(exc)) from exc
    fast = _canonical_ntriples(canonical)
    if fast is None:  # blank nodes
        return [(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(data, format=fmt[syntax])]
    return fast


def triples(data: bytes, syntax: str) -> list[_Triple]:
    """(subject, predicate, object) strings of a document; literal objects as their lexical form."""
    return [t if len(t) == 3 else (t[0].decode(), t[1].decode(), t[2].decode() if t[2] else _unescape(t[3]))
            for t in parse_triples(data, syntax)]


_BP_TYPE = RDF_TYPE.encode()
_BP = BP.encode()
_CHECKED = frozenset({b"organism", b"db", b"id"})


@lru_cache(maxsize=1)
def _ontology_bytes() -> tuple[frozenset[bytes], frozenset[bytes]]:
    classes, props = ontology_terms()
    return frozenset(c.encode() for c in classes), frozenset(p.encode() for p in props)


_XML_NAME = re.compile(rb"^[A-Za-z_\x80-\xff][A-Za-z0-9._\x80-\xff-]*$")


def _triples_problems(statements: list, base: str | None = None) -> list[str]:
    """BioPAX checks on parsed statements: known classes and properties, one organism per
    pathway, xref ids matching their database's pattern, and IRIs under base whose local name
    is an XML name (Paxtools writes them as ``rdf:ID`` and cannot read its file back otherwise)."""
    bclasses, bprops = _ontology_bytes()
    if statements and isinstance(statements[0][0], str):  # slow path: encode to the fast path's form
        statements = [(s.encode(), p.encode(), o.encode(), b"") if o.startswith(("http:", "https:", "urn:"))
                      else (s.encode(), p.encode(), b"", o.encode()) for s, p, o in statements]
    n = len(_BP)
    types: dict[bytes, bytes] = {}
    values: dict[bytes, dict[bytes, list[bytes]]] = {}
    problems = []
    for s, p, o, lit in statements:
        if p == _BP_TYPE:
            if o.startswith(_BP):
                types[s] = o[n:]
                if o[n:] not in bclasses:
                    problems.append(f"{s.decode()}: bp:{o[n:].decode()} is not a BioPAX Level 3 class")
        elif p.startswith(_BP):
            name = p[n:]
            if name not in bprops:
                problems.append(f"{s.decode()}: bp:{name.decode()} is not a BioPAX Level 3 property")
            elif name in _CHECKED:
                values.setdefault(s, {}).setdefault(name, []).append(o or lit)
    for s, cls in types.items():
        v = values.get(s, {})
        if cls == b"Pathway" and len(v.get(b"organism", ())) > 1:
            problems.append(f"{s.decode()}: bp:Pathway with more than one bp:organism (PathwayOrganismCRRule)")
        if cls.endswith(b"Xref"):
            db, ident = v.get(b"db", [None])[0], v.get(b"id", [None])[0]
            if db is None or ident is None:
                problems.append(f"{s.decode()}: bp:{cls.decode()} without bp:db or bp:id")
            else:
                db_s, id_s = _unescape(db), _unescape(ident)
                if db_s in identifiers.PREFIXES and not valid_id(db_s, id_s):
                    problems.append(f"{s.decode()}: {db_s} id {id_s!r} does not match the Bioregistry pattern")
    if base:
        root = base.encode()
        for s in dict.fromkeys(t[0] for t in statements):
            if s.startswith(root) and s != root and not _XML_NAME.match(s[len(root):]):
                problems.append(f"{s.decode()}: local name is not an XML name (Paxtools writes it as rdf:ID)")
    return problems


def _typed_nodes_problems(data: bytes) -> list[str]:
    """RDF/XML the BioPAX readers accept: rdf:RDF root, typed node elements."""
    if b"Description" not in data and data.lstrip()[:1] == b"<":
        return []  # well-formedness is left to the RDF parser
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != f"{{{RDF}}}RDF":
        return [f"root element is {root.tag}, not rdf:RDF"]
    if root.find(f"{{{RDF}}}Description") is not None:
        return ["untyped rdf:Description node: Paxtools and pybiopax need typed node elements"]
    return []


_VALID: set[int] = set()  # hashes of document pieces this process has already checked
_VALID_LIMIT = 300_000
_XML_TOP = re.compile(rb"\n(?=<[^/])")
_OWN = tuple(f"<bp:{name} ".encode() for name in (  # RDF/XML elements of one figure only
    "Pathway", "Interaction", "Control", "TemplateReactionRegulation", "TemplateReaction", "BiochemicalReaction",
    "Transport", "Degradation", "ComplexAssembly", "Evidence"))


def _pieces(data: bytes, syntax: str) -> tuple[bytes, list[bytes], bytes] | None:
    """(header, statement pieces, footer) of a document laid out as ours are: ``#@`` marker
    comments between Turtle/N-Triples blocks, one top-level element a line in RDF/XML."""
    if syntax == "RDF/XML":
        parts = _XML_TOP.split(data)
        if len(parts) < 3 or not parts[1].startswith(b"<rdf:RDF ") or not data.endswith(b"\n</rdf:RDF>\n"):
            return None
        parts[-1] = parts[-1][: -len(b"\n</rdf:RDF>\n")]
        return parts[0] + b"\n" + parts[1] + b"\n", [p + b"\n" for p in parts[2:]], b"</rdf:RDF>\n"
    parts = data.split(b"\n#@")
    if len(parts) < 2:
        return None
    return parts[0] + b"\n", [b"#@" + p + b"\n" for p in parts[1:]], b""


def problems(data: bytes, syntax: str, base: str | None = None) -> list[str]:
    """Everything wrong with a BioPAX document in the given syntax (empty when it is fine); base,
    when given, is the namespace whose local names must be XML names.

    Pieces of our own layout that this process has already found valid (shared proteins,
    xrefs, ...) are not parsed again; anything else is parsed whole.
    """
    if syntax == "RDF/XML":
        refused = xml_declaration_problem(data)  # before any XML parser sees it
        found = [refused] if refused else _typed_nodes_problems(data)
        if found:
            return found
    split = _pieces(data, syntax)
    if split is not None:
        header, parts, footer = split
        new = [p for p in parts if hash(p) not in _VALID]  # figure-own pieces never enter _VALID
        try:
            statements = parse_triples(header + b"".join(new) + footer, syntax)
        except ValueError:
            statements = None  # decided below on the whole document
        if statements is not None:
            found = _triples_problems(statements, base)
            if not found:
                if len(_VALID) > _VALID_LIMIT:
                    _VALID.clear()
                _VALID.update(hash(p) for p in new if p.startswith((b"#@ ", b"<bp:")) and not p.startswith(_OWN))
            return found
    try:
        statements = parse_triples(data, syntax)
    except ValueError as exc:
        return [f"not valid {syntax}: {exc}"]
    return _triples_problems(statements, base)


_SHAPE_FORMATS = {"RDF/XML": "RDF_XML", "Turtle": "TURTLE", "N-Triples": "N_TRIPLES"}


def shape_results(data: bytes, syntax: str) -> list[shapes.Result]:
    """The results of schemas/biopax-shapes.ttl on a whole document (2020 corpus: 9 s)."""
    import pyoxigraph as ox

    try:
        graph = shapes.Graph.parse(data, getattr(ox.RdfFormat, _SHAPE_FORMATS[syntax]))
    except SyntaxError as exc:
        raise ExportError(f"not valid {syntax}: {exc}") from exc
    return shapes.shipped().validate(graph)


def describe(result: shapes.Result) -> str:
    """A result in words: its shape's sh:message, else the shape, constraint and path."""
    if result.message:
        return result.message
    path = result.path
    for prefix in ("bp", "rdf"):
        path = path.replace(NAMESPACES[prefix], f"{prefix}:")
    shape = result.shape.rsplit("#", 1)[-1]
    return f"{result.severity.lower()} of shape {shape}: {result.component}" + (f" on {path}" if path else "")


def _raise(found: list[str], label: str, name: str) -> None:
    if found:
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        raise ExportError(f"{label}: {name}: {found[0]}{more}", found)


# --- exporters -------------------------------------------------------------------


class _RdfExporter(Exporter):
    syntax: str
    option_help = {"base_uri": f"base of the IRIs minted (default {DEFAULT_BASE})",
                   "wp_view": "also a WikiPathways-vocabulary view (wp:, dcterms:)"}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.base = check_base(options.get("base_uri") or DEFAULT_BASE)
        self.wp_view = bool(options.get("wp_view"))

    def check_file(self, data: bytes, label: str) -> list[str]:
        """What ``pfocr-export check`` runs on a whole file: :meth:`validate`, then the SHACL shapes of
        schemas/biopax-shapes.ttl. Raises ExportError on a violation; returns the warnings, counted."""
        self.validate(data, label)
        results = shape_results(data, self.syntax)
        _raise([f"{r.focus}: {describe(r)}" for r in results if r.severity == "Violation"], label, self.name)
        counts = Counter(describe(r) for r in results)
        return [f"{n} {what}" for what, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]


class BiopaxExporter(_RdfExporter):
    """One BioPAX Level 3 RDF/XML file per figure, typed node elements (Paxtools, pybiopax)."""

    name = "biopax"
    suffix = ".owl"
    syntax = "RDF/XML"
    description = "BioPAX Level 3 RDF/XML with typed nodes (Paxtools, pybiopax)"
    companion_suffixes = (".wp.ttl",)

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        stream.write(rdfxml(biopax_blocks(pathway, self.base), self.base, BIOPAX_ONTOLOGY).encode("utf-8"))

    def companions(self, pathway: Pathway, data: bytes):
        if not self.wp_view:
            return ()
        body = "".join(text for _, text in turtle(wp_blocks(pathway, self.base)))
        return ((".wp.ttl", (turtle_prefixes() + body).encode("utf-8")),)

    def validate(self, data: bytes, label: str) -> None:
        _raise(problems(data, "RDF/XML", self.base), label, self.name)


class _CorpusRdfExporter(_RdfExporter):
    """One file for all figures. Each figure's document marks its blocks with ``#@ key`` comment
    lines; :meth:`corpus_add` drops the header and every shared block already written."""

    corpus_level = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._written: set[bytes] = set()  # keys written to the corpus file (in the parent)
        self._held: dict[bytes, bytes] = {}  # skipped figures' shared blocks not written yet (in the parent)
        self._sent: set[bytes] = set()  # keys this worker has handed over (in a worker)

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
        self._written, self._held = set(), {}
        stream.write(self.header().encode("utf-8"))

    def corpus_trim(self, chunk: bytes) -> bytes:
        """Shrink the shared blocks this worker has already handed over to their ``#@ key`` line."""
        return b"".join(b"\n#@" + (piece if _first(key, self._sent) else b" " + key + b"\n")
                        for key, piece, _ in _chunk_blocks(chunk))

    def corpus_shared(self, chunk: bytes) -> bytes:
        """A skipped figure's shared blocks, marked ``#@?``: :meth:`corpus_add` holds them and writes
        one only when a later figure refers to it (written unasked, a skipped figure's organism or
        paper would be left in the file with nothing pointing at it)."""
        return b"".join(b"\n#@?" + piece for key, piece, _ in _chunk_blocks(chunk) if key)

    def corpus_add(self, chunk: bytes, stream: IO[bytes]) -> None:
        for key, _, body in _chunk_blocks(chunk):
            if key.startswith(b"?"):
                key = key[1:].strip()
                if key not in self._written:
                    self._held.setdefault(key, body)
                continue
            body = body or self._held.get(key, b"")  # a trimmed block: the earlier chunk had it
            if body and _first(key, self._written):
                self._held.pop(key, None)
                stream.write(body if body.endswith(b"\n") else body + b"\n")

    def validate(self, data: bytes, label: str) -> None:
        _raise(problems(data, self.syntax, self.base), label, self.name)


def _chunk_blocks(chunk: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(key, piece, body) of each ``#@ key`` block of a figure's chunk; key is empty for the
    figure's own blocks."""
    for piece in chunk.split(b"\n#@")[1:]:
        head, _, body = piece.partition(b"\n")
        yield head.strip(), piece, body


def _first(key: bytes, keys: set[bytes]) -> bool:
    """True for a figure's own block (no key) and the first time a shared key is met (noted)."""
    if not key:
        return True
    if key in keys:
        return False
    keys.add(key)
    return True


class TurtleExporter(_CorpusRdfExporter):
    """All figures in one Turtle file, shared entities once."""

    name = "turtle"
    suffix = ".ttl"
    description = "BioPAX Level 3 as Turtle (triple stores)"
    syntax = "Turtle"

    def header(self) -> str:
        return "# PFOCR pathway figures as BioPAX Level 3\n" + turtle_prefixes()

    def render(self, blocks: list[Block]) -> list[tuple[str | None, str]]:
        return turtle(blocks)


class NTriplesExporter(_CorpusRdfExporter):
    """All figures in one N-Triples file, shared entities once (bulk loading)."""

    name = "ntriples"
    suffix = ".nt"
    description = "BioPAX Level 3 as N-Triples (bulk loading)"
    syntax = "N-Triples"

    def header(self) -> str:
        return "# PFOCR pathway figures as BioPAX Level 3\n"

    def render(self, blocks: list[Block]) -> list[tuple[str | None, str]]:
        return ntriples(blocks)
