"""Suspect gene mentions and PFOCR's precision tiers.

A *flag* marks a gene mention a curator should check, with a short code and a
reason a person can read. Flags never remove anything: :func:`apply_tier`
does, and only when asked. Rules (see FLAGS):

- ``stop_word``: the word's letters and digits, accents dropped and
  upper-cased, are on one of PFOCR's own stop lists
  (vendored in ``data/pfocr_stop_words.tsv``).
- ``figure_chemical``: the word is also one of the record's chemicals or
  diseases (compared case-insensitively on letters and digits).
- ``mesh_chemical``: the word is, letter for letter, the MeSH name or entry
  term of a small-molecule chemical (``data/mesh_chemical_terms.tsv.gz``);
  for a match through an official symbol, only a descriptor's (D…) term counts.
- ``caption_meaning``: the caption spells the word out ("FAS, fatty acid
  synthase", "phosphatidylcholine (PC)") in words that share none, generic ones
  aside, with the gene's approved name (human genes; others have none here).
- ``ambiguous_synonym``: the mention matched through an alias, previous
  symbol or NCBI synonym, and the same word gives other genes on the figure
  (in a list or range word, "ERK1/2", "LASS3,4", the same listed part).
- ``short_synonym``: the word (decoration stripped) has two or three characters
  and matched through an alias, previous symbol or NCBI synonym.
- ``other_organism``: the gene is of another organism than the figure's
  (the rule and reason of :func:`exporters.pathway.make_pathway`, ``Gene.flag``).

A list or range word ("S100/LPS/ATP-") is checked both whole and as the part
that matched (its lexicon term, ``symbol``), as PFOCR's pipeline checks each part.

Tiers (TIERS) keep mentions by their lexicon ``source``: ``strict`` official
symbols only, ``synonyms`` plus synonyms of single genes, ``all`` (default)
plus families and complexes, i.e. everything the record has.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .model import FAMILY_SOURCES, Figure, GeneMention, TermMention
from .pathway import Pathway, make_pathway, shared_per_pathway
from .xrefs import DATA_DIR, Resolver, default_resolver

OFFICIAL_SOURCES = frozenset({"hgnc_symbol", "ncbigene_symbol"})
SYNONYM_SOURCES = frozenset({"hgnc_alias_symbol", "hgnc_prev_symbol", "ncbigene_synonym"})
SOURCE_NAMES = {  # how a reason names the lexicon entry a word matched
    "hgnc_symbol": "its official HGNC symbol",
    "hgnc_alias_symbol": "an HGNC alias",
    "hgnc_prev_symbol": "a previous HGNC symbol",
    "bioentities_symbol": "a FamPlex family name",
    "ncbigene_symbol": "its official NCBI Gene symbol",
    "ncbigene_synonym": "an NCBI Gene synonym",
    "famplex_relations": "a FamPlex family name",
}

FLAGS = {  # code -> what it means, in the order flags are listed on a mention
    "stop_word": "the word is on PFOCR's own gene-NER stop lists",
    "figure_chemical": "the word is also one of the figure's chemicals or diseases",
    "mesh_chemical": "the word is a MeSH chemical name or entry term",
    "caption_meaning": "the caption spells the word out as something other than the gene",
    "ambiguous_synonym": "matched through a synonym, and the same word gives other genes on the figure",
    "short_synonym": "a word of two or three characters matched through a synonym",
    "other_organism": "a gene of another organism than the figure's",
}

TIERS = {  # name -> the lexicon sources it keeps (None: every mention)
    "strict": OFFICIAL_SOURCES,
    "synonyms": OFFICIAL_SOURCES | SYNONYM_SOURCES,
    "all": None,
}
DEFAULT_TIER = "all"


@dataclass(frozen=True)
class Flag:
    """Why a curator should check one gene mention."""

    code: str  # a FLAGS key
    reason: str  # one sentence naming the word, the gene and the evidence


@dataclass(frozen=True)
class Suspect:
    """One flagged mention, as a curator's review list shows it."""

    figid: str
    word: str  # raw OCR word
    gene: str  # the record's symbol of the gene it matched
    entrez: str
    source: str
    flags: tuple[Flag, ...]
    caption_use: str  # the caption around the word, "" when the caption does not have it

    @property
    def error_likelihood(self) -> float:
        """How likely the mention is a false match, from the precision each of its flags had on a
        hand-labelled sample (FLAG_PRECISION): 1 - product of (1 - precision)."""
        keep = 1.0
        for code in dict.fromkeys(f.code for f in self.flags):
            keep *= 1.0 - FLAG_PRECISION[code]
        return 1.0 - keep


