"""The batch engine behind ``pfocr-export convert`` and ``validate``.

Records are read, resolved, serialized and checked in worker processes, which
also write each per-figure file to a hidden temp file beside its target. The
parent, in input order, renames those onto their targets (or removes them for
a skipped record), appends chunks to the one file of each corpus-level format,
and collects errors. One bad record never stops the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Figure
from .pathway import GeneReport, make_pathway
from .records import RecordError, read_record
from .registry import Exporter, ExportError, create
from .writing import atomic_open, discard, remove_temps, write_temp

CHUNK = 16  # figures per worker task
WINDOW = 8  # tasks in flight per worker: bounds memory on any corpus size


@dataclass
class Result:
    """What a worker made of one input."""

    source: str
    figid: str | None = None
    files: dict[str, list[tuple[str, Path]]] = field(default_factory=dict)  # format -> [(temp file, target)]
    chunks: dict[str, bytes] = field(default_factory=dict)  # corpus-level format -> chunk
    errors: list[str] = field(default_factory=list)
    record_error: str | None = None
    report: GeneReport | None = None


@dataclass
class Summary:
    """Totals of a batch, printed at its end."""

    read: int = 0
    converted: int = 0
    failed: int = 0
    export_errors: int = 0
    files: Counter = field(default_factory=Counter)
    genes: Counter = field(default_factory=Counter)  # resolved, renamed, unknown, flagged, dropped
    organisms: Counter = field(default_factory=Counter)  # (taxon, organism name) -> genes, summed over figures
    seconds: float = 0.0
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.export_errors == 0


_exporters: dict[str, Exporter] = {}
_target: dict[str, Any] = {}  # out_dir and the batch's temp-file tag, in each worker


def _init_worker(formats: list[str], options: dict[str, Any], out_dir: Path | None, tag: str,
                 only_figure_organism: bool = False) -> None:
    _exporters.clear()
    _exporters.update({name: create(name, **options) for name in formats})
    _target.update(out_dir=out_dir, tag=tag, only_figure_organism=only_figure_organism)


def _process(item: Path | Figure | RecordError) -> Result:
    if isinstance(item, RecordError):  # found bad before reaching a worker (bulk tables)
        return Result(item.path, record_error=str(item))
    source = str(item) if isinstance(item, Path) else item.source_path
    try:
        figure = read_record(item) if isinstance(item, Path) else item
    except RecordError as exc:
        return Result(source, record_error=str(exc))
    pathway = make_pathway(figure, only_figure_organism=_target.get("only_figure_organism", False))
    result = Result(source, figure.figid, report=pathway.report)
    for name, exporter in _exporters.items():
        try:
            data = exporter.to_bytes(pathway)
            if exporter.corpus_level:
                result.chunks[name] = exporter.corpus_trim(data)
                continue
            result.files[name] = _write_temps(name, figure.figid, [(exporter.suffix, data),
                                                                   *exporter.companions(pathway, data)])
        except ExportError as exc:
            result.errors.append(f"{source}: {name}: {exc}")
        except Exception as exc:  # an exporter bug must not stop the batch either
            result.errors.append(f"{source}: {name}: internal error {type(exc).__name__}: {exc}")
    return result


def _write_temps(name: str, figid: str, files: list[tuple[str, bytes]]) -> list[tuple[str, Path]]:
    """Write a figure's files of one format to temp files beside their targets (all or none)."""
    folder, tag = _target["out_dir"] / name, _target["tag"]
    written: list[tuple[str, Path]] = []
    try:
        for suffix, content in files:
            target = folder / f"{figid}{suffix}"
            written.append((write_temp(target, content, tag), target))
    except BaseException:
        for tmp, _ in written:
            discard(tmp)
        raise
    return written


