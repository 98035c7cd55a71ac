"""``gmt``: gene sets for enrichment analysis, one GMT file per species, plus chemical sets.

PFOCR's own main product has this shape (``pfocr-<date>-gmt-<Genus_species>.gmt``,
written with rWikiPathways' ``writeGMT``): one line per figure, tab-separated:
figid, title, then the NCBI Gene ids of its genes. Here a figure's genes go to the
file of their own organism (the record's organism per gene row), so a v2023 figure
with human and zebrafish genes gives a line in each file. Chemicals go to
``-gmt-chemicals-MeSH.gmt`` (MeSH ids) and ``-gmt-chemicals-ChEBI.gmt`` (``CHEBI:n``).

Which gene mentions count is convert's ``--tier`` / ``--drop-flagged`` (the same for every format).
Options (``-O key=value``):
    min_size      smallest set written (default 1); PFOCR's "hgnc3" sets are --tier strict, min_size=3
    release       put into file names as PFOCR does: pfocr-<release>-gmt-Homo_sapiens.gmt

Corpus-level: each figure's chunk holds ``#@ <file name>`` lines before the lines
for that file; :meth:`GmtExporter.corpus_parts` hands each line to its file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

from ..pathway import Pathway
from ..registry import Exporter, ExportError

CHEMICAL_SETS = {"mesh": "chemicals-MeSH", "chebi": "chemicals-ChEBI"}
_GENE_ID = re.compile(r"\d+")
_CHEMICAL_ID = re.compile(r"[CD]\d{6,9}|CHEBI:\d+")
_MARK = b"#@ "


def species_key(organism: str, taxon: str) -> str:
    """A species as a file name part, PFOCR's way: "Homo sapiens" -> "Homo_sapiens"; no name -> "taxon_<id>"."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "", "_".join(organism.split()))
    return name or f"taxon_{taxon or 'unknown'}"


class GmtExporter(Exporter):
    """Gene sets per species and chemical sets, one line per figure (GMT)."""

    name = "gmt"
    suffix = ".gmt"
    description = "gene sets per species, chemical sets (GMT, for enrichment analysis)"
    corpus_level = True
    option_help = {"min_size": "smallest set written, in distinct ids (default 1; PFOCR's own sets: 3)",
                   "release": "release date in the file names: pfocr-<release>-gmt-<species>.gmt"}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        try:
            self.min_size = int(options.get("min_size") or 1)
        except ValueError as exc:
            raise ExportError(f"gmt: {exc}") from None
        if self.min_size < 1:
            raise ExportError(f"gmt: min_size must be 1 or more, got {self.min_size}")
        release = str(options.get("release") or "")
        self.prefix = f"{self.corpus_name}-{release}-gmt-" if release else f"{self.corpus_name}-gmt-"

    def file_name(self, key: str) -> str:
        """The GMT file of a species key or chemical set ("Homo_sapiens", "chemicals-MeSH")."""
        return f"{self.prefix}{key}{self.suffix}"

    def gene_sets(self, pathway: Pathway) -> dict[str, list[str]]:
        """Species key -> the pathway's distinct Entrez ids in that species, in record order."""
        sets: dict[str, dict[str, None]] = {}
        for gene in pathway.genes:
            sets.setdefault(species_key(gene.organism, gene.taxon), {})[gene.entrez] = None
        return {key: list(ids) for key, ids in sets.items()}

    def chemical_sets(self, pathway: Pathway) -> dict[str, list[str]]:
        """Chemical set key -> the figure's distinct MeSH ids / ChEBI ids."""
        sets: dict[str, dict[str, None]] = {key: {} for key in CHEMICAL_SETS.values()}
        for term in pathway.chemicals:
            if term.mesh_id:
                sets[CHEMICAL_SETS["mesh"]][term.mesh_id] = None
            if term.ontology == "chebi" and term.ontology_id:
                sets[CHEMICAL_SETS["chebi"]][f"CHEBI:{term.ontology_id}"] = None
        return {key: list(ids) for key, ids in sets.items()}

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        figure = pathway.figure
        title = " ".join(figure.title.split()) or figure.figid
        parts = []
        for key, ids in [*self.gene_sets(pathway).items(), *self.chemical_sets(pathway).items()]:
            if len(ids) >= self.min_size:
                parts.append(f"#@ {self.file_name(key)}\n" + "\t".join([figure.figid, title, *ids]) + "\n")
        stream.write("".join(parts).encode("utf-8"))

    def corpus_parts(self, chunk: bytes) -> Iterable[tuple[str, bytes]]:
        for block in chunk.split(_MARK)[1:]:
            file_name, _, line = block.partition(b"\n")
            yield file_name.decode("utf-8"), line

    def validate(self, data: bytes, label: str) -> None:
        """A GMT file (or chunk): set name, description, then distinct ids, all Entrez or all chemical ids."""
        problems = []
        names: set[str] = set()  # set names of the current file (a chunk's marker line starts another)
        for number, line in enumerate(data.decode("utf-8").split("\n"), 1):
            if line.startswith(_MARK.decode()):
                names = set()
            if not line or line.startswith(_MARK.decode()):
                continue
            fields = line.split("\t")
            ids = fields[2:]
            if len(fields) < 3 or not fields[0] or not all(ids):
                problems.append(f"line {number}: needs a name, a description and at least one id, none empty")
                continue
            if not (all(_GENE_ID.fullmatch(i) for i in ids) or all(_CHEMICAL_ID.fullmatch(i) for i in ids)):
                problems.append(f"line {number}: ids must all be NCBI Gene ids or all MeSH/ChEBI ids")
            if len(set(ids)) != len(ids):
                problems.append(f"line {number}: an id is repeated")
            if fields[0] in names:
                problems.append(f"line {number}: set name {fields[0]!r} is repeated")
            names.add(fields[0])
        if problems:
            raise ExportError(f"{label}: " + "; ".join(problems[:5]), problems)
