"""Relations a figure's caption states between the entities its record lists: an offline, rule-based reader.

:func:`extract` splits the caption into sentences the way the caption-relations guidelines do, finds the
record's genes, FamPlex families and chemicals in them (by the record's own words and symbols and by the
vendored HGNC, FamPlex and MeSH names of those same entities), and reads the statement patterns of the
guidelines: "X activates Y", "Y is phosphorylated by X", "X-induced Y expression", "X binds (to) Y",
"X and Y form a complex", "X promotes degradation of Y", relative clauses ("X, which in turn activates Y"),
participles ("X inhibits Y, reducing Z"), coordination ("X activates Y and Z") and the simple references
"it", "its receptor", "this molecule". Precision comes first: what it cannot read it leaves out. Every
relation is a draft read from the caption, unreviewed.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .model import HUMAN_TAXON, Figure
from .xrefs import DATA_DIR, default_resolver

TYPES = ("activation", "inhibition", "binding", "expression", "phosphorylation", "degradation",
         "translocation", "conversion", "regulation", "chain")
UNDIRECTED = frozenset({"binding"})


@dataclass(frozen=True)
class Relation:
    """One relation a caption sentence states; ``source``/``target`` name the pathway's nodes.

    Keys are ``ncbigene:<Entrez id>`` (``Pathway.genes`` by ``entrez``), ``fplx:<family name as the record
    spells it>`` (``Pathway.families`` by ``name``) or ``mesh:<MeSH id>`` (``Pathway.chemicals`` by
    ``mesh_id``). Undirected types (binding) keep the caption's order. Offsets are into ``sentence_text``.
    """

    source: str
    target: str
    type: str
    directed: bool
    hedged: bool
    sentence: int  # 1-based index of the caption sentence
    sentence_text: str
    evidence: str  # verbatim span of the sentence that states the relation
    evidence_start: int
    evidence_end: int
    source_text: str  # how the caption names the source and the target
    target_text: str


def split_sentences(caption: str) -> list[tuple[int, str]]:
    """(offset, text) of each sentence: the caption split at '. ' followed by a capital or a digit."""
    out, start = [], 0
    for match in _SENTENCE_END.finditer(caption):
        out.append((start, caption[start:match.start()]))
        start = match.end()
    if caption[start:].strip():
        out.append((start, caption[start:]))
    return out


def extract(figure: Figure, chains: bool = False) -> list[Relation]:
    """The relations the figure's caption states between the record's entities, in caption order.

    ``chains`` adds the weaker ``chain`` relations of slash-joined pathway names ("IL-6/JAK/STAT3 pathway").
    """
    if not figure.caption:
        return []
    lexicon = _Lexicon(figure)
    if not lexicon.names:
        return []
    found: list[Relation] = []
    previous_subject: list[_Unit] = []
    previous_complex: list[_Unit] = []
    for number, (_, text) in enumerate(split_sentences(figure.caption), start=1):
        sentence = _Sentence(text, lexicon, previous_subject, previous_complex)
        found.extend(sentence.relations(number, chains))
        previous_subject, previous_complex = sentence.main_subject(), sentence.complex
    return found


# --- text: sentences, mojibake, tokens, folding ----------------------------------------------

_SENTENCE_END = re.compile(r"(?<=\.) (?=[A-Z0-9])")
_TOKEN = re.compile(r"[^\W_]+(?:\.\d+)*|\S")
_GREEK_CHARS = "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"
_GREEK_LATIN = "ABGDEZHQIKLMNXOPRSTUFCYWABGDEZHQIKLMNXOPRSTUFCYW"
_FOLD = str.maketrans({**dict(zip(_GREEK_CHARS, _GREEK_LATIN)), "ß": "B", "ɛ": "E", "µ": "M"})
_GREEK_WORDS = {"ALPHA": "A", "BETA": "B", "GAMMA": "G", "DELTA": "D", "EPSILON": "E", "KAPPA": "K",
                "LAMBDA": "L", "THETA": "Q", "ZETA": "Z", "OMEGA": "W", "IOTA": "I"}
_GREEK_NAMES = "alpha|beta|gamma|delta|epsilon|kappa|lambda|theta|zeta|omega|iota"
# a spelled-out Greek letter inside a word: "NF-kappaB", "TNFalpha", "RARbeta1" (not "betaine", "Kappa" alone)
_GREEK_IN_WORD = re.compile(rf"(?i:{_GREEK_NAMES})(?=[A-Z0-9]|$)|(?<=[A-Za-z0-9])(?i:{_GREEK_NAMES})(?=[0-9]|$)")
# UTF-8 text that was decoded as Mac Roman ("IFN-Œ±" for "IFN-α"), as some corpus captions are
_MANGLED = {c.encode("utf-8").decode("mac_roman"): c
            for c in _GREEK_CHARS + "′″‘’“”–—•…±×→←↑↓≥≤µ"}
_MANGLED_RX = re.compile("|".join(sorted(map(re.escape, _MANGLED), key=len, reverse=True)))


def _unmangle(text: str) -> tuple[str, list[int]]:
    """The text with Mac-Roman mojibake repaired, and each repaired character's offset in the original."""
    if "Œ" not in text and "œ" not in text and "‚" not in text:
        return text, list(range(len(text) + 1))
    out, offsets, last = [], [], 0
    for match in _MANGLED_RX.finditer(text):
        out.append(text[last:match.start()])
        offsets.extend(range(last, match.start()))
        out.append(_MANGLED[match.group()])
        offsets.append(match.start())
        last = match.end()
    out.append(text[last:])
    offsets.extend(range(last, len(text) + 1))
    return "".join(out), offsets


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Matching form of one word: Greek letters as Latin ones, accents dropped, upper case."""
    word = _GREEK_IN_WORD.sub(lambda m: _GREEK_WORDS[m.group().upper()], word.translate(_FOLD))
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    word = word.upper()
    return _GREEK_WORDS.get(word, word)


def _is_word(token: str) -> bool:
    return token[0].isalnum()


def _connector(gap: str) -> bool:
    """Whether two neighbouring words may belong to one name: nothing, a hyphen or whitespace between them."""
    return gap == "" or gap in _HYPHENS or gap.isspace()


_HYPHENS = frozenset({"-", "–", "‐", "‑"})


@lru_cache(maxsize=262144)
def name_key(name: str) -> str | None:
    """The key a name is matched by: its words folded and run together ("IL-6", "IL6" and "IL 6" -> "IL6",
    "NF-κB" -> "NFKB"); None when punctuation other than a hyphen splits it."""
    name = name.strip()
    words = [m for m in _TOKEN.finditer(name) if _is_word(m.group())]
    if not words or words[0].start() != 0 or words[-1].end() != len(name):
        return None
    if not all(_connector(name[a.end():b.start()]) for a, b in zip(words, words[1:])):
        return None
    return "".join(_fold(w.group()) for w in words)


@lru_cache(maxsize=262144)
def _variants(name: str) -> tuple[tuple[str, ...], int]:
    """The keys a name is matched by (its key, and "INTERFERON..." for "IFN...") and how many caption words
    it can run over (its words, plus 3 for a spelled-out prefix)."""
    nkey = name_key(name) if name else None
    if not nkey or len(nkey) < 2 or nkey.isdigit():
        return (), 0
    variants = [nkey]
    for short, long in _SPELLED.items():
        if nkey.startswith(short) and (len(nkey) == len(short) or not nkey[len(short)].isalpha()):
            variants.append(long + nkey[len(short):])
    return tuple(variants), sum(1 for m in _TOKEN.finditer(name) if _is_word(m.group())) + 3


# --- vendored names ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Hgnc:
    """What the vendored HGNC table says about names."""

    genes: dict[str, tuple[str, str, tuple[str, ...]]]  # Entrez id -> (symbol, name, previous symbols + aliases)
    owners: dict[str, frozenset[str]]  # name key -> approved symbols that carry it as previous symbol or alias
    previous: dict[str, frozenset[str]]  # name key -> approved symbols that carry it as previous symbol
    approved: frozenset[str]  # keys of every approved symbol


@lru_cache(maxsize=1)
def _hgnc() -> _Hgnc:
    by_entrez: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    owners: dict[str, set[str]] = {}
    previous_of: dict[str, set[str]] = {}
    approved: set[str] = set()
    text = gzip.decompress((DATA_DIR / "hgnc.tsv.gz").read_bytes()).decode("utf-8")
    for line in text.split("\n")[1:-1]:
        _id, symbol, name, status, _replaced, previous, aliases, entrez, *_ = line.split("\t")
        if status != "Approved":
            continue
        approved.add(name_key(symbol) or symbol)
        previous_symbols = previous.split("|") if previous else []
        others = tuple(previous_symbols + (aliases.split("|") if aliases else []))
        for other in others:
            key = name_key(other)
            if key:
                owners.setdefault(key, set()).add(symbol)
                if other in previous_symbols:
                    previous_of.setdefault(key, set()).add(symbol)
        if entrez:
            by_entrez[entrez] = (symbol, name, others)
    return _Hgnc(by_entrez, {k: frozenset(v) for k, v in owners.items()},
                 {k: frozenset(v) for k, v in previous_of.items()}, frozenset(approved))


@lru_cache(maxsize=1)
def _famplex_names() -> dict[str, tuple[str, ...]]:
    """FamPlex id -> the grounding texts FamPlex lists for it."""
    found: dict[str, list[str]] = {}
    text = gzip.decompress((DATA_DIR / "famplex_names.tsv.gz").read_bytes()).decode("utf-8")
    for line in text.split("\n")[1:-1]:
        name, fplx_id, _source = line.split("\t")
        found.setdefault(fplx_id, []).append(name)
    return {k: tuple(v) for k, v in found.items()}


# Record words that are ordinary English words: used only when the caption writes them in capitals
_ENGLISH = frozenset("""
A AN AND ARE AS AT BE BUT BY CAN CELL CELLS CYCLE FOR FOG FAT FROM GAS HAS HE IF IN IS IT ITS MAST MAY MET
NOT OF ON OR OUT SET SEX THE TO TYPE WAS WE ACE CAT CAP ARM BAD END ALL ANY LIGHT IMPACT CLOCK SHE TIME
MICE MOUSE RAT HAD GENE GENES PROTEIN PROTEINS LARGE SMALL SPRING WHITE BLACK CAMP CAN WAS WERE CHIP FACT
HOLE LAMP MAX MINOR NODAL PIGS POLE ROCK SOS SPIN TANK TUBE WASP WARS ARMS AIM ACT RAN RUN SET SEA SUN
""".split())
# Acronyms of captions that are no chemical, whatever chemical a record lists ("ER stress", "HT stress")
_CAPTION_ACRONYMS = frozenset("ER UPR DNA RNA TF TFS KO WT UV HT PM MT ECM CNS PCR OE".split())
# Cell types that PFOCR's lexicon matched to genes ("pDC", "HSCs")
_CELL_TYPES = frozenset("DC DCS PDC PDCS MDC HSC HSCS MSC MSCS ESC ESCS IPSC NK NKT MDSC TREG TREGS CTL CTLS "
                        "PBMC PBMCS HUVEC HUVECS VSMC SMC".split())
_FAMILY_ROWS = frozenset({"bioentities_symbol", "famplex", "famplex_relations"})
_OWN_SYMBOL_ROWS = frozenset({"hgnc_symbol", "ncbigene_symbol"})
# Prefixes that captions often spell out: the key of a name starting with one also matches the long form
_SPELLED = {"IFN": "INTERFERON", "IL": "INTERLEUKIN", "TNF": "TUMORNECROSISFACTOR",
            "TGF": "TRANSFORMINGGROWTHFACTOR", "EGF": "EPIDERMALGROWTHFACTOR"}


@dataclass(frozen=True)
class _Entity:
    key: str
    kind: str  # gene | family | chemical
    symbol: str  # symbol or name used to spell "its receptor" ("LIF" -> "LIFR")


class _Lexicon:
    """The record's entities and every name key they are matched by, for one figure."""

    def __init__(self, figure: Figure):
        self.entities: dict[str, _Entity] = {}
        self.names: dict[str, str] = {}  # name key -> entity key
        self.exact: dict[str, frozenset[str]] = {}  # short name key -> spellings a caption must use
        self.abbreviations: dict[str, str | None] = {}  # caption-defined short forms (None: not an entity)
        self.chemical_names: dict[str, set[str]] = {}  # chemical key -> its names, lower case
        self.longest = 1  # most words a name can run over in a caption
        self._candidates: dict[str, dict[str, int]] = {}  # name key -> entity key -> rank (0: its own symbol)
        self._spellings: dict[str, set[str]] = {}
        add = self._add
        hgnc = _hgnc()
        meant_otherwise: set[tuple[str, str]] = set()  # (name key, gene key) the caption spells out as another thing
        for mention in _usable_genes(figure):
            word = _plain_word(mention.label)
            if mention.source in _FAMILY_ROWS:
                key = f"fplx:{mention.symbol}"
                self.entities.setdefault(key, _Entity(key, "family", mention.symbol))
                add(mention.symbol, key, 0)
                if word:
                    add(word, key, 0)
                for name in _family_names(mention.symbol):
                    add(name, key, 1)
                continue
            key = f"ncbigene:{mention.entrez}"
            human = mention.taxon == HUMAN_TAXON
            entry = hgnc.genes.get(mention.entrez) if human else None
            symbol = entry[0] if entry else mention.hgnc_symbol
            self.entities.setdefault(key, _Entity(key, "gene", symbol))
            own = mention.source in _OWN_SYMBOL_ROWS
            for name in sorted({word, mention.symbol} - {""}):
                if not own and human and _symbol_named_apart(figure.caption, name, symbol):
                    meant_otherwise.update((variant, key) for variant in _variants(name)[0])
                elif own or not human or _alias_fits(name, symbol):
                    add(name, key, 0 if own else 1)
            add(mention.hgnc_symbol, key, 0)
            if entry:
                for name, rank in _hgnc_names(mention.entrez):
                    add(name, key, rank)
        for nkey, key in meant_otherwise:  # no other name of the gene brings the word back
            self._candidates.get(nkey, {}).pop(key, None)
        resolver = default_resolver()
        for term in figure.chemicals:
            found = resolver.mesh(term.mesh) if term.mesh else None
            if found is None:
                continue
            key = f"mesh:{found.identifier}"
            self.entities.setdefault(key, _Entity(key, "chemical", term.label))
            for name in sorted({term.label, term.mesh_name, found.name} - {"", None}):
                self.chemical_names.setdefault(key, set()).add(name.lower())
                add(name, key, 0)
                if name.lower().endswith("s") and len(name) > 4:
                    add(name[:-1], key, 1)
        self.own: dict[str, bool] = {}  # name key -> whether it is its gene's own symbol on the record
        self.prefixes: set[str] = set()  # every beginning of a name key: where a mention search may go on
        for nkey, ranks in self._candidates.items():
            chosen = self._choose(ranks)
            if chosen:
                self.names[nkey] = chosen
                self.own[nkey] = ranks[chosen] == 0
                self.prefixes.update(_prefixes(nkey))
                if len(nkey) <= 2:
                    self.exact[nkey] = frozenset(self._spellings[nkey])
        self.longest = min(self.longest, 12)

    def _add(self, name: str, key: str, rank: int) -> None:
        name = name.strip()
        variants, words = _variants(name)
        self.longest = max(self.longest, words)
        for variant in variants:
            ranks = self._candidates.setdefault(variant, {})
            ranks[key] = min(rank, ranks.get(key, rank))
            self._spellings.setdefault(variant, set()).add(name)

    def _choose(self, ranks: dict[str, int]) -> str | None:
        """The one entity a name means, or None when it is ambiguous on this record."""
        if len(ranks) == 1:
            return next(iter(ranks))
        families = [k for k in ranks if self.entities[k].kind == "family"]
        if len(families) == 1:
            return families[0]
        own = [k for k, rank in ranks.items() if rank == 0]
        return own[0] if len(own) == 1 else None

    def lookup(self, nkey: str, written: str) -> str | None:
        """The entity a caption word run with this key means; ``written`` is the run as the caption has it."""
        if nkey in self.abbreviations:
            return self.abbreviations[nkey]
        key = self.names.get(nkey)
        if key is None:
            return None
        if nkey in self.exact and written not in self.exact[nkey]:
            return None
        if (nkey in _ENGLISH and not written.isupper()) or nkey in _CELL_TYPES:
            return None
        if self.entities[key].kind == "gene" and _chemical_word(nkey, written, self.own.get(nkey, False)):
            return None
        return key

    def chemical_abbreviation(self, word: str) -> str | None:
        """The one record chemical a capitalised word abbreviates ("GA" gibberellic acid, "ABA" abscisic
        acid, "NE" norepinephrine): its letters in order in the name, the first starting it and, for a name
        of several words, the last starting the last word; a one-word name has eight letters or more."""
        if word in self.abbreviations:
            return self.abbreviations[word]
        found = None
        if 2 <= len(word) <= 4 and word.isalpha() and word.isupper() and word not in _ENGLISH \
                and word not in _CAPTION_ACRONYMS:
            hits = {key for key, names in self.chemical_names.items() for name in names if _abbreviates(word, name)}
            found = hits.pop() if len(hits) == 1 else None
        self.abbreviations[word] = found
        return found

    def receptor_of(self, entity_key: str) -> str | None:
        """The record's receptor of an entity ("LIF" -> LIFR, "IL-6" -> IL6R), when the record lists one."""
        symbol = self.entities[entity_key].symbol
        nkey = name_key(symbol)
        return self.names.get(nkey + "R") if nkey else None


