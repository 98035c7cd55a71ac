"""Suspect-mention flags and precision tiers, on the seeds, the real v2023 records and the 2020 corpus."""

from __future__ import annotations

import importlib.util
import re
import sys
import urllib.error

import pytest

from conftest import ROOT, V2023_DIR
from exporters.data import build_stop_words
from exporters.pathway import make_pathway
from exporters.records import find_records, read_record
from exporters.suspects import (FLAG_PRECISION, FLAGS, TIERS, apply_tier, caption_definition, gene_flags,
                                review, stop_words, suspect_flags, tier_options)


def _v2023(figid_start: str):
    path = next(p for p in find_records([V2023_DIR]) if p.name.startswith(figid_start))
    return make_pathway(read_record(path))


def _flags_of(pathway, word: str, symbol: str) -> dict[str, str]:
    """code -> reason of the flags on the mention of word that matched symbol."""
    for mention, flags in suspect_flags(pathway).items():
        if mention.word == word and mention.hgnc_symbol == symbol:
            return {f.code: f.reason for f in flags}
    return {}


def test_adp_read_as_wdtc1_is_flagged_as_a_chemical():
    flags = _flags_of(_v2023("PMC10028837__"), "ADP", "WDTC1")
    assert "Adenosine Diphosphate" in flags["mesh_chemical"] and "D000244" in flags["mesh_chemical"]
    assert "'ADP' has only 3 characters and matched WDTC1 through an NCBI Gene synonym" in flags["short_synonym"]


def test_atp_and_lps_that_pubtator_also_read_are_flagged_with_their_ids():
    pathway = _v2023("PMC10030845__")
    assert "the chemical ATP (MeSH D000255 Adenosine Triphosphate; CHEBI:15422 ATP)" in \
        _flags_of(pathway, "ATP", "ATP8A2")["figure_chemical"]
    assert "the disease LPS" in _flags_of(pathway, "LPS", "IRF6")["figure_chemical"]


def test_other_organism_flag_is_the_pathway_gene_flag():
    pathway = _v2023("PMC10028837__")
    reasons = {g.entrez: g.flag for g in pathway.genes if g.flag}
    found = {m.entrez: {f.code: f.reason for f in flags}.get("other_organism")
             for m, flags in suspect_flags(pathway).items()}
    assert reasons and all(found[entrez] == reason for entrez, reason in reasons.items())


def test_a_synonym_giving_several_genes_is_ambiguous_but_a_list_word_is_not(seed_pathways):
    flags = _flags_of(_v2023("PMC10031279__"), "p65", "RELA")
    assert "on this figure the same word also gives GORASP1, SYT1, WNK1" in flags["ambiguous_synonym"]
    hic1 = next(p for p in seed_pathways if p.figure.figid.startswith("PMC7048131"))
    assert "also gives HIC1" in _flags_of(hic1, "HIC-1", "NDUFC2")["ambiguous_synonym"]
    assert "ambiguous_synonym" not in _flags_of(hic1, "IL-6/IL-6R/gp130", "IL6")  # names three genes on purpose


def test_the_caption_spelling_an_abbreviation_out_flags_it(seed_pathways):
    pathway = next(p for p in seed_pathways if p.figure.figid.startswith("PMC7513516"))
    assert "spells 'CCD' out as 'coiled-coil domain', not RUNX2" in _flags_of(pathway, "CCD", "RUNX2")["caption_meaning"]
    assert caption_definition("FAC, fatty-acid conjugate; FAS, fatty acid synthase; ACP", "FAS") == "fatty acid synthase"
    assert caption_definition("levels of phosphatidylcholine (PC) rise", "PC") == "phosphatidylcholine"
    assert caption_definition("such as ACLY, ACC, FAS, and SCD1", "FAS") == ""  # a list, not a definition


def test_stop_words_are_pfocrs_own_lists_with_their_source():
    stops = stop_words()
    for word in "CO2 HR GA CA2 CAMP DAG PIP ROS CALL NFE CELL MICE FAT SEX STEP TUBE".split():
        assert any("wikipathways/pfocr-pipeline 4_ner_genes/ner_step_1.py, 2023" == s for s in stops[word]), word
    rows = (ROOT / "exporters" / "data" / "pfocr_stop_words.tsv").read_text().splitlines()[1:]
    assert len(rows) == 71 and all(re.fullmatch(r"[0-9a-f]{40}", r.split("\t")[4]) for r in rows)


def test_ca2_plus_read_as_carbonic_anhydrase_names_the_stop_list(corpus_dir):
    from exporters.bulk import read_bulk
    figure = next(f for f in read_bulk(corpus_dir) if f.figid == "PMC3531707__fpls-03-00293-g0001")
    flags = _flags_of(make_pathway(figure), "Ca²+", "CA2")
    assert "'Ca2+' is on PFOCR's own stop list" in flags["stop_word"]
    assert "wikipathways/pfocr-pipeline 4_ner_genes/ner_step_1.py, 2023" in flags["stop_word"]