# Share of flagged mentions that were false matches among hand-labelled ones (bench/flags.py prints the
# tables): tests/data/flag-sample.tsv with today's rules; caption_meaning, added after that sample was
# labelled, on its own held-out draw (tests/data/flag-sample-caption.tsv).
FLAG_PRECISION = {"stop_word": 0.94, "figure_chemical": 0.79, "mesh_chemical": 0.91, "caption_meaning": 0.60,
                  "ambiguous_synonym": 0.87, "short_synonym": 0.91, "other_organism": 0.86}


@shared_per_pathway
def suspect_flags(pathway: Pathway, resolver: Resolver | None = None) -> dict[GeneMention, tuple[Flag, ...]]:
    """The flags of every flagged gene mention of the pathway's figure (unflagged ones are absent)."""
    resolver = resolver or default_resolver()
    figure = pathway.figure
    terms = _figure_terms(figure, resolver)
    genes_of_word: dict[str, dict[str, str]] = {}  # _word_key -> {entrez: symbol}, single-gene rows
    for m in figure.genes:
        if m.source not in FAMILY_SOURCES:
            genes_of_word.setdefault(_word_key(m), {}).setdefault(m.entrez, m.hgnc_symbol or m.symbol)
    foreign = {g.entrez: g.flag for g in pathway.genes if g.flag}
    names = {g.entrez: g.xref.name for g in pathway.genes if g.xref.name}
    meanings: dict[str, str] = {}
    stops, chemicals = stop_words(), mesh_chemical_terms()
    found: dict[GeneMention, tuple[Flag, ...]] = {}
    for m in figure.genes:
        word, gene = m.label, m.hgnc_symbol or m.symbol
        how = SOURCE_NAMES.get(m.source, f"the lexicon source {m.source!r}")
        # a list word ("S100/LPS/ATP-") is also checked as the part that matched (its lexicon term)
        spellings = [word, m.symbol] if _LIST_WORD.search(word) and m.symbol not in ("", word) else [word]

        def said(spelling: str) -> str:
            return f"'{word}'" if spelling == word else f"'{word}' (read as '{spelling}')"

        flags = []
        for spelling in spellings:
            lists = stops.get(_ascii_alnum(spelling).upper())
            if lists:
                flags.append(Flag("stop_word", f"{said(spelling)} is on PFOCR's own stop list ({'; '.join(lists)}): "
                                               f"its pipeline skips this word as a frequent false match"))
                break
        for spelling in spellings:
            term = terms.get(_fold(spelling))
            if term:
                flags.append(Flag("figure_chemical", f"{said(spelling)} is also read as {term} on this figure"))
                break
        for spelling in spellings:
            ids = chemicals.get(spelling, ())
            if m.source in OFFICIAL_SOURCES:  # an exact symbol outweighs a supplementary concept's code name
                ids = tuple(i for i in ids if i.startswith("D"))
            if ids:
                named = ", ".join(_mesh_text(i, resolver) for i in ids[:2]) + (f" and {len(ids) - 2} more"
                                                                                if len(ids) > 2 else "")
                flags.append(Flag("mesh_chemical", f"{said(spelling)} is a MeSH chemical term: {named}"))
                break
        if word not in meanings:
            meanings[word] = caption_definition(figure.caption, word)
        meaning, name = meanings[word], names.get(m.entrez)
        if meaning and name and not _shares_content_word(meaning, f"{name} {gene}"):
            flags.append(Flag("caption_meaning", f"the caption spells '{word}' out as '{meaning}', not {gene} "
                                                 f"({name})"))
        if m.source in SYNONYM_SOURCES:
            others = sorted(s for e, s in genes_of_word[_word_key(m)].items() if e != m.entrez)
            if others:
                flags.append(Flag("ambiguous_synonym", f"'{word}' matched {gene} through {how}; on this figure "
                                                       f"the same word also gives {', '.join(others)}"))
            short = next((sp for sp in spellings if 2 <= len(sp) <= 3), None)
            if short:
                flags.append(Flag("short_synonym", f"{said(short)} has only {len(short)} characters and matched "
                                                   f"{gene} through {how}, not its official symbol"))
        if m.entrez in foreign:
            flags.append(Flag("other_organism", foreign[m.entrez]))
        if flags:
            found[m] = tuple(flags)
    return found


def gene_flags(pathway: Pathway, resolver: Resolver | None = None) -> dict[str, tuple[Flag, ...]]:
    """Entrez id -> flags, for the genes every mention of which is flagged (a clean mention vouches
    for its gene); each flag once, in mention order."""
    flags = suspect_flags(pathway, resolver)
    by_gene: dict[str, dict[Flag, None] | None] = {}
    for m in pathway.figure.genes:
        if m.entrez in by_gene and by_gene[m.entrez] is None:
            continue
        mention_flags = flags.get(m)
        if mention_flags is None:
            by_gene[m.entrez] = None
        else:
            by_gene.setdefault(m.entrez, {}).update(dict.fromkeys(mention_flags))  # type: ignore[union-attr]
    return {entrez: tuple(f) for entrez, f in by_gene.items() if f}


