"""Assemble a figure into the pathway every exporter draws: distinct genes with
their cross-references, FamPlex families with members, chemicals and diseases.

This is the shared ``make_model`` step; exporters only decide how to spell it.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from .interactions import Interaction, place
from .model import Figure, TermMention
from .xrefs import RENAMED, UNKNOWN, GeneXref, Resolver, default_resolver

# How the figure's organism was decided (Pathway.organism_source), in the order the rules are tried
ORGANISM_RULES = {
    "organisms": "the record's curated organisms",
    "organisms_ner": "the organisms PFOCR's NER found in the paper (organisms_ner)",
    "genes": "the organism most of the figure's genes belong to",
}


@dataclass(frozen=True)
class Gene:
    """One distinct gene (by Entrez id) on the figure."""

    xref: GeneXref
    words: tuple[str, ...]  # raw OCR words that produced it, first-seen order
    flag: str | None = None  # why a curator should check it (a gene of another organism than the figure's)

    @property
    def taxon(self) -> str:
        return self.xref.taxon

    @property
    def organism(self) -> str:
        return self.xref.organism

    @property
    def entrez(self) -> str:
        return self.xref.entrez

    @property
    def symbol(self) -> str:
        """Current HGNC symbol (the record's symbol when HGNC does not know the id)."""
        return self.xref.symbol


@dataclass(frozen=True)
class Family:
    """A FamPlex family or complex the figure names, expanded into member genes."""

    name: str  # the family name as the record has it ("JAK", "PI3K")
    fplx_id: str | None  # FamPlex id when the name is a FamPlex entity
    words: tuple[str, ...]  # raw OCR words that named it
    members: tuple[Gene, ...]


@dataclass(frozen=True)
class Term:
    """A distinct chemical or disease (by MeSH id; by label when it has none)."""

    label: str  # clean display word from the figure
    mesh_id: str | None  # e.g. "D009362"; None when the record gives no usable id
    mesh_name: str | None  # MeSH preferred name (vendored table, else the record's ``match``)
    words: tuple[str, ...]
    ontology: str | None = None  # "chebi" or "doid" when the record gives such an id
    ontology_id: str | None = None  # e.g. "15422", "0060239"
    ontology_name: str | None = None  # its name as the record gives it


@dataclass(frozen=True)
class GeneReport:
    """How the figure's distinct genes resolved against their organisms' nomenclature tables."""

    resolved: int  # known to HGNC, MGI or RGD, or of an organism without such a table
    renamed: tuple[tuple[str, str], ...]  # (record symbol, current symbol)
    unknown: tuple[str, ...]  # Entrez ids of human, mouse or rat genes that HGNC/MGI/RGD do not know
    organisms: tuple[tuple[str, str, int], ...] = ()  # (taxon, organism name, distinct genes), most first
    flagged: int = 0  # genes of another organism than the figure's
    dropped: int = 0  # such genes left out (make_pathway(only_figure_organism=True))

    @property
    def total(self) -> int:
        return self.resolved + len(self.renamed) + len(self.unknown)


@dataclass(frozen=True)
class Pathway:
    """A figure ready to export.

    ``genes`` holds every distinct gene once. ``singles`` are the genes the
    figure names directly; ``families`` hold the genes it names through a
    family word. A gene named both ways is in both (the same ``Gene`` object),
    as it is on the figure.
    """

    figure: Figure
    genes: tuple[Gene, ...]
    singles: tuple[Gene, ...]
    families: tuple[Family, ...]
    chemicals: tuple[Term, ...]
    diseases: tuple[Term, ...]
    organism: str | None  # the figure's organism (see ORGANISM_RULES), the one a single-organism format records
    taxon: str | None  # its NCBI Taxonomy id
    report: GeneReport
    organism_source: str | None = None  # the ORGANISM_RULES key that decided it; None when nothing names one
    organisms_named: tuple[tuple[str, str | None], ...] = ()  # (name, taxon) of every organism the record names
    interactions: tuple[Interaction, ...] = ()  # draft relations read from the caption (see interactions.py)


def make_pathway(figure: Figure, resolver: Resolver | None = None, only_figure_organism: bool = False,
                 interactions: bool = True, chains: bool = False) -> Pathway:
    """Resolve and group a figure's mentions into a Pathway.

    With ``only_figure_organism``, genes that the record places in another organism
    than the figure's (multi-organism lexicons only) are left out; by default they
    are kept, each with a flag saying why a curator should look at it. ``interactions``
    reads the caption's relations between the pathway's nodes; ``chains`` adds slash chains.
    """
    resolver = resolver or default_resolver()
    organism, taxon, source, named = figure_organism(figure, resolver)
    flag_foreign = figure.lexicon == "ncbigene" and taxon is not None

    def foreign(gene_taxon: str) -> bool:
        """A gene the record places in another organism than the figure's (multi-organism lexicons only)."""
        return flag_foreign and bool(gene_taxon) and gene_taxon != taxon

    # Dicts as insertion-ordered sets: first-seen order, linear in the number of mentions
    words: dict[str, dict[str, None]] = {}
    xrefs: dict[str, GeneXref] = {}
    single_ids: dict[str, None] = {}
    family_rows: dict[str, tuple[dict[str, None], dict[str, None]]] = {}  # name -> (words, entrez ids)
    dropped: set[str] = set()
    for mention in figure.genes:
        if only_figure_organism and foreign(mention.taxon):
            dropped.add(mention.entrez)
            continue
        if mention.entrez not in xrefs:
            xrefs[mention.entrez] = resolver.gene(mention.entrez, mention.hgnc_symbol, mention.taxon, mention.organism)
            words[mention.entrez] = {}
        words[mention.entrez][mention.word] = None
        if mention.is_family_member:
            fam_words, members = family_rows.setdefault(mention.symbol, ({}, {}))
            fam_words[mention.word] = None
            members[mention.entrez] = None
        else:
            single_ids[mention.entrez] = None
    genes = {}
    for entrez, xref in xrefs.items():
        flag = (f"a {xref.organism or 'taxon ' + xref.taxon} gene (NCBI Taxonomy {xref.taxon}) on a {organism} figure "
                f"(organism from {source}): often a false match of PFOCR's multi-organism lexicon"
                ) if foreign(xref.taxon) else None
        genes[entrez] = Gene(xref, tuple(words[entrez]), flag)
    families = []
    for name, (fam_words, members) in family_rows.items():
        fam = resolver.family(name)
        families.append(Family(name, fam.fplx_id if fam else None, tuple(fam_words),
                               tuple(genes[e] for e in members)))
    renamed = tuple((g.xref.record_symbol, g.symbol) for g in genes.values() if g.xref.status == RENAMED)
    unknown = tuple(g.entrez for g in genes.values() if g.xref.status == UNKNOWN)
    chemicals = _terms(figure.chemicals, resolver)
    drawn = place(figure, genes, {f.name: f for f in families}, {t.mesh_id: t for t in chemicals if t.mesh_id},
                  chains) if interactions else ()
    return Pathway(
        figure=figure,
        genes=tuple(genes.values()),
        singles=tuple(genes[e] for e in single_ids),
        families=tuple(families),
        chemicals=chemicals,
        diseases=_terms(figure.diseases, resolver),
        organism=organism,
        taxon=taxon,
        report=GeneReport(len(genes) - len(renamed) - len(unknown), renamed, unknown,
                          _organism_counts(g.xref for g in genes.values()), sum(1 for g in genes.values() if g.flag),
                          len(dropped - set(genes))),
        organism_source=source,
        organisms_named=named,
        interactions=drawn,
    )


def figure_organism(figure: Figure, resolver: Resolver) -> tuple[str | None, str | None, str | None,
                                                                   tuple[tuple[str, str | None], ...]]:
    """(organism, taxon, rule, every organism named) for a figure, by ORGANISM_RULES in order.

    ``organisms``, then ``organisms_ner``: the first name with a known taxon (the
    vendored table, or the taxon the record's own gene rows give that name);
    then the organism most genes belong to (ties: the first gene's). Genes of a
    human-only lexicon (v2021, 2020 tables) decide only when the record names no
    organism at all; a name without a known taxon is kept before that.
    """
    counts = Counter((m.taxon, m.organism) for m in figure.genes if m.taxon)  # first-seen order
    from_genes: dict[str, str] = {}
    for taxon, name in counts:
        from_genes.setdefault(name, taxon)

    def taxon_of(name: str) -> str | None:
        return resolver.taxon(name) or from_genes.get(name)

    named: dict[str, tuple[str, str | None]] = {}
    for name in (*figure.organisms, *figure.organisms_ner):
        named.setdefault(name, (name, taxon_of(name)))
    for taxon, name in counts:
        if not any(t == taxon for _, t in named.values()):
            named.setdefault(name, (name, taxon))
    listed = tuple(named.values())
    name_rules = (("organisms", figure.organisms), ("organisms_ner", figure.organisms_ner))
    for rule, names in name_rules:
        for name in names:
            taxon = taxon_of(name)
            if taxon:
                return name, taxon, rule, listed
    majority = None
    if counts:
        (taxon, name), _ = counts.most_common(1)[0]  # ties: the first gene's organism
        majority = name, taxon, "genes", listed
    if majority and figure.lexicon == "ncbigene":
        return majority
    for rule, names in name_rules:
        if names:  # a human-only lexicon says nothing against a name the record gives
            return names[0], None, rule, listed
    return majority or (None, None, None, listed)


def _organism_counts(xrefs: Iterable[GeneXref]) -> tuple[tuple[str, str, int], ...]:
    """(taxon, organism, genes), most genes first, ties in first-seen order."""
    return tuple((t, o, n) for (t, o), n in Counter((x.taxon, x.organism) for x in xrefs).most_common())


_T = TypeVar("_T")


def shared_per_pathway(func: Callable[..., _T]) -> Callable[..., _T]:
    """Remember func's result for the pathway being exported, so formats that draw the same
    thing (GPML 2013a and 2021, CX and CX2, the three BioPAX syntaxes) compute it once.
    Callers must treat the result as read-only."""
    last: list[tuple[Any, tuple, _T]] = []

    @functools.wraps(func)
    def wrapper(pathway: Pathway, *args: Any) -> _T:
        if last:
            seen, seen_args, result = last[0]  # one read: safe when threads share the cache
            if seen is pathway and seen_args == args:
                return result
        result = func(pathway, *args)
        last[:] = [(pathway, args, result)]
        return result

    return wrapper


def _terms(mentions: tuple[TermMention, ...], resolver: Resolver) -> tuple[Term, ...]:
    """Distinct terms: one per MeSH id, else per ChEBI/DOID id, else per case-folded label.

    The MeSH name is the vendored table's, else the record's own (v2023 ``match``).
    Rows of one MeSH id with two different ChEBI/DOID ids give two terms, so no id is lost.
    """
    found: dict[str, dict[str, Any]] = {}
    for m in mentions:
        term = resolver.mesh(m.mesh) if m.mesh else None
        if term:
            key = f"mesh:{term.identifier}"
            seen = found.get(key)
            if seen and m.ontology_id and seen["ontology_id"] not in (None, m.ontology_id):
                key += f"|{m.ontology}:{m.ontology_id}"  # one MeSH id, two ChEBI/DOID ids: keep both
        elif m.ontology_id:
            key = f"{m.ontology}:{m.ontology_id}"
        else:
            key = f"label:{m.label.casefold()}"
        entry = found.setdefault(key, {"label": m.label, "mesh_id": term.identifier if term else None,
                                       "mesh_name": None, "words": {}, "ontology": None,
                                       "ontology_id": None, "ontology_name": None})
        if entry["mesh_id"] and not entry["mesh_name"]:
            entry["mesh_name"] = (term.name if term else None) or m.mesh_name or None
        if m.ontology_id and not entry["ontology_id"]:
            entry.update(ontology=m.ontology, ontology_id=m.ontology_id, ontology_name=m.ontology_name or None)
        entry["words"][m.word] = None
    return tuple(Term(**{**e, "words": tuple(e["words"])}) for e in found.values())
