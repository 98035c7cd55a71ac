"""Read PFOCR figure records (YAML front matter), validate them, normalise quirks.

Two generations exist: v2021 records carry ``genes``/``chemicals``/``diseases``
inline; v2023 records keep them in ``_data/<figid>-{genes,chemicals,diseases}.tsv``
beside or inside the records' folder. Both give the same :class:`~exporters.model.Figure`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import reprlib
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema
import yaml
from jsonschema import Draft202012Validator

from .model import HUMAN, HUMAN_TAXON, Figure, GeneMention, TermMention
from .resources import schema_path

RECORD_SUFFIXES = (".md", ".txt", ".yaml", ".yml")
MAX_RECORD_BYTES = 10 * 1024 * 1024  # a record file, and each of its _data tables
MAX_QUOTED = 60  # characters of a value quoted in a message
MAX_WORD = 1000  # characters of a word, symbol or name in a gene, chemical or disease row (real ones: under 110)
MISSING = frozenset({"", ".na.character", "NA", "na", "N/A"})
TSV_KINDS = ("genes", "chemicals", "diseases")


class RecordError(Exception):
    """A record that cannot be read; prints as ``PATH: FIELD: reason``."""

    def __init__(self, path: str, field: str, reason: str) -> None:
        super().__init__(one_line(f"{path}: {field}: {reason}"))
        self.path, self.field, self.reason = path, field, reason

    def __reduce__(self):  # picklable across worker processes
        return (RecordError, (self.path, self.field, self.reason))


def one_line(message: str, limit: int = 1000) -> str:
    """A message as one printable line: line breaks and other control characters escaped, length capped."""
    if not message.isprintable():
        message = "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in message)
    return message if len(message) <= limit else message[:limit - 3] + "..."


# --- reading files with bounds --------------------------------------------------------------

class InputError(Exception):
    """A file that cannot be read as input; its message is the reason."""


def open_regular(path: str | os.PathLike[str]) -> io.BufferedReader:
    """Open a regular file for binary reading; anything else (FIFO, device, folder) is an InputError.

    Opened non-blocking, so a FIFO without a writer is refused instead of waiting forever.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"not a regular file ({_file_kind(mode)})")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most limit bytes, the limit enforced while reading."""
    with open_regular(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise InputError(f"over the {limit:,}-byte limit")
    return data


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a file"


# --- YAML ---------------------------------------------------------------------------------

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecordLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe YAML loader (C speed when available) that keeps yes/no/on/off as strings.

    A chemical named ``NO`` (nitric oxide) must stay "NO", not become False.
    """


RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


# --- finding records ------------------------------------------------------------------------

def find_records(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Record files under the inputs: files as given, folders recursively, in sorted order.

    Hidden entries, ``_data``/``download`` folders and README files are skipped; a folder's files are sorted
    by their path relative to it, so the order does not depend on the file system.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(
                (p for p in path.rglob("*") if p.suffix.lower() in RECORD_SUFFIXES and p.is_file()
                 and not p.name.upper().startswith("README.")
                and not any(part.startswith(".") or part in DATA_FOLDERS
                            for part in p.relative_to(path).parts)),
                key=lambda p: p.relative_to(path).as_posix(),
            ))
        else:
            found.append(path)
    return found


# --- reading one record ---------------------------------------------------------------------