def review(pathway: Pathway, resolver: Resolver | None = None) -> list[Suspect]:
    """The figure's flagged mentions, likeliest false matches first (ties: record order)."""
    figure = pathway.figure
    rows = [Suspect(figure.figid, m.word, m.hgnc_symbol or m.symbol, m.entrez, m.source, flags,
                    caption_use(figure.caption, m.label))
            for m, flags in suspect_flags(pathway, resolver).items()]
    return sorted(rows, key=lambda s: -s.error_likelihood)


def caption_use(caption: str, word: str, width: int = 60) -> str:
    """The caption around the first whole-word use of word (exact case first, then any case), or ""."""
    if not word:
        return ""
    for flags in (0, re.IGNORECASE):
        hit = re.search(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", caption, flags)
        if hit:
            start, end = max(0, hit.start() - width), min(len(caption), hit.end() + width)
            snippet = " ".join(caption[start:end].split())
            return ("…" if start else "") + snippet + ("…" if end < len(caption) else "")
    return ""


def caption_definition(caption: str, word: str) -> str:
    """What the caption spells an abbreviation out as, or "": the first "WORD, long form" / "WORD: long
    form" / "WORD = long form" (abbreviation lists) or "long form (WORD)", where the long form must hold
    the word's letters in order, the first at the start of a word (Schwartz and Hearst's test)."""
    if len(word) < 2 or not caption or not any(ch.isalpha() for ch in word):
        return ""
    candidates = []  # (position, text that may hold the long form)
    for hit in re.finditer(rf"(?<![\w-]){re.escape(word)}\s*[,:=]\s*([^;.,:()\[\]]+)", caption):
        candidates.append((hit.start(), " ".join(hit.group(1).split()[:8])))
    start = caption.find(f"({word})")
    while start >= 0:
        before = _CLAUSE_END.split(caption[max(0, start - 200):start])[-1]
        candidates.append((start, " ".join(before.split()[-(len(word) + 4):])))
        start = caption.find(f"({word})", start + 1)
    for _, candidate in sorted(candidates):
        long_form = _long_form(word, candidate)
        inside = re.search(rf"(?<![0-9a-z]){re.escape(word.casefold())}(?![0-9a-z])", (long_form or "").casefold())
        if long_form and not inside:  # "Irhom2, Irhom2 stability" spells nothing out
            return long_form
    return ""


_CLAUSE_END = re.compile(r"[;.,:()\[\]]")


def _long_form(short: str, text: str) -> str | None:
    """The shortest end of text holding short's letters and digits in order, the first one starting a
    word (Schwartz & Hearst 2003, findBestLongForm); None when there is none."""
    s, t = len(short) - 1, len(text) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while t >= 0 and (text[t].lower() != ch or (s == 0 and t > 0 and text[t - 1].isalnum())):
            t -= 1
        if t < 0:
            return None
        t, s = t - 1, s - 1
    return text[text.rfind(" ", 0, t + 1) + 1:].strip()


# Words too common in gene and enzyme names to tell two of them apart
_GENERIC_WORDS = frozenset("""protein proteins gene genes factor factors family member members subunit domain
containing complex associated related like type class group receptor kinase synthase synthetase dehydrogenase
reductase transferase oxidase phosphatase enzyme isoform chain polypeptide alpha beta gamma delta""".split())


def _shares_content_word(a: str, b: str) -> bool:
    """Whether two names share a word of four or more letters that is not generic (one may contain the other:
    "aldehyde" and "acetaldehyde")."""
    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z]{4,}", text.casefold()) if w not in _GENERIC_WORDS}

    return any(x in y or y in x for x in words(a) for y in words(b))


# --- tiers ------------------------------------------------------------------------------------