@lru_cache(maxsize=131072)
def _prefixes(nkey: str) -> tuple[str, ...]:
    return tuple(nkey[:i] for i in range(1, len(nkey)))


@lru_cache(maxsize=65536)
def _hgnc_names(entrez: str) -> tuple[tuple[str, int], ...]:
    """(name, rank) of a human gene from HGNC: its approved symbol, the previous symbols and aliases that
    name no other gene, its approved name (and the part before a comma: "inhibitor of DNA binding 1")."""
    hgnc = _hgnc()
    families = _family_keys()
    symbol, name, others = hgnc.genes[entrez]
    found = [(symbol, 0)]
    for other in others:
        other_key = name_key(other)
        if other_key and hgnc.owners.get(other_key) == {symbol} and other_key not in hgnc.approved \
                and other_key not in families:  # NFKB1's alias "NF-kappaB" names the family
            found.append((other, 1))
    found += [(name, 1), (name.split(",")[0], 1)]
    return tuple(found)


@lru_cache(maxsize=1)
def _family_keys() -> frozenset[str]:
    """Keys of every FamPlex grounding text."""
    return frozenset(k for names in _famplex_names().values() for k in map(name_key, names) if k)


@lru_cache(maxsize=16384)
def _family_names(family: str) -> tuple[str, ...]:
    """FamPlex's grounding texts of a family the record names, with singulars of plurals ("TRAFs")."""
    found = default_resolver().family(family)
    names = _famplex_names().get(found.fplx_id, ()) if found else ()
    return names + tuple(n[:-1] for n in names if n.endswith("s") and len(n) > 4)


def _abbreviates(short: str, name: str) -> bool:
    words = re.findall(r"[a-z0-9]+", name)
    if not words or short[0].lower() != name[0] or (len(words) > 1 and short[-1].lower() != words[-1][0]) or (
            len(words) == 1 and len(name) < 8):
        return False
    letters = iter(name[1:-len(words[-1])] if len(words) > 1 else name[1:])
    return all(c in letters for c in short[1:-1].lower() if len(words) > 1) and (
        len(words) > 1 or all(c in letters for c in short[1:].lower()))


def _chemical_word(nkey: str, written: str, official: bool) -> bool:
    """A word PFOCR's own gene recognition skips (its stop lists: "ROS", "CO2", "cAMP"), or a MeSH
    small-molecule chemical term ("ATP", "ADP", "GTP"; for an official symbol a descriptor's term only):
    the exporters.suspects tables."""
    from . import suspects  # it reads pathways, which may use this module: import when needed

    if nkey in suspects.stop_words():
        return True
    ids = suspects.mesh_chemical_terms().get(written, ())
    return any(i.startswith("D") for i in ids) if official else bool(ids)


def _symbol_named_apart(caption: str, name: str, symbol: str) -> bool:
    """Whether the caption names the gene by its approved symbol and uses the record's synonym for something
    else, most often a complex or family the gene is one member of ("STAT1 and STAT2 ... form a complex with
    IRF9, termed ISGF3": ISGF3, an alias of STAT1, is the complex). Not when a sentence equates the two
    ("RALDH1, RALDH2 and RALDH3 ... (i.e. ALDH1A1, ALDH1A2 and ALDH1A3, respectively)", "p53 (TP53)")."""
    nkey = name_key(name)
    if not nkey or nkey == name_key(symbol) or symbol.casefold() not in caption.casefold():
        return False
    symbol_rx, name_rx = _whole_word(symbol), _whole_word(name)
    if not symbol_rx.search(caption) or not name_rx.search(caption):
        return False
    for a in name_rx.finditer(caption):
        for b in symbol_rx.finditer(caption):
            start, end = min(a.start(), b.start()), max(a.end(), b.end())
            between = caption[min(a.end(), b.end()):max(a.start(), b.start())]
            if _PARENTHESIS.fullmatch(between) or end - start <= 150 and (
                    _EQUATING.search(between) or "respectively" in caption[start:end + 20]):
                return False
    return True


_PARENTHESIS = re.compile(r"\s*[(\[]\s*")  # "p53 (TP53)"
_EQUATING = re.compile(r"\bi\.\s?e\.|also (?:known as|called|named)|\baka\b|=")


@lru_cache(maxsize=65536)
def _whole_word(word: str) -> re.Pattern:
    """A word on its own, not part of a longer word or of a hyphenated name ("JUN" is not in "c-JUN")."""
    return re.compile(rf"(?<![^\W_]|[-‐–]){re.escape(word)}(?![^\W_]|[-‐–][^\W_])", re.IGNORECASE)


def _usable_genes(figure: Figure) -> Iterable:
    """The record's gene rows; on a multi-organism (v2023) record only those of the figure's organism: the
    first organism the record names that has genes on it, else the organism most of its genes belong to."""
    if figure.lexicon != "ncbigene" or not figure.genes:
        return figure.genes
    counts = Counter(g.taxon for g in figure.genes)
    by_name = {g.organism: g.taxon for g in figure.genes}
    resolver = default_resolver()
    named = (by_name.get(name) or resolver.taxon(name) for name in (*figure.organisms, *figure.organisms_ner))
    taxon = next((t for t in named if t in counts), None) or counts.most_common(1)[0][0]
    return [g for g in figure.genes if g.taxon == taxon]


def _plain_word(label: str) -> str:
    """A record word as a name, or "" when OCR ran several names together ("IFNAR1/2", "CYP26A1,CYP26B1")."""
    return "" if re.search(r"[/,;&+\s]", label) else label


@lru_cache(maxsize=65536)
def _alias_fits(name: str, symbol: str) -> bool:
    """Whether an alias the record matched means its gene. Not when it is another gene's approved symbol
    ("Met" is MET, not SLTM), or HGNC gives it to several genes and another one has it as its previous
    symbol ("NBS1" is NBN's, not NLRP2's; "MLP" MARCKSL1's, not CSRP3's) or as the start of its symbol
    ("ABL" is ABL1, not MTTP; "HIF-1" HIF1A, not SETD2). "PD-1" (PDCD1, also an alias of SNCA) fits."""
    hgnc = _hgnc()
    nkey = name_key(name)
    if not nkey:
        return False
    own = name_key(symbol) or symbol
    if nkey in hgnc.approved and nkey != own:
        return False
    others = hgnc.owners.get(nkey, frozenset()) - {symbol}
    if not others or own.startswith(nkey):
        return True
    if any((name_key(o) or o).startswith(nkey) for o in others):
        return False
    previous = hgnc.previous.get(nkey, frozenset())
    return not (previous & others and symbol not in previous)


# --- the words the reader knows ----------------------------------------------------------------

def _verb_forms(lemma: str) -> dict[str, str]:
    """Inflected forms of a regular verb: form -> 'base' | 's' | 'ed' | 'ing'."""
    irregular = {"bind": ("binds", "bound", "binding"), "lead": ("leads", "led", "leading")}
    if lemma in irregular:
        s, ed, ing = irregular[lemma]
    elif lemma.endswith("e"):
        s, ed, ing = lemma + "s", lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        s, ed, ing = lemma + "es", lemma + "ed", lemma + "ing"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        s, ed, ing = lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    elif re.search(r"[^aeiou][aeiou][pt]$", lemma) and lemma not in ("inhibit", "recruit", "interact", "limit"):
        s, ed, ing = lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    else:
        s, ed, ing = lemma + "s", lemma + "ed", lemma + "ing"
    return {lemma: "base", s: "s", ed: "ed", ing: "ing"}


# lemma -> (type it states with an entity object (None: only with an event object), sign it gives an event)
_VERBS = {
    **dict.fromkeys("""activate stimulate enhance promote induce increase upregulate potentiate trigger augment
        elevate boost initiate facilitate amplify drive""".split(), ("activation", 1)),
    "transactivate": ("expression", 1),
    **dict.fromkeys("""inhibit suppress block repress attenuate prevent antagonize antagonise downregulate reduce
        decrease abolish abrogate impair diminish inactivate counteract dampen silence hinder lower""".split(),
                    ("inhibition", -1)),
    **dict.fromkeys("phosphorylate hyperphosphorylate".split(), ("phosphorylation", 1)),
    **dict.fromkeys("""bind interact associate complex heterodimerize heterodimerise dimerize dimerise recruit join
        dock""".split(), ("binding", 0)),
    "degrade": ("degradation", 1),
    **dict.fromkeys("regulate modulate control involve".split(), ("regulation", 0)),
    **dict.fromkeys("lead result cause mediate contribute responsible".split(), (None, 1)),
}
# Verbs that state no relation but are verbs: they end a subject and govern infinitives
_PLAIN_VERBS = """form act serve play use signal translocate move exert occur require participate exhibit affect
    allow enable permit force help show appear seem tend localize recognize recognise target relocate
    acetylate deacetylate methylate demethylate sumoylate glycosylate palmitoylate""".split()
