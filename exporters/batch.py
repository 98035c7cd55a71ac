"""The batch engine behind ``pfocr-export convert`` and ``validate``.

Records are read, resolved, serialized and checked in worker processes, which
also write each per-figure file to a hidden temp file beside its target. The
parent, in input order, renames those onto their targets (or removes them for
a skipped record), appends chunks to the one file of each corpus-level format,
and collects errors. One bad record never stops the batch; an output that
cannot be written (a full or read-only disk) does, at once, and a stopped batch
leaves the corpus-level files of the previous run as they were.

Workers ignore Ctrl-C and die with the parent (the parent stops them on Ctrl-C or
SIGTERM, once their running chunk is done; on Linux the kernel kills them when the
parent is killed outright).
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import secrets
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Figure
from .assembly import Assembly
from .pathway import GeneReport
from .records import RecordError, fallback_title, one_line, read_record
from .registry import Exporter, ExportError, available, create
from .writing import AtomicFile, claim_output, discard, remove_temps, write_temp

CHUNK = 16  # figures per worker task
WINDOW = 8  # tasks in flight per worker: bounds memory on any corpus size


class BatchError(Exception):
    """What stops a batch at once; ``reason`` says it in a few words for the summary."""

    reason = "an error"


class OutputError(BatchError):
    """The output cannot be written (disk full, read-only, a file where a folder should be)."""

    reason = "the output could not be written"


class WorkerDied(BatchError):
    """A worker process ended in the middle of the batch (killed, out of memory): its figures are lost."""

    reason = "a worker process died"


@dataclass
class Result:
    """What a worker made of one input."""

    source: str
    figid: str | None = None
    files: dict[str, list[tuple[str, Path]]] = field(default_factory=dict)  # format -> [(temp file, target)]
    chunks: dict[str, bytes] = field(default_factory=dict)  # corpus-level format -> chunk
    errors: list[str] = field(default_factory=list)  # outputs that failed their schema check
    internal_errors: list[str] = field(default_factory=list)  # exporter bugs
    record_error: str | None = None
    write_error: str | None = None  # the output could not be written: the batch stops
    report: GeneReport | None = None
    gene_ids: frozenset[str] = frozenset()  # the figure's distinct NCBI Gene ids
    unselected: bool = False  # not one of the figids asked for: nothing made
    untitled: bool = False  # the input gives the figure no title (nor its paper)
    organism_source: str | None = None  # the rule that decided the figure's organism (None: nothing names one)


@dataclass
class Summary:
    """Totals of a batch, printed at its end."""

    read: int = 0
    converted: int = 0
    failed: int = 0
    export_errors: int = 0
    internal_errors: int = 0
    files: Counter = field(default_factory=Counter)
    genes: Counter = field(default_factory=Counter)  # resolved, renamed, unknown, flagged, dropped
    distinct_genes: set[str] = field(default_factory=set)  # NCBI Gene ids over all figures
    unselected: int = 0  # records read but not among the figids asked for
    not_found: list[str] = field(default_factory=list)  # figids asked for that no input has
    untitled: int = 0  # figures the input gives no title (titled "Untitled PFOCR figure <figid>")
    organism_sources: Counter = field(default_factory=Counter)  # rule that decided the organism -> figures
    organisms: Counter = field(default_factory=Counter)  # (taxon, organism name) -> genes, summed over figures
    seconds: float = 0.0
    stopped: bool = False  # --strict stopped at a failure
    error: BatchError | None = None  # what stopped the batch at once
    stale_temps: int = 0  # temp files of killed runs removed from the output folder first

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.export_errors == 0 and self.internal_errors == 0 \
            and self.error is None


_exporters: dict[str, Exporter] = {}
_target: dict[str, Any] = {}  # out_dir and the batch's temp-file tag, in each worker


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _init_worker(formats: list[str], options: dict[str, Any], out_dir: Path | None, tag: str,
                 assembly: Assembly = Assembly(), select: frozenset[str] | None = None) -> None:
    _exporters.clear()
    _exporters.update({name: create(name, **options) for name in formats})
    _target.update(out_dir=out_dir, tag=tag, assembly=assembly, select=select)


def _start_worker(parent: int, *setup: Any) -> None:
    """Pool initializer: the parent alone decides about Ctrl-C; a worker dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (AttributeError, OSError):  # a libc without prctl
            pass
    if os.getppid() != parent:  # the parent died before that
        os._exit(1)
    _init_worker(*setup)


