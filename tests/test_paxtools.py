"""What Paxtools 6, BioPAX's own Java toolkit, makes of our .owl files: summarize, toGSEA, merge.

The jar comes from the paxtools==6.0.0.2 wheel on PyPI (``bash .ci/install-paxtools``, which CI runs);
without it or without Java these tests skip.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from exporters.cli import main
from exporters.formats import biopax
from exporters.formats.biopax import BiopaxExporter
from exporters.formats.rdf_common import rdfxml
from exporters.pathway import Family, Gene, Term

from conftest import V2023_DIR

VERSION = "6.0.0.2"
HOME = Path(os.environ.get("PAXTOOLS_HOME")
            or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pfocr-exporters" / f"paxtools-{VERSION}")
JAR = HOME / "paxtools.jar"
BASE = biopax.DEFAULT_BASE
BP = rdflib.Namespace(biopax.BP)

pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None, reason="Paxtools needs Java, and java is not on PATH"),
    pytest.mark.skipif(not JAR.is_file(), reason=f"Paxtools {VERSION} is not at {JAR} (run: bash .ci/install-paxtools)"),
]


def paxtools(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run(["java", "-jar", str(JAR), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def owl(tmp_path_factory) -> Path:
    """Seeds and the v2023 records as .owl files, as `convert` writes them."""
    out = tmp_path_factory.mktemp("paxtools")
    assert main(["convert", "-q", "-o", str(out / "seeds"), "-f", "biopax"]) == 0
    assert main(["convert", "-q", str(V2023_DIR), "-o", str(out / "v2023"), "-f", "biopax"]) == 0
    return out


@pytest.fixture(scope="module")
def merged(owl) -> Path:
    """Every file merged into one by Paxtools (merge takes two at a time)."""
    files = sorted(owl.glob("*/biopax/*.owl"))
    assert len(files) == 17
    current = files[0]
    for i, other in enumerate(files[1:]):
        target = owl / f"merged{i}.owl"
        paxtools("merge", current, other, target, cwd=owl)
        current = target
    return current


def union(owl: Path) -> set:
    g = rdflib.Graph()
    for f in sorted(owl.glob("*/biopax/*.owl")):
        g.parse(f, format="xml")
    return set(g)


def as_paxtools_writes(triples: set) -> set:
    """Our triples as Paxtools writes them back: conversionDirection as its Java enum name (LEFT_TO_RIGHT,
    the OWL's LEFT-TO-RIGHT), a TemplateReaction's product also as its participant."""
    direction, product = BP["conversionDirection"], BP["product"]
    out = {(s, p, rdflib.Literal(str(o).replace("-", "_"), datatype=o.datatype)) if p == direction else (s, p, o)
           for s, p, o in triples}
    return out | {(s, BP["participant"], o) for s, p, o in triples if p == product}


def test_merged_file_reads_back(owl, merged):
    """Issue 13, item 14: Paxtools writes IRIs under xml:base as rdf:ID; ours are XML names now
    (UX_mi_0356, PX_doi_10.1101_2F2023.03.03.530734), so RDF parsers and Paxtools itself read the merge."""
    data = merged.read_bytes()
    assert b'rdf:ID="UX_mi_0356"' in data and b'rdf:ID="PX_doi_10.1101_2F2023.03.03.530734"' in data
    expected = as_paxtools_writes(union(owl))
    g = rdflib.Graph().parse(data=data, format="xml")
    assert len(g) == len(expected)
    assert len(list(ox.parse(data, format=ox.RdfFormat.RDF_XML))) == len(expected)
    # RDF/XML resolves rdf:ID="X" against xml:base ".../biopax/" to ".../biopax/#X" (Paxtools reads it
    # back as ".../biopax/X"): `fetch -absolute` writes rdf:about, and gives exactly our triples back
    assert (rdflib.URIRef(BASE + "#UX_mi_0356"), None, None) in g
    paxtools("fetch", merged, "absolute.owl", "-absolute", cwd=owl)
    absolute = (owl / "absolute.owl").read_bytes()
    assert set(rdflib.Graph().parse(data=absolute, format="xml")) == expected
    warnings = BiopaxExporter().check_file(absolute, "absolute.owl")  # no violation of our shapes either
    assert any("no.unification.xref" in w for w in warnings)
    paxtools("summarize", merged, "model.json", "--model", cwd=owl)  # Paxtools reads its own merge
    types = {t["type"]: t["instances"] for t in json.loads((owl / "model.json").read_text())["types"]}
    assert types["Pathway"] == 17


def test_summarize_counts_physical_entities_by_data_source(owl, merged):
    """Issue 13, item 15: every physical entity names PFOCR as its dataSource, so summarize's
    per-source counts and --uri-ids show it."""
    paxtools("summarize", merged, "uri-ids.json", "--uri-ids", cwd=owl)
    entities = json.loads((owl / "uri-ids.json").read_text())
    assert len(entities) > 200 and all(e["datasource"] == ["PFOCR"] for e in entities)
    paxtools("summarize", merged, "uniprot.txt", "--uniprot-ids", cwd=owl)
    lines = (owl / "uniprot.txt").read_text().splitlines()
    missing = int(next(line for line in lines if "without any Uniprot AC:" in line).rsplit(":", 1)[1])
    assert missing > 0 and sum(1 for line in lines if line.startswith("PFOCR\t")) == missing
    paxtools("summarize", merged, "pathways.tsv", "--pathways", cwd=owl)
    rows = [line.split("\t") for line in (owl / "pathways.tsv").read_text().split("\n\n")[1].splitlines()[1:]]
    assert len(rows) == 17 and all(row[1] == "PFOCR" and len(row[2]) <= 25 for row in rows)
    # the full title is among the names (standardName); displayName is its first 25 characters
    titles = {row[0]: row[3] for row in rows}
    assert '"Interleukin-6 increases matrix metalloproteinase-14 (MMP-14) levels via down-regulation of p53 ' \
           'to drive cancer progression"' in titles[BASE + "PMC5308639__oncotarget-07-61107-g007"]


def test_togsea_writes_each_figures_genes(owl, seed_pathways):
    """toGSEA's hgnc.symbol gene sets are the figures' human genes, family members included."""
    files = sorted((owl / "seeds" / "biopax").glob("*.owl"))
    current = files[0]
    for i, other in enumerate(files[1:]):
        paxtools("merge", current, other, owl / f"seeds{i}.owl", cwd=owl)
        current = owl / f"seeds{i}.owl"
    paxtools("toGSEA", current, "seeds.gmt", "hgnc.symbol", cwd=owl)
    got = {}
    for line in (owl / "seeds.gmt").read_text().splitlines():
        uri, description, *symbols = line.split("\t")
        assert "datasource: pfocr" in description
        got[uri] = set(symbols)
    expected = {BASE + pw.figure.figid: {g.symbol for g in pw.genes if biopax._hgnc_symbol(g)}
                for pw in seed_pathways}
    assert got == expected


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> list[str]:
    """The command that runs tests/paxtools/RuleProbe.java, compiled against the jar."""
    if shutil.which("javac") is None:
        pytest.skip("javac is not on PATH (the rule probe is compiled against Paxtools)")
    classes = tmp_path_factory.mktemp("probe")
    source = Path(__file__).parent / "paxtools" / "RuleProbe.java"
    done = subprocess.run(["javac", "-nowarn", "-cp", str(JAR), "-d", str(classes), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return ["java", "-cp", f"{JAR}{os.pathsep}{classes}", "RuleProbe"]


def probe_findings(probe: list[str], owl_file: Path) -> tuple[list[str], int]:
    done = subprocess.run([*probe, str(owl_file)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.split(" ")[0] in
             ("cloned", "same-name", "same-state", "dangling", "same-sides", "new-entity", "improper-feature",
              "asymmetric-binding", "elements")]
    return lines[:-1], int(lines[-1].split()[1])


def one_rdfxml(pathways) -> bytes:
    """Figures as one RDF/XML document with typed nodes, each shared entity once (what a merge gives)."""
    seen, blocks = set(), []
    for pw in pathways:
        for block in biopax.biopax_blocks(pw, BASE):
            if block.key is None or block.key not in seen:
                seen.add(block.key)
                blocks.append(block)
    return rdfxml(blocks, BASE, biopax.BIOPAX_ONTOLOGY).encode("utf-8")


def homonyms(findings: list[str], pathways) -> list[str]:
    """The same-name findings that are two genes sharing a symbol (gntK of S. aureus and of E. coli):
    true names, which SameNameDiffKindPhysEntitiesRule (a warning) flags."""
    symbols = {g.entrez: g.symbol for pw in pathways for g in pw.genes}
    found = []
    for line in findings:
        kind, *uris = line.split(" ")
        genes = [u.rsplit("Protein_ncbigene_", 1)[-1] for u in uris]
        if kind == "same-name" and all(g in symbols for g in genes) and len({symbols[g] for g in genes}) == 1:
            found.append(line)
    return found


def test_validator_rules_that_compare_elements(merged, probe, seed_pathways, v2023_pathways):
    """The validator rules SHACL Core cannot state, judged with Paxtools' own isEquivalent and
    getName: no cloned utility class, no two Proteins of one reference in the same state (flagged genes
    no longer get their own), nothing dangling, and no two entities of different references sharing a
    name but genes that share a symbol (shortened displayNames keep the name's end: Uridine
    Diph…te Galactose and Uridine Diph…hate Glucose)."""
    findings, elements = probe_findings(probe, merged)
    same_symbol = homonyms(findings, seed_pathways + v2023_pathways)
    assert elements > 1000 and len(same_symbol) == 11  # v2023: murA..murF, guaA/B, zwf, gntK, purB; ACO2 twice
    assert [f for f in findings if f not in same_symbol] == []


@pytest.fixture(scope="module")
def corpus(corpus_dir, tmp_path_factory) -> tuple[list, Path]:
    """The 2020 corpus pathways and their figures as one RDF/XML file."""
    from exporters.bulk import read_bulk
    from exporters.pathway import make_pathway

    pathways = [make_pathway(f) for f in read_bulk(corpus_dir)]
    path = tmp_path_factory.mktemp("corpus") / "corpus.owl"
    path.write_bytes(one_rdfxml(pathways))
    return pathways, path


def test_validator_rules_that_compare_elements_on_the_corpus(corpus, probe):
    findings, elements = probe_findings(probe, corpus[1])
    assert elements > 50_000 and findings == []  # all human genes: no homonyms


# --- what toSIF makes of the caption interactions ----------------------------------------------------


def sif_ids(node) -> set[str]:
    """The ids toSIF gives an end with seqDb=hgnc.symbol,ncbigene and chemDb=chebi,mesh: a human gene's
    HGNC symbol, another gene's NCBI Gene id, a family's members' ids, a chemical's ChEBI (else MeSH) id."""
    if isinstance(node, Gene):
        return {node.symbol} if biopax._hgnc_symbol(node) else {node.entrez}
    if isinstance(node, Family):
        return set().union(*(sif_ids(m) for m in node.members))
    return {f"CHEBI:{node.ontology_id}"} if node.ontology == "chebi" else {node.mesh_id}


def expected_sif(i) -> tuple[str, set[str], set[str]] | None:
    """(relation, ids of one end, ids of the other) a user expects toSIF to give an interaction; None where
    SIF has no relation (two chemicals that control or bind each other)."""
    s, t = sif_ids(i.source), sif_ids(i.target)
    s_chemical, t_chemical = isinstance(i.source, Term), isinstance(i.target, Term)
    if i.type == "conversion":
        return "used-to-produce", s, t
    if s_chemical and t_chemical:
        return None
    if i.type == "binding":
        if s_chemical or t_chemical:
            return ("chemical-affects", s, t) if s_chemical else ("chemical-affects", t, s)
        return "in-complex-with", s, t
    if s_chemical:
        return "chemical-affects", s, t
    if t_chemical:
        if i.type == "translocation":
            return "controls-transport-of-chemical", s, t
        if i.type in ("phosphorylation", "degradation"):
            return "consumption-controlled-by", t, s  # the chemical first
        return "controls-production-of", s, t
    if i.type == "translocation":
        origin, destination = biopax.compartments(i)
        return ("controls-transport-of" if origin and destination else "controls-state-change-of"), s, t
    return {"expression": "controls-expression-of", "phosphorylation": "controls-phosphorylation-of"}.get(
        i.type, "controls-state-change-of"), s, t


def to_sif(owl_file: Path, cwd: Path) -> set[tuple[str, ...]]:
    """toSIF's relations (without neighbor-of, which every figure's co-occurrence interaction gives)."""
    out = cwd / (owl_file.stem + ".sif")
    paxtools("toSIF", owl_file, out, "seqDb=hgnc.symbol,ncbigene", "chemDb=chebi,mesh", "exclude=NEIGHBOR_OF",
             cwd=cwd)
    return {tuple(line.split("\t")) for line in out.read_text().splitlines() if line}


def sif_answers(pathways, sif) -> tuple[list, collections.Counter]:
    """(interactions whose expected relation toSIF does not give, relations it gives per interaction type)."""
    missing, found = [], collections.Counter()
    for pw in pathways:
        for i in pw.interactions:
            want = expected_sif(i)
            if want is None:
                continue
            rel, a, b = want
            if any((x, rel, y) in sif or (rel == "in-complex-with" and (y, rel, x) in sif) for x in a for y in b):
                found[(i.type, rel)] += 1
            else:
                missing.append((pw.figure.figid, i.type, i.source_key, i.target_key, rel))
    return missing, found


def unexplained(pathways, sif) -> set:
    """SIF relations between two entities no caption interaction relates (catalysis-precedes aside, which
    chains two interactions through a chemical)."""
    pairs = {frozenset((x, y)) for pw in pathways for i in pw.interactions
             for x in sif_ids(i.source) for y in sif_ids(i.target)}
    return {line for line in sif if line[1] != "catalysis-precedes" and frozenset((line[0], line[2])) not in pairs}


def test_tosif_gives_each_interaction_the_relation_a_user_expects(merged, owl, seed_pathways, v2023_pathways):
    """Issue 16 item 4: Paxtools' toSIF on the files convert writes (merged by Paxtools) gives every caption
    interaction the SIF relation of its type between the right genes (HGNC symbols; other organisms' NCBI
    Gene ids; a family's members), chemicals (ChEBI, else MeSH ids), and no relation the captions do not state."""
    pathways = seed_pathways + v2023_pathways
    sif = to_sif(merged, owl)
    missing, found = sif_answers(pathways, sif)
    assert missing == []
    assert {rel for _, rel in found} == {
        "controls-state-change-of", "controls-phosphorylation-of", "controls-expression-of", "controls-transport-of",
        "controls-transport-of-chemical", "controls-production-of", "chemical-affects", "in-complex-with",
        "used-to-produce"}
    assert ("LIF", "in-complex-with", "LIFR") in sif and ("STAT3", "controls-expression-of", "ID1") in sif
    assert ("IL6", "controls-phosphorylation-of", "AKT1") in sif and ("AKT1", "controls-transport-of", "MDM2") in sif
    assert ("16491", "controls-transport-of-chemical", "CHEBI:22984") in sif  # mouse Kcna3 moves calcium in
    assert unexplained(pathways, sif) == set()


def test_tosif_on_the_corpus(corpus, tmp_path):
    pathways, path = corpus
    sif = to_sif(path, tmp_path)
    missing, found = sif_answers(pathways, sif)
    assert missing == [] and sum(found.values()) > 400
    assert found[("degradation", "consumption-controlled-by")] >= 1  # CYP26 degrades retinoic acid
    assert unexplained(pathways, sif) == set()