_OBJECT_CONTROL = frozenset("""activate stimulate induce recruit cause promote trigger drive allow enable permit
    force help use require lead""".split())
_CONVERT = frozenset("""convert transform oxidize oxidise metabolize metabolise hydrolyze hydrolyse dehydrate
    decarboxylate hydroxylate isomerize condense reduce degrade cleave""".split())
_PRODUCE = frozenset("synthesize synthesise generate produce form derive".split())
_SYMMETRIC = frozenset("interact associate heterodimerize heterodimerise dimerize dimerise join complex dock".split())
# noun -> (event type, sign)
_NOUNS = {
    **dict.fromkeys("""activation activations hyperactivation stimulation induction upregulation activity
        signaling signalling""".split(), ("activation", 1)),
    **dict.fromkeys("inhibition suppression downregulation repression blockade inactivation".split(),
                    ("inhibition", 1)),
    **dict.fromkeys("""expression overexpression transcription production synthesis biosynthesis
        secretion""".split(), ("expression", 1)),
    **dict.fromkeys("phosphorylation hyperphosphorylation".split(), ("phosphorylation", 1)),
    **dict.fromkeys("degradation proteolysis".split(), ("degradation", 1)),
    **dict.fromkeys("translocation influx efflux uptake import export transport release".split(),
                    ("translocation", 1)),
    **dict.fromkeys("""binding interaction interactions association dimerization heterodimerization
        recruitment engagement""".split(), ("binding", 0)),
    **dict.fromkeys("level levels pool amount concentration concentrations abundance content".split(),
                    ("amount", 1)),
    **dict.fromkeys("increase increases elevation".split(), ("change", 1)),
    **dict.fromkeys("reduction decrease decreases".split(), ("change", -1)),
}
_COMPLEX_NOUNS = frozenset("""complex complexes heterodimer heterodimers dimer dimers heterotrimer trimer
    heterocomplex""".split())
_OF_HEADS = frozenset("""region regions domain domains site sites terminus form forms fragment fragments part
    number group set type types variant variants""".split())
# nouns after an entity that still speak of it ("modulates fatty acid metabolism")
_PROCESS_NOUNS = frozenset("metabolism function functions homeostasis turnover stability response responses".split())
_MEMBERS_FOLLOW = frozenset("formed composed consisting comprising containing".split())
_CONVERSION_NOUNS = frozenset("conversion oxidation reduction hydrolysis transformation isomerization".split())
_LOSS = frozenset("""mutation mutations loss deletion deletions knockdown knockout deficiency depletion silencing
    absence lack""".split())
_EFFECTS = {"inhibitory": "inhibition", "suppressive": "inhibition", "repressive": "inhibition",
            "negative": "inhibition", "stimulatory": "activation", "activating": "activation",
            "positive": "activation"}
_AGENT_NOUNS = {"regulator": "regulation", "regulators": "regulation", "inhibitor": "inhibition",
                "inhibitors": "inhibition", "repressor": "inhibition", "suppressor": "inhibition",
                "activator": "activation", "activators": "activation"}
# words after an entity that still name it ("the PKA signaling pathway", "MDM2 levels", "JAK kinase")
_HEADS = frozenset("""protein proteins gene genes mrna mrnas molecule molecules pathway pathways cascade cascades
    kinase kinases family families subunit subunits channel channels inflammasome isoform isoforms promoter
    member members enzyme enzymes factor factors transcript transcripts axis receptor receptors complex
    homolog homologs""".split())
_CHAIN_HEADS = frozenset("pathway pathways signaling signalling axis axes cascade cascades".split())
_RELATION_MODS = frozenset("induced mediated dependent driven triggered activated stimulated evoked".split())
_OTHER_MODS = frozenset("""coated specific derived bound associated linked like responsive deficient silenced
    independent targeted positive negative expressing null knockout interacting binding regulated related
    containing treated overexpressing mutant""".split())
_ENZYME_END = re.compile(r"(?:ase|ases|transporter|transporters|carrier|carriers)$")
_MULTIWORD = {("in", "turn"): "ADV", ("not", "only"): "ADV", ("but", "also"): "CC", ("such", "as"): "LIST",
              ("as", "well", "as"): "CC", ("and", "/", "or"): "CC",
              ("in", "addition"): "ADV", ("as", "a", "result"): "ADV", ("in", "response", "to"): "PREP",
              ("due", "to"): "PREP", ("e", ".", "g", "."): "LIST", ("i", ".", "e", "."): "LIST",
              ("each", "other"): "OTHER", ("one", "another"): "OTHER", ("responsible", "for"): "RESP",
              ("required", "for"): "RESP", ("essential", "for"): "RESP", ("important", "for"): "RESP"}
_MULTIWORD_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _tag_name in _MULTIWORD.items():
    _MULTIWORD_BY_FIRST.setdefault(_words[0], []).append((_words, _tag_name))
_TAGS = {
    **dict.fromkeys("is are was were be been being has have had".split(), "AUX"),
    **dict.fromkeys("do does did".split(), "DO"),
    **dict.fromkeys("may might could can will would should must".split(), "MODAL"),
    **dict.fromkeys("not no never neither nor cannot unable without".split(), "NEG"),
    **dict.fromkeys("which that who whom".split(), "REL"),
    **dict.fromkeys("it they its their".split(), "PRON"),
    **dict.fromkeys("""the a an these those this both each all several numerous many various some two three
        four other another multiple""".split(), "DET"),
    **dict.fromkeys("""of in on at by to into with from via through for upon after during within between across
        toward towards onto under over among against than""".split(), "PREP"),
    **dict.fromkeys("and or".split(), "CC"),
    **dict.fromkeys("""where when while whereas although though because since whether if thereby thus therefore
        hence but however whose""".split(), "SUB"),
    **dict.fromkeys("""also then further subsequently directly indirectly first primarily mainly eventually
        finally together likely possibly potentially consequently additionally similarly accordingly often
        only even still already mostly largely strongly rapidly partly partially specifically selectively
        moreover furthermore""".split(), "ADV"),
    **dict.fromkeys("including like involving namely especially particularly".split(), "LIST"),
    **dict.fromkeys("""known thought shown believed reported suggested proposed predicted found able likely
        unlikely expected considered""".split(), "RAISE"),
}
_HEDGES = frozenset({"may", "might", "could"})
_NOT_ADVERBS = frozenset("family early poly assembly anomaly ally reply supply apply rely fly jelly italy".split())
_PRONOUN_NOUNS = frozenset("molecule protein kinase factor gene enzyme receptor complex".split())


def _word_table() -> dict[str, tuple]:
    table: dict[str, tuple] = {}
    for lemma in [*_VERBS, *_PLAIN_VERBS, *_CONVERT, *_PRODUCE]:
        for form, kind in _verb_forms(lemma).items():
            table.setdefault(form, ("V", lemma, kind))
    for noun in [*_NOUNS, *_COMPLEX_NOUNS, *_CONVERSION_NOUNS]:
        verb = table.get(noun)
        # "binding", "signaling" are read as nouns; "increase", "release" as either, by context
        table[noun] = ("N", noun, verb if verb and verb[2] in ("base", "s") else None)
    return table


_WORD_TABLE = _word_table()


# --- one sentence: mentions and words ---------------------------------------------------------

class _Unit:
    """A word, a punctuation mark or an entity mention of one sentence (offsets into its repaired text)."""

    __slots__ = ("kind", "text", "low", "start", "end", "key", "nkey", "mod", "tag", "lemma", "form", "negated")

    def __init__(self, kind: str, text: str, start: int, end: int, key: str = "", nkey: str = ""):
        self.kind, self.text, self.low, self.start, self.end = kind, text, text.lower(), start, end
        self.key, self.nkey, self.mod, self.tag, self.lemma, self.form = key, nkey, "", "", "", ""
        self.negated = False

    @property
    def entity(self) -> bool:
        """A mention that names the entity itself (not "IL-6-induced", not "RPA-coated")."""
        return self.kind == "E" and not self.mod and not self.negated


def _read_units(view: str, lexicon: _Lexicon) -> list[_Unit]:
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(view)]
    mentions = _find_mentions(view, tokens, lexicon)
    if not mentions:
        return []  # nothing this sentence can say about the record's entities
    units: list[_Unit] = []
    k = 0
    while k < len(tokens):
        if k in mentions:
            last, key, nkey = mentions[k]
            units.append(_Unit("E", view[tokens[k][1]:tokens[last][2]], tokens[k][1], tokens[last][2], key, nkey))
            k = last + 1
            continue
        text, start, end = tokens[k]
        units.append(_Unit("W" if _is_word(text) else "P", text, start, end))
        k += 1
    units = _merge_words(units, view)
    _tag(units)
    return _mark_mentions(units, lexicon)


def _find_mentions(view: str, tokens: list[tuple[str, int, int]], lexicon: _Lexicon) -> dict[int, tuple[str, str, str]]:
    """First token index -> (last token index, entity key, name key) of each mention, longest names first.

    A short form the caption defines in parentheses after a mention ("norepinephrine (NE)") names the same
    entity from there on; a record word that a caption word defines as something else ("Fosfomycin
    (FOS)") names nothing.
    """
    words = [k for k, t in enumerate(tokens) if _is_word(t[0])]
    folded = [_fold(tokens[k][0]) for k in words]

    def gap(y: int) -> str:  # the text between word y-1 and word y
        return view[tokens[words[y - 1]][2]:tokens[words[y]][1]] if y else ""

    found: dict[int, tuple[int, str, str]] = {}
    x = 0
    while x < len(words):
        best, key = None, ""
        for y in range(x, min(len(words), x + lexicon.longest)):
            if y > x and (key not in lexicon.prefixes or not _connector(gap(y))):
                break
            key += folded[y]
            written = view[tokens[words[x]][1]:tokens[words[y]][2]]
            entity, nkey = lexicon.lookup(key, written), key
            if entity is None and key.endswith("S") and len(key) > 3:  # "TLRs", "MAPKs", "statins"
                entity, nkey = lexicon.lookup(key[:-1], written[:-1]), key[:-1]
                if entity is not None and lexicon.entities[entity].kind == "gene" and (
                        len(nkey) < 4 or nkey.endswith("C")):
                    entity = None  # "HSCs", "DCs" are cells; "CRBPs" are CRBP
            if entity:
                best = (y, entity, nkey)
        if best is None:
            word = tokens[words[x]][0]
            entity = lexicon.chemical_abbreviation(word) if word.isupper() else None
            if entity is None:
                x += 1
                continue
            best = (x, entity, _fold(word))
        y, entity, nkey = best
        nxt = y + 1
        if nxt < len(words) and gap(nxt) in _HYPHENS and len(folded[nxt]) <= 2:
            x = nxt + 1  # "IFN-γ", "caspase-8": a longer name the record does not list
            continue
        first, last = words[x], words[y]
        if _defined_as_other(view, tokens, first, lexicon, nkey):
            x = y + 1
            continue
        found[first] = (last, entity, nkey)
        _define_short_form(view, tokens, last, lexicon, entity, found)
        x = y + 1
    return found


def _define_short_form(view: str, tokens: list, last: int, lexicon: _Lexicon, entity: str,
                       found: dict[int, tuple[int, str, str]]) -> None:
    """After a mention, "(NE)": the short form names the same entity in the rest of the caption."""
    if last + 3 >= len(tokens) or tokens[last + 1][0] != "(" or tokens[last + 3][0] != ")":
        return
    short, start, _end = tokens[last + 2]
    if not _is_word(short) or len(short) > 12 or not any(c.isupper() or c.isdigit() for c in short):
        return
    nkey = _fold(short)
    known = lexicon.lookup(nkey, short)
    if known is None and nkey not in lexicon.abbreviations:
        initials = {w[0].upper() for w in re.findall(r"[^\W_]+", view[:tokens[last][2]][-60:])}
        if short[0].upper() not in initials:
            return
        lexicon.abbreviations[nkey] = entity
        lexicon.prefixes.update(_prefixes(nkey))
        known = entity
    if known == entity:
        found[last + 2] = (last + 2, entity, nkey)


def _defined_as_other(view: str, tokens: list, first: int, lexicon: _Lexicon, nkey: str) -> bool:
    """A mention in parentheses right after one ordinary word it abbreviates ("Fosfomycin (FOS)")."""
    if nkey in lexicon.abbreviations:
        return lexicon.abbreviations[nkey] is None
    if first < 2 or tokens[first - 1][0] != "(" or first + 1 >= len(tokens) or tokens[first + 1][0] != ")":
        return False
    word = tokens[first - 2][0]
    if not word.isalpha() or len(word) < 4 or word.lower() in _TAGS or word.lower() in _WORD_TABLE:
        return False
    if lexicon.lookup(_fold(word), word):
        return False
    letters = iter(word.lower())
    short = tokens[first][0].lower()
    if short[0] != word[0].lower() or not all(c in letters for c in short if c.isalpha()):
        return False
    lexicon.abbreviations[nkey] = None
    return True