def _process(item: Path | Figure | RecordError) -> Result:
    if isinstance(item, RecordError):  # found bad before reaching a worker (bulk tables)
        return Result(item.path, record_error=str(item))
    source = str(item) if isinstance(item, Path) else item.source_path
    try:
        figure = read_record(item) if isinstance(item, Path) else item
    except RecordError as exc:
        return Result(source, record_error=str(exc))
    select = _target.get("select")
    if select is not None and figure.figid not in select:
        return Result(source, figure.figid, unselected=True)
    pathway = _target.get("assembly", Assembly()).pathway(figure)
    result = Result(source, figure.figid, report=pathway.report, gene_ids=frozenset(g.entrez for g in pathway.genes),
                    untitled=figure.title == fallback_title("", "", figure.figid),
                    organism_source=pathway.organism_source)
    for name, exporter in _exporters.items():
        try:
            data = exporter.to_bytes(pathway)
            if exporter.corpus_level:
                result.chunks[name] = exporter.corpus_trim(data)
                continue
            files = [(exporter.suffix, data), *exporter.companions(pathway, data)]
        except ExportError as exc:
            result.errors.append(one_line(f"{source}: {name}: {exc}"))
            continue
        except Exception as exc:  # an exporter bug must not stop the batch either
            result.internal_errors.append(one_line(f"{source}: {name}: internal error {type(exc).__name__}: {exc}"))
            continue
        try:
            result.files[name] = _write_temps(name, figure.figid, files)
        except OSError as exc:
            result.write_error = _cannot_write(exc, _target["out_dir"] / name)
            break
    return result


def _cannot_write(exc: OSError, where: Path) -> str:
    return one_line(f"cannot write to {where}: {exc.strerror or exc}")


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
             out_dir: Path | None, tag: str, assembly: Assembly, select: frozenset[str] | None) -> Iterator[Result]:
    """Results in input order; at most WINDOW tasks per worker in flight.

    Workers: at most jobs, one per usable core, one per chunk left after the first.
    """
    setup = (formats, options, out_dir, tag, assembly, select)
    jobs = min(jobs, usable_cores())
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
    ahead = list(itertools.islice(chunks, jobs))
    if not ahead:
        return
    # concurrent.futures, not multiprocessing.Pool: a Pool waits forever for the task of a worker that was
    # killed, and can hang in its own clean-up on the locks that worker held.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    executor = ProcessPoolExecutor(min(jobs, len(ahead)), multiprocessing.get_context(method), _start_worker,
                                   (os.getpid(), *setup))
    try:
        pending: deque[Future] = deque()
        for chunk in itertools.chain(ahead, chunks):
            try:
                pending.append(executor.submit(_process_chunk, chunk))
            except BrokenProcessPool:  # a worker died while earlier tasks were still queued
                raise WorkerDied(WORKER_DIED) from None
            if len(pending) >= jobs * WINDOW:
                yield from _wait(pending.popleft())
        while pending:
            yield from _wait(pending.popleft())
    finally:  # a stopped batch: queued chunks are dropped, running ones end before their temp files are removed
        executor.shutdown(wait=True, cancel_futures=True)


def _wait(task: Future) -> list[Result]:
    """A task's results; WorkerDied when a worker ended before it could deliver them."""
    try:
        return task.result()
    except BrokenProcessPool:
        raise WorkerDied(WORKER_DIED) from None


WORKER_DIED = ("a worker process died (killed, for instance by the out-of-memory killer); the figures it was "
               "converting are lost")


