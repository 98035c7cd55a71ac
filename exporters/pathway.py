"""Assemble a figure into the pathway every exporter draws: distinct genes with
their cross-references, FamPlex families with members, chemicals and diseases.

This is the shared ``make_model`` step; exporters only decide how to spell it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .model import Figure, TermMention
from .xrefs import RENAMED, UNKNOWN, GeneXref, Resolver, default_resolver


@dataclass(frozen=True)
class Gene:
    """One distinct gene (by Entrez id) on the figure."""

    xref: GeneXref
    words: tuple[str, ...]  # raw OCR words that produced it, first-seen order

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
    mesh_name: str | None  # MeSH preferred name when known
    words: tuple[str, ...]


@dataclass(frozen=True)
class GeneReport:
    """How the figure's distinct genes resolved against HGNC."""

    resolved: int
    renamed: tuple[tuple[str, str], ...]  # (record symbol, current symbol)
    unknown: tuple[str, ...]  # Entrez ids HGNC does not know

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
    organism: str | None  # the one organism a single-organism format records
    taxon: str | None  # its NCBI Taxonomy id
    report: GeneReport


def make_pathway(figure: Figure, resolver: Resolver | None = None) -> Pathway:
    """Resolve and group a figure's mentions into a Pathway."""
    resolver = resolver or default_resolver()
    words: dict[str, list[str]] = {}
    xrefs: dict[str, GeneXref] = {}
    single_ids: list[str] = []
    family_rows: dict[str, tuple[list[str], list[str]]] = {}  # name -> (words, entrez ids)
    for mention in figure.genes:
        if mention.entrez not in xrefs:
            xrefs[mention.entrez] = resolver.gene(mention.entrez, mention.hgnc_symbol)
            words[mention.entrez] = []
        _append_new(words[mention.entrez], mention.word)
        if mention.is_family_member:
            fam_words, members = family_rows.setdefault(mention.symbol, ([], []))
            _append_new(fam_words, mention.word)
            _append_new(members, mention.entrez)
        else:
            _append_new(single_ids, mention.entrez)
    genes = {entrez: Gene(xref, tuple(words[entrez])) for entrez, xref in xrefs.items()}
    families = []
    for name, (fam_words, members) in family_rows.items():
        fam = resolver.family(name)
        families.append(Family(name, fam.fplx_id if fam else None, tuple(fam_words),
                               tuple(genes[e] for e in members)))
    organism, taxon = _primary_organism(figure.organisms, resolver)
    renamed = tuple((g.xref.record_symbol, g.symbol) for g in genes.values() if g.xref.status == RENAMED)
    unknown = tuple(g.entrez for g in genes.values() if g.xref.status == UNKNOWN)
    return Pathway(
        figure=figure,
        genes=tuple(genes.values()),
        singles=tuple(genes[e] for e in single_ids),
        families=tuple(families),
        chemicals=_terms(figure.chemicals, resolver),
        diseases=_terms(figure.diseases, resolver),
        organism=organism,
        taxon=taxon,
        report=GeneReport(len(genes) - len(renamed) - len(unknown), renamed, unknown),
    )


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


def _append_new(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _terms(mentions: tuple[TermMention, ...], resolver: Resolver) -> tuple[Term, ...]:
    """Distinct terms: one per MeSH id, or per case-folded label when there is no id."""
    found: dict[str, tuple[str, str | None, str | None, list[str]]] = {}
    for m in mentions:
        term = resolver.mesh(m.identifier) if m.identifier else None
        key = f"mesh:{term.identifier}" if term else f"label:{m.label.casefold()}"
        if key not in found:
            found[key] = (m.label, term.identifier if term else None, term.name if term else None, [])
        _append_new(found[key][3], m.word)
    return tuple(Term(label, mesh_id, name, tuple(ws)) for label, mesh_id, name, ws in found.values())


def _primary_organism(organisms: tuple[str, ...], resolver: Resolver) -> tuple[str | None, str | None]:
    """The first listed organism with a known taxon id; else the first listed; else none.

    PFOCR lists the paper's organisms in the order its pipeline found them, and
    its own default is Homo sapiens, so the first resolvable one is the best
    single answer for formats that allow one organism per pathway.
    """
    for name in organisms:
        taxon = resolver.taxon(name)
        if taxon:
            return name, taxon
    return (organisms[0], None) if organisms else (None, None)