def test_stop_word_table_matches_upstream_at_the_pinned_commits():
    """Rebuild from GitHub (needs the network); the committed table must come out byte for byte."""
    try:
        built = build_stop_words.build()
    except (OSError, urllib.error.URLError) as exc:
        pytest.skip(f"GitHub not reachable: {exc}")
    assert built == build_stop_words.OUT.read_bytes()


def test_flags_never_remove_anything(seed_pathways):
    for pathway in seed_pathways:
        suspect_flags(pathway)
        assert apply_tier(pathway.figure) is pathway.figure  # the default tier keeps every mention


def test_a_gene_with_one_clean_mention_is_not_flagged(seed_pathways):
    pathway = next(p for p in seed_pathways if p.figure.figid.startswith("PMC7048131"))
    flagged = gene_flags(pathway)
    assert "4718" in flagged  # NDUFC2, named only by the alias HIC-1
    assert "3090" not in flagged  # HIC1, named by its own symbol


def test_tiers_keep_what_their_rule_says(seed_figures):
    figure = next(f for f in seed_figures if f.figid.startswith("PMC7048131"))
    strict, synonyms, everything = (apply_tier(figure, t) for t in ("strict", "synonyms", "all"))
    assert {m.source for m in strict.genes} == {"hgnc_symbol"}
    assert {m.source for m in synonyms.genes} == {"hgnc_symbol", "hgnc_alias_symbol", "hgnc_prev_symbol"}
    assert everything.genes == figure.genes and len(strict.genes) < len(synonyms.genes) < len(figure.genes)
    assert ("HIC-1", "HIC1") in {(m.word, m.hgnc_symbol) for m in strict.genes}
    assert ("HIC-1", "NDUFC2") not in {(m.word, m.hgnc_symbol) for m in strict.genes}  # an alias match
    v2023 = _v2023("PMC10028837__").figure
    assert {m.source for m in apply_tier(v2023, "strict").genes} == {"ncbigene_symbol"}
    assert set(TIERS) == {"strict", "synonyms", "all"}


def test_drop_flagged_leaves_out_suspects_only():
    figure = _v2023("PMC10030845__").figure
    kept = apply_tier(figure, "all", drop_flagged=True)
    assert {"ATP", "LPS"} <= {m.word for m in figure.genes} and not {"ATP", "LPS"} & {m.word for m in kept.genes}
    assert "GSDMD" in {m.word for m in kept.genes}
    only_chemicals = apply_tier(figure, "all", drop_flagged={"mesh_chemical"})
    assert len(kept.genes) < len(only_chemicals.genes) < len(figure.genes)
    assert "ATP" not in {m.word for m in only_chemicals.genes} and "LPS" in {m.word for m in only_chemicals.genes}
    assert tier_options({"tier": "strict", "drop_flagged": "stop_word,short_synonym"}) == \
        ("strict", frozenset({"stop_word", "short_synonym"}))
    with pytest.raises(ValueError, match="tiers: strict, synonyms, all"):
        tier_options({"tier": "exact"})
    with pytest.raises(ValueError, match="unknown flag"):
        tier_options({"drop_flagged": "chemical"})


def test_review_puts_likeliest_errors_first_with_the_caption_use():
    rows = review(_v2023("PMC10030845__"))
    likelihoods = [r.error_likelihood for r in rows]
    assert likelihoods == sorted(likelihoods, reverse=True)
    atp = next(r for r in rows if r.word == "ATP")
    assert "LPS/ATP-induced mouse AIH model" in atp.caption_use
    assert set(FLAG_PRECISION) == set(FLAGS)


def test_flag_precision_constants_are_the_measured_ones(corpus_dir):
    """FLAG_PRECISION (used to sort the review list) is what bench/flags.py measures on the labelled samples."""
    spec = importlib.util.spec_from_file_location("bench_flags", ROOT / "bench" / "flags.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_flags"] = bench
    spec.loader.exec_module(bench)
    rows = bench.read_sample()
    assert len(rows) >= 200 and {r["correct"] for r in rows} == {"yes", "no"}
    now = bench.current_flags(rows)
    for code in FLAGS:
        group = [r for r, f in zip(rows, now) if code in f.split(",")]
        if code == "caption_meaning":  # measured on its own held-out draw
            held_out = bench.read_sample(bench.CAPTION_SAMPLE)
            group = [r for r, f in zip(held_out, bench.current_flags(held_out)) if code in f.split(",")]
        assert round(sum(r["correct"] == "no" for r in group) / len(group), 2) == FLAG_PRECISION[code], code
