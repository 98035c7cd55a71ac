"""Reading PFOCR records: both schema generations and every quirk seen in real records."""

from __future__ import annotations

import textwrap
import time
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
    assert fig.genes == () and fig.chemicals[0].mesh == "D000255"


def test_chemical_without_source_or_identifier_is_kept_without_xref(seed_figures):
    stat3 = {f.figid: f for f in seed_figures}["PMC7513516__12943_2020_1258_Fig1_HTML"]
    tyrosine = [c for c in stat3.chemicals if c.word == "tyrosine"]
    assert tyrosine and tyrosine[0].mesh == "" and tyrosine[0].ontology_id == ""


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


V2023 = DATA / "v2023"


@pytest.fixture(scope="module")
def v2023() -> dict[str, object]:
    """The twelve real v2023 records of tests/data/v2023, by figid."""
    return {f.figid: f for f in map(read_record, find_records([V2023]))}


def test_all_real_v2023_records_read_with_lists_from_their_data_tables(v2023):
    assert len(v2023) == 12 and {f.schema for f in v2023.values()} == {"v2023"}
    assert find_records([V2023])[0].name.endswith(".md")  # README.md and MANIFEST.tsv beside them are not records
    with_genes = {figid for figid, f in v2023.items() if f.genes}
    assert len(with_genes) == 9 and all(v2023[figid].lexicon == "ncbigene" for figid in with_genes)
    # a v2023 record without a genes table still comes from the multi-organism lexicon era; its chemicals read
    assert v2023["PMC100028__ii1110348001"].chemicals and v2023["PMC100028__ii1110348001"].genes == ()


def test_v2023_gene_tables_of_both_widths_give_genes_with_their_organism(v2023):
    ten = v2023["PMC10030845__fimmu-14-1150879-g002"]  # 10 columns, no count_synonym
    eleven = v2023["PMC10028837__nihpp-2023.03.03.530734v1-f0001"]  # 11 columns
    zebrafish = [g for g in ten.genes if g.taxon == "7955"]
    assert {(g.hgnc_symbol, g.entrez, g.organism) for g in zebrafish} == {
        ("nlrp3", "567964", "Danio rerio"), ("il1b", "405770", "Danio rerio"), ("mir223", "100033782", "Danio rerio")}
    assert {g.taxon for g in eleven.genes} == {"1282", "9606", "511145"}
    guab = {(g.taxon, g.entrez) for g in eleven.genes if g.hgnc_symbol == "guaB"}
    assert len(guab) == 2  # the same symbol in two bacteria, with different NCBI Gene ids


def test_v2023_duplicate_rows_that_differ_only_in_counts_are_one_mention(v2023):
    mouse = v2023["PMC10034247__11064_2023_3912_Fig1_HTML"]  # ten rows: each gene twice (count_direct NA vs 1)
    assert [(g.hgnc_symbol, g.taxon) for g in mouse.genes] == [
        ("Spg21", "10090"), ("Spaca9", "10090"), ("Kcna3", "10090"), ("Apaf1", "10090"), ("Zfpm1", "10090")]


def test_v2023_famplex_relations_rows_are_family_members_named_by_match(v2023):
    fig = v2023["PMC10030845__fimmu-14-1150879-g002"]
    pka = [g for g in fig.genes if g.word == "PKA"]
    assert len(pka) == 7 and all(g.is_family_member and g.symbol == "PKA" for g in pka)


def test_v2023_chemicals_carry_mesh_chebi_and_their_names(v2023):
    by_word = {c.word: c for c in v2023["PMC100028__ii1110348001"].chemicals}
    fatty = by_word["Fatty acids"]
    assert (fatty.mesh, fatty.mesh_name, fatty.ontology, fatty.ontology_id, fatty.ontology_name) == \
           ("D005227", "Fatty Acids", "chebi", "35366", "fatty acid")
    assert (by_word["pyruvate"].mesh, by_word["pyruvate"].ontology_id) == ("D011773", "")  # chebi NA
    gtp = {c.word: c for c in v2023["PMC11495567__pone.0312563.g001"].chemicals}["GTP"]
    assert (gtp.mesh, gtp.ontology, gtp.ontology_id) == ("", "chebi", "37565")  # mesh NA, ChEBI only
    nanog = [c for c in v2023["PMC10033548__fcell-11-1096923-g007"].chemicals if c.word == "NANOG"]
    assert nanog and (nanog[0].mesh, nanog[0].ontology_id) == ("", "")  # an all-NA row keeps its word


