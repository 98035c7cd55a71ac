"""``pfocr-export``: convert PFOCR figure records into pathway files.

Subcommands: convert, validate, formats, check, plus the tools that ship with
the formats (load-rdf/query for triple stores, upload-ndex for NDEx, ...).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import shutil
import signal
import stat
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__, registry
from .assembly import Assembly
from .batch import Summary, run, usable_cores
from .bulk import iter_bulk
from .pathway import make_pathway
from .records import (RECORD_SUFFIXES, InputError, RecordError, find_records, one_line, read_record,
                      read_regular)
from .resources import seeds_dir
from .suspects import DEFAULT_TIER, FLAG_PRECISION, FLAGS, TIERS, Suspect, review, tier_options
from .writing import write_atomic

# Modules that add subcommands through ``register(subparsers)``; each is optional.
COMMAND_MODULES = ("exporters.triplestore", "exporters.ndex_upload", "exporters.xref_report")

USAGE_ERROR = 2
MAX_CHECK_BYTES = 2 * 1024 ** 3  # a file `check` reads whole
MAX_FIGIDS_BYTES = 64 * 1024 ** 2  # a --figids file
FLAG_OPTIONS = {"preview": "--preview", "base_uri": "--base-uri", "wp_view": "--wp-view"}  # options with a flag
FORMAT_OPTIONS = "{format options}"  # where convert --help lists the installed formats' options


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


class _Help(argparse.RawDescriptionHelpFormatter):
    """Help as written; FORMAT_OPTIONS in it becomes the installed formats' options (loaded only for help)."""

    def add_text(self, text: str | None) -> None:
        if text and FORMAT_OPTIONS in text:
            text = text.replace(FORMAT_OPTIONS, "\n".join(f"  {line}" for line in _option_lines()))
        super().add_text(text)


def _command(sub: Any, name: str, summary: str, description: str, examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=description, epilog=f"examples:\n{examples}",
                          formatter_class=_Help)


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
    parser.add_argument("--figid", action="append", default=[], metavar="FIGID",
                        help="only this figure (repeatable), from record folders and --bulk alike; "
                             "a figid no input has is reported and the exit code is 1")
    parser.add_argument("--figids", type=Path, metavar="FILE",
                        help="only the figures listed in FILE, one figid per line ('#' starts a comment)")
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
        "  pfocr-export convert tests/data/v2023/ -o out -f gpml   # a folder of records, as GPML 2013a\n"
        "  pfocr-export convert -o out -f gpml --preview     # plus an SVG/PNG picture of each\n"
        "  pfocr-export convert -o out -f gpml --figid PMC4493903__nihms699976f1   # one figure\n"
        "  pfocr-export convert -o out -f gpml,json --clean  # first remove what earlier runs wrote there\n"
        "  pfocr-export convert -o out -f gmt -O min_size=3  # a format's option\n"
        "  pfocr-export convert --bulk pfocr-corpus/ -o out -f ntriples,cx -j 2\n"
        "\n"
        "format options (a flag, or -O KEY=VALUE for the chosen formats that take KEY; see 'pfocr-export formats'):\n"
        f"{FORMAT_OPTIONS}\n"
        "\n"
        "An existing output folder: files are replaced figure by figure; the summary counts the files in the\n"
        "chosen format folders that this run did not write (older figures, old previews), and --clean\n"
        "removes those first (only files with the format's suffixes, only in OUT/<format>/).",
    )
    _add_inputs(p)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="output folder")
    p.add_argument("-f", "--formats", default="all",
                   help="comma-separated formats (see 'pfocr-export formats'); default: all installed")
    p.add_argument("--preview", action="store_true",
                   help="also write a picture next to each file (gpml, gpml2021: SVG, and PNG with cairosvg)")
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
                   help="a format's option (listed below), for every chosen format that takes it; repeatable; "
                        "a KEY no chosen format takes is a usage error")
    p.add_argument("--clean", action="store_true",
                   help="before writing, remove the files earlier runs left in the chosen format folders "
                        "(OUT/<format>/ files with that format's suffixes; nothing else)")
    p.set_defaults(handler=_convert)


