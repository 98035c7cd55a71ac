"""``pfocr-export``: convert PFOCR figure records into pathway files.

Subcommands: convert, validate, formats, check, plus the tools that ship with
the formats (load-rdf/query for triple stores, upload-ndex for NDEx, ...).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__, registry
from .assembly import Assembly
from .batch import Summary, run, usable_cores
from .bulk import iter_bulk
from .model import Figure
from .pathway import make_pathway
from .records import InputError, RecordError, find_records, one_line, read_record, read_regular
from .resources import seeds_dir
from .suspects import DEFAULT_TIER, FLAG_PRECISION, FLAGS, TIERS, Suspect, review, tier_options
from .writing import write_atomic

# Modules that add subcommands through ``register(subparsers)``; each is optional.
COMMAND_MODULES = ("exporters.triplestore", "exporters.ndex_upload", "exporters.xref_report")

USAGE_ERROR = 2
MAX_CHECK_BYTES = 2 * 1024 ** 3  # a file `check` reads whole


class UsageError(Exception):
    """A mistake in the command line; exits with code 2."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the batch stops and cleans up."""


def _stop(signum: int, frame: Any) -> None:
    """Ctrl-C or SIGTERM: stop; a second one must not cut the clean-up short."""
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, signal.SIG_IGN)
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pfocr-export`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return USAGE_ERROR
    previous = {each: signal.signal(each, _stop) for each in (signal.SIGINT, signal.SIGTERM)}
    try:
        return args.handler(args)
    except UsageError as exc:
        print(one_line(f"pfocr-export: error: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    except Terminated:
        print("pfocr-export: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("pfocr-export: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``pfocr-export formats | head``):
        # point stdout at devnull so Python's exit flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pfocr-export",
        description="Turn PFOCR pathway-figure records into GPML, BioPAX/RDF and NDEx CX files.",
        epilog="Run 'pfocr-export COMMAND --help' for a command's options and examples.\n"
               "Exit codes: 0 all good, 1 some records or files failed or the output could not be written,\n"
               "2 usage error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pfocr-exporters {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_convert(sub)
    _add_validate(sub)
    _add_formats(sub)
    _add_check(sub)
    _add_review(sub)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(sub)
    return parser


def _command(sub: Any, name: str, summary: str, description: str, examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=description, epilog=f"examples:\n{examples}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help="record files or folders (read recursively: .md .txt .yaml .yml); "
                             "default: the five bundled seed records")
    parser.add_argument("--bulk", metavar="PATH",
                        help="a PFOCR bulk release instead: a folder holding genes*.tsv, figures*.tsv and "
                             "chemicals*.tsv, or the gene table itself")
    parser.add_argument("--figure-table", action="append", metavar="TSV",
                        help="with --bulk: a figure table (titles, captions, organisms); repeatable")
    parser.add_argument("--chemical-table", metavar="TSV", help="with --bulk: a chemical table")
    parser.add_argument("--strict", action="store_true", help="stop at the first failure")
    parser.add_argument("-j", "--jobs", type=_positive, default=usable_cores(),
                        help="worker processes, at most one per core (default: all cores, %(default)s here)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _add_convert(sub: Any) -> None:
    p = _command(
        sub, "convert", "convert records into pathway files",
        "Read PFOCR figure records, resolve their cross-references offline and write one file per figure\n"
        "and format as OUT/<format>/<figid>.<suffix> (corpus-level formats such as ntriples write one\n"
        "file for all figures). Every file is checked against its schema before it is written, and\n"
        "written atomically; a broken record is reported as 'PATH: FIELD: reason' and the rest convert.",
        "  pfocr-export convert -o out                       # the bundled seeds, every format\n"
        "  pfocr-export convert my_figures/ -o out -f gpml   # GPML 2013a for PathVisio/WikiPathways\n"
        "  pfocr-export convert -o out -f gpml --preview     # plus an SVG/PNG picture of each\n"
        "  pfocr-export convert --bulk pfocr-corpus/ -o out -f ntriples,cx -j 2",
    )
    _add_inputs(p)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="output folder")
    p.add_argument("-f", "--formats", default="all",
                   help="comma-separated formats (see 'pfocr-export formats'); default: all installed")
    p.add_argument("--preview", action="store_true", help="also write a picture next to each file (GPML)")
    p.add_argument("--only-figure-organism", action="store_true",
                   help="leave out genes the record places in another organism than the figure's (v2023 "
                        "multi-organism records; by default they are kept and flagged for curators)")
    p.add_argument("--tier", choices=list(TIERS), default=DEFAULT_TIER,
                   help="which gene mentions count, for every format: strict = official symbols only, "
                        "synonyms = plus synonyms of single genes, all = plus families (default, as the record)")
    p.add_argument("--drop-flagged", nargs="?", const="all", default="", metavar="FLAGS",
                   help="leave out suspect mentions: all flagged ones, or those with the given flag codes "
                        f"(comma-separated: {', '.join(FLAGS)}); by default flagged mentions are kept and marked")
    p.add_argument("--no-interactions", dest="interactions", action="store_false",
                   help="do not draw the draft interactions read from the caption (drawn by default, "
                        "each marked 'caption, unreviewed')")
    p.add_argument("--chains", action="store_true",
                   help="also draw the weaker links of slash-named pathways in the caption "
                        "('IL-6/JAK/STAT3 pathway'); off by default")
    p.add_argument("--base-uri", metavar="URI", help="base of the IRIs minted in RDF outputs")
    p.add_argument("--wp-view", action="store_true",
                   help="RDF outputs also carry a WikiPathways-vocabulary view (wp:, dcterms:)")
    p.add_argument("-O", "--option", action="append", default=[], metavar="KEY=VALUE",
                   help="an exporter option, passed to every selected format; repeatable")
    p.set_defaults(handler=_convert)


def _add_validate(sub: Any) -> None:
    p = _command(
        sub, "validate", "check records without writing anything",
        "Read and validate records against schemas/pfocr-record.schema.json, resolve their genes\n"
        "against HGNC, and print one line per broken record plus totals.",
        "  pfocr-export validate seeds/\n  pfocr-export validate --bulk pfocr-corpus/",
    )
    _add_inputs(p)
    p.set_defaults(handler=_validate)


def _add_review(sub: Any) -> None:
    p = _command(
        sub, "review", "list suspect gene mentions for a curator",
        "Write a table of every flagged gene mention per figure (figid, word, gene, flags, reasons, how\n"
        "the caption uses the word), likeliest false matches first: the share of such flags that were\n"
        "errors in a hand-labelled sample decides the order. Nothing is removed; 'convert --drop-flagged'\n"
        "leaves flagged mentions out of the outputs. A summary per flag goes to stderr.",
        "  pfocr-export review                                  # the bundled seeds, table on stdout\n"
        "  pfocr-export review my_figures/ -o review.tsv\n"
        "  pfocr-export review --bulk pfocr-corpus/ -o corpus-review.tsv",
    )
    _add_inputs(p)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the table here (default: stdout)")
    p.set_defaults(handler=_review)


def _add_formats(sub: Any) -> None:
    p = _command(sub, "formats", "list the installed formats",
                 "List every exporter found through the 'pfocr_exporters' entry points, ours and third-party.",
                 "  pfocr-export formats")
    p.set_defaults(handler=_formats)


def _add_check(sub: Any) -> None:
    p = _command(
        sub, "check", "validate existing output files (ours or anyone's)",
        "Check files against the schema of the format their suffix names (.gpml: GPML XSD and\n"
        "reference rules; .cx/.cx2: JSON Schema and the NDEx server's rules; .owl/.ttl/.nt: BioPAX rules\n"
        "and the SHACL shapes of schemas/biopax-shapes.ttl, warnings counted).",
        "  pfocr-export check out/gpml/*.gpml\n  pfocr-export check network.cx",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=_check)


# --- handlers ---------------------------------------------------------------------------------

def _items(args: argparse.Namespace) -> tuple[list[Any], int | None]:
    """The inputs to process and their count (None when only known while reading)."""
    items: list[Any] = []
    if args.inputs or not args.bulk:
        paths = [Path(p) for p in (args.inputs or [seeds_dir()])]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
        items.extend(find_records(paths))
    if args.bulk:
        if not Path(args.bulk).exists():
            raise UsageError(f"no such file or folder: {args.bulk}")
        try:
            figures = iter_bulk(args.bulk, figures=args.figure_table, chemicals=args.chemical_table)
        except RecordError as exc:  # a table that is missing or cannot be read: nothing can be converted
            raise UsageError(str(exc)) from None
        return _chain(items, figures), None
    if not items:
        raise UsageError("no record files (.md .txt .yaml .yml) found in the inputs")
    return items, len(items)


def _chain(first: list[Any], rest: Iterator[Figure | RecordError]) -> Iterator[Any]:
    yield from first
    yield from rest


def _formats_arg(value: str) -> list[str]:
    installed = registry.available()
    names = installed if value == "all" else [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in installed]
    if unknown or not names:
        asked = ", ".join(unknown) or repr(value)
        raise UsageError(f"unknown format(s) {asked}; installed: {', '.join(installed)}")
    return names


def _options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {"preview": args.preview, "base_uri": args.base_uri, "wp_view": args.wp_view}
    for pair in args.option:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--option takes KEY=VALUE, got {pair!r}")
        options[key.strip()] = value
    return options


def _convert(args: argparse.Namespace) -> int:
    formats = _formats_arg(args.formats)
    options = _options(args)
    for name in formats:
        try:
            registry.create(name, **options)
        except (ValueError, TypeError) as exc:  # an option the format refuses, e.g. a bad --base-uri
            raise UsageError(f"{name}: {exc}") from None
    _check_output_folder(args.output, formats)
    items, total = _items(args)
    with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
        summary = run(items, args.output, formats, options, jobs=args.jobs, strict=args.strict,
                      assembly=_assembly(args),
                      on_error=progress.error, on_progress=progress.update)
    print_summary(summary, formats, args.output)
    return 0 if summary.ok else 1


def _assembly(args: argparse.Namespace) -> Assembly:
    try:
        _, drop = tier_options({"drop_flagged": args.drop_flagged})
    except ValueError as exc:
        raise UsageError(f"--drop-flagged: {exc}") from None
    return Assembly(tier=args.tier, drop_flagged=drop, only_figure_organism=args.only_figure_organism,
                    interactions=args.interactions, chains=args.chains)


def _check_output_folder(out: Path, formats: list[str]) -> None:
    """UsageError unless out is a folder this process can write, or can be made as one."""
    for folder in (out / name for name in formats):
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"-o {out}: {folder} is not a folder")
    existing = out
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # a dangling link
            raise UsageError(f"-o {out}: {existing} is a broken symbolic link")
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"-o {out}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        reason = "a read-only file system" if _read_only(existing) else "permission denied"
        raise UsageError(f"-o {out}: cannot write to {existing} ({reason})")


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):
        return False


def _validate(args: argparse.Namespace) -> int:
    items, total = _items(args)
    with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
        summary = run(items, None, [], jobs=args.jobs, strict=args.strict,
                      on_error=progress.error, on_progress=progress.update)
    print_summary(summary, [], None)
    return 0 if summary.ok else 1


def _review(args: argparse.Namespace) -> int:
    if args.output is not None and args.output.is_dir():
        raise UsageError(f"-o {args.output}: is a folder; give a file name such as review.tsv")
    items, total = _items(args)
    rows: list[Suspect] = []
    figures = failed = 0
    with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
        for item in items:
            try:
                figure = read_record(item) if isinstance(item, Path) else item
                if isinstance(figure, RecordError):
                    raise figure
            except RecordError as exc:
                progress.error(one_line(str(exc)))
                failed += 1
                continue
            figures += 1
            rows.extend(review(make_pathway(figure, interactions=False)))
            progress.update(figures + failed)
    rows.sort(key=lambda r: -r.error_likelihood)  # stable: figures in input order within a likelihood
    table = _review_table(rows)
    if args.output is None:
        sys.stdout.write(table)
    else:
        try:
            write_atomic(args.output, table.encode("utf-8"))
        except OSError as exc:
            raise UsageError(f"-o {args.output}: {exc.strerror or exc}") from None
    counts = Counter(f.code for r in rows for f in dict.fromkeys(r.flags))
    print(f"{len(rows):,} flagged mentions in {len({r.figid for r in rows}):,} of {figures:,} figures"
          + (f"; {failed:,} records could not be read" if failed else "")
          + (f"; table written to {args.output}" if args.output is not None else ""), file=sys.stderr)
    for code, meaning in FLAGS.items():
        if counts[code]:
            print(f"  {code:<18} {counts[code]:>7,}  {meaning} (in a hand-labelled sample, "
                  f"{FLAG_PRECISION[code]:.0%} were false matches)", file=sys.stderr)
    return 1 if failed else 0


def _review_table(rows: list[Suspect]) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split())

    lines = ["figid\tword\tgene\tentrez\tsource\tlikelihood\tflags\treasons\tcaption_use\n"]
    for r in rows:
        lines.append("\t".join([r.figid, cell(r.word), r.gene, r.entrez, r.source, f"{r.error_likelihood:.2f}",
                                ",".join(dict.fromkeys(f.code for f in r.flags)),
                                cell("; ".join(f.reason for f in r.flags)), cell(r.caption_use)]) + "\n")
    return "".join(lines)


def _formats(args: argparse.Namespace) -> int:
    for name in registry.available():
        try:
            cls = registry.load(name)
            kind = "one file for all figures" if cls.corpus_level else "one file per figure"
            print(f"{name:<10} {cls.suffix:<6} {cls.description} ({kind})")
        except Exception as exc:  # a broken third-party plugin is listed, not fatal
            print(f"{name:<10} {'?':<6} cannot be loaded: {type(exc).__name__}: {exc}")
    return 0


def _check(args: argparse.Namespace) -> int:
    by_suffix: dict[str, registry.Exporter] = {}
    for name in registry.available():
        try:
            cls = registry.load(name)
        except Exception:
            continue
        by_suffix.setdefault(cls.suffix, cls())
    status = 0
    for path in args.files:
        exporter = by_suffix.get(path.suffix)
        if exporter is None:
            print(one_line(f"{path}: no installed format writes '{path.suffix}' files"), file=sys.stderr)
            status = max(status, USAGE_ERROR)
            continue
        problem = _check_file(path, exporter)
        if problem:
            print(one_line(problem), file=sys.stderr)
            status = max(status, 1)
        else:
            print(one_line(f"{path}: valid {exporter.name}"))
    return status


def _check_file(path: Path, exporter: registry.Exporter) -> str | None:
    """Why path is not a valid file of exporter's format ('PATH: invalid FORMAT: reason'), or None when it is."""
    where = f"{path}: invalid {exporter.name}"
    try:
        data = read_regular(path, MAX_CHECK_BYTES)
    except InputError as exc:
        return f"{path}: {exc}"
    try:
        notes = getattr(exporter, "check_file", exporter.validate)(data, str(path)) or []  # whole-file checks too
    except registry.ExportError as exc:  # its message starts with the label (here the path), often the format
        message = str(exc)
        for prefix in (f"{path}: ", f"{exporter.name}: "):
            message = message[len(prefix):] if message.startswith(prefix) else message
        return f"{where}: {message}"
    except UnicodeDecodeError as exc:
        return f"{where}: not UTF-8 (byte {exc.start})"
    except json.JSONDecodeError as exc:
        return f"{where}: not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return f"{where}: nested too deeply to check"
    except MemoryError:
        return f"{where}: too large to check in the memory available"
    except Exception as exc:  # the checker met a shape it does not expect: still one line, and the rest go on
        if "integer string conversion" in str(exc):
            return f"{where}: a number with more than 4,300 digits"
        if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536]:
            return f"{where}: a DOCTYPE or entity declaration is not accepted ({type(exc).__name__}: {exc})"
        return f"{where}: not a {exporter.name} file this check can read ({type(exc).__name__}: {exc})"
    for note in notes:  # the format's warnings (BioPAX: SHACL warnings, counted)
        print(one_line(f"{path}: warning: {note}"))
    return None


# --- output -----------------------------------------------------------------------------------

def print_summary(summary: Summary, formats: list[str], out_dir: Path | None) -> None:
    """The closing lines of a run: records, genes, files per format, time."""
    if summary.error:
        kept = ", the corpus-level files of the previous run are kept" if formats else ""
        print(one_line(f"pfocr-export: error: {summary.error}; stopped{kept}"), file=sys.stderr)
    if summary.stale_temps:
        print(f"removed {summary.stale_temps} temp files an interrupted run had left under {out_dir}/")
    verb = "converted" if formats else "valid"
    stop = (f" (stopped: {summary.error.reason})" if summary.error
            else " (stopped at the first failure: --strict)" if summary.stopped else "")
    print(f"{summary.read} records read, {summary.converted} {verb}, {summary.failed} failed "
          f"in {summary.seconds:.1f} s{stop}")
    g = summary.genes
    if g:
        print(f"genes per figure, summed: {g['resolved']} resolved, {g['renamed']} renamed, "
              f"{g['unknown']} unknown to their organism's nomenclature (HGNC, MGI, RGD)")
    if summary.organisms:
        shown = summary.organisms.most_common()
        by_organism = ", ".join(f"{name or 'taxon ' + taxon} {n}" for (taxon, name), n in shown[:8])
        more = f", {len(shown) - 8} more organisms" if len(shown) > 8 else ""
        print(f"genes by organism: {by_organism}{more}")
    if g.get("flagged") or g.get("dropped"):
        print(f"genes of another organism than their figure's: {g['flagged']} flagged for curators, "
              f"{g['dropped']} left out (--only-figure-organism)")
    if formats:
        files = ", ".join(f"{name} {summary.files[name]}" for name in formats)
        print(f"files written under {out_dir}/: {files}")
    if summary.export_errors:
        print(f"{summary.export_errors} files failed their schema check and were not written")
    if summary.internal_errors:
        print(f"{summary.internal_errors} files were not written because of an internal error (a bug: please "
              "report it with the record)")


class Progress:
    """A one-line progress bar on a terminal's stderr; silent otherwise."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.started = self.last = time.perf_counter()
        self.count = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.count:
            self._draw()
            sys.stderr.write("\n")

    def update(self, count: int) -> None:
        self.count = count
        now = time.perf_counter()
        if self.enabled and now - self.last >= 0.1:
            self.last = now
            self._draw()

    def error(self, line: str) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
        print(line, file=sys.stderr)

    def _draw(self) -> None:
        rate = self.count / max(time.perf_counter() - self.started, 1e-9)
        if self.total:
            done = self.count / self.total
            bar = "#" * int(done * 30)
            text = f"[{bar:<30}] {self.count}/{self.total} figures {done:4.0%}, {rate:.0f}/s"
        else:
            text = f"{self.count} figures, {rate:.0f}/s"
        sys.stderr.write(f"\r\033[K{text}")
        sys.stderr.flush()
