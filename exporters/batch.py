"""The batch engine behind ``pfocr-export convert`` and ``validate``.

Records are read, resolved and serialized in worker processes; the parent
writes files atomically in input order, keeps one corpus-level file per
corpus format, and collects errors. One bad record never stops the batch.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Figure
from .pathway import make_pathway
from .records import RecordError, read_record
from .registry import Exporter, ExportError, create
from .writing import atomic_open, write_atomic

CHUNK = 16  # figures per worker task
WINDOW = 8  # tasks in flight per worker: bounds memory on any corpus size


@dataclass
class Result:
    """What a worker made of one input."""

    source: str
    figid: str | None = None
    outputs: dict[str, tuple[bytes, tuple[tuple[str, bytes], ...]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    record_error: str | None = None
    report: tuple[int, int, int] = (0, 0, 0)  # resolved, renamed, unknown


@dataclass
class Summary:
    """Totals of a batch, printed at its end."""

    read: int = 0
    converted: int = 0
    failed: int = 0
    export_errors: int = 0
    files: Counter = field(default_factory=Counter)
    genes: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.export_errors == 0


_exporters: dict[str, Exporter] = {}


def _init_worker(formats: list[str], options: dict[str, Any]) -> None:
    _exporters.clear()
    _exporters.update({name: create(name, **options) for name in formats})


def _process(item: Path | Figure | RecordError) -> Result:
    if isinstance(item, RecordError):  # found bad before reaching a worker (bulk tables)
        return Result(item.path, record_error=str(item))
    source = str(item) if isinstance(item, Path) else item.source_path
    try:
        figure = read_record(item) if isinstance(item, Path) else item
    except RecordError as exc:
        return Result(source, record_error=str(exc))
    pathway = make_pathway(figure)
    report = pathway.report
    result = Result(source, figure.figid, report=(report.resolved, len(report.renamed), len(report.unknown)))
    for name, exporter in _exporters.items():
        try:
            data = exporter.to_bytes(pathway)
            companions = tuple(exporter.companions(pathway, data))
            result.outputs[name] = (exporter.corpus_trim(data) if exporter.corpus_level else data, companions)
        except ExportError as exc:
            result.errors.append(f"{source}: {name}: {exc}")
        except Exception as exc:  # an exporter bug must not stop the batch either
            result.errors.append(f"{source}: {name}: internal error {type(exc).__name__}: {exc}")
    return result


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


def _results(items: Iterable[Path | Figure], formats: list[str], options: dict[str, Any],
             jobs: int) -> Iterator[Result]:
    """Results in input order; at most WINDOW tasks per worker in flight."""
    if jobs <= 1:
        _init_worker(formats, options)
        for item in items:
            yield _process(item)
        return
    chunks = _chunks(items, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    # The first chunk is converted here: that loads every per-process cache (cross-reference
    # tables, parsed XSDs, compiled validators) once, and forked workers start with it warm.
    _init_worker(formats, options)
    yield from _process_chunk(first)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, _init_worker, (formats, options)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_process_chunk, (chunk,)))
            if len(pending) >= jobs * WINDOW:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def run(items: Iterable[Path | Figure | RecordError], out_dir: Path | None, formats: list[str],
        options: dict[str, Any] | None = None, jobs: int = 1, strict: bool = False,
        on_error: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
        on_progress: Callable[[int], None] = lambda n: None) -> Summary:
    """Convert every item to every format under out_dir (or only validate when formats is empty)."""
    options = options or {}
    summary = Summary()
    started = time.perf_counter()
    local = {name: create(name, **options) for name in formats}
    corpus = {name: ex for name, ex in local.items() if ex.corpus_level}
    seen: dict[str, str] = {}
    with ExitStack() as stack:
        streams = {}
        for name, exporter in corpus.items():
            assert out_dir is not None
            streams[name] = stack.enter_context(atomic_open(out_dir / name / f"{exporter.corpus_name}{exporter.suffix}"))
            exporter.corpus_start(streams[name])
        for result in _results(items, formats, options, jobs):
            summary.read += 1
            if result.record_error is None and result.figid in seen:
                result.record_error = (f"{result.source}: figid: {result.figid!r} is also the figid of "
                                       f"{seen[result.figid]}; skipped")
            if result.record_error is not None:
                summary.failed += 1
                on_error(result.record_error)
                for name, (data, _) in result.outputs.items():  # a repeated figid: keep what others share
                    if name in corpus:
                        corpus[name].corpus_add(corpus[name].corpus_shared(data), streams[name])
            else:
                seen[result.figid] = result.source
                _write(result, out_dir, local, streams, summary)
                for line in result.errors:
                    summary.export_errors += 1
                    on_error(line)
                summary.converted += 1
                summary.genes.update(dict(zip(("resolved", "renamed", "unknown"), result.report)))
            on_progress(summary.read)
            if strict and not summary.ok:
                summary.stopped = True
                break
        for name, exporter in corpus.items():
            exporter.corpus_end(streams[name])
            summary.files[name] += 1
    summary.seconds = time.perf_counter() - started
    return summary


def _write(result: Result, out_dir: Path | None, exporters: dict[str, Exporter], streams: dict[str, Any],
           summary: Summary) -> None:
    for name, (data, companions) in result.outputs.items():
        exporter = exporters[name]
        if exporter.corpus_level:
            exporter.corpus_add(data, streams[name])
            continue
        assert out_dir is not None
        write_atomic(out_dir / name / f"{result.figid}{exporter.suffix}", data)
        for extra_suffix, extra in companions:
            write_atomic(out_dir / name / f"{result.figid}{extra_suffix}", extra)
        summary.files[name] += 1

