"""One place for identifier syntax: prefixes, patterns, CURIEs, IRIs, BridgeDb names.

Every format asks this module how to spell a cross-reference:
GPML 2013a wants BridgeDb data-source names ("Entrez Gene"), GPML 2021,
BioPAX and CX want compact Bioregistry prefixes ("ncbigene"), RDF wants IRIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The RDF vocabularies our RDF outputs use, by the prefix they are written (and queried) with.
VOCABULARIES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "bp": "http://www.biopax.org/release/biopax-level3.owl#",
    "wp": "http://vocabularies.wikipathways.org/wp#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "cito": "http://purl.org/spar/cito/",
}


@dataclass(frozen=True)
class Prefix:
    """A database we cross-reference, and how each format spells it."""

    prefix: str  # Bioregistry prefix, used as CURIE prefix and BioPAX/CX db value
    bridgedb: str | None  # BridgeDb data-source name (GPML 2013a Xref@Database); None: BridgeDb has none
    iri: str  # identifiers.org IRI base, the local id is appended
    pattern: str  # Bioregistry regular expression for the local id
    name: str  # human-readable database name
    bridgedb_id: str = "{}"  # how BridgeDb (GPML 2013a) writes the local id, e.g. "CHEBI:{}"

    def matches(self, local_id: str) -> bool:
        """True when local_id is a well-formed identifier of this database."""
        return _compiled(self.pattern).fullmatch(local_id) is not None


PREFIXES: dict[str, Prefix] = {
    p.prefix: p
    for p in (
        Prefix("ncbigene", "Entrez Gene", "https://identifiers.org/ncbigene:", r"^\d+$", "NCBI Gene"),
        Prefix("hgnc", "HGNC Accession number", "https://identifiers.org/hgnc:", r"^\d{1,5}$", "HGNC"),
        Prefix("hgnc.symbol", "HGNC", "https://identifiers.org/hgnc.symbol:", r"^[A-Za-z-0-9_]+(\@)?$",
               "HGNC gene symbol"),
        Prefix("uniprot", "Uniprot-TrEMBL", "https://identifiers.org/uniprot:",
               r"^([OPQ]\d[A-Z0-9]{3}\d|[A-NR-Z]\d([A-Z][A-Z0-9]{2}\d){1,2})$", "UniProt"),
        Prefix("ensembl", "Ensembl", "https://identifiers.org/ensembl:",
               r"^((ENS[FPTG]\d{11}(\.\d+)?)|(FB\w{2}\d{7})|(Y[A-Z]{2}\d{3}[a-zA-Z](\-[A-Z])?)|([A-Z_a-z0-9]+(\.)?(t)?(\d+)?([a-z])?))$",
               "Ensembl"),
        # stricter than Bioregistry's ^(C|D|Q)\d+$: PFOCR links descriptors and supplementary concepts only
        Prefix("mesh", "MeSH", "https://identifiers.org/mesh:", r"^(C|D)\d{6,9}$", "MeSH"),
        Prefix("chebi", "ChEBI", "https://identifiers.org/CHEBI:", r"^\d+$", "ChEBI", "CHEBI:{}"),
        Prefix("doid", "Human Disease Ontology", "https://identifiers.org/DOID:", r"^\d+$", "Disease Ontology",
               "DOID:{}"),
        Prefix("mgi", "MGI", "https://identifiers.org/MGI:", r"^\d+$", "Mouse Genome Informatics", "MGI:{}"),
        Prefix("rgd", "RGD", "https://identifiers.org/rgd:", r"^\d{4,}$", "Rat Genome Database"),
        Prefix("fplx", None, "https://identifiers.org/fplx:", r"^[a-zA-Z0-9][A-Za-z0-9_]+$", "FamPlex"),
        # stricter than Bioregistry's ^(\d+)|([a-zA-Z_]+)$: we only write numeric taxon ids
        Prefix("ncbitaxon", None, "https://identifiers.org/taxonomy:", r"^\d+$", "NCBI Taxonomy"),
        Prefix("pmc", "PubMed Central", "https://identifiers.org/pmc:", r"^PMC\d+(\.\d+)?$", "PubMed Central"),
        Prefix("pubmed", "PubMed", "https://identifiers.org/pubmed:", r"^\d+$", "PubMed"),
        Prefix("doi", "DOI", "https://identifiers.org/doi:", r"^10.\d{2,9}/.*$", "DOI"),
    )
}


_BANANAS = {p.prefix: p.bridgedb_id.partition("{}")[0] for p in PREFIXES.values()}


def _compiled(pattern: str, _cache: dict[str, re.Pattern[str]] = {}) -> re.Pattern[str]:
    if pattern not in _cache:
        _cache[pattern] = re.compile(pattern)
    return _cache[pattern]


def curie(prefix: str, local_id: str) -> str:
    """Compact identifier, e.g. curie("ncbigene", "3716") == "ncbigene:3716"."""
    return f"{PREFIXES[prefix].prefix}:{local_id}"


def iri(prefix: str, local_id: str) -> str:
    """identifiers.org IRI, e.g. iri("hgnc", "6190") == "https://identifiers.org/hgnc:6190"."""
    return PREFIXES[prefix].iri + local_id


def bridgedb(prefix: str) -> str:
    """BridgeDb data-source name used by GPML 2013a, e.g. bridgedb("ncbigene") == "Entrez Gene"."""
    name = PREFIXES[prefix].bridgedb
    if name is None:
        raise KeyError(f"{prefix} has no BridgeDb data-source name")
    return name


def bridgedb_id(prefix: str, local_id: str) -> str:
    """The id as BridgeDb (GPML 2013a) writes it, e.g. bridgedb_id("chebi", "15422") == "CHEBI:15422"."""
    return PREFIXES[prefix].bridgedb_id.format(local_id)


def banana(prefix: str) -> str:
    """What BridgeDb (and Paxtools' normaliser) writes before a local id: "CHEBI:" for chebi, "" for most
    databases and for names outside PREFIXES."""
    return _BANANAS.get(prefix, "")


def is_valid(prefix: str, local_id: str) -> bool:
    """True when local_id matches the Bioregistry pattern of prefix."""
    return PREFIXES[prefix].matches(local_id)


def context() -> dict[str, str]:
    """Prefix → IRI base map, as a JSON-LD/CX @context or a Turtle prefix block."""
    return {p.prefix: p.iri for p in PREFIXES.values()}