def in_tier(mention: GeneMention, tier: str = DEFAULT_TIER) -> bool:
    """Whether a tier keeps the mention (by its lexicon source); ValueError for an unknown tier."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; tiers: {', '.join(TIERS)}")
    sources = TIERS[tier]
    return sources is None or mention.source in sources


def apply_tier(figure: Figure, tier: str = DEFAULT_TIER, drop_flagged: bool | Collection[str] = False,
               resolver: Resolver | None = None, pathway: Pathway | None = None) -> Figure:
    """A copy of figure with only the gene mentions the tier keeps (figure itself when all are kept).

    ``drop_flagged`` also leaves out flagged mentions: every flagged one when True, or
    those with one of the given FLAGS codes. Flags are those of the whole record, so
    a word stays ambiguous when the tier drops its other genes; pass the figure's
    pathway when there is one, to save making it again.
    """
    codes = _drop_codes(drop_flagged)
    if codes and (pathway is None or pathway.figure is not figure):
        pathway = make_pathway(figure, resolver)
    flags = suspect_flags(pathway, resolver) if codes else {}
    genes = tuple(m for m in figure.genes
                  if in_tier(m, tier) and not any(f.code in codes for f in flags.get(m, ())))
    return figure if len(genes) == len(figure.genes) else replace(figure, genes=genes)


def tier_options(options: Mapping[str, Any]) -> tuple[str, frozenset[str]]:
    """(tier, codes of flags to drop) from exporter options ``tier`` and ``drop_flagged``.

    ``drop_flagged`` is a bool, "yes"/"no" (also true/false/1/0), "all", or FLAGS codes
    joined by commas. ValueError names the allowed values.
    """
    tier = str(options.get("tier") or DEFAULT_TIER)
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; tiers: {', '.join(TIERS)}")
    return tier, _drop_codes(options.get("drop_flagged", False))


def _drop_codes(value: bool | str | Collection[str] | None) -> frozenset[str]:
    if value in (None, False, "", "no", "false", "0"):
        return frozenset()
    if value in (True, "yes", "true", "1", "all"):
        return frozenset(FLAGS)
    codes = frozenset(c.strip() for c in (value.split(",") if isinstance(value, str) else value) if c.strip())
    unknown = sorted(codes - set(FLAGS))
    if unknown:
        raise ValueError(f"unknown flag(s) {', '.join(unknown)}; flags: {', '.join(FLAGS)}")
    return codes


# --- vendored word lists ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def stop_words() -> dict[str, tuple[str, ...]]:
    """Stop word -> where PFOCR lists it ("wikipathways/pfocr-pipeline 4_ner_genes/ner_step_1.py, 2023")."""
    lines = (DATA_DIR / "pfocr_stop_words.tsv").read_text(encoding="utf-8").splitlines()[1:]
    found: dict[str, list[str]] = {}
    for line in lines:
        word, _name, repository, path, _commit, year = line.split("\t")
        found.setdefault(word, []).append(f"{repository} {path}, {year}")
    return {word: tuple(sources) for word, sources in found.items()}


@lru_cache(maxsize=1)
def mesh_chemical_terms() -> dict[str, tuple[str, ...]]:
    """MeSH chemical term -> its MeSH ids, sorted."""
    text = gzip.decompress((DATA_DIR / "mesh_chemical_terms.tsv.gz").read_bytes()).decode("utf-8")
    found: dict[str, list[str]] = {}
    for line in text.split("\n")[1:-1]:
        term, mesh_id = line.split("\t")
        found.setdefault(term, []).append(mesh_id)
    return {term: tuple(ids) for term, ids in found.items()}


# --- helpers --------------------------------------------------------------------------------------

def _ascii_alnum(word: str) -> str:
    """PFOCR's ``deburr`` then ``alphanumeric`` transforms: accents dropped, then letters a-z, A-Z and digits only."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
    return re.sub(r"[^a-zA-Z0-9]", "", plain)


_LIST_WORD = re.compile(r"[/,;&+]|\d-\d")  # "ERK1/2", "LASS3,4", "Raldh1-4": a word naming several genes


def _word_key(m: GeneMention) -> str:
    """What "the same word" is for ambiguity: the folded word; for a list or range word, each listed
    part, known by the lexicon term it matched (``symbol``), since the list names several genes anyway."""
    key = _fold(m.label)
    return f"{key}|{_fold(m.symbol)}" if _LIST_WORD.search(m.label) else key


def _fold(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch.isalnum())


def _figure_terms(figure: Figure, resolver: Resolver) -> dict[str, str]:
    """Folded chemical/disease word -> how a reason names it ("the chemical ADP (MeSH D000244 …)")."""
    found: dict[str, str] = {}
    for kind, mentions in (("chemical", figure.chemicals), ("disease", figure.diseases)):
        for m in mentions:
            key = _fold(m.label)
            if key and key not in found:
                found[key] = f"the {kind} {m.label}" + (f" ({_term_ids(m, resolver)})" if m.mesh or m.ontology_id
                                                        else "")
    return found


def _term_ids(m: TermMention, resolver: Resolver) -> str:
    parts = []
    if m.mesh:
        parts.append(_mesh_text(m.mesh, resolver, m.mesh_name))
    if m.ontology_id:
        parts.append(f"{m.ontology.upper()}:{m.ontology_id}" + (f" {m.ontology_name}" if m.ontology_name else ""))
    return "; ".join(parts)


def _mesh_text(mesh_id: str, resolver: Resolver, fallback: str = "") -> str:
    term = resolver.mesh(mesh_id)
    name = (term.name if term else None) or fallback
    return f"MeSH {mesh_id}" + (f" {name}" if name else "")

