"""The normalised, immutable model of one PFOCR figure record."""

from __future__ import annotations

from dataclasses import dataclass, field

HUMAN, HUMAN_TAXON = "Homo sapiens", "9606"


@dataclass(frozen=True)
class GeneMention:
    """One gene row as the figure's OCR + lexicon produced it."""

    word: str  # raw OCR word, kept verbatim for provenance ("|FURIN", "→Akt")
    label: str  # clean display form of the word ("FURIN", "Akt")
    symbol: str  # lexicon symbol the word matched (a FamPlex family name on family rows)
    source: str  # hgnc_symbol | bioentities_symbol | hgnc_alias_symbol | hgnc_prev_symbol | ncbigene_* | famplex_relations
    hgnc_symbol: str  # gene symbol as the record gives it (HGNC's in v2021, NCBI Gene's in v2023; may be stale)
    entrez: str  # NCBI Gene id, digits only; authoritative
    taxon: str = HUMAN_TAXON  # NCBI Taxonomy id of the gene's organism (v2021 and 2020 lexicons are human)
    organism: str = HUMAN  # the organism's scientific name as the record gives it

    @property
    def is_family_member(self) -> bool:
        """True when the row is one member of a FamPlex family expanded from the word."""
        return self.source in FAMILY_SOURCES


FAMILY_SOURCES = frozenset({"bioentities_symbol", "famplex", "famplex_relations"})


@dataclass(frozen=True)
class TermMention:
    """A chemical or disease read off the figure (PubTator: MeSH, plus ChEBI or DOID in v2023)."""

    word: str  # raw word
    label: str  # clean display form
    mesh: str = ""  # MeSH id like "D009362" / "C032720" (no prefix), or ""
    mesh_name: str = ""  # MeSH name as the record gives it (v2023 ``match``), or ""
    ontology: str = ""  # "chebi" (chemicals) or "doid" (diseases) when the record gives such an id, else ""
    ontology_id: str = ""  # its local id, e.g. "15422" or "0060239"
    ontology_name: str = ""  # its name as the record gives it (v2023 ``name``), or ""


@dataclass(frozen=True)
class Figure:
    """One pathway figure: metadata plus the genes, chemicals and diseases on it."""

    figid: str
    title: str
    caption: str = ""
    pmcid: str = ""
    number: str = ""
    figlink: str = ""  # always with its leading "/" ("/pmc/articles/PMC…/figure/F1/")
    filename: str = ""
    papertitle: str = ""
    reftext: str = ""
    year: str | None = None
    organisms: tuple[str, ...] = ()
    organisms_ner: tuple[str, ...] = ()
    doi: str | None = None
    journal_title: str | None = None
    journal_nlm_ta: str | None = None
    publisher_name: str | None = None
    keywords: tuple[str, ...] = ()
    pathway_score: float | None = None  # v2021 pathway_score or v2023 automl_pathway
    ndex: str | None = None
    figid_alias: str | None = None
    genes: tuple[GeneMention, ...] = ()
    chemicals: tuple[TermMention, ...] = ()
    diseases: tuple[TermMention, ...] = ()
    schema: str = "v2021"  # v2021 | v2023 | bulk
    lexicon: str = "hgnc"  # "hgnc": human genes only (v2021, 2020 tables); "ncbigene": genes of many organisms (v2023)
    source_path: str = field(default="", compare=False)

    @property
    def figure_url(self) -> str:
        """Public link to the figure on PMC ("" when the record has no figlink)."""
        return f"https://www.ncbi.nlm.nih.gov{self.figlink}" if self.figlink else ""

    @property
    def paper_url(self) -> str:
        """Public link to the paper on PMC ("" when there is no PMC id)."""
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/" if self.pmcid else ""

    @property
    def pfocr_url(self) -> str:
        """The figure's page on pfocr.wikipathways.org."""
        return f"https://pfocr.wikipathways.org/figures/{self.figid}.html"