def read_record(path: str | os.PathLike[str]) -> Figure:
    """Read, validate and normalise one record file; raises RecordError on bad input."""
    path = Path(path)
    name = str(path)
    data = _read_bytes(path, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(name, "file", f"not UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") from None
    front, first_line = _front_matter(text, path, name)
    raw = _load_yaml(front, first_line, name)
    try:
        validate_raw(raw, name)
    except RecursionError:
        raise RecordError(name, "front matter", "values nested too deeply to check") from None
    return normalise(raw, name, path)


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return read_regular(path, MAX_RECORD_BYTES)
    except InputError as exc:
        raise RecordError(name, "file", str(exc)) from None


def _front_matter(text: str, path: Path, name: str) -> tuple[str, int]:
    """The YAML text and the file line it starts on."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip() == "---":
        for i, line in enumerate(lines[1:], start=1):
            if line.rstrip() in ("---", "..."):
                return "".join(lines[1:i]), 2
        if path.suffix.lower() in (".yaml", ".yml"):
            return "".join(lines[1:]), 2
        raise RecordError(name, "front matter", "no closing '---' line")
    if path.suffix.lower() in (".yaml", ".yml") and text.strip():
        return text, 1
    raise RecordError(name, "front matter", "the file does not start with a '---' line")


def _load_yaml(text: str, first_line: int, name: str) -> dict[str, Any]:
    try:
        if "&" in text or "*" in text or "!" in text:
            _refuse_aliases_and_tags(text, first_line, name)
        raw = yaml.load(text, Loader=RecordLoader)  # noqa: S506 - a safe loader
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a raw control character
        line = text.count("\n", 0, exc.position) + first_line
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise RecordError(name, f"line {line}", f"YAML syntax error: {exc.reason} (U+{code:04X})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + first_line}" if mark is not None else "front matter"
        problem = getattr(exc, "problem", None) or str(exc)
        raise RecordError(name, where, f"YAML syntax error: {problem}") from None
    except RecordError:
        raise
    except Exception as exc:  # a scalar the safe constructor cannot build: 2019-13-45, a 5,000-digit number
        raise RecordError(name, "front matter", f"a value cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise RecordError(name, "front matter", f"expected a mapping of fields, got {type(raw).__name__}")
    return raw


def _refuse_aliases_and_tags(text: str, first_line: int, name: str) -> None:
    """Raise on the first YAML anchor, alias or explicit tag, before any value is built.

    Real records have none; aliases let a few hundred bytes stand for gigabytes of values,
    and tags (``!!timestamp``, ``!!set``) build values no record field takes.
    """
    for event in yaml.parse(text, Loader=RecordLoader):
        where = f"line {event.start_mark.line + first_line}"
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RecordError(name, where, f"YAML anchors and aliases (&{event.anchor}, *{event.anchor}) "
                                           "are not accepted")
        if getattr(event, "tag", None) is not None and not isinstance(event, yaml.DocumentStartEvent):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise RecordError(name, where, f"YAML tags ({tag[:MAX_QUOTED]}) are not accepted")


# --- schema ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def load_schema(filename: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``schemas/``."""
    return json.loads(schema_path(filename).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(filename: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(filename))


@lru_cache(maxsize=None)
def _compiled(filename: str) -> Any:
    return fastjsonschema.compile(load_schema(filename))


def schema_errors(instance: Any, filename: str) -> list[tuple[str, str]]:
    """(field path, reason) for every violation of a shipped schema, in document order.

    fastjsonschema (the schema compiled to Python, ~25x faster) decides whether
    the instance is valid; jsonschema, the reference implementation, explains
    why when it is not.
    """
    try:
        _compiled(filename)(instance)
        return []
    except fastjsonschema.JsonSchemaValueException as exc:
        fast = exc
    errors = []
    for err in _validator(filename).iter_errors(instance):
        field = format_path(err.absolute_path)
        if err.validator == "required":
            missing = re.match(r"'(.*)' is a required property", err.message)
            field = format_path([*err.absolute_path, missing.group(1) if missing else "?"])
            reason = "required field is missing"
        elif isinstance(err.schema, dict) and err.schema.get("title"):
            reason = f"{short(err.instance)} is not {err.schema['title']}"
        elif len(err.message) <= 3 * MAX_QUOTED:
            reason = err.message
        elif err.validator == "type":
            types = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
            reason = f"{short(err.instance)} is not of type {' or '.join(map(repr, types))}"
        else:
            reason = f"{short(err.instance)} fails the schema's {err.validator!r} rule"
        errors.append((field or "record", reason))
    if not errors:  # the two libraries disagree: say what fastjsonschema refused, in our words
        title = fast.definition.get("title") if isinstance(fast.definition, dict) else None
        errors = [(format_path(fast.path[1:]) or "record", f"{short(fast.value)} is not {title or 'valid here'}")]
    return sorted(errors, key=lambda e: _path_key(e[0]))


def validate_raw(raw: dict[str, Any], name: str) -> None:
    """Check a raw record against ``pfocr-record.schema.json``; raise on the first violation."""
    errors = schema_errors(raw, "pfocr-record.schema.json")
    if errors:
        raise RecordError(name, *errors[0])
    check_figid(raw["figid"].strip(), name)
    # What JSON Schema cannot say: both libraries take 3716.0 for an integer, and NaN for a number
    if isinstance(raw.get("year"), float):
        raise RecordError(name, "year", f"{short(raw['year'])} is not a four-digit year, or ''")
    for i, gene in enumerate(raw.get("genes") or ()):
        if isinstance(gene["entrez"], float):
            raise RecordError(name, f"genes[{i}].entrez", f"{short(gene['entrez'])} is not a string of digits")
    for key in ("pathway_score", "automl_pathway"):
        if key in raw and not math.isfinite(score(raw[key]) or 0.0):
            raise RecordError(name, key, f"{short(raw[key])} is not a finite number")


# Every real figid (66,283 in the 2020 tables, the v2023 records) has this form; it names files, IRIs
# (an XML name, as Paxtools' rdf:ID needs) and pfocr.wikipathways.org pages.
FIGID = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")


def check_figid(figid: str, name: str) -> None:
    """Raise unless figid (exactly as it will name the output files) is a figure id."""
    reason = figid_problem(figid)
    if reason:
        raise RecordError(name, "figid", f"{short(figid)} {reason}")


def figid_problem(figid: str) -> str | None:
    """Why a figid cannot name an output file, or None when it can."""
    if not figid:
        return "is empty"
    if "/" in figid or "\\" in figid:
        return "contains a path separator"
    if figid.startswith("."):
        return "is not safe as a file name (starts with '.')"
    if not figid.isprintable():
        return "contains a control character"
    if len(figid) > 200:
        return "is longer than 200 characters"
    if not FIGID.fullmatch(figid):
        return ("is not a figure id: letters, digits, '.', '_' and '-' only, starting with a letter or '_' "
                "(like PMC4493903__nihms699976f1)")
    return None


def format_path(parts: Iterable[Any]) -> str:
    """["genes", 3, "entrez"] -> "genes[3].entrez"."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _path_key(field: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"[\[\].]+", field) if p]


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = MAX_QUOTED
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 3, 4, 4


def short(value: Any) -> str:
    """repr of a value, at most about MAX_QUOTED characters however large or deep the value is."""
    text = _REPR.repr(value)
    return text if len(text) <= MAX_QUOTED + 10 else text[:MAX_QUOTED + 7] + "..."


# --- normalisation --------------------------------------------------------------------------

def paper_fields(raw: dict[str, Any], figid: str) -> dict[str, Any]:
    """The figure and paper fields record files and bulk figure tables both carry, normalised."""
    return {
        "title": fallback_title(text(raw.get("figtitle")), text(raw.get("papertitle")), figid),
        "caption": clean_caption(text(raw.get("caption"))),
        "number": text(raw.get("number")),
        "figlink": clean_figlink(text(raw.get("figlink"))),
        "papertitle": text(raw.get("papertitle")),
        "reftext": text(raw.get("reftext")),
        "year": optional(raw.get("year")),
        "journal_title": optional(raw.get("journal_title")),
    }


def normalise(raw: dict[str, Any], name: str, path: Path | None = None) -> Figure:
    """Turn a schema-valid raw record into a Figure, absorbing the known quirks."""
    figid = str(raw["figid"]).strip()
    lists = {kind: raw.get(kind) for kind in TSV_KINDS}
    schema = "v2021"
    if all(v is None for v in lists.values()) and path is not None:
        lists = read_data_tsvs(path, figid, name)
        schema = "v2023"
    pmcid = text(raw.get("pmcid")) or figid.split("__", 1)[0]
    return Figure(
        figid=figid,
        pmcid=pmcid,
        filename=text(raw.get("filename")),
        **paper_fields(raw, figid),
        organisms=names(raw.get("organisms")),
        organisms_ner=names(raw.get("organisms_ner")),
        doi=optional(raw.get("doi")),
        journal_nlm_ta=optional(raw.get("journal_nlm_ta")),
        publisher_name=optional(raw.get("publisher_name")),
        keywords=keywords(raw.get("keywords")),
        pathway_score=score(raw.get("pathway_score", raw.get("automl_pathway"))),
        ndex=optional(raw.get("ndex")),
        figid_alias=optional(raw.get("figid_alias")),
        genes=gene_mentions(lists["genes"] or (), name),
        chemicals=term_mentions(lists["chemicals"] or (), TERM_ONTOLOGY["chemicals"], name, "chemicals"),
        diseases=term_mentions(lists["diseases"] or (), TERM_ONTOLOGY["diseases"], name, "diseases"),
        schema=schema,
        lexicon="ncbigene" if any("taxon" in row for row in lists["genes"] or ()) else "hgnc",
        source_path=name,
    )


# Characters no output can carry (outside XML 1.0's Char production: most C0 controls, lone surrogates, U+FFFE/F)
_UNWRITABLE = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text(value: Any) -> str:
    """A field as clean text; missing markers (None, '.na.character', 'NA') become ''."""
    if value is None:
        return ""
    value = _word(value).strip()
    return "" if value in MISSING else value


def optional(value: Any) -> str | None:
    """A field as text, or None when missing."""
    return text(value) or None


def names(value: Any) -> tuple[str, ...]:
    """A list-or-string field ('Homo sapiens' or ['Homo sapiens', 'NA']) as a tuple of names."""
    items = value if isinstance(value, list) else [value]
    return tuple(dict.fromkeys(t for t in map(text, items) if t))


def score(value: Any) -> float | None:
    """pathway_score / automl_pathway as a float; None when missing."""
    value = text(value)
    return float(value) if value else None


def clean_caption(caption: str) -> str:
    """Drop the stray '. ' that starts some captions and fold whitespace runs."""
    caption = re.sub(r"\s+", " ", caption).strip()
    return re.sub(r"^[.\s]+", "", caption)


def clean_figlink(figlink: str) -> str:
    """'pmc/articles/…' and '/pmc/articles/…' both become '/pmc/articles/…'."""
    if not figlink or figlink.startswith(("http://", "https://", "/")):
        return figlink
    return "/" + figlink


def fallback_title(figtitle: str, papertitle: str, figid: str) -> str:
    """The figure title, else the paper's title, else a title naming the figure id."""
    title = re.sub(r"\s+", " ", figtitle or papertitle).strip()
    return title or f"Untitled PFOCR figure {figid}"


# Letters OCR reads from Cyrillic or Greek that stand for Latin ones in gene names.
_HOMOGLYPHS = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "З": "3", "І": "I", "Ј": "J", "Ѕ": "S",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "м": "M", "н": "H", "т": "T", "к": "K", "в": "B",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
})
_DECORATION = "|†‡→←↑↓↔⇒⇐•·●▪■□◆►▶*;:,.()[]{}<>\"'‘’“”`´"