def _add_validate(sub: Any) -> None:
    p = _command(
        sub, "validate", "check records without writing anything",
        "Read and validate records against schemas/pfocr-record.schema.json, resolve their genes\n"
        "against HGNC, and print one line per broken record plus totals.",
        "  pfocr-export validate seeds/\n"
        "  pfocr-export validate tests/data/v2023/ --figid PMC10030845__fimmu-14-1150879-g002\n"
        "  pfocr-export validate --bulk pfocr-corpus/      # a PFOCR release's tables (genes*.tsv, figures*.tsv)",
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
        "  pfocr-export review tests/data/v2023/ -o review.tsv\n"
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
        "  pfocr-export check out/gpml/*.gpml out/gpml2021/*.gpml   # either GPML dialect\n"
        "  pfocr-export check out/cx/*.cx out/json/*.json",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=_check)


# --- handlers ---------------------------------------------------------------------------------

def _items(args: argparse.Namespace, select: frozenset[str] | None) -> tuple[Iterable[Any], int]:
    """The inputs to process (record files, then bulk figures) and how many there are.

    Input with nothing to read (an empty folder, a gene table without rows) is a usage error, for every command.
    """
    items: list[Any] = []
    if args.inputs or not args.bulk:
        paths = [Path(p) for p in (args.inputs or [seeds_dir()])]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
        items.extend(find_records(paths))
        if not items:
            raise UsageError(f"no record files ({' '.join(RECORD_SUFFIXES)}) in {', '.join(map(str, paths))}")
    if not args.bulk:
        return items, len(items)
    if not Path(args.bulk).exists():
        raise UsageError(f"no such file or folder: {args.bulk}")
    try:
        figures = iter_bulk(args.bulk, figures=args.figure_table, chemicals=args.chemical_table, select=select)
    except RecordError as exc:  # a table that is missing or cannot be read: nothing can be converted
        raise UsageError(str(exc)) from None
    if not figures.genes.runs:
        raise UsageError(f"--bulk {args.bulk}: the gene table {figures.genes.path} has no figures")
    return itertools.chain(items, figures), len(items) + len(figures)


def _selection(args: argparse.Namespace) -> frozenset[str] | None:
    """The figids of --figid and --figids, or None when neither is given (every figure)."""
    if not args.figid and args.figids is None:
        return None
    figids = [f.strip() for f in args.figid]
    if args.figids is not None:
        try:
            text = read_regular(args.figids, MAX_FIGIDS_BYTES).decode("utf-8-sig")
        except (InputError, UnicodeDecodeError) as exc:
            raise UsageError(f"--figids {args.figids}: {exc}") from None
        figids += [line.split("#", 1)[0].strip() for line in text.splitlines()]
    selected = frozenset(f for f in figids if f)
    if not selected:
        raise UsageError("--figid/--figids: no figid given")
    return selected


def _report_not_found(not_found: Iterable[str]) -> int:
    """One line per figid asked for that no input has; how many."""
    count = 0
    for figid in sorted(not_found):
        print(one_line(f"pfocr-export: figid {figid!r}: in no input"), file=sys.stderr)
        count += 1
    return count


def _formats_arg(value: str) -> list[str]:
    installed = registry.available()
    names = installed if value == "all" else [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in installed]
    if unknown or not names:
        asked = ", ".join(unknown) or repr(value)
        raise UsageError(f"unknown format(s) {asked}; installed: {', '.join(installed)}")
    return names


def _load(name: str) -> type[registry.Exporter]:
    try:
        return registry.load(name)
    except Exception as exc:  # a broken third-party plugin
        raise UsageError(f"format {name} cannot be loaded: {type(exc).__name__}: {exc}") from None


