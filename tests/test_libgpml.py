"""PathVisio 4's own library (libGPML) reads every GPML file we write and saves it in both dialects.

libGPML runs from ``../shared/tools/libgpml/run.sh`` (see its README): one JVM reads a batch of files,
writes each model back with libGPML's GPML2021 and GPML2013a writers (validated) and re-reads those.
"""

from __future__ import annotations

import csv
import itertools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from exporters.formats.gpml import NS_2013A, Gpml2013aExporter, Gpml2021Exporter, read_gpml
from exporters.pathway import make_pathway

import test_gpml as gpml_tests
from conftest import CORPUS, SHARED

LIBGPML = SHARED / "tools" / "libgpml" / "run.sh"
EXPORTERS = (Gpml2013aExporter(), Gpml2021Exporter())
CORPUS_STEP = 36  # every 36th 2020 corpus figure: 100 figures, 200 files
# What a libGPML save may lose, by (dialect read, dialect saved): 2013a's bp:PublicationXref has no URL, so
# the 2021 Citation's Url is dropped (libGPML logs "Citation cite url info lost"). Nothing else may change.
KNOWN_LOSS = {("2021", "2013a"): {"citation list"}}
# libGPML's arrowheads (GPML2013aFormatAbstract.IA_PANEL_MAP, written out here): each 2013a name it reads -> the
# 2021 name it keeps; saving 2013a it writes each 2021 name's first 2013a name (Conversion -> mim-conversion).
PANEL = {"Line": "Undirected", "Arrow": "Directed", "mim-conversion": "Conversion", "mim-modification": "Conversion",
         "mim-cleavage": "Conversion", "mim-inhibition": "Inhibition", "TBar": "Inhibition",
         "mim-stimulation": "Stimulation", "mim-necessary-stimulation": "Stimulation", "mim-binding": "Binding",
         "mim-translocation": "Translocation", "mim-transcription-translation": "TranscriptionTranslation"}