def run(items: Iterable[Path | Figure | RecordError], out_dir: Path | None, formats: list[str],
        options: dict[str, Any] | None = None, jobs: int = 1, strict: bool = False,
        assembly: Assembly = Assembly(), select: frozenset[str] | None = None,
        on_error: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
        on_progress: Callable[[int], None] = lambda n: None) -> Summary:
    """Convert every item to every format under out_dir (or only validate when formats is empty).

    ``assembly`` holds the pathway choices every format shares (tier, organism, interactions);
    ``select``, when given, the figids to convert (the other records are read and left out).
    ``on_progress`` gets the number of inputs done.
    """
    options = options or {}
    summary = Summary()
    started = time.perf_counter()
    local = {name: create(name, **options) for name in formats}
    corpus = {name: ex for name, ex in local.items() if ex.corpus_level}
    seen: dict[str, str] = {}
    tag = f"{secrets.token_hex(4)}-"  # names this batch's temp files
    files: dict[tuple[str, str], AtomicFile] = {}  # (format, file name) -> its corpus-level file
    finished = False

    def stream(name: str, file_name: str) -> Any:
        """A format's corpus-level file, created and started when its first part arrives."""
        if (name, file_name) not in files:
            assert out_dir is not None
            with _writing(out_dir / name):
                files[name, file_name] = AtomicFile(out_dir / name / file_name)
                corpus[name].corpus_start(files[name, file_name].stream)
        return files[name, file_name].stream

    try:
        with ExitStack() as stack:
            if out_dir is not None and formats:
                with _writing(out_dir):
                    out_dir.mkdir(parents=True, exist_ok=True)
                summary.stale_temps = stack.enter_context(claim_output(out_dir, available()))
            results = stack.enter_context(closing(_results(items, formats, options, jobs, out_dir, tag,
                                                                  assembly, select)))
            for done, result in enumerate(results, 1):
                if result.write_error is not None:
                    raise OutputError(result.write_error)
                if result.unselected:
                    summary.unselected += 1
                    on_progress(done)
                    continue
                summary.read += 1
                if result.record_error is None and result.figid in seen:
                    result.record_error = (f"{result.source}: figid: {result.figid!r} is also the figid of "
                                           f"{seen[result.figid]}; skipped")
                if result.record_error is not None:
                    summary.failed += 1
                    on_error(one_line(result.record_error))
                    _skip(result, corpus, stream, out_dir)
                else:
                    seen[result.figid] = result.source
                    _write(result, corpus, stream, summary, out_dir)
                    for line in result.errors:
                        summary.export_errors += 1
                        on_error(line)
                    for line in result.internal_errors:
                        summary.internal_errors += 1
                        on_error(line)
                    summary.converted += 1
                    _count_genes(summary, result)
                on_progress(done)
                if strict and not summary.ok:
                    summary.stopped = True
                    break
        if not summary.stopped:
            for name, exporter in corpus.items():
                if not any(format_name == name for format_name, _ in files):
                    stream(name, exporter.corpus_file)  # a corpus without figures still gets its file
            for (name, file_name), handle in files.items():
                with _writing(handle.path):
                    corpus[name].corpus_end(handle.stream)
                    handle.commit()
                summary.files[name] += 1
            finished = True
            if select is not None:
                summary.not_found = sorted(select - seen.keys())
    except BatchError as exc:
        summary.error = exc
    finally:
        for handle in files.values():  # a stopped batch leaves the previous corpus files as they were
            handle.abandon()
        if not finished and out_dir is not None:  # work in flight when the batch stopped
            for name in formats:
                if not local[name].corpus_level:
                    remove_temps(out_dir / name, tag)
    summary.seconds = time.perf_counter() - started
    return summary


@contextmanager
def _writing(where: Path) -> Iterator[None]:
    """Turn a failed write under where into the OutputError that stops the batch."""
    try:
        yield
    except OSError as exc:
        raise OutputError(_cannot_write(exc, where)) from None


def _count_genes(summary: Summary, result: Result) -> None:
    """Add a converted figure's genes, and what its input lacks, to the totals."""
    summary.untitled += result.untitled
    summary.organism_sources[result.organism_source] += 1
    summary.distinct_genes.update(result.gene_ids)
    report = result.report
    if report is not None:
        summary.genes.update(resolved=report.resolved, renamed=len(report.renamed), unknown=len(report.unknown),
                             flagged=report.flagged, dropped=report.dropped)
        summary.organisms.update({(taxon, name): n for taxon, name, n in report.organisms})


def _write(result: Result, corpus: dict[str, Exporter], stream: Callable[[str, str], Any],
           summary: Summary, out_dir: Path | None) -> None:
    """Append a converted record's corpus chunks; publish its files."""
    for name, chunk in result.chunks.items():
        _append(corpus[name], name, corpus[name].corpus_parts(chunk), stream, out_dir)
    for name, files in result.files.items():
        for tmp, target in files:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(_cannot_write(exc, target.parent)) from None
        summary.files[name] += 1


def _skip(result: Result, corpus: dict[str, Exporter], stream: Callable[[str, str], Any],
          out_dir: Path | None) -> None:
    """Drop a skipped record's files; keep what other figures share from its corpus chunks."""
    for files in result.files.values():
        for tmp, _ in files:
            discard(tmp)
    for name, chunk in result.chunks.items():
        shared = corpus[name].corpus_shared(chunk)
        _append(corpus[name], name, corpus[name].corpus_parts(shared) if shared else (), stream, out_dir)


def _append(exporter: Exporter, name: str, parts: Iterable[tuple[str, bytes]], stream: Callable[[str, str], Any],
            out_dir: Path | None) -> None:
    assert out_dir is not None
    for file_name, part in parts:
        target = stream(name, file_name)
        with _writing(out_dir / name):
            exporter.corpus_add(part, target)