def test_v2023_diseases_carry_mesh_and_doid(v2023):
    lps, liver = v2023["PMC10030845__fimmu-14-1150879-g002"].diseases
    assert (lps.mesh, lps.ontology, lps.ontology_id, lps.ontology_name) == \
           ("C536528", "doid", "0060239", "Van der Woude syndrome")
    assert (liver.mesh, liver.ontology_id) == ("D056486", "")
    covid = {d.word: d for d in v2023["PMC10034247__11064_2023_3912_Fig1_HTML"].diseases}["COVID"]
    assert covid.mesh == "C000657245"  # a ten-digit supplementary concept id


def test_v2023_keywords_split_on_bars_and_na_fields_are_missing(v2023):
    usp = v2023["PMC10031279__gr8"]  # the keyword string is folded across two YAML lines
    assert usp.keywords == ("Usp13", "Irhom2", "NASH", "Hepatosteatosis", "Ubc13", "NAFLD", "Ubiquitination",
                            "Liver inflammation")
    assert v2023["PMC10033909__d3sc00173c-s1"].keywords == ()  # keywords: ''
    na = v2023["PMC100028__ii1110348001"]
    assert na.keywords == () and na.doi is None and na.publisher_name is None and na.journal_title is None
    assert na.organisms == () and na.organisms_ner == ()  # ['NA']


def test_download_folder_tables_with_v2021_columns_are_read(tmp_path):
    path = record(tmp_path, BASE)
    (tmp_path / "download").mkdir()
    (tmp_path / "download" / "PMC1234567__fig1-genes.tsv").write_text(
        "figid\tword\tsymbol\tsource\thgnc_symbol\tentrez\n"
        "PMC1234567__fig1\tJAK\tJAK\tbioentities_symbol\tJAK1\t3716\n"
        "PMC1234567__fig1\tp53\tTP53\thgnc_alias_symbol\tTP53\t7157\n", encoding="utf-8")
    fig = read_record(path)
    assert [(g.hgnc_symbol, g.entrez, g.taxon, g.is_family_member) for g in fig.genes] == [
        ("JAK1", "3716", "9606", True), ("TP53", "7157", "9606", False)]
    assert fig.lexicon == "hgnc"


@pytest.mark.parametrize("table, field", [
    ("organism_id\torganism_name\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\n"
     "9606\tHomo sapiens\tA\tA\tA\tNA\tncbigene_symbol\n", "genes[0].ncbigene_id"),
    ("organism_id\torganism_name\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\n"
     "human\tHomo sapiens\tA\tA\tA\t1\tncbigene_symbol\n", "genes[0].organism_id"),
    ("word\tmatch\tncbigene_id\n", "genes"),
])
def test_bad_v2023_gene_table_names_table_field_and_reason(tmp_path, table, field):
    path = record(tmp_path, BASE)
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "PMC1234567__fig1-genes.tsv").write_text(table, encoding="utf-8")
    with pytest.raises(RecordError) as info:
        read_record(path)
    assert info.value.field == field and "PMC1234567__fig1-genes.tsv" in info.value.path