def _options(args: argparse.Namespace, classes: dict[str, type[registry.Exporter]]) -> dict[str, Any]:
    """The options of the flags and of -O; a KEY no chosen format takes is a UsageError naming theirs."""
    options: dict[str, Any] = {key: getattr(args, key) for key in FLAG_OPTIONS}
    for pair in args.option:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"-O takes KEY=VALUE, got {pair!r}")
        if key in FLAG_OPTIONS:
            raise UsageError(f"-O {key}: set it with {FLAG_OPTIONS[key]}")
        if not any(key in cls.option_help for cls in classes.values()):
            takes = "; ".join(f"{name}: {', '.join(_spelled(k) for k in cls.option_help) or 'none'}"
                              for name, cls in classes.items())
            raise UsageError(f"-O {key}: no chosen format takes it (options of {takes})")
        options[key] = value
    return options


def _spelled(key: str) -> str:
    """An option as the command line sets it."""
    return FLAG_OPTIONS.get(key, f"-O {key}=…")


def _option_lines() -> list[str]:
    """The installed formats' options, one line per option and text: '-O min_size=…  gmt: smallest …'."""
    takers: dict[tuple[str, str], list[str]] = {}
    for name in registry.available():
        try:
            cls = registry.load(name)
        except Exception:  # a broken plugin: 'pfocr-export formats' says so
            continue
        for key, text in cls.option_help.items():
            takers.setdefault((key, text), []).append(name)
    return [f"{_spelled(key):<16} {', '.join(names)}: {text}" for (key, text), names in takers.items()]


def _notices(args: argparse.Namespace, classes: dict[str, type[registry.Exporter]],
             exporters: dict[str, registry.Exporter]) -> list[str]:
    """Warnings before a run: a flag no chosen format takes, a companion that cannot be made."""
    notes = []
    for key, flag in FLAG_OPTIONS.items():
        if getattr(args, key) and not any(key in cls.option_help for cls in classes.values()):
            takers = [n for n in registry.available() if key in _load(n).option_help]
            notes.append(f"{flag} is for {', '.join(takers) or 'no installed format'}, and none of them is "
                         f"chosen (-f {','.join(classes)}): ignored")
    for exporter in exporters.values():
        notes.extend(exporter.notices())
    return list(dict.fromkeys(notes))


def _convert(args: argparse.Namespace) -> int:
    formats = _formats_arg(args.formats)
    classes = {name: _load(name) for name in formats}
    options = _options(args, classes)
    exporters = {}
    for name, cls in classes.items():
        try:
            exporters[name] = cls(**options)
        except (ValueError, TypeError, registry.ExportError) as exc:  # an option it refuses, e.g. a bad --base-uri
            message = str(exc)
            raise UsageError(message if message.startswith(f"{name}: ") else f"{name}: {message}") from None
    select = _selection(args)
    _check_output_folder(args.output, formats)
    items, total = _items(args, select)
    for note in _notices(args, classes, exporters):
        print(one_line(f"pfocr-export: warning: {note}"), file=sys.stderr)
    earlier = _our_files(args.output, classes)
    removed = _remove(earlier) if args.clean else 0
    with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
        summary = run(items, args.output, formats, options, jobs=args.jobs, strict=args.strict,
                      assembly=_assembly(args), select=select,
                      on_error=progress.error, on_progress=progress.update)
    stale = Counter() if args.clean else _not_rewritten(earlier)
    print_summary(summary, formats, args.output)
    if removed:
        print(f"--clean removed {removed:,} files of earlier runs first")
    if stale:
        print(f"files from earlier runs, not written by this one, left under {args.output}/: "
              + ", ".join(f"{name} {stale[name]:,}" for name in formats if stale[name])
              + " (--clean removes them first)")
    missing = _report_not_found(summary.not_found)
    return 0 if summary.ok and not missing else 1


def _our_files(out: Path, classes: dict[str, type[registry.Exporter]]) -> dict[Path, tuple[str, int, int]]:
    """The files in the chosen format folders with that format's suffixes: path -> (format, inode, mtime)."""
    found = {}
    for name, cls in classes.items():
        suffixes = (cls.suffix, *cls.companion_suffixes)
        try:
            entries = list(os.scandir(out / name))
        except OSError:  # no such folder yet
            continue
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(suffixes):  # hidden: a run's temp files
                continue
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode):
                found[Path(entry.path)] = (name, info.st_ino, info.st_mtime_ns)
    return found


