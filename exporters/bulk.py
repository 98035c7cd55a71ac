"""Read PFOCR bulk tables: a gene table (one row per gene mention), joined with
figure tables (titles, captions, organisms, years) and a chemical table.

This is how a whole PFOCR release converts in one go. Tables are indexed by
byte offset in one pass and each figure is then read on its own, so memory
stays flat however many figures the release has.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Figure
from .records import (RecordError, gene_mentions, paper_fields, score, term_mentions, text,
                      unsafe_figid_reason)

GENE_COLUMNS = ("figid", "word", "symbol", "source", "hgnc_symbol", "entrez")
# Figure-table column aliases (the 2020 shiny tables use dotted names) -> our field
FIGURE_COLUMNS = {
    "figure.title": "figtitle", "paper.title": "papertitle", "reference": "reftext",
    "figure.link": "figlink", "journal.title": "journal_title", "organism": "organisms",
}
NOT_ORGANISMS = frozenset({"XXX", "REJECT", "NA", ""})
IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|gif|tiff?)$", re.IGNORECASE)


@dataclass
class _Table:
    """A tab-separated table indexed by figid: figid -> byte ranges of its row runs."""

    path: Path
    header: list[str]
    runs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def index(cls, path: Path, required: Iterable[str] = ("figid",)) -> "_Table":
        with path.open("rb") as handle:
            header = handle.readline().decode("utf-8-sig").rstrip("\r\n").split("\t")
            missing = [c for c in required if c not in header]
            if missing:
                raise RecordError(str(path), "header", f"missing column(s) {', '.join(missing)}")
            table = cls(path, header)
            col = header.index("figid")
            offset = handle.tell()
            current, start = None, offset
            for line in handle:
                figid = line.split(b"\t", col + 1)[col].decode("utf-8", "replace").strip()
                if figid != current:
                    if current is not None:
                        table.runs.setdefault(current, []).append((start, offset))
                    current, start = figid, offset
                offset += len(line)
            if current is not None:
                table.runs.setdefault(current, []).append((start, offset))
        return table

    def rows(self, figid: str, handle) -> list[dict[str, str]]:
        """The rows of one figure, in file order."""
        out = []
        for start, end in self.runs.get(figid, ()):
            handle.seek(start)
            chunk = handle.read(end - start).decode("utf-8", "replace")
            for line in chunk.splitlines():
                values = line.split("\t")
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


def iter_bulk(source: str | os.PathLike[str], figures: Iterable[str | os.PathLike[str]] | None = None,
              chemicals: str | os.PathLike[str] | None = None) -> Iterator[Figure | RecordError]:
    """Figures of a bulk release, in gene-table order; a bad figure yields a RecordError.

    ``source`` is a folder (tables found by name, see :func:`discover`) or the gene
    table itself; ``figures`` and ``chemicals`` add or override the other tables.
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
    handles = {t.path: t.path.open("rb") for t in [gene_table, *figure_tables, *filter(None, [chemical_table])]}
    try:
        for figid in gene_table.runs:
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
        for row in table.rows(raw_figid, handles[table.path])[:1]:
            for column, value in row.items():
                key = FIGURE_COLUMNS.get(column, column)
                if text(value) and not meta.get(key):
                    meta[key] = value
    gene_rows = genes.rows(raw_figid, handles[genes.path])
    for i, row in enumerate(gene_rows):
        if not (row.get("entrez") or "").strip().isdigit():
            raise RecordError(name, f"genes[{i}].entrez", f"{row.get('entrez')!r} is not a string of digits")
    chem_rows = [
        {"word": row.get("word", ""), "source": "MESH" if text(row.get("mesh_id")) else "",
         "identifier": row.get("mesh_id", "")}
        for row in (chemicals.rows(raw_figid, handles[chemicals.path]) if chemicals else [])
    ]
    figid = IMAGE_SUFFIX.sub("", raw_figid)
    reason = unsafe_figid_reason(figid) if figid else "is empty"
    if reason:
        raise RecordError(name, "figid", f"{figid!r} {reason}")
    pmcid = text(meta.get("pmcid")) or text(gene_rows[0].get("pmcid") if gene_rows else "") or figid.split("__")[0]
    organisms = tuple(o for o in (s.strip() for s in text(meta.get("organisms")).split(","))
                      if o not in NOT_ORGANISMS)
    return Figure(
        figid=figid,
        pmcid=pmcid,
        filename=text(meta.get("filename")) or raw_figid.split("__", 1)[-1],
        **paper_fields(meta, figid),
        organisms=organisms,
        pathway_score=score(meta.get("pathway_score")),
        genes=gene_mentions(gene_rows),
        chemicals=term_mentions(chem_rows),
        schema="bulk",
        source_path=name,
    )