@pytest.fixture(scope="module")
def libgpml() -> Path:
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: libGPML (PathVisio 4's GPML library) needs Java 11+")
    if not LIBGPML.is_file():
        pytest.skip(f"libGPML is not at {LIBGPML} (set PFOCR_SHARED to the folder holding tools/libgpml)")
    return LIBGPML


def write_both(pathways, folder: Path, name: str) -> list[Path]:
    """Each pathway as folder/<name>-gpml/<figid>.gpml (2013a) and folder/<name>-gpml2021/<figid>.gpml."""
    paths = []
    for exporter in EXPORTERS:
        (folder / f"{name}-{exporter.name}").mkdir(parents=True)
        for pathway in pathways:
            path = folder / f"{name}-{exporter.name}" / f"{pathway.figure.figid}.gpml"
            path.write_bytes(exporter.to_bytes(pathway))
            paths.append(path)
    return paths


@dataclass
class Run:
    """One libGPML run: its summary row per file, where it saved the copies, and our files by set."""

    rows: dict[Path, dict[str, str]]
    saved: Path
    files: dict[str, list[Path]]

    def copy(self, path: Path, dialect: str) -> bytes:
        """libGPML's save of one of our files as GPML 2021 or 2013a."""
        return (self.saved / dialect / path.parent.name / path.name).read_bytes()


@pytest.fixture(scope="module")
def run(libgpml, seed_pathways, v2023_pathways, tmp_path_factory) -> Run:
    """One JVM for everything (libGPML's warm-up costs more than a file): the seeds, the 12 v2023 records and,
    when the 2020 corpus is there, every 36th corpus figure, each written in both dialects."""
    folder = tmp_path_factory.mktemp("libgpml")
    typed = next(p for p in seed_pathways if p.chemicals and p.families)
    sets = {"seeds": seed_pathways, "v2023": v2023_pathways, "types": [gpml_tests.every_type(typed)]}
    if (CORPUS / "genes_2020_subsets.tsv").is_file():
        from exporters.bulk import read_bulk

        sets["corpus"] = [make_pathway(f) for f in itertools.islice(read_bulk(CORPUS), 0, None, CORPUS_STEP)]
    files = {name: write_both(pathways, folder, name) for name, pathways in sets.items()}
    summary = folder / "summary.tsv"
    done = subprocess.run([str(libgpml), "-q", "-o", str(folder / "saved"), "-s", str(summary),
                           *(str(p) for paths in files.values() for p in paths)],
                          capture_output=True, text=True, timeout=900)
    assert summary.is_file(), f"libGPML did not run: {done.stderr[-1000:]}"  # its exit code: files that failed
    with summary.open(newline="", encoding="utf-8") as handle:
        rows = {Path(r["file"]): r for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    return Run(rows, folder / "saved", files)


def counts(data: bytes) -> dict[str, int]:
    """Data nodes, groups, non-empty Xrefs of data nodes and groups, and interactions in a GPML file (lxml)."""
    root = etree.fromstring(data)
    old = etree.QName(root).namespace == NS_2013A
    ns = f"{{{etree.QName(root).namespace}}}"
    xrefs = [x for kind in ("DataNode", "Group") for el in root.iter(f"{ns}{kind}") for x in el.iterfind(f"{ns}Xref")
             if all(x.get(a) for a in (("Database", "ID") if old else ("dataSource", "identifier")))]
    return {"datanodes": sum(1 for _ in root.iter(f"{ns}DataNode")), "groups": sum(1 for _ in root.iter(f"{ns}Group")),
            "xrefs": len(xrefs), "interactions": sum(1 for _ in root.iter(f"{ns}Interaction"))}


def interactions(data: bytes) -> list[tuple]:
    """Each interaction's ends (ncbigene:/fplx:/mesh:), type, arrowheads as libGPML's 2021 names, dashed, caption
    sentences and unreviewed mark, sorted."""
    return sorted((*i[:3], PANEL.get(i[3], i[3]), PANEL.get(i[4], i[4]), *i[5:])
                  for i in gpml_tests.drawn_interactions(data))


def families(data: bytes) -> list[tuple[str, str | None]]:
    """(name, FamPlex id) of every group, sorted."""
    return sorted((g["name"], g["fplx"]) for g in read_gpml(data).groups.values())


def check(run: Run, name: str) -> None:
    """libGPML read every file of a set, saved it as 2021 and 2013a and re-read the saves: no exception, the same
    data nodes, groups, Xrefs and interactions as we wrote, every family's name and FamPlex id and every
    interaction's ends, type, arrowhead (as libGPML names it), line style, sentences and mark in both saved files."""
    paths = run.files[name]
    rows = {p: run.rows.get(p) for p in paths}
    failed = {p.name: r and (r["read"], r["write2021"], r["write2013a"]) for p, r in rows.items()
              if r is None or (r["read"], r["write2021"], r["write2013a"]) != ("OK", "OK", "OK")}
    assert not failed, failed
    for path, row in rows.items():
        data = path.read_bytes()
        ours = counts(data)
        read = {"datanodes": int(row["datanodes"]), "groups": int(row["groups"].split()[0]), "xrefs": int(row["xrefs"]),
                "interactions": int(row["interactions"])}
        assert read == ours, f"libGPML read {path}: {read}, we wrote {ours}"
        for dialect in ("2021", "2013a"):
            result = row[f"roundtrip{dialect}"]
            changed = set() if result == "same" else {k.strip() for k in result.removeprefix("diff:").split(";")}
            assert changed <= KNOWN_LOSS.get((row["ns"], dialect), set()), f"{path} saved as {dialect}: {result}"
            copy = run.copy(path, dialect)
            assert counts(copy) == ours and families(copy) == families(data), f"{path} saved as {dialect}"
            assert interactions(copy) == interactions(data), f"{path} saved as {dialect}"


def test_seeds_read_and_save_in_both_dialects(run):
    check(run, "seeds")


def test_every_interaction_type_reads_and_saves_in_both_dialects(run):
    """One interaction of each type (a family end, a chemical end, hedged, undirected, parallel) survives."""
    assert {counts(p.read_bytes())["interactions"] for p in run.files["types"]} == {10}
    check(run, "types")


def test_v2023_records_read_and_save_in_both_dialects(run):
    assert len(run.files["v2023"]) == 2 * 12
    check(run, "v2023")


def test_corpus_sample_reads_and_saves_in_both_dialects(run, corpus_dir):
    """Every 36th 2020 corpus figure (all 3,592 in both dialects pass too: about 3 minutes of libGPML)."""
    paths = run.files["corpus"]
    assert len(paths) >= 2 * 99 and sum(1 for p in paths if families(p.read_bytes())) >= 50
    check(run, "corpus")


def test_pathvisio4_save_as_2013a_draws_cleanly_in_pvjs(run, seed_pathways):
    """A curator opens our 2021 file in PathVisio 4 and saves it as 2013a for WikiPathways: pvjs draws that file
    with every gene and family name and no text at an unreadable size."""
    pathway = max(seed_pathways, key=lambda p: len(p.families))
    ours = next(p for p in run.files["seeds"] if p.parent.name.endswith("gpml2021") and p.stem == pathway.figure.figid)
    drawn = gpml_tests.pvjs_texts(run.copy(ours, "2013a"), pathway.figure.figid)
    assert {g.symbol for g in pathway.genes} | {f.name for f in pathway.families} <= {text for text, _ in drawn}
    assert not [(text, size) for text, size in drawn if size < 10]


def test_pathvisio4_save_as_2013a_draws_every_interaction_in_pvjs(run):
    """The 2013a file libGPML saves from our 2021 one draws every interaction with its marker in pvjs, except
    translocation: libGPML writes it as mim-translocation, a marker neither pvjs nor PathVisio 3 has
    (our own 2013a file uses Arrow for it)."""
    (ours,) = [p for p in run.files["types"] if p.parent.name.endswith("gpml2021")]
    saved = run.copy(ours, "2013a")
    drawn = gpml_tests.pvjs_edges(gpml_tests.pvjs_svg(saved, "types"))
    kinds = {i["id"]: i["props"]["pfocr_interaction_type"] for i in read_gpml(saved).interactions}
    assert set(drawn) == set(kinds) and all(edge["end"] for edge in drawn.values())
    assert {kinds[ident] for ident, edge in drawn.items() if not edge["defined"]} == {"translocation"}
