"""Genes of many organisms (v2023): each gene's organism, the figure's organism by stated rules, flags."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from exporters.pathway import ORGANISM_RULES, make_pathway
from exporters.records import read_record
from exporters.xrefs import NCBI_ONLY, RESOLVED, UNKNOWN

from conftest import V2023_DIR

FIGURES = V2023_DIR / "_figures"


def pathway(figid: str, **options):
    return make_pathway(read_record(FIGURES / f"{figid}.md"), **options)


def rewritten(tmp_path: Path, figid: str, old: str, new: str) -> Path:
    """A copy of a real record (and its tables) with one front-matter passage replaced."""
    shutil.copytree(V2023_DIR / "_data", tmp_path / "_data")
    folder = tmp_path / "_figures"
    folder.mkdir()
    text = (FIGURES / f"{figid}.md").read_text(encoding="utf-8")
    assert old in text
    (folder / f"{figid}.md").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / f"{figid}.md"


def made_up_record(tmp_path: Path, front: str, kind: str, table: str):
    """The pathway of a made-up v2023 record PMC1__f1 with one ``_data`` table of ``kind``."""
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / f"PMC1__f1-{kind}.tsv").write_text(table, encoding="utf-8")
    (tmp_path / "r.md").write_text(f"---\nfigid: PMC1__f1\n{front}---\n", encoding="utf-8")
    return make_pathway(read_record(tmp_path / "r.md"))


def test_mouse_genes_get_mgi_ids_and_no_hgnc():
    pw = pathway("PMC10034247__11064_2023_3912_Fig1_HTML")
    kcna3 = {g.symbol: g for g in pw.genes}["Kcna3"]
    x = kcna3.xref
    assert (x.entrez, x.taxon, x.organism, x.status) == ("16491", "10090", "Mus musculus", RESOLVED)
    assert (x.nomenclature, x.nomenclature_id, x.ensembl) == ("mgi", "96660", "ENSMUSG00000047959")
    assert x.hgnc_id is None and x.uniprot == ()


def test_genes_of_organisms_without_a_nomenclature_table_keep_their_ncbi_gene_id_and_symbol():
    pw = pathway("PMC11495567__pone.0312563.g001")
    fish = {g.symbol: g.xref for g in pw.genes if g.taxon == "7955"}
    assert fish["si:dkey-222f8.3"].entrez == "561722" and fish["si:dkey-222f8.3"].status == NCBI_ONLY
    assert all(x.hgnc_id is None and x.nomenclature is None for x in fish.values())
    # a zebrafish symbol is not an HGNC symbol even when the letters match one (braf vs BRAF)
    assert fish["braf"].symbol == "braf" and fish["braf"].organism == "Danio rerio"


def test_human_v2023_genes_still_resolve_against_hgnc():
    pw = pathway("PMC10030845__fimmu-14-1150879-g002")
    nlrp3 = [g.xref for g in pw.genes if g.xref.record_symbol == "NLRP3"][0]
    assert (nlrp3.entrez, nlrp3.taxon, nlrp3.hgnc_id, nlrp3.nomenclature) == ("114548", "9606", "16400", "hgnc")


def test_rat_genes_resolve_against_rgd(tmp_path):
    pw = made_up_record(
        tmp_path, "figtitle: Rat\norganisms:\n- NA\n", "genes",
        "organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\t"
        "count_direct\tcount_match\n"
        "10116\tRattus norvegicus\tRodents\tAsip\tASIP\tAsip\t24152\tncbigene_symbol\t1\t1\n"
        "10116\tRattus norvegicus\tRodents\tNotAGene\tNOTAGENE\tNotAGene9\t999999999\tncbigene_symbol\t1\t1\n")
    asip, unknown = (g.xref for g in pw.genes)
    assert (asip.nomenclature, asip.nomenclature_id, asip.status) == ("rgd", "2003", RESOLVED)
    assert unknown.status == UNKNOWN and unknown.nomenclature is None and unknown.entrez == "999999999"
    assert (pw.organism, pw.taxon, pw.organism_source) == ("Rattus norvegicus", "10116", "genes")
    assert pw.report.unknown == ("999999999",)


def test_curated_organisms_decide_first():
    pw = pathway("PMC10034247__11064_2023_3912_Fig1_HTML")  # organisms: Mus musculus, Rattus, Homo, Coronaviridae
    assert (pw.organism, pw.taxon, pw.organism_source) == ("Mus musculus", "10090", "organisms")
    assert pw.organisms_named == (("Mus musculus", "10090"), ("Rattus norvegicus", "10116"),
                                  ("Homo sapiens", "9606"), ("Coronaviridae", None))


def test_ner_organisms_decide_when_organisms_is_na():
    pw = pathway("PMC10035447__nihms-1878426-f0004")  # organisms: [NA], organisms_ner: Drosophila
    assert (pw.organism, pw.taxon, pw.organism_source) == ("Drosophila melanogaster", "7227", "organisms_ner")
    assert pw.report.flagged == 0 and pw.report.organisms == (("7227", "Drosophila melanogaster", 11),)


def test_the_genes_majority_decides_when_the_record_names_no_organism(tmp_path):
    path = rewritten(tmp_path, "PMC10035447__nihms-1878426-f0004",
                     "organisms_ner:\n- Drosophila melanogaster", "organisms_ner:\n- NA")
    pw = make_pathway(read_record(path))
    assert (pw.organism, pw.taxon, pw.organism_source) == ("Drosophila melanogaster", "7227", "genes")
    assert set(ORGANISM_RULES) == {"organisms", "organisms_ner", "genes"}


def test_an_organism_named_by_the_records_genes_gets_their_taxon(tmp_path):
    # the E. coli strain is not in the vendored taxon table, but the record's own gene rows give its taxon
    path = rewritten(tmp_path, "PMC10028837__nihpp-2023.03.03.530734v1-f0001",
                     "organisms_ner:\n- Staphylococcus epidermidis\n- Homo sapiens\n", "organisms_ner:\n")
    path.write_text(re.sub(r"^organisms:\n(- .*\n)+", "organisms:\n- NA\n", path.read_text(encoding="utf-8"),
                           flags=re.M), encoding="utf-8")
    pw = make_pathway(read_record(path))
    assert (pw.organism, pw.taxon) == ("Escherichia coli str. K-12 substr. MG1655", "511145")


def test_genes_of_another_organism_are_flagged_and_can_be_left_out():
    pw = pathway("PMC10030845__fimmu-14-1150879-g002")  # a human figure with three zebrafish rows
    flagged = [g for g in pw.genes if g.flag]
    assert {g.symbol for g in flagged} == {"nlrp3", "il1b", "mir223"} and pw.report.flagged == 3
    assert "Danio rerio gene (NCBI Taxonomy 7955) on a Homo sapiens figure" in flagged[0].flag
    assert all(g.flag is None for g in pw.genes if g.taxon == "9606")
    kept = pathway("PMC10030845__fimmu-14-1150879-g002", only_figure_organism=True)
    assert {g.taxon for g in kept.genes} == {"9606"} and kept.report.dropped == 3
    assert len(kept.genes) == len(pw.genes) - 3


def test_v2021_genes_are_human_and_never_flagged(seed_pathways):
    assert all(g.taxon == "9606" and g.flag is None for pw in seed_pathways for g in pw.genes)
    by_id = {pw.figure.figid: pw for pw in seed_pathways}
    # a mouse figure of the human-only lexicon: the curated organism stands, its genes are not suspect
    mouse = [pw for pw in seed_pathways if pw.taxon == "10090"]
    assert mouse and mouse[0].organism_source == "organisms" and mouse[0].report.flagged == 0
    assert len(by_id) == 5


def test_every_v2023_gene_keeps_its_ncbi_gene_id_and_taxon(v2023_pathways):
    import csv

    given = set()
    for table in (V2023_DIR / "_data").glob("*-genes.tsv"):
        with table.open(newline="", encoding="utf-8") as fh:
            given |= {(r["ncbigene_id"], r["organism_id"]) for r in csv.DictReader(fh, delimiter="\t")}
    made = {(g.entrez, g.taxon) for pw in v2023_pathways for g in pw.genes}
    assert given == made and len(made) == 327


@pytest.mark.parametrize("figid, families", [
    ("PMC10030845__fimmu-14-1150879-g002", {"PKA": 7, "S100": 22}),
    ("PMC10033548__fcell-11-1096923-g007", {"WNT": 19, "FZD": 10, "DVL": 2, "AXIN": 1, "GSK3": 2}),
])
def test_famplex_relations_rows_group_into_families(figid, families):
    pw = pathway(figid)
    assert {f.name: len(f.members) for f in pw.families} == families
    assert all(f.fplx_id for f in pw.families)


def test_chemicals_and_diseases_keep_mesh_chebi_and_doid():
    pw = pathway("PMC10030845__fimmu-14-1150879-g002")
    atp = {t.label: t for t in pw.chemicals}["ATP"]
    assert (atp.mesh_id, atp.mesh_name, atp.ontology, atp.ontology_id, atp.ontology_name) == \
           ("D000255", "Adenosine Triphosphate", "chebi", "15422", "ATP")
    lps = {t.label: t for t in pw.diseases}["LPS"]
    assert (lps.mesh_id, lps.ontology, lps.ontology_id) == ("C536528", "doid", "0060239")
    gtp = {t.label: t for t in pathway("PMC11495567__pone.0312563.g001").chemicals}["GTP"]
    assert (gtp.mesh_id, gtp.ontology_id) == (None, "37565")  # ChEBI only: still a distinct term


def test_one_mesh_id_with_two_chebi_ids_keeps_both(tmp_path):
    terms = made_up_record(
        tmp_path, "figtitle: Sugar\n", "chemicals",
        "word\tmesh\tmatch\tname\tchebi\n"
        "Glucose\tmesh:D005947\tGlucose\tD-glucopyranose\tchebi:4167\n"
        "glucose\tmesh:D005947\tNA\tNA\tNA\n"
        "Glc\tmesh:D005947\tGlucose\tglucose\tchebi:17234\n").chemicals
    assert [(t.mesh_id, t.ontology_id, t.words) for t in terms] == [
        ("D005947", "4167", ("Glucose", "glucose")), ("D005947", "17234", ("Glc",))]