def clean_word(word: str) -> str:
    """Display form of an OCR word: decoration stripped, homoglyphs mapped to Latin.

    '|FURIN' -> 'FURIN', '→Akt' -> 'Akt', 'PLC,' -> 'PLC', 'мнC-II' -> 'MHC-II',
    'FOXOЗ' -> 'FOXO3'. Greek letters in Greek context ('TGF-β') are kept.
    """
    cleaned = unicodedata.normalize("NFKC", word).strip().strip(_DECORATION).strip()
    if any("a" <= ch.lower() <= "z" for ch in cleaned):  # mixed script: map lookalikes
        cleaned = cleaned.translate(_HOMOGLYPHS)
    return cleaned or word.strip()


def _word(value: Any) -> str:
    """A value as a string, without the characters no output can carry."""
    if value is None:
        return ""
    value = str(value)
    return _UNWRITABLE.sub("", value) if not value.isprintable() else value


def gene_mentions(rows: Iterable[dict[str, Any]], name: str = "") -> tuple[GeneMention, ...]:
    """Gene rows as mentions, exact duplicate rows dropped, order kept; name labels a RecordError.

    Rows without ``taxon``/``organism`` (v2021 records, 2020 bulk tables) are
    human: their lexicon was built from HGNC.
    """
    seen: set[GeneMention] = set()
    out: list[GeneMention] = []
    for i, row in enumerate(rows):
        _check_lengths(row, name, f"genes[{i}]")
        word = _word(row.get("word"))
        hgnc_symbol = _word(row.get("hgnc_symbol")).strip()
        mention = GeneMention(
            word=word,
            label=clean_word(word),
            symbol=_word(row.get("symbol")).strip() or hgnc_symbol,
            source=_word(row.get("source")).strip(),
            hgnc_symbol=hgnc_symbol,
            entrez=str(row["entrez"]).strip(),
            taxon=text(row["taxon"]) if "taxon" in row else HUMAN_TAXON,
            organism=text(row["organism"]) if "organism" in row else HUMAN,
        )
        if not hgnc_symbol:  # every output names the gene (a family row: the member) by it
            raise RecordError(name, f"genes[{i}].hgnc_symbol", "is empty: the row names no gene symbol")
        if mention not in seen:
            seen.add(mention)
            out.append(mention)
    return tuple(out)