def _remove(files: dict[Path, Any]) -> int:
    for path in files:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise UsageError(f"--clean: cannot remove {path}: {exc.strerror or exc}") from None
    return len(files)


def _not_rewritten(earlier: dict[Path, tuple[str, int, int]]) -> Counter:
    """Per format, how many of the earlier files are still the same files (a rewrite is a new inode)."""
    stale: Counter = Counter()
    for path, (name, inode, mtime) in earlier.items():
        try:
            info = path.stat(follow_symlinks=False)
        except OSError:
            continue
        if (info.st_ino, info.st_mtime_ns) == (inode, mtime):
            stale[name] += 1
    return stale


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
    select = _selection(args)
    items, total = _items(args, select)
    with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
        summary = run(items, None, [], jobs=args.jobs, strict=args.strict, select=select,
                      on_error=progress.error, on_progress=progress.update)
    print_summary(summary, [], None)
    missing = _report_not_found(summary.not_found)
    return 0 if summary.ok and not missing else 1


def _review(args: argparse.Namespace) -> int:
    if args.output is not None and args.output.is_dir():
        raise UsageError(f"-o {args.output}: is a folder; give a file name such as review.tsv")
    select = _selection(args)
    items, total = _items(args, select)
    rows: list[Suspect] = []
    figures = failed = 0
    found: set[str] = set()
    with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
        for done, item in enumerate(items, 1):
            progress.update(done)
            try:
                figure = read_record(item) if isinstance(item, Path) else item
                if isinstance(figure, RecordError):
                    raise figure
            except RecordError as exc:
                progress.error(one_line(str(exc)))
                failed += 1
                continue
            if select is not None and figure.figid not in select:
                continue
            found.add(figure.figid)
            figures += 1
            rows.extend(review(make_pathway(figure, interactions=False)))
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
    missing = _report_not_found(select - found if select is not None else ())
    return 1 if failed or missing else 0


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
        except Exception as exc:  # a broken third-party plugin is listed, not fatal
            print(f"{name:<10} {'?':<6} cannot be loaded: {type(exc).__name__}: {exc}")
            continue
        kind = "one file for all figures" if cls.corpus_level else "one file per figure"
        print(f"{name:<10} {cls.suffix:<6} {cls.description} ({kind})")
        for key, text in cls.option_help.items():
            print(f"{'':<18}{_spelled(key)}: {text}")
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
        problems = _check_file(path, exporter)
        for problem in problems:
            print(one_line(problem), file=sys.stderr)
        if problems:
            status = max(status, 1)
    return status


def _check_file(path: Path, exporter: registry.Exporter) -> list[str]:
    """Every reason path is not a valid file of exporter's format, a line each ('PATH: invalid FORMAT: reason'),
    or [] when it is (then 'PATH: valid FORMAT' and the format's warnings are printed)."""
    try:
        data = read_regular(path, MAX_CHECK_BYTES)
    except InputError as exc:
        return [f"{path}: {exc}"]
    try:
        variant = exporter.checked_as(data)
    except Exception:  # a file the format cannot tell the variant of: the check says why
        variant = None
    kind = f"{exporter.name} ({variant})" if variant else exporter.name
    problems = _problems(path, data, exporter)
    if problems:
        return [f"{path}: invalid {kind}: {problem}" for problem in problems]
    print(one_line(f"{path}: valid {kind}"))
    return []


