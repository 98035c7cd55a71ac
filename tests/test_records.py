"""Reading PFOCR records: both schema generations and every quirk seen in real records."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from exporters.records import RecordError, clean_word, find_records, read_record

DATA = Path(__file__).parent / "data"

BASE = """\
figid: PMC1234567__fig1
pmcid: PMC1234567
figtitle: A test pathway
caption: Test caption.
figlink: /pmc/articles/PMC1234567/figure/F1/
number: Figure 1
year: '2019'
organisms:
- Homo sapiens
"""

GENES = """\
genes:
- word: JAK
  symbol: JAK
  source: bioentities_symbol
  hgnc_symbol: JAK1
  entrez: '3716'
- word: JAK
  symbol: JAK
  source: bioentities_symbol
  hgnc_symbol: JAK2
  entrez: '3717'
- word: STAT3
  symbol: STAT3
  source: hgnc_symbol
  hgnc_symbol: STAT3
  entrez: '6774'
"""


def record(tmp_path: Path, front: str, name: str = "rec.md") -> Path:
    path = tmp_path / name
    path.write_text(f"---\n{textwrap.dedent(front)}---\n", encoding="utf-8")
    return path


def test_seeds_read_with_their_genes(seed_figures):
    by_id = {f.figid: f for f in seed_figures}
    assert len(by_id) == 5
    lif = by_id["PMC4493903__nihms699976f1"]
    assert lif.title == "LIF is a new p53 negative regulator"
    assert [g.hgnc_symbol for g in lif.genes] == ["LIF", "TP53", "MDM2", "ID1", "LIFR", "STAT3"]
    assert lif.genes[1].word == "p53" and lif.genes[1].entrez == "7157"


def test_year_empty_becomes_none_and_quoted_year_stays_text(tmp_path, seed_figures):
    by_id = {f.figid: f for f in seed_figures}
    assert by_id["PMC4493903__nihms699976f1"].year is None  # year: ''
    assert by_id["PMC7048131__12964_2020_527_Fig5_HTML"].year == "2020"  # year: '2020'
    unquoted = read_record(record(tmp_path, BASE.replace("year: '2019'", "year: 2019") + "genes: []\n"))
    assert unquoted.year == "2019"


def test_organisms_as_plain_string_or_na(tmp_path, seed_figures):
    by_id = {f.figid: f for f in seed_figures}
    assert by_id["PMC7513516__12943_2020_1258_Fig1_HTML"].organisms == ("Homo sapiens",)  # plain string
    na = read_record(record(tmp_path, BASE.replace("- Homo sapiens", "- NA") + "genes: []\n"))
    assert na.organisms == ()


def test_genes_empty_list_with_chemicals_only(tmp_path):
    fig = read_record(record(tmp_path, BASE + "genes: []\nchemicals:\n- word: ATP\n  source: MESH\n"
                                              "  identifier: D000255\ndiseases: []\n"))
    assert fig.genes == () and fig.chemicals[0].identifier == "D000255"


def test_chemical_without_source_or_identifier_is_kept_without_xref(seed_figures):
    stat3 = {f.figid: f for f in seed_figures}["PMC7513516__12943_2020_1258_Fig1_HTML"]
    tyrosine = [c for c in stat3.chemicals if c.word == "tyrosine"]
    assert tyrosine and tyrosine[0].source == "" and tyrosine[0].identifier == ""


def test_exact_duplicate_gene_rows_are_dropped_in_order(tmp_path):
    dup = GENES + "\n".join(GENES.splitlines()[1:6]) + "\n"  # JAK1 row again
    fig = read_record(record(tmp_path, BASE + dup))
    assert [g.entrez for g in fig.genes] == ["3716", "3717", "6774"]


def test_entrez_as_quoted_or_plain_number(tmp_path):
    fig = read_record(record(tmp_path, BASE + GENES.replace("entrez: '6774'", "entrez: 6774")))
    assert fig.genes[-1].entrez == "6774"


@pytest.mark.parametrize("raw, clean", [
    ("|FURIN", "FURIN"), ("→Akt", "Akt"), ("•APC", "APC"), ("†BDNF", "BDNF"), ("(PKA", "PKA"),
    ("PLC,", "PLC"), ("'\"\"\"Ach\"'", "Ach"), ("miR-16,", "miR-16"),
    ("мнC-II", "MHC-II"), ("FOXOЗ", "FOXO3"), ("TGF-β", "TGF-β"), ("ΒRAF", "BRAF"),
])
def test_decorated_and_homoglyph_words_get_a_clean_label(raw, clean):
    assert clean_word(raw) == clean


def test_raw_word_is_kept_for_provenance(tmp_path):
    fig = read_record(record(tmp_path, BASE + GENES.replace("word: STAT3", "word: '|STAT3,'")))
    assert fig.genes[-1].word == "|STAT3," and fig.genes[-1].label == "STAT3"


def test_figlink_with_or_without_leading_slash(seed_figures):
    links = {f.figid: f.figlink for f in seed_figures}
    assert links["PMC7048131__12964_2020_527_Fig5_HTML"] == "/pmc/articles/PMC7048131/figure/Fig5/"
    assert links["PMC4493903__nihms699976f1"] == "/pmc/articles/PMC4493903/figure/F1/"


def test_caption_starting_with_dot(tmp_path):
    fig = read_record(record(tmp_path, BASE.replace("caption: Test caption.", "caption: '. Test caption.'") + "genes: []\n"))
    assert fig.caption == "Test caption."


def test_keys_in_any_order(tmp_path):
    lines = (BASE + "genes: []\n").splitlines(keepends=True)
    shuffled = "".join(reversed(lines[:-3])) + "".join(lines[-3:])  # keep the organisms list together
    assert read_record(record(tmp_path, shuffled)) == read_record(record(tmp_path, BASE + "genes: []\n", "b.md"))


def test_yes_no_words_stay_strings(tmp_path):
    fig = read_record(record(tmp_path, BASE + "genes: []\nchemicals:\n- word: NO\n  source: MESH\n"
                                              "  identifier: D009569\n"))
    assert fig.chemicals[0].word == "NO"


def test_family_rows_share_word_and_symbol(tmp_path):
    fig = read_record(record(tmp_path, BASE + GENES))
    family = [g for g in fig.genes if g.is_family_member]
    assert {g.hgnc_symbol for g in family} == {"JAK1", "JAK2"} and {g.symbol for g in family} == {"JAK"}


def test_v2023_record_reads_its_lists_from_data_tsvs(seed_figures):
    (path,) = find_records([DATA / "v2023"])
    v2023 = read_record(path)
    v2021 = {f.figid: f for f in seed_figures}[v2023.figid]
    assert v2023.schema == "v2023" and v2021.schema == "v2021"
    assert [(g.entrez, g.hgnc_symbol, g.symbol, g.source) for g in v2023.genes] == \
           [(g.entrez, g.hgnc_symbol, g.symbol, g.source) for g in v2021.genes]
    assert [c.identifier for c in v2023.chemicals] == [c.identifier for c in v2021.chemicals]
    assert v2023.diseases[0].identifier == "D009362"
    # v2023 fields: .na.character means missing, organisms list without NA
    assert v2023.organisms == ("Homo sapiens", "Mus musculus", "Rattus norvegicus")
    assert v2023.organisms_ner == () and v2023.publisher_name is None
    assert v2023.doi == "10.1186/s12943-020-01258-7" and v2023.pathway_score == pytest.approx(0.791036)


def test_v2023_record_without_data_folder_is_an_error(tmp_path):
    path = record(tmp_path, BASE)
    with pytest.raises(RecordError, match=r"rec.md: genes: no inline genes list and no _data folder"):
        read_record(path)


@pytest.mark.parametrize("content, field, reason", [
    (b"\xff\xfe---\nfigid: x\n---\n", "file", "not UTF-8"),
    (b"figid: x\n", "front matter", "does not start with a '---' line"),
    (b"---\nfigid: x\n", "front matter", "no closing '---' line"),
    (b"---\nfigid: x\ngenes: [\n---\n", "line 4", "YAML syntax error"),
    (b"---\n- a\n- b\n---\n", "front matter", "expected a mapping"),
    (b"---\npmcid: PMC1\ngenes: []\n---\n", "figid", "required field is missing"),
    (b"---\nfigid: x\ngenes: JAK1\n---\n", "genes", "is not of type"),
    (b"---\nfigid: x\ngenes:\n- word: A\n  entrez: '12a'\n---\n", "genes[0].entrez",
     "'12a' is not a string of digits"),
    (b"---\nfigid: ../../etc/passwd\ngenes: []\n---\n", "figid", "path separator"),
    (b"---\nfigid: '..'\ngenes: []\n---\n", "figid", "not safe as a file name"),
    (b"---\nfigid: \"a\\x07b\"\ngenes: []\n---\n", "figid", "control character"),
])
def test_bad_records_name_file_field_and_reason(tmp_path, content, field, reason):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(RecordError) as info:
        read_record(path)
    assert info.value.field == field and reason in info.value.reason
    assert str(info.value).startswith(f"{path}: {field}: ")


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(b"---\nfigid: x\n---\n" + b"#" * (10 * 1024 * 1024 + 1))
    with pytest.raises(RecordError, match="over the 10,485,760-byte limit"):
        read_record(path)


def test_folders_are_read_recursively_in_a_stable_order(tmp_path):
    for name in ("b/2.md", "a/1.txt", "a/_data/x.md", ".hidden/3.md", "c.yml", "d.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("---\nfigid: x\n---\n")
    found = [p.relative_to(tmp_path).as_posix() for p in find_records([tmp_path])]
    assert found == ["a/1.txt", "b/2.md", "c.yml"]