def _merge_words(units: list[_Unit], view: str) -> list[_Unit]:
    """Fuse hyphenated or spaced trigger words ("up-regulates", "down regulation") and the multiword
    expressions of _MULTIWORD."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        u = units[i]
        if (u.kind == "W" and i + 2 < len(units) and units[i + 1].text in _HYPHENS and units[i + 2].kind == "W"
                and u.end == units[i + 1].start and units[i + 1].end == units[i + 2].start
                and (u.low + units[i + 2].low) in _WORD_TABLE):
            w = units[i + 2]
            merged = _Unit("W", view[u.start:w.end], u.start, w.end)
            merged.low = u.low + w.low
            out.append(merged)
            i += 3
            continue
        if u.low in ("up", "down") and i + 1 < len(units) and units[i + 1].kind == "W" and \
                (u.low + units[i + 1].low) in _WORD_TABLE:  # "the down regulation of Akt"
            w = units[i + 1]
            merged = _Unit("W", view[u.start:w.end], u.start, w.end)
            merged.low = u.low + w.low
            out.append(merged)
            i += 2
            continue
        for words, tag in _MULTIWORD_BY_FIRST.get(u.low, ()):
            n = len(words)
            if tuple(x.low for x in units[i:i + n]) == words and all(x.kind != "E" for x in units[i:i + n]):
                merged = _Unit("W", view[u.start:units[i + n - 1].end], u.start, units[i + n - 1].end)
                merged.tag = tag
                if tag == "RESP":  # "is responsible for the activation of Y": a verb that takes an event
                    merged.tag, merged.lemma, merged.form = "V", "responsible", "base"
                out.append(merged)
                i += n
                break
        else:
            out.append(u)
            i += 1
    return out


def _tag(units: list[_Unit]) -> None:
    """Word classes: verbs (lemma, form), event nouns, and the function words the reader uses."""
    for i, u in enumerate(units):
        if u.kind != "W" or u.tag:
            continue
        entry = None if _TAGS.get(u.low) == "LIST" else _WORD_TABLE.get(u.low)
        if entry and entry[0] == "N" and entry[2] and _verb_here(units, i, entry[2][2]):
            entry = entry[2]
        if entry:
            u.tag = entry[0]
            u.lemma = entry[1]
            u.form = entry[2] if entry[0] == "V" else ""
        elif u.low in _TAGS:
            u.tag = _TAGS[u.low]
        elif u.low.endswith("ly") and len(u.low) > 4 and u.low not in _NOT_ADVERBS:
            u.tag = "ADV"
        elif u.low in _AGENT_NOUNS:
            u.tag = "AGENT"
        if u.low == "this" and i + 1 < len(units) and units[i + 1].low in _PRONOUN_NOUNS:
            u.tag = "PRON"
        if u.tag in ("N", "V") and i > 1 and units[i - 1].text in _HYPHENS and units[i - 1].end == u.start \
                and units[i - 2].kind == "W" and units[i - 2].end == units[i - 1].start:
            u.tag = ""  # "DNA-binding protein", "ER-associated degradation": part of a compound


def _verb_here(units: list[_Unit], i: int, form: str) -> bool:
    """Whether a word that is a noun and a verb ("increase", "release") is the verb here."""
    prev = units[i - 1] if i else None
    if prev is None:
        return False
    if prev.tag in ("MODAL", "AUX", "DO", "CC", "REL", "ADV", "PRON") or prev.low == "to":
        return True
    if prev.kind == "E":
        return form == "s"
    return False


def _mark_mentions(units: list[_Unit], lexicon: _Lexicon) -> list[_Unit]:
    """Ellipses ("IRF-3 and 7", "TLRs 2 and 4", "IFN-α/β"), modifiers ("IL-6-induced"), receptors
    ("LIF receptor" -> LIFR), chemicals that only name an enzyme ("tyrosine hydroxylase"), the head of
    two adjacent names ("Dimethyl fumarate"), and names after "but not"."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        u = units[i]
        out.append(u)
        i += 1
        if u.kind != "E":
            if u.low == "but" and i < len(units) and units[i].low == "not":
                for v in units[i + 1:]:
                    if v.kind == "E":
                        v.negated = True
                    elif v.tag not in ("CC", "DET", "") or v.text in ";:.()":
                        break
            continue
        nxt = units[i] if i < len(units) else None
        if nxt is None:
            continue
        if nxt.text == "(" and i + 2 < len(units) and units[i + 1].key == u.key and units[i + 2].text == ")":
            i += 3  # "norepinephrine (NE)": one mention
            nxt = units[i] if i < len(units) else None
            if nxt is None:
                continue
        glued = nxt.start == u.end or (nxt.text in _HYPHENS and nxt.start == u.end)
        after = units[i + 1] if i + 1 < len(units) else None
        if nxt.text in _HYPHENS and glued and after is not None and after.start == nxt.end and after.kind == "W":
            if after.low in _RELATION_MODS or after.low in _OTHER_MODS:
                u.mod = after.low
                after.tag = "MOD"
                continue
        if nxt.kind == "W" and (nxt.low in _RELATION_MODS or nxt.low in _OTHER_MODS) and after is not None and \
                after.kind == "W" and after.tag in ("", "N") and after.low != "by":
            u.mod = nxt.low  # "interferon stimulated genes", "NF-κB dependent cytokine production"
            nxt.tag = "MOD"
            continue
        j = i + (1 if nxt.text in _HYPHENS else 0)
        while j < len(units) and units[j].low in ("pathway", "signaling", "signalling"):
            j += 1
        if j < len(units) and units[j].low in ("receptor", "receptors"):
            receptor = lexicon.receptor_of(u.key)
            if receptor:  # "LIF receptor" -> LIFR
                u.key, u.text, u.end = receptor, u.text + " receptor", units[j].end
                i = j + 1
                continue
            k = j + 1
            while k < len(units) and units[k].low in ("complex", "subunit", "subunits"):
                k += 1
            if lexicon.entities[u.key].kind == "chemical" or (k < len(units) and units[k].kind == "E"):
                out[-1] = _Unit("W", u.text, u.start, u.end)  # "RA receptors", "the IFN receptor complex IFNAR1/2"
                continue
        if lexicon.entities[u.key].kind == "chemical" and nxt.kind == "W" and (
                _ENZYME_END.search(nxt.low) or nxt.low == "binding"
                or (after is not None and after.kind == "W" and _ENZYME_END.search(after.low))):
            out[-1] = _Unit("W", u.text, u.start, u.end)
            continue
        if nxt.kind == "E" and nxt.start > u.end and not nxt.text.isdigit():
            out[-1] = _Unit("W", u.text, u.start, u.end)  # "Dimethyl fumarate", "NF-κB p65": the last names it
            continue
        i = _ellipsis(units, i, u, lexicon, out)
    return out


def _ellipsis(units: list[_Unit], i: int, u: _Unit, lexicon: _Lexicon, out: list[_Unit]) -> int:
    """Names written as a bare number or Greek letter after a name ("IRF-3 and 7"); returns where to go on."""
    base, bare = u.nkey, u.text.endswith("s")  # "TLRs 2 and 4": a number may follow a plural directly
    if re.search(r"\d$", base):
        base, bare = re.sub(r"\d+$", "", base), False
    elif u.text[-1:] in _GREEK_CHARS:
        base, bare = base[:-1], False
    elif not bare:
        return i
    j = i
    while j < len(units):
        k = j
        while k < len(units) and (units[k].text in ("/", ",", "-") or units[k].low in ("and", "or")):
            k += 1
        if k >= len(units) or units[k].kind != "W":
            break
        part = units[k].text
        if not (part.isdigit() or part in _GREEK_CHARS) or (k == j and not (bare and j == i)):
            break
        key = lexicon.names.get(base + _fold(part))
        if key is None:
            break
        out.extend(units[j:k])
        made = _Unit("E", part, units[k].start, units[k].end, key, base + _fold(part))
        out.append(made)
        j = k + 1
    return j


# --- one sentence: reading the relations -------------------------------------------------------

@dataclass
class _Side:
    """The entities at one end of a statement, and what the words around them say about it."""

    ents: list[_Unit]
    start: int  # where the evidence starts when this side comes first (a pronoun's position for an antecedent)
    hedge: bool = False
    neg: bool = False
    loss: bool = False  # "mutations in X", "loss of X": the sign of what follows is not X's
    event: tuple[str, int] | None = None  # "Tau hyperphosphorylation": the event the entities undergo


@dataclass
class _Event:
    type: str
    sign: int
    themes: list[_Unit]
    noun: str = ""


def _combine(vtype: str | None, vsign: int, event: _Event, theme: _Unit, lexicon: _Lexicon) -> str | None:
    """The relation a verb states with an event object ("increase the phosphorylation of Y")."""
    sign = vsign * event.sign
    signed = "activation" if sign > 0 else "inhibition" if sign < 0 else "regulation"
    if vtype in ("binding", "phosphorylation", "conversion"):
        return vtype
    if event.type == "activation" or event.type == "amount":
        return signed
    if event.type == "expression":
        return signed if lexicon.entities[theme.key].kind == "chemical" else "expression"
    if event.type == "inhibition":
        return {1: "inhibition", 0: "regulation"}.get(sign)
    if event.type == "translocation" and lexicon.entities[theme.key].kind != "chemical" and event.noun == "release":
        return None  # "the release of active NF-κB" (from its inhibitor) is not a translocation it causes
    if event.type in ("phosphorylation", "degradation", "translocation"):
        return event.type if sign > 0 else signed
    return None