def _check_lengths(row: dict[str, Any], name: str, where: str) -> None:
    """Refuse a row cell longer than MAX_WORD: no real word is, and later steps look at every part of a word."""
    for column, value in row.items():
        if isinstance(value, str) and len(value) > MAX_WORD:
            raise RecordError(name, f"{where}.{column}", f"{len(value):,} characters, over the {MAX_WORD:,}-character "
                                                         "limit of a word or symbol")


def term_mentions(rows: Iterable[dict[str, Any]], ontology: str = "", name: str = "",
                  kind: str = "chemicals") -> tuple[TermMention, ...]:
    """Chemical/disease rows as mentions, exact duplicates dropped; a row without ids keeps its word.

    Reads both spellings: v2021's ``source: MESH`` + ``identifier``, and v2023's
    ``mesh`` (``mesh:D005227``), ``match`` (MeSH name), ``name`` and the
    ``chebi``/``doid`` column named by ``ontology``. name and kind label a RecordError.
    """
    seen: set[TermMention] = set()
    out: list[TermMention] = []
    for i, row in enumerate(rows):
        _check_lengths(row, name, f"{kind}[{i}]")
        word = _word(row.get("word"))
        if "mesh" in row:  # v2023
            mesh, mesh_name = _unprefixed(row.get("mesh"), "mesh"), text(row.get("match"))
            other = _unprefixed(row.get(ontology), ontology) if ontology else ""
            other_name = text(row.get("name")) if other else ""
        else:  # v2021: source MESH or '' with identifier
            mesh, mesh_name, other, other_name = _unprefixed(row.get("identifier"), "mesh"), "", "", ""
        mention = TermMention(word=word, label=clean_word(word), mesh=mesh, mesh_name=mesh_name,
                              ontology=ontology if other else "", ontology_id=other, ontology_name=other_name)
        if mention not in seen:
            seen.add(mention)
            out.append(mention)
    return tuple(out)