def _process_chunk(items: list[Path | Figure]) -> list[Result]:
    return [_process(item) for item in items]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _results(items: Iterable[Path | Figure], formats: list[str], options: dict[str, Any], jobs: int,
             out_dir: Path | None, tag: str, only_figure_organism: bool) -> Iterator[Result]:
    """Results in input order; at most WINDOW tasks per worker in flight."""
    setup = (formats, options, out_dir, tag, only_figure_organism)
    if jobs <= 1:
        _init_worker(*setup)
        for item in items:
            yield _process(item)
        return
    chunks = _chunks(items, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    # The first chunk is converted here: that loads every per-process cache (cross-reference
    # tables, parsed XSDs, compiled validators) once, and forked workers start with it warm.
    _init_worker(*setup)
    yield from _process_chunk(first)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, _init_worker, setup) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_process_chunk, (chunk,)))
            if len(pending) >= jobs * WINDOW:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def run(items: Iterable[Path | Figure | RecordError], out_dir: Path | None, formats: list[str],
        options: dict[str, Any] | None = None, jobs: int = 1, strict: bool = False,
        only_figure_organism: bool = False,
        on_error: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
        on_progress: Callable[[int], None] = lambda n: None) -> Summary:
    """Convert every item to every format under out_dir (or only validate when formats is empty).

    ``only_figure_organism`` leaves out genes of another organism than their figure's
    (see :func:`~exporters.pathway.make_pathway`).
    """
    options = options or {}
    summary = Summary()
    started = time.perf_counter()
    local = {name: create(name, **options) for name in formats}
    corpus = {name: ex for name, ex in local.items() if ex.corpus_level}
    seen: dict[str, str] = {}
    tag = f"{secrets.token_hex(4)}-"  # names this batch's temp files
    finished = False
    try:
        with ExitStack() as stack:
            streams: dict[tuple[str, str], Any] = {}  # (format, file name) -> its open corpus file

            def stream(name: str, file_name: str) -> Any:
                """A format's corpus-level file, created and started when its first part arrives."""
                if (name, file_name) not in streams:
                    assert out_dir is not None
                    streams[name, file_name] = stack.enter_context(atomic_open(out_dir / name / file_name))
                    corpus[name].corpus_start(streams[name, file_name])
                return streams[name, file_name]

            results = stack.enter_context(closing(_results(items, formats, options, jobs, out_dir, tag,
                                                                  only_figure_organism)))
            for result in results:
                summary.read += 1
                if result.record_error is None and result.figid in seen:
                    result.record_error = (f"{result.source}: figid: {result.figid!r} is also the figid of "
                                           f"{seen[result.figid]}; skipped")
                if result.record_error is not None:
                    summary.failed += 1
                    on_error(result.record_error)
                    _skip(result, corpus, stream)
                else:
                    seen[result.figid] = result.source
                    _write(result, corpus, stream, summary)
                    for line in result.errors:
                        summary.export_errors += 1
                        on_error(line)
                    summary.converted += 1
                    _count_genes(summary, result.report)
                on_progress(summary.read)
                if strict and not summary.ok:
                    summary.stopped = True
                    break
            for name, exporter in corpus.items():
                if not any(format_name == name for format_name, _ in streams):
                    stream(name, exporter.corpus_file)  # a corpus without figures still gets its file
            for (name, _), handle in streams.items():
                corpus[name].corpus_end(handle)
                summary.files[name] += 1
            finished = not summary.stopped
    finally:
        if not finished and out_dir is not None:  # work in flight when the batch stopped
            for name in formats:
                if not local[name].corpus_level:
                    remove_temps(out_dir / name, tag)
    summary.seconds = time.perf_counter() - started
    return summary


def _count_genes(summary: Summary, report: GeneReport | None) -> None:
    if report is not None:
        summary.genes.update(resolved=report.resolved, renamed=len(report.renamed), unknown=len(report.unknown),
                             flagged=report.flagged, dropped=report.dropped)
        summary.organisms.update({(taxon, name): n for taxon, name, n in report.organisms})


def _write(result: Result, corpus: dict[str, Exporter], stream: Callable[[str, str], Any],
           summary: Summary) -> None:
    """Publish a converted record's files; append its corpus chunks."""
    for name, files in result.files.items():
        for tmp, target in files:
            os.replace(tmp, target)
        summary.files[name] += 1
    for name, chunk in result.chunks.items():
        for file_name, part in corpus[name].corpus_parts(chunk):
            corpus[name].corpus_add(part, stream(name, file_name))


def _skip(result: Result, corpus: dict[str, Exporter], stream: Callable[[str, str], Any]) -> None:
    """Drop a skipped record's files; keep what other figures share from its corpus chunks."""
    for files in result.files.values():
        for tmp, _ in files:
            discard(tmp)
    for name, chunk in result.chunks.items():
        shared = corpus[name].corpus_shared(chunk)
        for file_name, part in corpus[name].corpus_parts(shared) if shared else ():
            corpus[name].corpus_add(part, stream(name, file_name))
