"""GMT gene sets: files per species read back by gseapy, PFOCR's hgnc3 rule on the 2020 corpus, tiers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import V2023_DIR
from exporters.assembly import Assembly
from exporters.batch import run
from exporters.bulk import iter_bulk
from exporters.records import find_records
from exporters.registry import ExportError, create
from exporters.resources import seeds_dir
from exporters.suspects import FLAGS

gseapy_parser = pytest.importorskip("gseapy.parser", reason="gseapy (the [test] extra) reads GMT files back")


def _convert(items, out: Path, assembly: Assembly = Assembly(), **options) -> dict[str, dict[str, list[str]]]:
    """Run the batch with the gmt format; file name -> gseapy's {set name: ids}."""
    summary = run(items, out, ["gmt"], options, assembly=assembly)
    assert summary.ok, summary
    return {p.name: gseapy_parser.read_gmt(str(p)) for p in sorted((out / "gmt").glob("*.gmt"))}


def test_seed_figures_become_one_human_set_each_in_record_order(tmp_path, seed_figures):
    files = _convert(find_records([seeds_dir()]), tmp_path)
    assert set(files) == {"pfocr-gmt-Homo_sapiens.gmt", "pfocr-gmt-chemicals-MeSH.gmt"}
    human = files["pfocr-gmt-Homo_sapiens.gmt"]
    for figure in seed_figures:
        assert human[figure.figid] == list(dict.fromkeys(m.entrez for m in figure.genes))
    line = (tmp_path / "gmt" / "pfocr-gmt-Homo_sapiens.gmt").read_text().splitlines()[0].split("\t")
    assert line[:2] == [seed_figures[0].figid, seed_figures[0].title]  # figid, title, then Entrez ids


def test_v2023_genes_go_to_the_file_of_their_own_organism(tmp_path):
    files = _convert(find_records([V2023_DIR]), tmp_path)
    assert {"pfocr-gmt-Homo_sapiens.gmt", "pfocr-gmt-Danio_rerio.gmt", "pfocr-gmt-Mus_musculus.gmt",
            "pfocr-gmt-Drosophila_melanogaster.gmt", "pfocr-gmt-chemicals-ChEBI.gmt"} <= set(files)
    zebrafish = files["pfocr-gmt-Danio_rerio.gmt"]["PMC10030845__fimmu-14-1150879-g002"]
    assert "100033782" in zebrafish  # nlrp3 of zebrafish, not in the human set of the same figure
    assert "100033782" not in files["pfocr-gmt-Homo_sapiens.gmt"]["PMC10030845__fimmu-14-1150879-g002"]
    chebi = files["pfocr-gmt-chemicals-ChEBI.gmt"]["PMC10030845__fimmu-14-1150879-g002"]
    assert "CHEBI:15422" in chebi and all(re.fullmatch(r"CHEBI:\d+", i) for i in chebi)  # ATP


def test_an_enrichment_run_on_the_file_finds_the_figure(tmp_path, seed_figures):
    import gseapy

    _convert(find_records([seeds_dir()]), tmp_path)
    figure = seed_figures[0]
    genes = list(dict.fromkeys(m.entrez for m in figure.genes))
    result = gseapy.enrich(gene_list=genes, gene_sets=str(tmp_path / "gmt" / "pfocr-gmt-Homo_sapiens.gmt"),
                           background=20000, outdir=None, cutoff=1, no_plot=True).results
    assert result.sort_values("P-value").iloc[0]["Term"] == figure.figid


def test_strict_tier_with_three_genes_is_pfocrs_hgnc3_rule(tmp_path, corpus_dir):
    """PFOCR's pfocr_gmt.R: source == hgnc_symbol, distinct (figid, entrez), figures with n >= 3."""
    expected: dict[str, dict[str, None]] = {}
    with (corpus_dir / "genes_2020_subsets.tsv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["source"] == "hgnc_symbol":
                expected.setdefault(re.sub(r"\.jpe?g$|\.png$|\.gif$", "", row["figid"]), {})[row["entrez"]] = None
    expected_sets = {figid: list(ids) for figid, ids in expected.items() if len(ids) >= 3}
    files = _convert(iter_bulk(corpus_dir), tmp_path, Assembly(tier="strict"), min_size="3")
    human = files["pfocr-gmt-Homo_sapiens.gmt"]
    assert human == expected_sets
    assert list(human) == list(expected_sets)  # in the gene table's order, as writeGMT writes them
    assert (len(human), sum(map(len, human.values())), len({g for ids in human.values() for g in ids})) == \
        (2167, 27139, 6096)


def test_min_size_release_and_dropped_suspects(tmp_path):
    files = _convert(find_records([V2023_DIR]), tmp_path, Assembly(drop_flagged=frozenset(FLAGS)), min_size="10",
                     release="20230401")
    assert all(name.startswith("pfocr-20230401-gmt-") for name in files)
    assert all(len(ids) >= 10 for sets in files.values() for ids in sets.values())
    human = files["pfocr-20230401-gmt-Homo_sapiens.gmt"]
    assert "PMC10030845__fimmu-14-1150879-g002" in human
    assert "3664" not in human["PMC10030845__fimmu-14-1150879-g002"]  # IRF6, only named by "LPS": dropped
    with pytest.raises(ExportError, match="min_size must be 1 or more"):
        create("gmt", min_size="0")


def test_check_accepts_our_files_and_names_what_is_wrong_in_others(tmp_path):
    _convert(find_records([seeds_dir()]), tmp_path)
    exporter = create("gmt")
    data = (tmp_path / "gmt" / "pfocr-gmt-Homo_sapiens.gmt").read_bytes()
    exporter.validate(data, "ours.gmt")
    with pytest.raises(ExportError, match="line 1: an id is repeated"):
        exporter.validate(b"F1\tTitle\t7157\t7157\n", "bad.gmt")
    with pytest.raises(ExportError, match="set name 'F1' is repeated"):
        exporter.validate(b"F1\tTitle\t7157\nF1\tTitle\t1\n", "bad.gmt")
    with pytest.raises(ExportError, match="ids must all be NCBI Gene ids or all MeSH/ChEBI ids"):
        exporter.validate(b"F1\tTitle\t7157\tD000244\n", "bad.gmt")