def test_oversized_or_unreadable_v2023_tables_are_refused(tmp_path):
    path = record(tmp_path, BASE)
    (tmp_path / "_data").mkdir()
    table = tmp_path / "_data" / "PMC1234567__fig1-genes.tsv"
    with table.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)
    with pytest.raises(RecordError, match=r"fig1-genes.tsv\): genes: over the 10,485,760-byte limit"):
        read_record(path)
    table.unlink()
    table.mkdir()
    with pytest.raises(RecordError, match=r"genes: not a regular file \(a folder\)"):
        read_record(path)
    table.rmdir()
    table.write_text("word\tmatch\tncbigene_symbol\tncbigene_id\tsource\torganism_id\torganism_name\n"
                     f"{'x' * 200_000}\tA\tA\t1\ts\t9606\tHomo sapiens\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"genes line 2: not a readable TSV: field larger than field limit"):
        read_record(path)


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
    # the figid that names the file is checked, after trimming
    (b"---\nfigid: \"\\u3000\"\ngenes: []\n---\n", "figid", "is empty"),
    (b"---\nfigid: ' .x'\ngenes: []\n---\n", "figid", "not safe as a file name (starts with '.')"),
    # one line, with the line number, for a raw control character
    (b"---\nfigid: x\ncaption: a\x07b\ngenes: []\n---\n", "line 3",
     "YAML syntax error: control characters are not allowed (U+0007)"),
    # what validate accepts, convert can write
    (b"---\nfigid: x\nyear: -1\ngenes: []\n---\n", "year", "-1 is not a four-digit year"),
    (b"---\nfigid: x\nyear: 1999.0\ngenes: []\n---\n", "year", "1999.0 is not a four-digit year"),
    (b"---\nfigid: x\ngenes:\n- word: A\n  hgnc_symbol: A\n  entrez: 3716.0\n---\n", "genes[0].entrez",
     "3716.0 is not a string of digits"),
    ("---\nfigid: x\ngenes:\n- word: A\n  hgnc_symbol: A\n  entrez: '\u0663\u0667'\n---\n".encode(), "genes[0].entrez",
     "is not a string of digits"),
    (b"---\nfigid: x\npathway_score: .nan\ngenes: []\n---\n", "pathway_score", "nan is not a finite number"),
    (b"---\nfigid: x\ngenes:\n- {word: A, symbol: '', hgnc_symbol: '', source: bioentities_symbol, entrez: '1'}\n---\n",
     "genes[0].hgnc_symbol", "is empty: the row names no gene symbol"),
    (b"---\nfigid: x\ngenes:\n- {word: A, symbol: JAK, hgnc_symbol: \"\\0 \", source: famplex, entrez: '1'}\n---\n",
     "genes[0].hgnc_symbol", "is empty"),
    (b"---\nfigid: x\ngenes:\n- {word: A, entrez: '1'}\n---\n", "genes[0].hgnc_symbol", "required field is missing"),
    (b"---\nfigid: '0'\ngenes: []\n---\n", "figid", "is not a figure id: letters, digits, '.', '_' and '-' only"),
    (b"---\nfigid: 'PMC1__a b'\ngenes: []\n---\n", "figid", "is not a figure id"),
    (b"---\nfigid: x\ngenes:\n- {word: " + b"W" * 1001 + b", hgnc_symbol: A, entrez: '1'}\n---\n", "genes[0].word",
     "1,001 characters, over the 1,000-character limit of a word or symbol"),
    (b"---\nfigid: x\ngenes: []\nchemicals:\n- {word: " + b"W" * 1001 + b"}\n---\n", "chemicals[0].word",
     "over the 1,000-character limit"),
    (b"---\nfigid: x\ncaption: !!timestamp MAPK11\ngenes: []\n---\n", "line 3", "YAML tags (!!timestamp) are not accepted"),
    (b"---\nfigid: x\ngenes: [!!set {a}]\n---\n", "line 3", "YAML tags (!!set) are not accepted"),
    # values the safe loader cannot build, or nests too deeply to check
    (b"---\nfigid: x\nyear: " + b"9" * 5000 + b"\ngenes: []\n---\n", "front matter", "a value cannot be read"),
    (b"---\nfigid: x\nseen: 2019-13-45\ngenes: []\n---\n", "front matter", "month must be in 1..12"),
    (b"---\nfigid: x\ngenes: " + b"[" * 995 + b"]" * 995 + b"\n---\n", "front matter", "nested too deeply"),
])
def test_bad_records_name_file_field_and_reason(tmp_path, content, field, reason):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(RecordError) as info:
        read_record(path)
    assert info.value.field == field and reason in info.value.reason
    assert str(info.value).startswith(f"{path}: {field}: ")


ALIAS_BOMB = b"""---
figid: PMC1__a
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
j: &j [*h,*h,*h,*h,*h,*h,*h,*h,*h]
keywords: *j
redirect_from: *j
genes: []
---
"""


def test_yaml_aliases_are_refused_before_any_value_is_built(tmp_path):
    """A 470-byte record whose aliases stand for 387 million strings: refused at once, in one short line."""
    path = tmp_path / "bomb.md"
    path.write_bytes(ALIAS_BOMB)
    started = time.perf_counter()
    with pytest.raises(RecordError) as info:
        read_record(path)
    assert time.perf_counter() - started < 1
    assert (info.value.field, info.value.reason) == ("line 3", "YAML anchors and aliases (&a, *a) are not accepted")
    text = path.read_text().replace("*j", "[1, 2]").replace("&", "").replace("*", "")  # no alias: a type error
    path.write_text(text)
    with pytest.raises(RecordError, match="keywords: .* is not a name or a list of names"):
        read_record(path)
    path.write_text(f"---\nfigid: x\nkeywords: {{a: '{'x' * 100_000}'}}\ngenes: []\n---\n")
    with pytest.raises(RecordError) as info:
        read_record(path)
    assert len(str(info.value)) < len(str(path)) + 150  # the 100,000-character value is not printed whole


def test_asterisks_and_ampersands_in_text_are_not_aliases(tmp_path):
    fig = read_record(record(tmp_path, BASE.replace("Test caption.", "'p < 0.05 (*) & more'") + "genes: []\n"))
    assert fig.caption == "p < 0.05 (*) & more"


def test_characters_no_output_can_carry_are_dropped_from_text(tmp_path):
    fig = read_record(record(tmp_path, BASE.replace("figtitle: A test pathway", 'figtitle: "A\\0 test\\ufffe"')
                             + GENES.replace("word: STAT3", 'word: "ST\\x01AT3"')))
    assert fig.title == "A test" and fig.genes[-1].word == "STAT3"


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
