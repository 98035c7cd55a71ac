"""``pfocr-export unresolved``: which genes of the input do not resolve in their organism's nomenclature.

Reads record files (default: the bundled seeds; v2021 and v2023, genes of any
organism) or, for a whole corpus, a PFOCR gene table (--genes-table, columns
figid ... hgnc_symbol entrez as in genes_2020_subsets.tsv, human). Human genes
resolve by Entrez id against HGNC, mouse and rat genes by symbol against MGI
and RGD; genes of other organisms keep their NCBI Gene id and are counted per
organism, not called unresolved. Prints one TSV line per unresolved gene with
how many gene rows and figures use it, then a summary per organism on stderr.
--renamed lists the stale record symbols and their current HGNC symbols instead.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

from .model import HUMAN, HUMAN_TAXON


@dataclass
class Tally:
    """Gene rows and figures per Entrez id, and what each id resolved to."""

    rows: dict[str, int] = field(default_factory=dict)
    figures: dict[str, set[str]] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)  # first record symbol seen per Entrez id
    organisms: dict[str, tuple[str, str]] = field(default_factory=dict)  # Entrez id -> (taxon, organism name)

    def add(self, figid: str, entrez: str, symbol: str, taxon: str = HUMAN_TAXON, organism: str = HUMAN) -> None:
        self.rows[entrez] = self.rows.get(entrez, 0) + 1
        self.figures.setdefault(entrez, set()).add(figid)
        self.symbols.setdefault(entrez, symbol)
        self.organisms.setdefault(entrez, (taxon, organism))

    def write(self, out: TextIO, err: TextIO, renamed: bool) -> None:
        from .xrefs import NCBI_ONLY, NOMENCLATURES, RENAMED, UNKNOWN, default_resolver

        resolver = default_resolver()
        xrefs = {e: resolver.gene(e, s, *self.organisms[e]) for e, s in self.symbols.items()}
        unknown = [e for e, x in xrefs.items() if x.status == UNKNOWN]
        stale = [e for e, x in xrefs.items() if x.status == RENAMED]
        order = sorted(stale if renamed else unknown, key=lambda e: (-len(self.figures[e]), -self.rows[e], e))
        if renamed:
            out.write("entrez\trecord_symbol\tcurrent_symbol\thgnc_id\tgene_rows\tfigures\n")
            for e in order:
                x = xrefs[e]
                out.write(f"{e}\t{x.record_symbol}\t{x.symbol}\t{x.hgnc_curie}\t{self.rows[e]}\t"
                          f"{len(self.figures[e])}\n")
        else:
            out.write("entrez\trecord_symbol\ttaxon\torganism\tgene_rows\tfigures\n")
            for e in order:
                taxon, organism = self.organisms[e]
                out.write(f"{e}\t{self.symbols[e]}\t{taxon}\t{organism}\t{self.rows[e]}\t{len(self.figures[e])}\n")
        figures = len(set().union(*self.figures.values())) if self.figures else 0
        by_organism: dict[tuple[str, str], list[str]] = {}
        for e, taxon_name in self.organisms.items():
            by_organism.setdefault(taxon_name, []).append(e)
        for (taxon, organism), ids_of in sorted(by_organism.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            ids, rows = len(ids_of), sum(self.rows[e] for e in ids_of)
            if xrefs[ids_of[0]].status == NCBI_ONLY:
                err.write(f"{organism or 'taxon ' + taxon} (taxon {taxon}): {ids:,} distinct NCBI Gene ids, "
                          f"{rows:,} gene rows, kept with their NCBI Gene id and symbol (no nomenclature table)\n")
                continue
            table = NOMENCLATURES[taxon].upper()
            bad = [e for e in ids_of if xrefs[e].status == UNKNOWN]
            bad_rows = sum(self.rows[e] for e in bad)
            err.write(
                f"{organism} (taxon {taxon}): {ids - len(bad):,} of {ids:,} distinct Entrez ids "
                f"({_share(ids - len(bad), ids)}) and {rows - bad_rows:,} of {rows:,} gene rows "
                f"({_share(rows - bad_rows, rows)}) resolve to a {table} record\n")
        err.write(f"{len(stale):,} ids carry a renamed symbol; figures: {figures:,} (a distinct id counts a gene "
                  "once for the whole input, a gene row once per word and figure; convert's summary counts each "
                  "gene once per figure it is on)\n")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "n/a"


def tally_genes_table(path: Path, tally: Tally) -> int:
    """Count a PFOCR gene table (TSV with figid and entrez columns; hgnc_symbol or symbol when present);
    returns how many gene rows it has."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"figid", "entrez"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: no {', '.join(sorted(missing))} column (has: {', '.join(reader.fieldnames or [])})")
        symbol = "hgnc_symbol" if "hgnc_symbol" in reader.fieldnames else "symbol"
        rows = 0
        for row in reader:
            entrez = (row["entrez"] or "").strip()
            if entrez:
                tally.add(row["figid"], entrez, (row.get(symbol) or "").strip())
                rows += 1
    return rows


def tally_records(paths: Iterable[Path], tally: Tally, err: TextIO) -> int:
    """Count the genes of record files; returns how many records failed to read."""
    from .records import RecordError, find_records, read_record

    failed = 0
    for path in find_records(paths):
        try:
            figure = read_record(path)
        except RecordError as exc:
            err.write(f"{exc}\n")
            failed += 1
            continue
        for gene in figure.genes:
            tally.add(figure.figid, gene.entrez, gene.hgnc_symbol, gene.taxon, gene.organism)
    return failed


def register(subparsers: Any) -> None:
    """Add ``pfocr-export unresolved`` to the CLI."""
    p = subparsers.add_parser(
        "unresolved", help="list genes that do not resolve to HGNC/MGI/RGD; count genes per organism",
        description=__doc__.split("\n\n", 1)[1],
        epilog="examples:\n"
               "  pfocr-export unresolved                          # the bundled seeds\n"
               "  pfocr-export unresolved tests/data/v2023/ --renamed   # stale symbols and their current ones\n"
               "  pfocr-export unresolved --genes-table pfocr-corpus/genes_2020_subsets.tsv > unresolved.tsv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="record files or folders; default: the bundled seeds unless --genes-table is given")
    p.add_argument("--genes-table", action="append", type=Path, metavar="TSV",
                   help="a PFOCR gene table (figid ... entrez columns); repeatable")
    p.add_argument("--renamed", action="store_true", help="list renamed symbols instead of unresolved ids")
    p.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from .resources import seeds_dir

    tables = args.genes_table or []
    paths = [Path(p) for p in args.inputs] or ([] if tables else [seeds_dir()])
    missing = [str(p) for p in [*paths, *tables] if not p.exists()]
    if missing:
        err.write(f"pfocr-export: error: no such file or folder: {', '.join(missing)}\n")
        return 2
    from .records import RECORD_SUFFIXES, find_records

    tally = Tally()
    try:
        for table in tables:
            if not tally_genes_table(table, tally):
                raise ValueError(f"--genes-table {table}: no gene rows")
    except ValueError as exc:
        err.write(f"pfocr-export: error: {exc}\n")
        return 2
    records = find_records(paths)
    if paths and not records:  # nothing to count is a usage error, as for convert, validate and review
        err.write(f"pfocr-export: error: no record files ({' '.join(RECORD_SUFFIXES)}) in "
                  f"{', '.join(map(str, paths))}\n")
        return 2
    failed = tally_records(records, tally, err) if records else 0
    tally.write(out, err, args.renamed)
    return 1 if failed else 0
