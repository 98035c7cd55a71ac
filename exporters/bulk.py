"""Read PFOCR bulk tables: a gene table (one row per gene mention), joined with
figure tables (titles, captions, organisms, years) and a chemical table.

This is how a whole PFOCR release converts in one go. Tables are indexed by
byte offset in one pass and each figure is then read on its own, so memory
stays flat however many figures the release has.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Figure
from .records import (MAX_RECORD_BYTES, InputError, RecordError, check_figid, gene_mentions, is_digits, open_regular, paper_fields,
                      score, short, term_mentions, text)

GENE_COLUMNS = ("figid", "word", "symbol", "source", "hgnc_symbol", "entrez")
# Figure-table column aliases (the 2020 shiny tables use dotted names) -> our field
FIGURE_COLUMNS = {
    "figure.title": "figtitle", "paper.title": "papertitle", "reference": "reftext",
    "figure.link": "figlink", "journal.title": "journal_title", "organism": "organisms",
}
NOT_ORGANISMS = frozenset({"XXX", "REJECT", "NA", ""})
YEAR = re.compile("[0-9]{4}")
IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|gif|tiff?)$", re.IGNORECASE)
MAX_LINE_BYTES = 1024 * 1024  # one table row; real rows are under 10 KB


@dataclass
class _Table:
    """A tab-separated table indexed by figid: figid -> byte ranges of its row runs."""

    path: Path
    header: list[str]
    runs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def index(cls, path: Path, required: Iterable[str] = ("figid",)) -> "_Table":
        try:
            handle = open_regular(path)
        except InputError as exc:
            raise RecordError(str(path), "table", str(exc)) from None
        with handle:
            lines = iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b"")
            try:
                header = next(lines, b"").decode("utf-8-sig").rstrip("\r\n").split("\t")
            except UnicodeDecodeError:
                raise RecordError(str(path), "header", "not UTF-8") from None
            missing = [c for c in required if c not in header]
            if missing:
                raise RecordError(str(path), "header", f"missing column(s) {', '.join(missing)}")
            table = cls(path, header)
            col = header.index("figid")
            offset = handle.tell()
            current, start = None, offset
            for number, line in enumerate(lines, start=2):
                if len(line) > MAX_LINE_BYTES:
                    raise RecordError(str(path), f"line {number}", f"longer than {MAX_LINE_BYTES:,} bytes")
                fields = line.split(b"\t", col + 1)
                figid = fields[col].decode("utf-8", "replace").strip() if len(fields) > col else ""
                if not line.strip():  # a blank line belongs to no figure
                    figid = None
                if figid != current:
                    if current is not None:
                        table.runs.setdefault(current, []).append((start, offset))
                    current, start = figid, offset
                offset += len(line)
            if current is not None:
                table.runs.setdefault(current, []).append((start, offset))
        return table

    def rows(self, figid: str, handle, name: str) -> list[dict[str, str]]:
        """The rows of one figure, in file order; more than MAX_RECORD_BYTES of them is a RecordError for name."""
        runs = self.runs.get(figid, ())
        size = sum(end - start for start, end in runs)
        if size > MAX_RECORD_BYTES:
            raise RecordError(name, self.path.name, f"the figure's rows take {size:,} bytes, over the "
                                                    f"{MAX_RECORD_BYTES:,}-byte limit of a record")
        out = []
        for start, end in runs:
            handle.seek(start)
            chunk = handle.read(end - start).decode("utf-8", "replace")
            for line in chunk.rstrip("\r\n").split("\n"):
                values = line.rstrip("\r").split("\t")
                out.append(dict(zip(self.header, values)))
        return out


def discover(folder: str | os.PathLike[str]) -> tuple[Path, list[Path], Path | None]:
    """The gene table, figure tables and chemical table of a PFOCR bulk folder, by file name."""
    folder = Path(folder)
    genes = sorted(folder.glob("genes*.tsv"))
    if not genes:
        raise RecordError(str(folder), "genes table", "no genes*.tsv file in the folder")
    figures = sorted(folder.glob("figures*.tsv")) + sorted(folder.glob("figids_years*.tsv"))
    chemicals = sorted(folder.glob("chemicals*.tsv"))
    return genes[0], figures, (chemicals[0] if chemicals else None)


@dataclass
class BulkFigures:
    """The figures of indexed bulk tables: ``len()`` says how many, iterating reads them one at a time."""

    genes: _Table
    figure_tables: list[_Table]
    chemicals: _Table | None
    figids: list[str]  # as the gene table spells them, in its order

    def __len__(self) -> int:
        return len(self.figids)

    def __iter__(self) -> Iterator[Figure | RecordError]:
        return _figures(self.figids, self.genes, self.figure_tables, self.chemicals)


def iter_bulk(source: str | os.PathLike[str], figures: Iterable[str | os.PathLike[str]] | None = None,
              chemicals: str | os.PathLike[str] | None = None,
              select: Collection[str] | None = None) -> BulkFigures:
    """Figures of a bulk release, in gene-table order; a bad figure yields a RecordError.

    ``source`` is a folder (tables found by name, see :func:`discover`) or the gene
    table itself; ``figures`` and ``chemicals`` add or override the other tables;
    ``select``, when given, keeps only those figids (image suffix of the table's figid dropped).
    The tables are indexed before this returns: a missing or unreadable table raises RecordError here.
    """
    source = Path(source)
    if source.is_dir():
        gene_path, figure_paths, chemical_path = discover(source)
    else:
        gene_path, figure_paths, chemical_path = source, [], None
    if figures is not None:
        figure_paths = [Path(p) for p in figures]
    if chemicals is not None:
        chemical_path = Path(chemicals)
    gene_table = _Table.index(gene_path, GENE_COLUMNS)
    figure_tables = [_Table.index(p) for p in figure_paths]
    chemical_table = _Table.index(chemical_path) if chemical_path else None
    figids = [f for f in gene_table.runs if select is None or IMAGE_SUFFIX.sub("", f) in select]
    return BulkFigures(gene_table, figure_tables, chemical_table, figids)


def _figures(figids: list[str], gene_table: _Table, figure_tables: list[_Table], chemical_table: _Table | None
             ) -> Iterator[Figure | RecordError]:
    handles = {t.path: open_regular(t.path) for t in [gene_table, *figure_tables, *filter(None, [chemical_table])]}
    try:
        for figid in figids:
            try:
                yield _figure(figid, gene_table, figure_tables, chemical_table, handles)
            except RecordError as exc:
                yield exc
    finally:
        for handle in handles.values():
            handle.close()


def read_bulk(source: str | os.PathLike[str], **tables: Any) -> Iterator[Figure]:
    """Like :func:`iter_bulk` but raises the first RecordError instead of yielding it."""
    for item in iter_bulk(source, **tables):
        if isinstance(item, RecordError):
            raise item
        yield item


def _figure(raw_figid: str, genes: _Table, figure_tables: list[_Table], chemicals: _Table | None,
            handles: dict[Path, Any]) -> Figure:
    name = f"{genes.path.name}:{raw_figid}"
    meta: dict[str, str] = {}
    for table in figure_tables:
        for row in table.rows(raw_figid, handles[table.path], name)[:1]:
            for column, value in row.items():
                key = FIGURE_COLUMNS.get(column, column)
                if text(value) and not meta.get(key):
                    meta[key] = value
    gene_rows = genes.rows(raw_figid, handles[genes.path], name)
    for i, row in enumerate(gene_rows):
        if not is_digits(row.get("entrez")):
            raise RecordError(name, f"genes[{i}].entrez", f"{short(row.get('entrez'))} is not a string of digits")
    chem_rows = [
        {"word": row.get("word", ""), "source": "MESH" if text(row.get("mesh_id")) else "",
         "identifier": row.get("mesh_id", "")}
        for row in (chemicals.rows(raw_figid, handles[chemicals.path], name) if chemicals else [])
    ]
    figid = IMAGE_SUFFIX.sub("", raw_figid)
    check_figid(figid, name)
    paper = paper_fields(meta, figid)
    if paper["year"] and not YEAR.fullmatch(paper["year"]):
        raise RecordError(name, "year", f"{short(paper['year'])} is not a four-digit year")
    try:
        pathway_score = score(meta.get("pathway_score"))
    except ValueError:
        pathway_score = math.nan
    if pathway_score is not None and not math.isfinite(pathway_score):
        raise RecordError(name, "pathway_score", f"{short(meta.get('pathway_score'))} is not a finite number")
    pmcid = text(meta.get("pmcid")) or text(gene_rows[0].get("pmcid") if gene_rows else "") or figid.split("__")[0]
    organisms = tuple(o for o in (s.strip() for s in text(meta.get("organisms")).split(","))
                      if o not in NOT_ORGANISMS)
    return Figure(
        figid=figid,
        pmcid=pmcid,
        filename=text(meta.get("filename")) or raw_figid.split("__", 1)[-1],
        **paper,
        organisms=organisms,
        pathway_score=pathway_score,
        genes=gene_mentions(gene_rows, name),
        chemicals=term_mentions(chem_rows, name=name),
        schema="bulk",
        source_path=name,
    )