class _Sentence:
    """One caption sentence: its units and the relations read from them."""

    def __init__(self, text: str, lexicon: _Lexicon, previous_subject: list[_Unit], previous_complex: list[_Unit]):
        self.text = text
        self.previous_complex = list(previous_complex)
        self.complex: list[_Unit] = []  # the members of the last complex named
        self.view, self.offsets = _unmangle(text)
        self.lexicon = lexicon
        self.previous_subject = previous_subject
        self.units = _read_units(self.view, lexicon)
        self.receptors()
        self.pair: dict[int, int] = {}
        stack: list[int] = []
        for i, u in enumerate(self.units):
            if u.text in "([":
                stack.append(i)
            elif u.text in ")]" and stack:
                j = stack.pop()
                self.pair[i], self.pair[j] = j, i
        self.agents: dict[int, _Side | None] = {}
        self.found: list[tuple[_Unit, _Unit, str, bool, int, int]] = []

    def receptors(self) -> None:
        """"IL-6 binds to its (cognate) receptor": the record's receptor of the entity named before (IL6R)."""
        for k, u in enumerate(self.units[:-1]):
            if u.low not in ("its", "their"):
                continue
            if self.units[k + 1].low in ("cognate", "own") and k + 2 < len(self.units):
                k += 1
            nxt = self.units[k + 1]
            if nxt.kind == "W" and nxt.low in ("receptor", "receptors"):
                owner = next((v for v in reversed(self.units[:k]) if v.entity), None)
                receptor = self.lexicon.receptor_of(owner.key) if owner is not None else None
                if receptor:
                    self.units[k + 1] = _Unit("E", nxt.text, nxt.start, nxt.end, receptor, _fold(nxt.text))

    # ---- small helpers

    def at(self, i: int) -> _Unit | None:
        return self.units[i] if 0 <= i < len(self.units) else None

    def skip(self, i: int, tags: tuple[str, ...] = ("ADV",), step: int = 1) -> int:
        """The first unit from i on (or back, step -1) that is not a word with one of these tags."""
        while 0 <= i < len(self.units) and self.units[i].kind == "W" and self.units[i].tag in tags:
            i += step
        return i

    def is_verb(self, i: int) -> bool:
        u = self.at(i)
        if u is None or u.tag != "V" or self.adjectival(i):
            return False
        prev = self.at(i - 1)
        return not (prev is not None and prev.text in _HYPHENS and prev.end == u.start)  # "domain-associated"

    def adjectival(self, i: int) -> bool:
        """A participle used as an adjective: "Activated ATM", "the spliced XBP1", "increased expression"."""
        u = self.units[i]
        if u.form not in ("ed", "ing"):
            return False
        prev, nxt = self.at(i - 1), self.at(self.skip(i + 1))
        if u.form == "ing" and nxt is not None and nxt.low in ("protein", "factor", "kinase", "transcription"):
            return True  # "activating protein 1", "activating transcription factor 4": a name
        if nxt is None or not (nxt.kind == "E" or (nxt.kind == "W" and nxt.tag in ("", "N"))):
            return False
        if u.form == "ing":
            return prev is not None and prev.tag == "DET"
        return prev is None or prev.kind == "P" or prev.tag in ("DET", "PREP", "CC", "SUB", "ADV", "LIST") or (
            prev.tag == "V" and prev.form in ("s", "base") and nxt.kind == "E")  # "binds phosphorylated MDM2"

    def clause_start(self, i: int) -> int:
        """Index of the first unit of the clause that unit i is in."""
        j = i - 1
        while j >= 0:
            u = self.units[j]
            if u.text in (";", ":", ".") or u.tag in ("SUB", "REL"):
                break
            j -= 1
        return j + 1

    def prev_verb(self, i: int, finite: bool = False) -> int | None:
        for j in range(i - 1, -1, -1):
            u = self.units[j]
            if u.text in (";", ":", "."):
                return None
            if self.is_verb(j) and u.tag != "MOD" and not (finite and u.form == "ing"):
                return j
        return None

    def negated_clause(self, i: int) -> bool:
        """A statement inside "whether ..." or "if ..."."""
        return any(u.low in ("whether", "if") for u in self.units[max(0, self.clause_start(i) - 1):i])

    def negated_noun(self, k: int) -> bool:
        """An event noun after "no"/"without", or in a "whether" clause ("no interaction between X and Y")."""
        u = self.at(self.skip(k - 1, ("ADV", "DET", ""), step=-1))
        return self.negated_clause(k) or (u is not None and u.low in ("no", "without", "not", "neither", "nor"))

    # ---- noun phrases

    def apposition(self, open_: int) -> list[_Unit]:
        """Entities of a parenthesis that lists names ("(MRE11, RAD50 and NBS1)"), not a remark ("(via ...)")."""
        close = self.pair.get(open_)
        if close is None or close == open_ + 1:
            return []
        first = self.units[open_ + 1]
        if first.tag in ("PREP", "V", "SUB", "NEG", "REL") or first.low in ("but", "not"):
            return []
        return [u for u in self.units[open_ + 1:close] if u.entity]

    def list_continues(self, comma: int, stop: int) -> bool:
        """After a comma: does the noun phrase go on with another list element? ("3,4-dihydroxy" has no list)"""
        first = self.at(comma + 1)
        if first is None:
            return False
        if first.start == self.units[comma].end:
            return True
        if first.low in ("a", "an") or first.tag in ("REL", "SUB", "V", "AGENT"):
            return False
        for u in self.units[comma + 1:min(stop, comma + 13)]:
            if u.kind == "E" or u.tag in ("CC", "LIST"):
                return True
            if u.tag in ("V", "REL", "SUB", "PREP", "MODAL", "AUX", "AGENT") or u.text in (";", ":", ")"):
                return False
        return False

    def np_end(self, q: int, stop: int | None = None, binding: bool = False, events: bool = True) -> int:
        """Index after the noun phrase that starts at q."""
        n = len(self.units) if stop is None else stop
        j, comma = q, None
        while j < n:
            u = self.units[j]
            if u.kind == "P":
                if u.text in "([" and j in self.pair:
                    j = self.pair[j] + 1
                    continue
                if u.text in ("/", "-", "–") or (u.text == "—" and self.tight(j)):  # "PI3K—AKT pathway"
                    j += 1
                    continue
                if u.text == "," and self.list_continues(j, n):
                    comma = j if comma is None else comma
                    j += 1
                    continue
                break
            if u.kind == "E":
                j += 1
                continue
            tag = u.tag
            if comma is not None and self.is_verb(j):
                return comma  # "TLR3 binds dsRNA, TLR7/8 bind ssRNA": the comma ended the phrase
            if tag == "PREP":
                prev = self.at(j - 1)
                if u.low == "of" or (u.low in ("to", "with") and binding) or (
                        u.low == "in" and prev is not None and (prev.low in _LOSS or prev.lemma in (
                            "increase", "increases", "reduction", "decrease", "decreases"))):
                    j += 1
                    continue
                break
            if tag == "CC" and self.is_verb(self.skip(j + 1)):
                break
            if u.low in _MEMBERS_FOLLOW and self.at(j - 1) is not None and self.units[j - 1].low in _COMPLEX_NOUNS:
                j += 2 if self.at(j + 1) is not None and self.units[j + 1].low in ("of", "by") else 1
                continue
            if tag == "N" and not events and u.lemma in _NOUNS and u.lemma not in ("signaling", "signalling") \
                    and j > q:
                break
            if (tag == "V" and not self.adjectival(j)) or tag in (
                    "REL", "SUB", "MODAL", "AUX", "DO", "NEG", "RAISE", "AGENT"):
                break
            j += 1
        return j

    def tight(self, j: int) -> bool:
        """Unit j touches the units on both sides (a dash inside a name, not one around a remark)."""
        before, after = self.at(j - 1), self.at(j + 1)
        return before is not None and after is not None and before.end == self.units[j].start and \
            self.units[j].end == after.start

    def joined_agents(self, k: int, u: _Unit) -> _Side | None:
        """"TYROBP/SYK mediated", "JAK1- and TYK2-induced": the entities joined to the modified one at k."""
        ents, j = [_unmodified(u)], k - 1
        while j > 0 and (self.units[j].text == "/" or self.units[j].low in ("and", "or")) and \
                self.units[j - 1].kind == "E":
            if self.units[j - 1].negated:
                return None
            ents.insert(0, _unmodified(self.units[j - 1]))
            j -= 2
        return _Side(ents, ents[0].start)

    def entities(self, q: int, end: int) -> list[_Unit]:
        """Entities of a noun phrase, leaving out parenthetical remarks."""
        out, j = [], q
        while j < end:
            u = self.units[j]
            if u.text in "([" and j in self.pair:
                out.extend(self.apposition(j))
                j = self.pair[j] + 1
                continue
            if u.entity:
                out.append(u)
            j += 1
        return out

    def events(self, q: int, end: int) -> list[_Event]:
        """The events a noun phrase names: "the phosphorylation of Y", "Y expression", "increased Y levels"."""
        found, inside = [], 0
        for k in range(q, end):
            u = self.units[k]
            if u.tag != "N" or u.lemma not in _NOUNS or k < inside:
                continue
            etype, sign = _NOUNS[u.lemma]
            if etype == "binding":
                continue
            themes = self.of_themes(k, end)
            if themes:
                inside = self.np_end(k + 2, end, events=False)  # "expression of MDM2 levels": one event
            if etype == "change":
                inner = [e for e in self.events(k + 2, end) if e.type != "change"] if themes else []
                if inner:
                    found.extend(_Event(e.type, e.sign * sign, e.themes) for e in inner)
                    break
                etype = "amount"
            if not themes:
                nxt = self.at(self.skip(k + 1, ("ADV", "")))
                if nxt is not None and nxt.low == "and" and self.at(k + 2) is not None:
                    following = self.at(self.skip(k + 2, ("ADV", "")))
                    if following is not None and following.tag == "N":
                        themes = self.of_themes(self.units.index(following), end)
            themes = themes or self.pre_themes(k, q) or self.possessive(k)
            if (etype == "amount" or u.lemma in ("activity", "signaling", "signalling")) and \
                    {id(t) for t in themes} <= {id(t) for e in found for t in e.themes}:
                continue  # "expression of MDM2 levels", "downregulation of Akt activity": one event
            if themes:
                found.append(_Event(etype, sign, themes, u.lemma))
        return found

    def of_themes(self, k: int, end: int) -> list[_Unit]:
        nxt = self.at(k + 1)
        if nxt is None or not (nxt.low == "of" or (nxt.low == "in" and self.units[k].lemma in (
                "increase", "increases", "reduction", "decrease", "decreases"))):
            return []
        stop = self.np_end(k + 2, end, events=False)
        return [e for e in self.entities(k + 2, stop) if not self.modifies_noun(self.units.index(e))]

    def pre_themes(self, k: int, q: int) -> list[_Unit]:
        """Entities right before an event noun: "Smad2 and Smad3 phosphorylation", "p53 protein degradation"."""
        out, j = [], k - 1
        while j >= q:
            u = self.units[j]
            if u.text == ")" and j in self.pair and self.pair[j] >= q:  # "Leukemia inhibitory factor (LIF) binding"
                ents = self.apposition(self.pair[j])
                if not ents:
                    break
                out.extend(reversed(ents))
                j = self.pair[j] - 1
                continue
            if u.kind == "E":
                if u.entity:
                    out.append(u)
            elif not (u.text in ("/", ",", "-", "–") or u.tag == "CC" or u.low in _HEADS or (
                    u.tag == "" and _looks_like_name(u.text))):
                break
            j -= 1
        return out[::-1]

    def possessive(self, k: int) -> list[_Unit]:
        """"increase its expression": the nearest entity before, not one in a by-phrase."""
        prev = self.at(k - 1)
        if prev is None or prev.low not in ("its", "their"):
            return []
        for j in range(k - 2, -1, -1):
            if self.units[j].entity and not self.in_by_phrase(j):
                return [self.units[j]]
        return []

    def in_by_phrase(self, j: int) -> bool:
        k = j - 1
        while k >= 0 and self.units[k].tag not in ("PREP", "V") and self.units[k].text not in (",", ";", ":"):
            k -= 1
        return k >= 0 and self.units[k].low == "by"

    def right_np(self, q: int, stop: int | None = None, binding: bool = False) -> tuple[list[_Unit], list[_Event], int]:
        q = self.skip(q, ("ADV", "DET"))
        end = self.np_end(q, stop, binding)
        ents = [e for e in self.entities(q, end) if self.heads_allow(self.units.index(e), q)
                and not self.modifies_noun(self.units.index(e))]
        events = [e for e in self.events(q, end) if all(self.heads_allow(self.units.index(t), q) for t in e.themes)]
        return ents, events, end

    def modifies_noun(self, i: int) -> bool:
        """An entity that only qualifies the noun after it ("acetaldehyde accumulation", "NF-κB target genes",
        "the NF-κB inhibitor")."""
        nxt = self.at(i + 1)
        return (nxt is not None and nxt.kind == "W" and nxt.tag in ("", "AGENT") and nxt.start > self.units[i].end
                and nxt.low not in _HEADS and nxt.low not in _OF_HEADS and nxt.low not in _PROCESS_NOUNS
                and not _looks_like_name(nxt.text))

    def heads_allow(self, i: int, q: int) -> bool:
        """Whether "<noun> of <entity>" names the entity itself ("the C-terminal region of Rpn13", "two
        molecules of pyruvate"), not an unknown event ("the ubiquitination of TBK1", "downstream of TLR4")."""
        j = i - 1
        while j > q and self.units[j].low != "of" and not (
                self.units[j].tag in ("V", "REL", "SUB") or self.units[j].text in (";", ":")):
            j -= 1
        if j <= q or self.units[j].low != "of":
            return True
        head = self.units[j - 1]
        return head.low in _HEADS or head.low in _OF_HEADS or head.tag in ("N", "LIST")

    def select(self, start: int, end: int, event_subject: bool = True) -> _Side | None:
        """The subject entities of units start..end-1: those before any preposition but "of"/"in"
        ("IL-6 secreted by Kupffer cells", "the recruitment of TOPBP1 to the ssDNA region"); with
        ``event_subject``, a phrase that starts with an event noun names all its entities ("Binding by gD to
        HvEM")."""
        cands, blocked, loss = [], False, False
        j = start
        while j < end:
            u = self.units[j]
            if u.text in "([" and j in self.pair:
                if not blocked:
                    cands.extend(self.apposition(j))
                j = self.pair[j] + 1
                continue
            if u.tag == "PREP" and u.low not in ("of", "in"):
                blocked = True
            if not blocked and (u.low in _LOSS or (u.tag == "N" and _NOUNS.get(u.lemma, ("",))[0] == "inhibition")
                                or (u.tag == "V" and u.form == "ed" and _VERBS.get(u.lemma, ("", 0))[1] < 0)):
                loss = True
            if u.entity and not blocked:
                cands.append(u)
            j += 1
        if not cands and self.units[start].low in ("these", "this") and self.previous_complex and \
                self.at(start + 1) is not None and self.units[start + 1].low in _COMPLEX_NOUNS:
            return _Side(self.previous_complex, self.units[start].start)  # "These heterodimers form a complex with Y"
        if not cands:
            first = self.at(self.skip(start, ("DET", "")))
            if not event_subject or first is None or first.tag != "N":
                return None
            cands = self.entities(start, end)  # "Binding by gD to HvEM"
            if not cands:
                return None
        event = None
        for k in range(start, end):
            u = self.units[k]
            if u.tag == "N" and u.lemma in _NOUNS and _NOUNS[u.lemma][0] not in ("binding", "change"):
                if set(map(id, self.of_themes(k, end) or self.pre_themes(k, start))) & set(map(id, cands)):
                    event = _NOUNS[u.lemma]
                    break
        return _Side(cands, self.units[start].start, loss=loss, event=event)

    def left_np(self, i: int) -> _Side | None:
        """The noun phrase that ends at unit i, read as a subject."""
        j, has_cc = i, False
        while j >= 0:
            u = self.units[j]
            if u.kind == "P":
                if u.text in ")]" and j in self.pair:
                    j = self.pair[j] - 1
                    continue
                if u.text in ("/", "-", "–"):
                    j -= 1
                    continue
                prev = self.at(j - 1)
                if u.text == "," and has_cc and prev is not None and (
                        prev.kind == "E" or prev.text == ")" or (prev.kind == "W" and prev.tag in ("", "LIST"))):
                    j -= 1
                    continue
                break
            if u.kind == "W":
                if u.tag in ("REL", "SUB", "MODAL", "AUX", "DO", "NEG") or (
                        u.tag == "PRON" and u.low in ("it", "they")):
                    break
                if self.is_verb(j) and u.tag != "MOD":
                    break
                has_cc |= u.tag == "CC"
            j -= 1
        return self.select(j + 1, i + 1)

    def tight_np(self, i: int) -> _Side | None:
        """The noun phrase that ends at unit i, without prepositional phrases (a relative's antecedent)."""
        j = i
        while j >= 0:
            u = self.units[j]
            if u.kind == "P" and u.text in ")]" and j in self.pair:
                j = self.pair[j] - 1
                continue
            if u.kind == "P" and u.text not in ("/", "-", "–", ","):
                break
            prev = self.at(j - 1)
            if u.text == "," and not (prev is not None and (prev.kind == "E" or prev.text == ")" or (
                    prev.kind == "W" and prev.tag in ("", "LIST")))):
                break
            if u.kind == "W" and (u.tag not in ("", "CC", "DET", "N", "ADV", "LIST") or (
                    u.tag == "PREP" and u.low != "of")) and u.low not in _HEADS:
                if not (u.tag == "PREP" and u.low == "of"):
                    break
            nxt = self.at(j + 1)
            if u.tag == "CC" and nxt is not None and nxt.tag in ("DET", "N"):
                break  # "the inhibition of BCL-2, and the upregulation of BIM, which": BIM's phrase only
            before = self.at(j - 1)
            if u.tag == "DET" and not (before is not None and before.low == "of"):
                j -= 1
                break  # the determiner opens the phrase
            j -= 1
        side = self.select(j + 1, i + 1)
        if side is not None:
            side.ents = [u for u in side.ents if self.units.index(u) <= i]
        return side if side is not None and side.ents else None

    # ---- who does it

    def group(self, t: int) -> tuple[int, bool, bool, bool, bool]:
        """(first unit, hedged, negated, with a form of 'be', infinitive) of the verb group ending at t."""
        i, hedge, neg, aux, inf = t - 1, False, False, False, False
        while i >= 0:
            u = self.units[i]
            if u.tag == "ADV":
                pass
            elif u.tag == "MODAL":
                hedge |= u.low in _HEDGES
            elif u.tag == "NEG" and u.low in ("not", "never", "cannot", "unable"):
                nxt = self.at(i + 1)
                neg |= not (nxt is not None and nxt.low == "only")  # "not only activates X but also Y"
            elif u.tag in ("AUX", "DO"):
                aux |= u.tag == "AUX" and u.low not in ("has", "have", "had")
            elif u.low == "to" and not aux:
                inf = True
                before = self.at(self.skip(i - 1, step=-1))
                neg |= before is not None and before.low in ("fail", "fails", "failed", "unable")
                return i, hedge, neg, aux, inf
            else:
                break
            i -= 1
        return i + 1, hedge, neg, aux, inf

    def agent_of(self, t: int) -> _Side | None:
        if t in self.agents:
            return self.agents[t]
        self.agents[t] = None  # guards against loops
        g, hedge, neg, _aux, inf = self.group(t)
        if inf:
            side = self.control(g)
        elif self.units[t].form == "ing":
            side = self.participle_agent(t, g)
        else:
            side = self.left_agent(g)
        if side is not None:
            side = _Side(side.ents, side.start, side.hedge or hedge, side.neg or neg, side.loss, side.event)
        self.agents[t] = side
        return side

    def left_agent(self, g: int) -> _Side | None:
        u = self.at(g - 1)
        if u is None:
            return None
        if u.tag == "REL":
            return self.antecedent(g - 1)
        if u.tag == "PRON":
            return self.pronoun(g - 1)
        if u.text == ",":
            opening = self.appositive_start(g - 1)
            if opening is not None:  # "MDM2, a negative regulator of p53, is induced by STAT3"
                return self.left_agent(opening)
        if u.tag == "CC" or u.text == ",":
            return self.coordinated(g - 1)
        if u.kind == "P" and u.text not in ")]":
            return None
        if u.tag in ("SUB", "PREP", "DET", "LIST", "V"):
            return None
        return self.left_np(g - 1)

    def appositive_start(self, comma: int) -> int | None:
        """The comma that opens an appositive ", a negative regulator of p53," or ", the adaptor of X," closed at
        ``comma``."""
        for j in range(comma - 1, max(-1, comma - 15), -1):
            u = self.units[j]
            if u.text == ",":
                first = self.at(j + 1)
                return j if first is not None and first.low in ("a", "an", "the") and j > 0 and \
                    self.units[j - 1].kind == "E" else None
            if self.is_verb(j) or u.tag in ("REL", "SUB") or u.text in (";", ":", "."):
                return None
        return None

    def coordinated(self, i: int) -> _Side | None:
        """"X binds Y and activates Z", "miR-223, which interferes with ... and inhibits Y": the subject of
        the verb before, or what the relative pronoun before refers to."""
        for j in range(i - 1, -1, -1):
            u = self.units[j]
            if u.text in (";", ":", "."):
                return None
            if u.tag == "REL" and (j == 0 or self.units[j - 1].text == "," or self.antecedent(j)):
                return self.antecedent(j)
            if self.is_verb(j) and u.tag != "MOD":
                return self.agent_of(j)
        return None

    def participle_agent(self, t: int, g: int) -> _Side | None:
        """Who does what a participle says: ", reducing Y" -> the clause's subject; ", leading to Y" -> the
        clause's last entity; "by inhibiting Y" -> the subject of the verb before."""
        u = self.at(g - 1)
        if u is None:
            return None
        if u.text == "," or u.tag == "SUB":
            if self.units[t].lemma in ("lead", "result", "cause"):
                return self.last_theme(g - 1)
            main = self.prev_verb(g - 1, finite=True)
            return self.agent_of(main) if main is not None else self.clause_subject(g - 1)
        if u.tag == "PREP" and u.low in ("by", "via", "through", "upon", "without"):
            main = self.prev_verb(g - 1, finite=True)
            side = self.agent_of(main) if main is not None else None
            if side is not None and u.low == "without":
                side = _Side(side.ents, side.start, side.hedge, True)
            return side
        if u.tag == "CC":
            return self.coordinated(g - 1)
        if u.kind == "E" or u.low in _HEADS or u.text == ")":
            return self.left_np(g - 1)
        return None

    def control(self, to: int) -> _Side | None:
        """The subject of "to V": "X binds Y to activate Z" -> X; "X activates Y to initiate Z" -> Y;
        "X is known to involve Y" -> X."""
        k = self.skip(to - 1, step=-1)
        u = self.at(k)
        if u is not None and u.tag == "RAISE":
            k = self.skip(k - 1, ("AUX", "ADV", "MODAL", "NEG"), step=-1)
            return self.left_agent(k + 1)
        governor = self.prev_verb(to)
        if governor is None or governor < self.clause_start(to):
            side = self.clause_subject(to)
            if side is not None:
                side.hedge = any(u.low in _HEDGES for u in self.units[self.clause_start(to):to])
            return side
        if self.units[governor].lemma in _OBJECT_CONTROL:
            q = governor + 1
            if self.at(q) is not None and self.units[q].low == "for":
                q += 1
            ents, _events, end = self.right_np(q, stop=to)
            if ents and end == to:
                return _Side(ents, ents[0].start)
        return self.agent_of(governor)

    def antecedent(self, r: int) -> _Side | None:
        """What "which"/"that" at r refers to: the noun phrase right before, when it names entities."""
        j = r - 1
        if self.at(j) is not None and self.units[j].text == ",":
            j -= 1
        u = self.at(j)
        if u is None:
            return None
        if u.text == ")" and j in self.pair:
            ents = self.apposition(self.pair[j])
            if ents:
                return _Side(ents, self.units[self.pair[j]].start)
            j = self.pair[j] - 1
            u = self.at(j)
            if u is None:
                return None
        if u.entity or (u.kind == "W" and u.tag in ("", "N")):
            return self.tight_np(j)
        return None

    def pronoun(self, p: int) -> _Side | None:
        """"it"/"this molecule" -> the nearest entity before, or the previous sentence's subject;
        "they" -> the subject of the verb before."""
        u = self.units[p]
        if u.low in ("its", "their"):
            return None
        before = [v for v in self.units[:p] if v.entity]
        if not before:
            if self.previous_subject:
                return _Side(list(self.previous_subject), u.start)
            return None
        if u.low == "they":
            prev = self.prev_verb(p)
            return self.agent_of(prev) if prev is not None else None
        return _Side([before[-1]], before[-1].start)

    def clause_subject(self, i: int) -> _Side | None:
        """The subject of the clause unit i is in: entities before its first verb."""
        start = self.clause_start(i)
        end = next((j for j in range(start, i) if self.is_verb(j)), i)
        return self.select(start, end, event_subject=False) if start < end else None

    def last_theme(self, i: int) -> _Side | None:
        """The last entity of the clause before unit i that is not in a by-phrase; in a relative clause
        without one ("STING, which dimerizes, leading to"), what the relative pronoun refers to."""
        start = self.clause_start(i)
        if start and self.units[start - 1].tag == "REL" and not any(u.entity for u in self.units[start:i]):
            return self.antecedent(start - 1)
        for j in range(i - 1, start - 1, -1):
            u = self.units[j]
            if not u.entity or self.in_by_phrase(j):
                continue
            group = [u]
            k = j - 1
            while k >= start and (self.units[k].kind == "E" or self.units[k].tag == "CC"
                                  or self.units[k].text in ("/", ",")):
                if self.units[k].entity:
                    group.insert(0, self.units[k])
                k -= 1
            return _Side(group, group[0].start)
        return None

    def main_subject(self) -> list[_Unit]:
        """The subject of the sentence's first verb that has one (for "It ..." in the next sentence)."""
        for t in range(len(self.units)):
            if self.is_verb(t) and self.units[t].form != "ing":
                side = self.agent_of(t)
                if side is not None and side.ents and all(e in self.units for e in side.ents):
                    return side.ents
        return []

    # ---- statements

    def add(self, source: _Unit, target: _Unit, kind: str | None, hedged: bool, lo: int, hi: int) -> None:
        if kind is None or source.key == target.key:
            return
        if kind in UNDIRECTED and target.start < source.start:
            source, target = target, source
        self.found.append((source, target, kind, hedged, lo, hi))

    def emit(self, agent: _Side, ents: list[_Unit], events: list[_Event], vtype: str | None, sign: int,
             hedged: bool, t: int) -> None:
        """Relations from an agent to a verb's object: its events, else its entities."""
        u = self.units[t]
        agent_keys = {a.key for a in agent.ents}
        if agent_keys & {e.key for e in ents} or agent_keys & {th.key for e in events for th in e.themes}:
            return
        covered = set()
        for event in events:
            for theme in event.themes:
                covered.add(id(theme))
                for a in agent.ents:
                    kind = _combine(vtype, sign, event, theme, self.lexicon)
                    if agent.loss and kind in ("activation", "inhibition"):
                        kind = "regulation"
                    self.add(a, theme, kind, hedged, min(agent.start, u.start), max(theme.end, u.end))
        if vtype is None:
            return
        for target in ents:
            if id(target) in covered:
                continue
            for a in agent.ents:
                kind = "regulation" if agent.loss and vtype in ("activation", "inhibition") else vtype
                self.add(a, target, kind, hedged, min(agent.start, u.start), max(target.end, u.end))

    def pairwise(self, ents: list[_Unit], hedged: bool, lo: int, hi: int) -> None:
        for i, a in enumerate(ents):
            for b in ents[i + 1:]:
                self.add(a, b, "binding", hedged, lo, hi)

    def verb(self, t: int, converted: set[int]) -> None:
        u = self.units[t]
        lemma = u.lemma
        if lemma == "form":
            self.form_complex(t)
            return
        if lemma not in _VERBS or not self.is_verb(t) or t in converted:
            return
        vtype, sign = _VERBS[lemma]
        g, hedge, neg, aux, _inf = self.group(t)
        if lemma == "responsible" and not aux:
            return  # "pathways responsible for the synthesis of sterols": no statement
        if neg or self.negated_clause(t):
            return
        adverbs = {self.units[i].low for i in range(g, t)}
        if "transcriptionally" in adverbs and vtype == "activation":
            vtype = "expression"
        elif vtype == "regulation" and adverbs & {"positively", "negatively"}:
            vtype, sign = ("activation", 1) if "positively" in adverbs else ("inhibition", -1)
        j = self.skip(t + 1)
        by = self.at(j)
        if u.form == "ed" and (aux or (by is not None and by.low == "by" and u.tag != "MOD")):
            self.passive(t, g, vtype, sign, hedge, aux)
            return
        if u.form == "ed" and vtype == "binding":
            if by is not None and by.low in ("to", "with"):
                self.passive(t, g, vtype, sign, hedge, False)  # "X bound to Y", "X associated with Y"
            return
        agent = self.agent_of(t)
        if agent is None or agent.neg:
            return
        hedged = hedge or agent.hedge
        nxt = self.at(j)
        if lemma == "involve":  # "Y involves X": X regulates Y
            ents, _events, _end = self.right_np(j)
            for target in ents:
                for a in agent.ents:
                    self.add(target, a, "regulation", hedged, min(agent.start, u.start), target.end)
            return
        if vtype == "binding" and nxt is not None and (nxt.tag == "OTHER" or nxt.low == "together" or (
                nxt.low == "with" and self.at(j + 1) is not None and self.units[j + 1].tag == "OTHER")):
            self.pairwise(agent.ents, hedged, agent.start, nxt.end)
            return
        required = {"lead": "to", "result": "in", "contribute": "to"}.get(lemma)
        if required:
            if nxt is None or nxt.low != required:
                return
            j += 1
        elif vtype == "binding" and nxt is not None and nxt.low in ("to", "with", "onto"):
            j += 1
        nxt = self.at(j)
        if nxt is not None and nxt.tag == "CC" and self.is_verb(self.skip(j + 1)):
            j = self.skip(self.skip(j + 1) + 1)  # "recruits and activates ATM": the object is shared
        ents, events, _end = self.right_np(j, binding=vtype == "binding")
        if vtype == "binding" or vtype == "phosphorylation":
            events = []
        if not ents and not events:
            after = self.at(self.skip(t + 1))
            alone = after is None or after.kind == "P" or after.tag in ("CC", "SUB", "REL") or (
                after.low == "to" and self.is_verb(self.skip(self.units.index(after) + 1)))
            if lemma in _SYMMETRIC and len(agent.ents) > 1 and alone:
                self.pairwise(agent.ents, hedged, agent.start, u.end)  # "STAT1 and STAT2 which dimerize"
            return
        self.emit(agent, ents, events, vtype, sign, hedged, t)

    def passive(self, t: int, g: int, vtype: str | None, sign: int, hedge: bool, aux: bool) -> None:
        """"Y is activated by X", "Y levels are regulated by X", "Tau hyperphosphorylation caused by ERK",
        "SGTA is recruited to Y"."""
        u = self.units[t]
        theme = self.left_agent(g) if aux else self.left_np(t - 1)
        if theme is None or theme.neg:
            return
        j = self.skip(t + 1)
        nxt = self.at(j)
        if nxt is None:
            return
        hedged = hedge or theme.hedge
        if vtype == "binding" and nxt.low in ("to", "with"):
            ents, _events, _end = self.right_np(j + 1)
            for target in ents:
                for a in theme.ents:
                    self.add(a, target, "binding", hedged, min(theme.start, u.start), target.end)
            return
        if nxt.low != "by":
            return
        agents = self.by_agents(j)
        event = _Event(*theme.event, theme.ents) if theme.event else None
        for a in agents:
            for target in theme.ents:
                kind = _combine(vtype, sign, event, target, self.lexicon) if event else vtype
                self.add(a, target, kind, hedged, min(theme.start, u.start), max(a.end, u.end))

    def by_agents(self, by: int) -> list[_Unit]:
        """The entities of the noun phrase after "by" when it names them ("by ERK and GSK-3β", "by the kinase
        ATM"), not an action ("by recovering MAVS signaling")."""
        q = self.skip(by + 1, ("ADV", "DET"))
        for _ in range(3):
            u = self.at(q)
            if u is None or u.kind != "W" or u.tag != "" or u.low.endswith("ing"):
                break
            q += 1
        if self.at(q) is None or not self.units[q].entity:
            return []
        return self.entities(q, self.np_end(q))

    def form_complex(self, t: int) -> None:
        """"X and Y form a complex", "X forms a heterodimer with Y"."""
        j = self.skip(t + 1, ("DET", "ADV", ""))
        noun = self.at(j)
        if noun is None or noun.low not in _COMPLEX_NOUNS or not self.is_verb(t):
            return
        g, hedge, neg, _aux, _inf = self.group(t)
        agent = self.agent_of(t)
        if neg or agent is None or agent.neg:
            return
        hedged = hedge or agent.hedge
        after = self.at(j + 1)
        if after is not None and after.low == "with":
            ents, _events, _end = self.right_np(j + 2, binding=True)
            for target in ents:
                for a in agent.ents:
                    self.add(a, target, "binding", hedged, agent.start, target.end)
        else:
            self.pairwise(agent.ents, hedged, agent.start, noun.end)

    def nominal(self) -> None:
        """Statements without a verb: complexes, "interaction of X with Y", "activation of Y by X",
        "X inhibition of Y", "X-induced Y expression", "X, a negative regulator of Y",
        "its interacting protein Y"."""
        units = self.units
        for k, u in enumerate(units):
            if u.kind == "E" and u.mod in _RELATION_MODS and not u.negated:
                m = k + 1
                while m < len(units) and units[m].tag != "MOD":
                    m += 1
                ents, events, _end = self.right_np(m + 1)
                side = self.joined_agents(k, u)
                if side is None:
                    continue
                if events:
                    self.emit(side, [], events, "activation", 1, False, k)
                elif ents and ents[0] is self.at(self.skip(m + 1, ("ADV", "DET"))):
                    for agent in side.ents:
                        self.add(agent, ents[0], "activation", False, side.start, ents[0].end)
                continue
            if u.kind != "W":
                continue
            if u.low in _COMPLEX_NOUNS:
                self.complex_members(k)
            elif u.tag == "N" and _NOUNS.get(u.lemma, ("",))[0] == "binding":
                self.binding_noun(k)
            elif u.tag == "N" and u.lemma in _NOUNS and _NOUNS[u.lemma][0] not in ("amount", "change"):
                self.event_noun(k)
            elif u.tag == "AGENT":
                self.agent_noun(k)
            elif u.low in ("effect", "effects") and self.at(k - 1) is not None and units[k - 1].low in _EFFECTS:
                self.effect(k)
            elif u.low in ("its", "their"):
                self.partner(k)
            elif u.low in ("consisting", "composed", "comprising") and self.at(k + 1) is not None and \
                    units[k + 1].low == "of":
                self.subunits(k)

    def complex_members(self, k: int) -> None:
        """Members of a complex bind each other: "the RAR/RXR heterodimer", "BAG6 complex, composed of Bag6,
        TRC35 and UBL4A", "receptor complex IFNAR1/2"; "P-Smad2/3-Smad4 complex": Smad2 and Smad3 each bind
        Smad4 (a name written once with two numbers, "Smad2/3", "ULK1/2", gives alternatives before the noun)."""
        groups: list[list[_Unit]] = [[]]
        j = k - 1
        while j >= 0 and (self.units[j].kind == "E" or self.units[j].text in ("/", "-", "–")
                          or self.units[j].low == "and"):
            if self.units[j].entity:
                groups[0].insert(0, self.units[j])
            elif self.units[j].text in ("-", "–") and groups[0]:
                groups.insert(0, [])
            j -= 1
        groups = [g for g in groups if g]
        before = [m for g in groups for m in g]
        nxt = self.at(k + 1)
        if before and nxt is not None and nxt.low == "with":  # "Smad2 and Smad3 complex with Smad4"
            ents, _events, _end = self.right_np(k + 2, binding=True)
            for target in ents:
                for a in before:
                    self.add(a, target, "binding", False, before[0].start, target.end)
            return
        j, comma = k + 1, False
        if nxt is not None and nxt.text == ",":
            j, comma = j + 1, True
            nxt = self.at(j)
        after: list[_Unit] = []
        if nxt is not None and nxt.text in "([":
            after = self.apposition(j)
        elif nxt is not None and nxt.kind == "E" and not comma:  # "receptor complex IFNAR1/2"
            after = self.entities(j, self.np_end(j))
        elif nxt is not None and (nxt.low in ("of", "between", *_MEMBERS_FOLLOW) or nxt.tag == "LIST"):
            q = j + 1
            while self.at(q) is not None and self.units[q].low in ("of", "by"):
                q += 1
            after = self.entities(q, self.np_end(q))
        if self.negated_clause(k):
            return
        members: list[_Unit] = []
        for e in before + after:
            if e.key not in {m.key for m in members}:
                members.append(e)
        if len(members) < 2:
            return
        self.complex = members
        lo, hi = min(m.start for m in members), max(m.end for m in members)
        if after or len(groups) == 1:
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if after or not _one_name(a, b):
                        self.add(a, b, "binding", False, lo, hi)
            return
        for i, group in enumerate(groups):
            for a in group:
                for other in groups[i + 1:]:
                    for b in other:
                        self.add(a, b, "binding", False, lo, hi)

    def binding_noun(self, k: int) -> None:
        """"interaction of X with Y", "interaction between X and Y", "binding of X to Y", "X binding to Y",
        "Engagement of X by Y"; "through binding to Y" -> the subject of the verb before."""
        u = self.units[k]
        if self.negated_noun(k):
            return
        nxt = self.at(k + 1)
        prev = self.at(k - 1)
        if nxt is not None and nxt.low == "between":
            ents = self.entities(k + 2, self.np_end(k + 2))
            self.pairwise(ents, False, u.start, ents[-1].end if ents else u.end)
            return
        if nxt is not None and nxt.low == "of":
            end = self.np_end(k + 2, events=False)
            first = self.entities(k + 2, end)
        else:
            end, first = k + 1, self.pre_themes(k, 0)
            pair = [self.at(k - 1), self.at(k - 2), self.at(k - 3)]
            if pair[0] is not None and pair[0].entity and pair[1] is not None and \
                    (pair[1].text in _HYPHENS or pair[1].text in ("/", ":")) and pair[2] is not None and pair[2].entity:
                self.add(pair[2], pair[0], "binding", False, pair[2].start, u.end)  # "the PD-1/PD-L1 interaction"
                return
        if not first and prev is not None and prev.low in ("through", "by", "via") and u.lemma == "binding":
            main = self.prev_verb(k - 1, finite=True)
            side = self.agent_of(main) if main is not None else None
            first = side.ents if side is not None and not side.neg else []
        partner = self.at(end)
        if nxt is not None and nxt.low == "of" and len(first) > 1 and self.joined(k + 2, end) and not (
                partner is not None and partner.low in ("with", "to", "by")):
            self.pairwise(first, False, u.start, first[-1].end)  # "the interaction of IKKε and DDX3"
            return
        if not first or partner is None or partner.low not in ("with", "to", "by"):
            return
        ents = self.entities(end + 1, self.np_end(end + 1))
        for a in first:
            for b in ents:
                self.add(a, b, "binding", False, min(a.start, u.start), b.end)

    def joined(self, q: int, end: int) -> bool:
        """Units q..end-1 are entities joined by "and" (with determiners and commas between)."""
        words = [u for u in self.units[q:end] if not (u.entity or u.tag == "DET" or u.text == ",")]
        return bool(words) and all(u.low == "and" for u in words)

    def event_noun(self, k: int) -> None:
        """"activation of Y by X", "Y phosphorylation by X", "X inhibition of Y"."""
        u = self.units[k]
        if self.negated_noun(k):
            return
        etype, sign = _NOUNS[u.lemma]
        of = self.at(k + 1) is not None and self.units[k + 1].low == "of"
        end = self.np_end(k + 2, events=False) if of else k + 1
        themes = self.of_themes(k, end) or self.pre_themes(k, 0)
        if not themes:
            return
        by = self.at(end)
        agents: list[_Unit] = []
        if by is not None and (by.low == "by" or (by.low == "via" and etype != "translocation")):
            agents = self.by_agents(end)  # "activation of Y by X", "Y activation via X" (not "via the X/Y pathway")
            if by.low == "via" and self.names_pathway(end + 1):
                agents = []
            if agents and self.respectively(self.units.index(agents[-1]) + 1):
                self.respective(k, of, themes, end, agents, etype, sign, u)
                return
        prev = self.at(k - 1)
        if not agents and prev is not None and prev.entity and self.at(k + 1) is not None and \
                self.units[k + 1].low == "of" and etype in ("activation", "inhibition", "phosphorylation"):
            agents = [prev]
        hedged = False
        if not agents and prev is not None and prev.low in ("through", "via") and of:
            main = self.prev_verb(k - 1, finite=True)  # "X promotes Y through induction of Z": X induces Z
            side = self.agent_of(main) if main is not None and not self.group(main)[3] else None
            if side is not None and not side.neg:
                agents, hedged = side.ents, side.hedge
        event = _Event(etype, sign, themes, u.lemma)
        for a in agents:
            for theme in themes:
                self.add(a, theme, _combine(None, 1, event, theme, self.lexicon), hedged, min(a.start, u.start),
                         max(a.end, theme.end))

    def names_pathway(self, q: int) -> bool:
        """The noun phrase at q names a pathway ("the ERK/p38/MAPK pathway", "MAPK signaling")."""
        end = self.np_end(q)
        return any(u.low in _CHAIN_HEADS or u.text == "/" for u in self.units[q:end])

    def respectively(self, j: int) -> bool:
        j += 1 if self.at(j) is not None and self.units[j].text == "," else 0
        return self.at(j) is not None and self.units[j].low == "respectively"

    def conjuncts(self, q: int, end: int) -> list[_Unit | None]:
        """The entity of each conjunct of units q..end-1 split at "and"/"or"/"," (None: a conjunct naming none)."""
        out: list[_Unit | None] = [None]
        for u in self.units[q:end]:
            if u.tag == "CC" or u.text == ",":
                out.append(None)
            elif u.entity and out[-1] is None:
                out[-1] = u
        return out

    def respective(self, k: int, of: bool, themes: list[_Unit], end: int, agents: list[_Unit], etype: str,
                   sign: int, u: _Unit) -> None:
        """"IRFs and NF-κB activation via TRAF3 and TRAF6, respectively": the n-th agent acts on the n-th theme."""
        if of:
            theme_parts = self.conjuncts(k + 2, end)
        else:
            q = k - 1
            while q >= 0 and (self.units[q].kind == "E" or self.units[q].tag in ("CC", "")) and \
                    self.units[q].text not in "()[]":
                q -= 1
            theme_parts = self.conjuncts(q + 1, k)
        first = self.units.index(agents[0])
        agent_parts = self.conjuncts(first, self.units.index(agents[-1]) + 1)
        if len(theme_parts) != len(agent_parts):
            return
        for a, theme in zip(agent_parts, theme_parts):
            if a is not None and theme is not None:
                event = _Event(etype, sign, [theme], u.lemma)
                self.add(a, theme, _combine(None, 1, event, theme, self.lexicon), False, min(a.start, theme.start),
                         max(a.end, theme.end))

    def agent_noun(self, k: int) -> None:
        """"X, a key negative regulator of Y" and "the Y inhibitor, X"."""
        u = self.units[k]
        kind = _AGENT_NOUNS[u.low]
        signs = {self.units[i].low for i in range(max(0, k - 3), k)}
        if kind == "regulation" and "negative" in signs:
            kind = "inhibition"
        elif kind == "regulation" and "positive" in signs:
            kind = "activation"
        nxt = self.at(k + 1)
        if nxt is not None and nxt.low == "of":
            j = k - 1
            while j >= 0 and self.units[j].kind == "W" and self.units[j].tag in ("ADV", "DET", "") \
                    and self.units[j].low != "as":
                j -= 1
            before = self.at(j)
            side = None
            if before is not None and before.text == "," and self.at(j - 1) is not None and self.units[j - 1].entity:
                side = _Side([self.units[j - 1]], self.units[j - 1].start)  # "MDM2, a negative regulator of p53"
            elif before is not None and before.low == "as":  # "X acts as an inhibitor of Y"
                v = self.skip(j - 1, step=-1)
                if self.at(v) is not None and self.units[v].tag in ("V", "AUX"):
                    side = self.agent_of(v) if self.is_verb(v) else self.left_agent(self.group(v + 1)[0])
            elif before is not None and before.tag == "AUX":  # "X is a negative regulator of Y"
                g, hedge, neg, _aux, _inf = self.group(j + 1)
                side = None if neg else self.left_agent(g)
            if side is None or side.neg or self.negated_clause(k):
                return
            for target in self.entities(k + 2, self.np_end(k + 2, events=False)):
                for agent in side.ents:
                    self.add(agent, target, kind, side.hedge, min(side.start, u.start), target.end)
            return
        target = self.at(k - 1)
        j = k + 1 + (1 if nxt is not None and nxt.text == "," else 0)
        agent = self.at(j)
        if target is not None and target.entity and agent is not None and agent.entity:
            self.add(agent, target, kind, False, target.start, agent.end)

    def effect(self, k: int) -> None:
        """"X has an inhibitory effect on Y", "X exerts stimulatory effects on Y"."""
        kind = _EFFECTS[self.units[k - 1].low]
        on = self.at(k + 1)
        v = self.skip(self.skip(k - 2, ("ADV", "DET", ""), step=-1), step=-1)
        verb = self.at(v)
        if on is None or on.low != "on" or verb is None or verb.low not in ("has", "have", "had", "exert", "exerts",
                                                                              "exerted"):
            return
        g, hedge, neg, _aux, _inf = self.group(v)
        side = self.left_agent(g)
        if side is None or neg or side.neg or self.negated_clause(k):
            return
        ents, _events, _end = self.right_np(k + 2)
        for target in ents:
            for agent in side.ents:
                self.add(agent, target, kind, hedge or side.hedge, min(side.start, verb.start), target.end)

    def subunits(self, k: int) -> None:
        """"the receptor (consisting of two subunits, IFNAR1 and IFNAR2)": the subunits bind each other."""
        j = k - 1
        while j >= 0 and (self.units[j].text in ("(", ",") or self.units[j].tag == "DET"):
            j -= 1
        head = self.at(j)
        if head is None or head.low not in _COMPLEX_NOUNS | {"receptor", "receptors", "holoenzyme"} \
                or (head.low in _COMPLEX_NOUNS and head.tag == "N" and j + 1 == k):
            return  # "complex composed of" is read with the complex
        q = k + 2
        while self.at(q) is not None and self.units[q].kind == "W" and self.units[q].tag in ("DET", "") \
                or (self.at(q) is not None and self.units[q].text == ","):
            q += 1
        members = []
        for e in self.entities(q, self.np_end(q)):
            if e.key not in {m.key for m in members}:
                members.append(e)
        if len(members) > 1 and not self.negated_noun(k):
            self.pairwise(members, False, members[0].start, members[-1].end)

    def partner(self, k: int) -> None:
        """"its interacting protein ATRIP", "its binding partner Y": binding with what "its" refers to."""
        words = [self.at(k + 1), self.at(k + 2)]
        if not words[0] or words[0].low not in ("interacting", "binding", "partner"):
            return
        j = k + 2 if words[0].low == "partner" else k + 3
        if words[0].low != "partner" and not (words[1] and words[1].low in ("protein", "partner", "partners")):
            return
        target = self.at(j)
        owner = next((v for v in reversed(self.units[:k]) if v.entity), None)
        if target is not None and target.entity and owner is not None:
            self.add(owner, target, "binding", False, owner.start, target.end)

    # ---- conversions of chemicals

    def chemicals(self, ents: list[_Unit]) -> list[_Unit]:
        return [e for e in ents if self.lexicon.entities[e.key].kind == "chemical"]

    def conversions(self) -> set[int]:
        """"A is converted to B", "converts A into B", "A is synthesized from B", "B is generated by
        cleavage of A", "conversion of A to B", ", and then into C". Returns the verbs used."""
        used = set()
        for t, u in enumerate(self.units):
            if u.tag == "N" and u.lemma in _CONVERSION_NOUNS and self.at(t + 1) and self.units[t + 1].low == "of":
                end = self.np_end(t + 2, events=False)
                self.convert(self.chemicals(self.entities(t + 2, end)), end, u)
            if u.tag != "V" or not self.is_verb(t) or (u.lemma not in _CONVERT and u.lemma not in _PRODUCE):
                continue
            g, _hedge, neg, aux, _inf = self.group(t)
            if neg:
                continue
            passive = aux and u.form == "ed"
            if passive:
                side = self.left_agent(g)
                source = self.chemicals(side.ents) if side else []
                if side is not None and not source and self.at(g - 1) and self.units[g - 1].tag == "REL":
                    source = self.chemicals([v for v in self.units[:g] if v.entity][-1:])
                    if not source:
                        source = next(([v] for v in reversed(self.units[:g]) if v.entity and self.chemicals([v])), [])
                if u.lemma in _PRODUCE:
                    if self.produced_from(t, source, u):
                        used.add(t)
                    continue
                if source and self.convert(source, t + 1, u):
                    used.add(t)
            elif u.lemma in _CONVERT:
                ents, _events, end = self.right_np(t + 1)
                if self.convert(self.chemicals(ents), end, u):
                    used.add(t)
        return used

    def convert(self, source: list[_Unit], j: int, verb: _Unit) -> bool:
        """Find "to/into B" after unit j (past by-phrases and place phrases of the same clause)."""
        made = False
        while source:
            while j < len(self.units) and self.units[j].low not in ("to", "into"):
                w = self.units[j]
                if w.text in (";", ":", ".") or w.tag in ("REL", "SUB") or self.is_verb(j) or (
                        w.text == "," and not (self.at(j + 1) and self.units[j + 1].low in ("and", "then"))):
                    return made
                j += 1
            if j >= len(self.units):
                return made
            ents, _events, end = self.right_np(j + 1)
            targets = self.chemicals(ents)
            for a in source:
                for b in targets:
                    self.add(a, b, "conversion", False, min(a.start, verb.start), b.end)
                    made = True
            source, j = targets, end  # "A is oxidized into B by ADH, and then into C by ALDH"
            if self.at(j) is not None and self.units[j].low == "by":
                j = self.np_end(j + 1)
            while self.at(j) is not None and (self.units[j].text == "," or self.units[j].tag in ("ADV", "CC")):
                j += 1
            if not (self.at(j) is not None and self.units[j].low in ("into", "to")):
                return made

    def produced_from(self, t: int, product: list[_Unit], verb: _Unit) -> bool:
        j = self.skip(t + 1)
        nxt = self.at(j)
        if not product or nxt is None:
            return False
        if nxt.low == "from":
            ents, _events, _end = self.right_np(j + 1)
        elif nxt.low == "by" and self.at(j + 1) and self.units[j + 1].low in _CONVERSION_NOUNS | {"cleavage"} \
                and self.at(j + 2) and self.units[j + 2].low == "of":
            ents, _events, _end = self.right_np(j + 3)
        else:
            return False
        made = False
        for a in self.chemicals(ents):
            for b in product:
                self.add(a, b, "conversion", False, min(b.start, verb.start), a.end)
                made = True
        return made

    # ---- chains

    def chains(self) -> list[tuple[_Unit, _Unit, int, int]]:
        """Slash-joined names of a pathway ("IL-6/JAK/STAT3 pathway", "Jak/Stat and Jak/Src pathways")."""
        out: list[tuple[_Unit, _Unit, int, int]] = []
        pending: list[list[_Unit]] = []
        units, i = self.units, 0
        while i < len(units):
            u = units[i]
            if u.kind == "E" or (u.kind == "W" and u.tag == ""):
                group, j = [u], i + 1
                while j + 1 < len(units) and units[j].text == "/" and units[j].start == units[j - 1].end and \
                        units[j + 1].kind in ("E", "W") and units[j + 1].start == units[j].end:
                    group.append(units[j + 1])
                    j += 2
                if len(group) > 1:
                    pending.append(group)
                nxt, after = self.at(j), self.at(j + 1)
                if nxt is not None and (nxt.low in _CHAIN_HEADS or (
                        nxt.low in _HEADS and after is not None and after.low in _CHAIN_HEADS)):
                    for g in pending:
                        out.extend((a, b, g[0].start, nxt.end) for a, b in zip(g, g[1:])
                                   if a.kind == "E" and b.kind == "E" and a.key != b.key
                                   and not (b.text.isdigit() or b.text in _GREEK_CHARS))
                    pending = []
                elif nxt is None or not (nxt.tag == "CC" or nxt.text == ","):
                    pending = []
                i = j
                continue
            if u.tag != "CC" and u.text != ",":
                pending = []
            i += 1
        return out

    # ---- output

    def relations(self, number: int, chains: bool) -> list[Relation]:
        used = self.conversions()
        for t in range(len(self.units)):
            if self.units[t].tag == "V":
                self.verb(t, used)
        self.nominal()
        found = [(s, t, k, h, lo, hi) for s, t, k, h, lo, hi in self.found]
        if chains:
            found += [(a, b, "chain", False, lo, hi) for a, b, lo, hi in self.chains()]
        out, seen = [], set()
        for source, target, kind, hedged, lo, hi in found:
            ends = tuple(sorted((source.key, target.key))) if kind in UNDIRECTED else (source.key, target.key)
            if (ends, kind) in seen:
                continue
            seen.add((ends, kind))
            start, end = self.offsets[lo], self.offsets[hi]
            out.append(Relation(source.key, target.key, kind, kind not in UNDIRECTED, hedged, number, self.text,
                                self.text[start:end], start, end, self.name(source), self.name(target)))
        return sorted(out, key=lambda r: (r.evidence_start, r.evidence_end, r.type, r.source, r.target))

    def name(self, u: _Unit) -> str:
        if u in self.units:
            return self.text[self.offsets[u.start]:self.offsets[u.end]]
        return u.text


def _one_name(a: _Unit, b: _Unit) -> bool:
    """Two names written as one ("Smad2/3": Smad2 and a bare "3")."""
    return (b.text.isdigit() or b.text in _GREEK_CHARS) and re.sub(r"\d+$", "", a.nkey) == re.sub(r"\d+$", "", b.nkey)


def _looks_like_name(word: str) -> bool:
    """A word that is likely a gene name the record does not list ("SOX2", "OCT4")."""
    return len(word) > 1 and (any(c.isdigit() for c in word) or word.isupper())


def _unmodified(u: _Unit) -> _Unit:
    """A copy of a modifier mention ("IL-6" of "IL-6-induced") that can be a relation's end."""
    copy = _Unit("E", u.text, u.start, u.end, u.key, u.nkey)
    return copy