def is_digits(value: str | None) -> bool:
    """True for a numeric id (NCBI Gene or Taxonomy, ChEBI, DOID): 1 to 18 ASCII digits, blanks around allowed."""
    value = (value or "").strip()
    return value.isascii() and value.isdigit() and len(value) <= 18


def _unprefixed(value: Any, prefix: str) -> str:
    """'mesh:D005227' -> 'D005227', 'chebi:35366' -> '35366', 'CHEBI:35366' -> '35366'; missing -> ''."""
    value = text(value)
    head, sep, tail = value.partition(":")
    return tail.strip() if sep and head.casefold() == prefix else value


def keywords(value: Any) -> tuple[str, ...]:
    """The keywords list; v2023 writes one string joined by ' | ' (and YAML may fold it across lines)."""
    items = value if isinstance(value, list) else [value]
    parts = [p for item in items if item is not None for p in re.split(r"\s+\|\s+", str(item))]
    return names([re.sub(r"\s+", " ", p) for p in parts])


# --- v2023 _data TSVs (and the older download/<figid>-genes.tsv tables) ----------------------

# v2023 genes TSV column -> v2021 gene field
_V2023_GENE_COLUMNS = {"word": "word", "match": "symbol", "source": "source",
                       "ncbigene_symbol": "hgnc_symbol", "ncbigene_id": "entrez",
                       "organism_id": "taxon", "organism_name": "organism"}