def _problems(path: Path, data: bytes, exporter: registry.Exporter) -> list[str]:
    """Everything the format's check finds wrong with data ([] when valid; its warnings are printed)."""
    try:
        notes = getattr(exporter, "check_file", exporter.validate)(data, str(path)) or []  # whole-file checks too
    except registry.ExportError as exc:  # its message starts with the label (here the path), often the format
        if exc.problems:
            return exc.problems
        message = str(exc)
        for prefix in (f"{path}: ", f"{exporter.name}: "):
            message = message[len(prefix):] if message.startswith(prefix) else message
        return [message]
    except UnicodeDecodeError as exc:
        return [f"not UTF-8 (byte {exc.start})"]
    except json.JSONDecodeError as exc:
        return [f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
    except RecursionError:
        return ["nested too deeply to check"]
    except MemoryError:
        return ["too large to check in the memory available"]
    except Exception as exc:  # the checker met a shape it does not expect: still one line, and the rest go on
        if "integer string conversion" in str(exc):
            return ["a number with more than 4,300 digits"]
        if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536]:
            return [f"a DOCTYPE or entity declaration is not accepted ({type(exc).__name__}: {exc})"]
        return [f"not a {exporter.name} file this check can read ({type(exc).__name__}: {exc})"]
    for note in notes:  # the format's warnings (BioPAX: SHACL warnings, counted)
        print(one_line(f"{path}: warning: {note}"))
    return []


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
    unselected = f" ({summary.unselected:,} more read and left out: not a --figid)" if summary.unselected else ""
    print(f"{summary.read} records read, {summary.converted} {verb}, {summary.failed} failed "
          f"in {summary.seconds:.1f} s{stop}{unselected}")
    g = summary.genes
    if g:
        print(f"genes, each counted once per figure it is on ({len(summary.distinct_genes):,} distinct): "
              f"{g['resolved']} resolved, {g['renamed']} renamed, "
              f"{g['unknown']} unknown to their organism's nomenclature (HGNC, MGI, RGD)")
    if summary.organisms:
        shown = summary.organisms.most_common()
        by_organism = ", ".join(f"{name or 'taxon ' + taxon} {n}" for (taxon, name), n in shown[:8])
        more = f", {len(shown) - 8} more organisms" if len(shown) > 8 else ""
        print(f"genes by organism: {by_organism}{more}")
    if g.get("flagged") or g.get("dropped"):
        print(f"genes of another organism than their figure's: {g['flagged']} flagged for curators, "
              f"{g['dropped']} left out (--only-figure-organism)")
    gaps = _input_gaps(summary)
    if gaps:
        print(f"gaps in the input, not errors: {gaps}")
    if formats:
        files = ", ".join(f"{name} {summary.files[name]}" for name in formats)
        print(f"files written under {out_dir}/: {files}")
    if summary.export_errors:
        print(f"{summary.export_errors} files failed their schema check and were not written")
    if summary.internal_errors:
        print(f"{summary.internal_errors} files were not written because of an internal error (a bug: please "
              "report it with the record)")


def _input_gaps(summary: Summary) -> str:
    """What the converted figures' input does not give: titles, organisms."""
    gaps = []
    if summary.untitled:
        gaps.append(f"{summary.untitled:,} of {summary.converted:,} figures have no title "
                    "(titled 'Untitled PFOCR figure <figid>')")
    by_genes, unnamed = summary.organism_sources["genes"], summary.organism_sources[None]
    if by_genes or unnamed:
        taken = [f"{by_genes:,} given their genes' organism"] if by_genes else []
        taken += [f"{unnamed:,} left without one"] if unnamed else []
        count = f"{by_genes + unnamed:,}" if gaps else f"{by_genes + unnamed:,} of {summary.converted:,} figures"
        gaps.append(f"{count} name no organism ({', '.join(taken)})")
    return ", ".join(gaps)


class Progress:
    """A one-line progress bar on a terminal's stderr, with the total and time left when the total is known;
    silent otherwise."""

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
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = self.count / elapsed
        if self.total:
            done = min(self.count / self.total, 1.0)
            left = f", {_clock((self.total - self.count) / rate)} left" if rate and self.count < self.total else ""
            text = (f"[{'#' * int(done * 30):<30}] {self.count:,}/{self.total:,} figures {done:4.0%}, "
                    f"{rate:,.0f}/s, {_clock(elapsed)}{left}")
        else:
            text = f"{self.count:,} figures, {rate:,.0f}/s, {_clock(elapsed)}"
        width = shutil.get_terminal_size().columns - 1  # a line that wraps could not be redrawn
        sys.stderr.write(f"\r\033[K{text[:width]}")
        sys.stderr.flush()


def _clock(seconds: float) -> str:
    """A duration as a clock reads: 0:07, 12:30, 1:02:03."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