_V2021_GENE_COLUMNS = {c: c for c in ("word", "symbol", "source", "hgnc_symbol", "entrez")}
TERM_ONTOLOGY = {"chemicals": "chebi", "diseases": "doid"}
DATA_FOLDERS = ("_data", "download")


def data_dirs(record_path: Path) -> list[Path]:
    """Where a record's list tables may be: ``_data`` (v2023) or ``download`` (2022), inside its folder or beside it."""
    folder = record_path.parent
    return [d for base in (folder, folder.parent) for d in (base / n for n in DATA_FOLDERS) if d.is_dir()]


def read_data_tsvs(record_path: Path, figid: str, name: str) -> dict[str, list[dict[str, Any]]]:
    """The genes/chemicals/diseases lists of a v2023 record from its ``_data`` TSVs."""
    dirs = data_dirs(record_path)
    if not dirs:
        raise RecordError(name, "genes", "no inline genes list and no _data folder beside or inside "
                                         "the records' folder (v2023 records keep their lists there)")
    lists: dict[str, list[dict[str, Any]]] = {}
    for kind in TSV_KINDS:
        tsv = next((d / f"{figid}-{kind}.tsv" for d in dirs if (d / f"{figid}-{kind}.tsv").exists()), None)
        lists[kind] = _read_tsv(tsv, kind, name) if tsv else []
    return lists


def _read_tsv(tsv: Path, kind: str, name: str) -> list[dict[str, Any]]:
    label = f"{name} ({tsv.name})"
    try:
        reader = csv.DictReader(io.StringIO(read_regular(tsv, MAX_RECORD_BYTES).decode("utf-8-sig"), newline=""),
                                delimiter="\t", quoting=csv.QUOTE_NONE)
        header = reader.fieldnames or []
        rows = list(reader)
    except InputError as exc:
        raise RecordError(label, kind, str(exc)) from None
    except UnicodeDecodeError:
        raise RecordError(label, kind, "not UTF-8") from None
    except csv.Error as exc:
        raise RecordError(label, f"{kind} line {reader.line_num + 1}", f"not a readable TSV: {exc}") from None
    if kind != "genes":
        if not {"word"} <= set(header) or not ({"mesh", "identifier"} & set(header)):
            raise RecordError(label, kind, f"header {short(header)} has neither v2023 columns "
                                           "(word mesh match name chebi|doid) nor v2021 ones (word source identifier)")
        ontology = TERM_ONTOLOGY[kind]
        for i, row in enumerate(rows):
            ident = _unprefixed(row.get(ontology), ontology)
            if ident and not is_digits(ident):
                raise RecordError(label, f"{kind}[{i}].{ontology}",
                                  f"{short(row.get(ontology))} is not a {ontology}:<digits> id")
        return rows
    columns = _V2023_GENE_COLUMNS if "ncbigene_id" in header else _V2021_GENE_COLUMNS
    missing = [c for c in columns if c not in header]
    if missing:
        raise RecordError(label, kind, f"missing column(s) {', '.join(missing)} (header: {short(header)})")
    id_column, symbol_column = ("ncbigene_id", "ncbigene_symbol") if "ncbigene_id" in header \
        else ("entrez", "hgnc_symbol")
    genes = []
    for i, row in enumerate(rows):
        gene = {ours: row.get(theirs) for theirs, ours in columns.items()}
        if not _word(gene["hgnc_symbol"]).strip():
            raise RecordError(label, f"genes[{i}].{symbol_column}", "is empty: the row names no gene symbol")
        if not is_digits(gene["entrez"]):
            raise RecordError(label, f"genes[{i}].{id_column}", f"{short(gene['entrez'])} is not a string of digits")
        if "taxon" in gene and text(gene["taxon"]) and not is_digits(gene["taxon"]):
            raise RecordError(label, f"genes[{i}].organism_id", f"{short(gene['taxon'])} is not a taxon id")
        genes.append(gene)
    return genes


def iter_records(paths: Iterable[Path]) -> Iterator[Figure | RecordError]:
    """Read each path, yielding a Figure or the RecordError that explains why not."""
    for path in paths:
        try:
            yield read_record(path)
        except RecordError as exc:
            yield exc
