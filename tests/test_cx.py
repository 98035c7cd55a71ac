"""CX1 / CX2 exporters: content, layout, style, NDEx server rules, ndex2 loading, speed, corpus."""

from __future__ import annotations

import copy
import itertools
import json

import pytest

from exporters import identifiers
from exporters.layout import layout_pathway
from exporters.pathway import make_pathway
from exporters.registry import ExportError, create
from exporters.formats.cx import Cx1Exporter, Cx2Exporter

from conftest import ROOT, SHARED

REFERENCE = SHARED / "reference" / "cx"
CX1, CX2 = Cx1Exporter(), Cx2Exporter()


def aspects(doc):
    """{aspect name: all its elements} of a CX1 or CX2 document."""
    found = {}
    for fragment in doc:
        for name, elements in fragment.items():
            if isinstance(elements, list):
                found.setdefault(name, []).extend(elements)
    return found


def node_count(pathway):
    return (len(pathway.singles) + len(pathway.chemicals) + len(pathway.diseases)
            + sum(1 + len(f.members) for f in pathway.families))


@pytest.fixture(scope="module")
def rich(seed_pathways):
    """The seed with singles, families, chemicals and diseases."""
    return max(seed_pathways, key=lambda p: (bool(p.families and p.chemicals and p.diseases), node_count(p)))


def test_registered_and_deterministic(seed_pathways):
    assert type(create("cx")) is Cx1Exporter and type(create("cx2")) is Cx2Exporter
    for pathway in seed_pathways:
        for exporter in (CX1, CX2):
            data = exporter.to_bytes(pathway)
            assert data == exporter.to_bytes(pathway) == exporter.to_bytes(make_pathway(pathway.figure))
            assert data.endswith(b"]\n") and data.count(b"\n") == len(json.loads(data))


def test_seeds_load_in_ndex2_with_our_counts(seed_pathways):
    ndex2 = pytest.importorskip("ndex2")
    from ndex2.cx2 import RawCX2NetworkFactory

    for pathway in seed_pathways:
        nice = ndex2.create_nice_cx_from_raw_cx(json.loads(CX1.to_bytes(pathway)))
        cx2 = RawCX2NetworkFactory().get_cx2network(json.loads(CX2.to_bytes(pathway)))
        assert len(nice.nodes) == len(cx2.get_nodes()) == node_count(pathway)
        assert len(nice.edges) == len(cx2.get_edges()) == len(pathway.interactions) > 0
        assert nice.get_name() == cx2.get_name() == pathway.figure.title
        first = pathway.singles[0]
        assert nice.get_node(0)["r"] == cx2.get_node(0)["v"]["represents"] == f"ncbigene:{first.entrez}"
        assert nice.get_node_attribute_value(0, "alias") == cx2.get_node(0)["v"]["alias"]


def test_network_attributes(rich):
    net = aspects(json.loads(CX2.to_bytes(rich)))["networkAttributes"][0]
    fig = rich.figure
    assert net["name"] == fig.title and net["pfocrId"] == fig.figid and net["pmcId"] == fig.pmcid
    assert f'href="{fig.figure_url}"' in net["description"] and net["figureLink"] == fig.figure_url
    # what IQuery shows as the figure, and PFOCR's own NDEx property names (pfocr2ndex update_pfocr.ipynb)
    image = f"https://europepmc.org/articles/{fig.pmcid}/bin/{fig.filename}"
    assert net["__NetworkImage"] == image and f'<img src="{image}"' in net["description"]
    assert net["figureLink"] == "https://www.ncbi.nlm.nih.gov" + fig.figlink  # the NCBI page stays linked
    assert (net["figureTitle"], net["paperTitle"], net["publicationYear"]) == (fig.title, fig.papertitle, fig.year)
    assert (net["figureNumber"], net["pfocrId"]) == (fig.number, fig.figid)
    assert f'<a href="{fig.paper_url}">' in net["reference"] and "<b>" in net["reference"]
    assert net["organism"] == rich.organism and net["networkType"] == ["pathway"]
    assert net["rights"] == "Waiver-No rights reserved (CC0)" and net["version"] and net["author"]
    assert "PFOCR" in net["labels"] and net["rightsHolder"] == "WikiPathways"
    assert json.loads(net["@context"]) == identifiers.context()
    assert all(t.label in net["disease"] or (t.mesh_name or "") in net["disease"] for t in rich.diseases)
    cx1 = aspects(json.loads(CX1.to_bytes(rich)))["networkAttributes"]
    assert {a["n"]: a["v"] for a in cx1} == net
    assert {a["n"]: a.get("d", "string") for a in cx1}["labels"] == "list_of_string"


def test_nodes_genes_families_chemicals_diseases(rich):
    doc = aspects(json.loads(CX2.to_bytes(rich)))
    nodes = [n["v"] for n in doc["nodes"]]
    assert [n["id"] for n in doc["nodes"]] == list(range(node_count(rich)))
    by_type = {t: [n for n in nodes if n["type"] == t] for t in ("protein", "proteinfamily", "smallmolecule",
                                                                  "disease")}
    gene = next(g for g in rich.singles if g.xref.hgnc_id and g.xref.uniprot)
    node = next(n for n in nodes if n.get("represents") == f"ncbigene:{gene.entrez}")
    assert node["name"] == gene.symbol and node["word"] == list(gene.words)
    assert node["alias"][:2] == [f"hgnc:{gene.xref.hgnc_id}", f"hgnc.symbol:{gene.symbol}"]
    assert f"uniprot:{gene.xref.uniprot[0]}" in node["alias"]
    # each family node is followed by one node per member gene
    i = len(rich.singles)
    for family in rich.families:
        assert nodes[i]["type"] == "proteinfamily" and nodes[i]["name"] == family.name
        assert nodes[i]["member"] == [f"hgnc.symbol:{m.symbol}" for m in family.members]
        members = nodes[i + 1: i + 1 + len(family.members)]
        assert [m["represents"] for m in members] == [f"ncbigene:{m.entrez}" for m in family.members]
        i += 1 + len(family.members)
    assert len(by_type["smallmolecule"]) == len(rich.chemicals)
    assert all(n["represents"] == f"mesh:{t.mesh_id}" for n, t in zip(by_type["smallmolecule"], rich.chemicals)
               if t.mesh_id)
    assert [n["name"] for n in by_type["disease"]] == [t.label for t in rich.diseases]
    declared = aspects(json.loads(CX2.to_bytes(rich)))["attributeDeclarations"][0]["nodes"]
    assert declared["alias"] == declared["member"] == declared["word"] == {"d": "list_of_string"}


def test_layout_and_style_open_the_network_as_drawn(rich):
    layout = layout_pathway(rich)
    boxes = [*layout.singles]
    for frame, members in zip(layout.families, layout.members):
        boxes += [frame, *members]
    boxes += [*layout.chemicals, *layout.diseases]
    cx1 = aspects(json.loads(CX1.to_bytes(rich)))
    assert [(c["node"], c["x"], c["y"]) for c in cx1["cartesianLayout"]] == [
        (i, round(b.x, 2), round(b.y, 2)) for i, b in enumerate(boxes)]
    cx2 = aspects(json.loads(CX2.to_bytes(rich)))
    assert [(n["x"], n["y"]) for n in cx2["nodes"]] == [(c["x"], c["y"]) for c in cx1["cartesianLayout"]]
    style = cx2["visualProperties"][0]
    mappings = {**style["nodeMapping"], **style["edgeMapping"]}
    assert mappings["NODE_LABEL"]["definition"] == {"attribute": "name", "type": "string"}
    assert all("type" in m["definition"] for m in mappings.values())
    colours = {e["v"]: e["vp"] for e in mappings["NODE_BACKGROUND_COLOR"]["definition"]["map"]}
    assert len({colours[t] for t in ("protein", "proteinfamily", "smallmolecule", "disease")}) == 4
    family_id = len(rich.singles)
    frame = layout.families[0]
    bypass = next(b["v"] for b in cx2["nodeBypasses"] if b["id"] == family_id)
    assert (round(bypass["NODE_WIDTH"]), round(bypass["NODE_HEIGHT"])) == (round(frame.width), round(frame.height))
    assert bypass["NODE_LABEL_POSITION"]["MARGIN_Y"] < 0  # the name is drawn above the members (test_cx_render)
    vp = {e["properties_of"]: e for e in cx1["cyVisualProperties"]}
    assert vp["nodes:default"]["mappings"]["NODE_LABEL"] == {"type": "PASSTHROUGH", "definition": "COL=name,T=string"}


@pytest.mark.parametrize("name", ["ndex2-client_glypican2.cx", "pfocr-example.cx",
                                  "ndex2-client_glypican2.cx2", "pfocr-example.cx2"])
def test_accepts_real_ndex_files(name):
    path = REFERENCE / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    (CX2 if name.endswith(".cx2") else CX1).validate(path.read_bytes(), name)


def _cx1_mutations():
    def first(doc, name):
        return next(f[name] for f in doc if name in f)

    def dup_node(doc):
        first(doc, "nodes").append(dict(first(doc, "nodes")[0]))

    def dangling_edge(doc):
        first(doc, "edges")[0]["t"] = 999

    def bad_po(doc):
        first(doc, "nodeAttributes")[0]["po"] = 4242

    def bad_layout(doc):
        first(doc, "cartesianLayout")[0]["node"] = 777

    def two_types(doc):
        first(doc, "nodeAttributes").append({"po": 0, "n": "type", "v": 3, "d": "long"})

    def uncastable(doc):
        first(doc, "nodeAttributes").append({"po": 0, "n": "score", "v": "high", "d": "double"})

    def context_twice(doc):
        doc.insert(-1, {"@context": [{"ncbigene": "https://identifiers.org/ncbigene:"}]})

    return [
        ("fragment with two aspects", lambda doc: doc[2].update(x=[]), "Expecting aspect name as a field name"),
        ("aspect before metaData", lambda doc: doc.insert(1, doc.pop(2)), "MetaData is expected at the beginning"),
        ("no metaData", lambda doc: doc.pop(1), "No CX metadata found"),
        ("no status", lambda doc: doc.pop(), "ends without a Status object"),
        ("aspect after post-metaData", lambda doc: doc.insert(-1, {"metaData": []}) or doc.insert(-1, {"x": [{}]}),
         "Only status aspect is allowed after post metadata section"),
        ("error status", lambda doc: doc[-1]["status"][0].update(error="boom", success=False),
         "Error status received in CX document. Error message: boom"),
        ("no nodes metaData", lambda doc: first(doc, "metaData").pop(1), "Nodes aspect is missing."),
        ("duplicate node id", dup_node, "Duplicate Id 0 found in aspect nodes"),
        ("dangling edge", dangling_edge, "missing elements in aspect nodes, and these are the element ids that are "
                                         "referenced in other aspects but missing in this aspect: 999 in edges."),
        ("dangling po", bad_po, "4242 in nodeAttributes"),
        ("dangling layout node", bad_layout, "777 in cartesianLayout"),
        ("two data types", two_types, "Data type error in attribute type of aspect nodes: data type LONG is "
                                      "inconsistent with previously declared data type STRING"),
        ("uncastable value", uncastable, "can not be cast to double"),
        ("@context twice", context_twice, "'@context' is definded a network attribute and an aspect"),
        ("schema: numeric node name", lambda doc: first(doc, "nodes")[0].update(n=5), "schema cx1-ndex"),
    ]


@pytest.mark.parametrize("what,mutate,message", _cx1_mutations(), ids=[m[0] for m in _cx1_mutations()])
def test_cx1_server_rules_fire(seed_pathways, what, mutate, message):
    doc = json.loads(CX1.to_bytes(seed_pathways[0]))
    mutate(doc)
    with pytest.raises(ExportError, match="^broken.cx: cx: ") as caught:
        CX1.validate(json.dumps(doc).encode(), "broken.cx")
    assert message in str(caught.value)


def test_cx1_count_mismatch_is_only_strict(seed_pathways):
    doc = json.loads(CX1.to_bytes(seed_pathways[0]))
    doc[1]["metaData"][1]["elementCount"] += 1
    CX1.validate(json.dumps(doc).encode(), "x.cx")  # NDEx only warns
    with pytest.raises(ExportError, match="Element count mismatch in aspect nodes"):
        CX1.check(json.dumps(doc).encode(), "x.cx", strict=True)


def _cx2_mutations():
    def part(doc, name):
        return next(f[name] for f in doc if name in f)

    def undeclared(doc):
        part(doc, "nodes")[0]["v"]["colour"] = "red"

    def uncastable(doc):
        part(doc, "attributeDeclarations")[0]["nodes"]["rank"] = {"d": "long"}
        part(doc, "nodes")[0]["v"]["rank"] = "first"

    def alias_misuse(doc):
        part(doc, "attributeDeclarations")[0]["nodes"]["name"] = {"d": "string", "a": "n"}

    def dangling_edge(doc):
        part(doc, "edges")[0]["t"] = 999

    def no_xy(doc):
        del part(doc, "nodes")[1]["x"], part(doc, "nodes")[1]["y"]

    return [
        ("no CXVersion", lambda doc: doc.pop(0), "The first element in CX2 must be the CXVersion object"),
        ("no status", lambda doc: doc.pop(), "ends without a status aspect"),
        ("undeclared attribute", undeclared, "Attribute colour is not declared in attributeDeclarations aspect."),
        ("uncastable", uncastable, "Value 'first' of attribute rank in aspect nodes can not be cast to long."),
        ("full name next to alias", alias_misuse, "Attribute name is declared with an alias"),
        ("two networkAttributes", lambda doc: part(doc, "networkAttributes").append({}),
         "Only one networkAttributes element is allowed in CX."),
        ("count mismatch", lambda doc: part(doc, "metaData")[2].update(elementCount=1),
         "Element count mismatch in aspect nodes: metaData has 1"),
        ("duplicate node", lambda doc: part(doc, "nodes").append(copy.deepcopy(part(doc, "nodes")[0])),
         "Duplicate Id 0 found in aspect nodes"),
        ("dangling edge", dangling_edge, "999 in edges"),
        ("coordinates all-or-none", no_xy, "Coordinates missing in node 1"),
        ("bypass of missing node", lambda doc: part(doc, "nodeBypasses")[0].update(id=555), "555 in nodeBypasses"),
        ("schema: x without y", lambda doc: part(doc, "nodes")[0].pop("y") and part(doc, "nodes")[1].pop("y"),
         "schema cx2"),
    ]


@pytest.mark.parametrize("what,mutate,message", _cx2_mutations(), ids=[m[0] for m in _cx2_mutations()])
def test_cx2_server_rules_fire(rich, what, mutate, message):
    doc = json.loads(CX2.to_bytes(rich))
    mutate(doc)
    with pytest.raises(ExportError, match="^broken.cx2: cx2: ") as caught:
        CX2.validate(json.dumps(doc).encode(), "broken.cx2")
    assert message in str(caught.value)


def test_figure_without_mentions_is_an_empty_network():
    ndex2 = pytest.importorskip("ndex2")
    from ndex2.cx2 import RawCX2NetworkFactory

    from exporters.model import Figure

    pathway = make_pathway(Figure(figid="PMC1__empty", title="Nothing recognised"))
    assert len(ndex2.create_nice_cx_from_raw_cx(json.loads(CX1.to_bytes(pathway))).nodes) == 0
    cx2 = RawCX2NetworkFactory().get_cx2network(json.loads(CX2.to_bytes(pathway)))
    assert cx2.get_name() == "Nothing recognised" and not cx2.get_nodes()


def test_not_json_or_not_an_array_is_rejected():
    with pytest.raises(ExportError, match="not JSON"):
        CX1.validate(b"[{", "x.cx")
    with pytest.raises(ExportError, match="illegal cx json format: expected to start with an array"):
        CX1.validate(b'{"nodes": []}', "x.cx")


def test_corpus_exports_and_validates(corpus_dir):
    from exporters.bulk import read_bulk

    ndex2 = pytest.importorskip("ndex2")
    from ndex2.cx2 import RawCX2NetworkFactory

    count = 0
    for figure in read_bulk(corpus_dir):
        pathway = make_pathway(figure)
        cx1, cx2 = CX1.to_bytes(pathway), CX2.to_bytes(pathway)  # raise ExportError on any violation
        if count % 400 == 0:
            nodes = node_count(pathway)
            assert len(ndex2.create_nice_cx_from_raw_cx(json.loads(cx1)).nodes) == nodes
            assert len(RawCX2NetworkFactory().get_cx2network(json.loads(cx2)).get_nodes()) == nodes
        count += 1
    assert count > 3000


def test_examples_are_current(seed_pathways):
    folder = ROOT / "examples" / "cx"
    shipped = sorted(itertools.chain(folder.glob("*.cx"), folder.glob("*.cx2")))
    assert shipped, "examples/cx holds one seed's .cx and .cx2"
    by_id = {p.figure.figid: p for p in seed_pathways}
    for path in shipped:
        exporter = CX2 if path.suffix == ".cx2" else CX1
        assert path.read_bytes() == exporter.to_bytes(by_id[path.stem])


V2023 = ROOT / "tests" / "data" / "v2023"


def _v2023_input(figid):
    """The ids a v2023 record's tables give, read with csv (not through exporters.records)."""
    import csv

    def rows(kind):
        path = V2023 / "_data" / f"{figid}-{kind}.tsv"
        if not path.is_file():
            return []
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle, delimiter="\t"))

    def curie(value):
        if value in ("", "NA"):
            return None
        prefix, _, local = value.partition(":")
        return f"{prefix.lower()}:{local}"

    genes = {(r["ncbigene_id"], r["organism_id"]) for r in rows("genes") if r["ncbigene_id"] not in ("", "NA")}
    chemicals = {c for r in rows("chemicals") for c in (curie(r["mesh"]), curie(r["chebi"])) if c}
    diseases = {c for r in rows("diseases") for c in (curie(r["mesh"]), curie(r["doid"])) if c}
    return genes, chemicals, diseases


def _cx_nodes(doc, exporter):
    """[(id, {attribute: value} incl. represents)] of a parsed CX1 or CX2 document."""
    found = aspects(doc)
    if exporter is CX2:
        return [(n["id"], n["v"]) for n in found["nodes"]]
    nodes = {n["@id"]: {"name": n["n"], **({"represents": n["r"]} if "r" in n else {})} for n in found["nodes"]}
    for attr in found.get("nodeAttributes", []):
        nodes[attr["po"]][attr["n"]] = attr["v"]
    return list(nodes.items())


def _v2023_pathways():
    from exporters.records import find_records, read_record

    paths = find_records([V2023 / "_figures"])
    assert len(paths) == 12
    return [make_pathway(read_record(p)) for p in paths]


@pytest.mark.parametrize("exporter", [CX1, CX2], ids=["cx", "cx2"])
def test_v2023_records_convert_without_loss(exporter):
    """Every NCBI Gene id with its taxon, MeSH, ChEBI and DOID id of the 12 v2023 records is in the output,
    genes in represents with a taxon attribute, terms in represents or alias of a node of their kind."""
    checked = 0
    for pathway in _v2023_pathways():
        figid = pathway.figure.figid
        genes, chemicals, diseases = _v2023_input(figid)
        nodes = [v for _, v in _cx_nodes(json.loads(exporter.to_bytes(pathway)), exporter)]
        gene_taxa = {}
        for node in nodes:
            if node["type"] in ("protein", "gene"):
                assert node["represents"].startswith("ncbigene:"), (figid, node)
                gene_taxa.setdefault(node["represents"], set()).add(node.get("taxon"))
        for entrez, taxon in genes:
            assert gene_taxa.get(f"ncbigene:{entrez}") == {taxon}, (figid, entrez, taxon)
        for kind, ids in (("smallmolecule", chemicals), ("disease", diseases)):
            where = {}
            for node in (n for n in nodes if n["type"] == kind):
                if "represents" in node:
                    where.setdefault(node["represents"], set()).add("represents")
                for alias in node.get("alias", []):
                    where.setdefault(alias, set()).add("alias")
            for ident in ids:
                assert ident in where, (figid, kind, ident)
                if not ident.startswith("mesh:"):  # ChEBI / DOID ids are what a term represents
                    assert "represents" in where[ident], (figid, ident)
        checked += len(genes) + len(chemicals) + len(diseases)
    assert checked > 300


def test_v2023_organisms_flags_and_names():
    ndex2 = pytest.importorskip("ndex2")
    from ndex2.cx2 import NoStyleCXToCX2NetworkFactory, RawCX2NetworkFactory

    seen = set()
    for pathway in _v2023_pathways():
        cx1, cx2 = json.loads(CX1.to_bytes(pathway)), json.loads(CX2.to_bytes(pathway))
        assert len(ndex2.create_nice_cx_from_raw_cx(cx1).nodes) == node_count(pathway)
        assert len(RawCX2NetworkFactory().get_cx2network(cx2).get_nodes()) == node_count(pathway)
        converted = NoStyleCXToCX2NetworkFactory().get_cx2network(copy.deepcopy(cx1))
        assert len(converted.get_nodes()) == node_count(pathway)
        net = aspects(cx2)["networkAttributes"][0]
        assert net.get("organism") == (pathway.organism or None)
        assert net.get("organismSource") == pathway.organism_source
        assert net.get("organismsNamed", []) == [name for name, _ in pathway.organisms_named]
        assert {a["n"]: a.get("d") for a in aspects(cx1)["networkAttributes"]}.get("organismsNamed") == (
            "list_of_string" if pathway.organisms_named else None)
        context = json.loads(net["@context"])
        assert {"chebi", "doid", "mgi", "rgd", "ncbigene", "mesh"} <= set(context)
        genes = {g.entrez: g for g in pathway.singles}
        genes.update({m.entrez: m for f in pathway.families for m in f.members})
        dashed1 = {e["applies_to"] for e in aspects(cx1)["cyVisualProperties"]
                   if e.get("properties", {}).get("NODE_BORDER_STROKE") == "LONG_DASH"}
        dashed2 = {b["id"] for b in aspects(cx2).get("nodeBypasses", [])
                   if b["v"].get("NODE_BORDER_STYLE") == "dashed"}
        flagged = set()
        for ident, node in _cx_nodes(cx2, CX2):
            if node["type"] not in ("protein", "gene"):
                continue
            gene = genes[node["represents"].split(":", 1)[1]]
            assert node["organism"] == gene.organism and node["taxon"] == gene.taxon
            assert node.get("flag") == gene.flag
            if gene.flag:
                flagged.add(ident)
            aliases = node.get("alias", [])
            if not gene.xref.is_human:
                assert not any(a.startswith(("hgnc:", "hgnc.symbol:")) for a in aliases), node
            if gene.xref.nomenclature:
                assert aliases[0] == f"{gene.xref.nomenclature}:{gene.xref.nomenclature_id}"
                seen.add(gene.xref.nomenclature)
        assert dashed1 == dashed2 == flagged
        seen.add("flag" if flagged else "")
        by_type = {}
        for _, node in _cx_nodes(cx2, CX2):
            by_type.setdefault(node["type"], []).append(node)
        for term, node in zip(pathway.chemicals, by_type.get("smallmolecule", [])):
            if term.mesh_id and term.mesh_name:
                assert node["meshName"] == term.mesh_name
            if term.ontology_id:
                assert node["represents"] == f"chebi:{term.ontology_id}"
                assert node.get("chebiName") == term.ontology_name
                assert node.get("alias", []) == ([f"mesh:{term.mesh_id}"] if term.mesh_id else [])
                seen.add("chebi")
            elif term.mesh_id:
                assert node["represents"] == f"mesh:{term.mesh_id}" and "alias" not in node
            else:
                assert "represents" not in node
        for term, node in zip(pathway.diseases, by_type.get("disease", [])):
            if term.ontology_id:
                assert node["represents"] == f"doid:{term.ontology_id}" and node["doidName"] == term.ontology_name
                seen.add("doid")
        declared = aspects(cx2)["attributeDeclarations"][0]["nodes"]
        assert {k for _, n in _cx_nodes(cx2, CX2) for k in n} <= set(declared)
    assert {"hgnc", "mgi", "flag", "chebi", "doid"} <= seen


def test_cx1_mappings_follow_the_ndex_style_grammar(seed_pathways):
    """NDEx parses CX1 mapping definitions with CyNDEx's grammar: a comma inside a value is doubled.
    An unescaped one ("N,N,c,0.00,3.00") makes NDEx drop the mapping as corrupted (issue 13, item 1)."""
    from exporters.formats.cx_rules import mapping_problems

    from exporters.formats.cx import _cx1_discrete

    for pathway in seed_pathways:
        styles = [e for f in json.loads(CX1.to_bytes(pathway)) for e in f.get("cyVisualProperties", [])]
        mappings = {p: m for e in styles for p, m in (e.get("mappings") or {}).items()}
        assert mappings and all(mapping_problems(p, m) == [] for p, m in mappings.items())
    written = _cx1_discrete("type", [("proteinfamily", "N,N,c,0.00,3.00")])
    assert written == "COL=type,T=string,K=0=proteinfamily,V=0=N,,N,,c,,0.00,,3.00"
    assert mapping_problems("NODE_LABEL_POSITION", {"type": "DISCRETE", "definition": written}) == []
    broken = {"type": "DISCRETE", "definition": "COL=type,T=string,K=0=proteinfamily,V=0=N,N,c,0.00,3.00"}
    assert mapping_problems("NODE_LABEL_POSITION", broken) == [
        "Corrupted data found in DISCRETE mapping on NODE_LABEL_POSITION: entry 'N' (a comma in a value must be "
        "doubled)"]
    unpaired = {"type": "DISCRETE", "definition": "COL=type,T=string,K=0=a,V=1=b"}
    assert "do not pair up" in mapping_problems("NODE_SHAPE", unpaired)[0]
    huge = {"type": "DISCRETE", "definition": "COL=type,T=string," + ",".join(f"K={i}=k,V={i}=v" for i in range(3000))}
    assert "over NDEx's 30,000" in mapping_problems("NODE_SHAPE", huge)[0]


def _cx_edges(doc, exporter):
    """[(source node id, target node id, {attribute: value} incl. interaction)] of a parsed CX1 or CX2
    document, CX1 values read as their declared type."""
    found = aspects(doc)
    if exporter is CX2:
        return [(e["s"], e["t"], e["v"]) for e in found.get("edges", [])]
    edges = {e["@id"]: (e["s"], e["t"], {"interaction": e["i"]}) for e in found.get("edges", [])}
    for attr in found.get("edgeAttributes", []):
        value = attr["v"]
        if attr.get("d") == "boolean":
            assert value in ("true", "false"), attr  # as the CX1 spec and NDEx write booleans
            value = value == "true"
        edges[attr["po"]][2][attr["n"]] = value
    return list(edges.values())


def _node_keys(values):
    """What an interaction key can name a node by: represents, aliases, and a family's own name."""
    keys = {values.get("represents"), *values.get("alias", [])}
    if values["type"] == "proteinfamily":
        keys.add(f"fplx:{values['name']}")
    return keys


@pytest.mark.parametrize("exporter", [CX1, CX2], ids=["cx", "cx2"])
def test_every_json_interaction_is_an_edge(exporter, seed_pathways, v2023_pathways):
    """The JSON output's interactions and the CX edges are the same: one edge per interaction, between the
    nodes its source and target name, with its type, direction, hedge and every stating sentence."""
    from exporters.formats.figure_json import figure_document

    checked = 0
    for pathway in [*seed_pathways, *v2023_pathways]:
        doc = json.loads(exporter.to_bytes(pathway))
        nodes = dict(_cx_nodes(doc, exporter))
        edges = _cx_edges(doc, exporter)
        wanted = figure_document(pathway)["interactions"]
        assert len(edges) == len(wanted), pathway.figure.figid
        for interaction, (source, target, values) in zip(wanted, edges):
            where = (pathway.figure.figid, interaction["source"], interaction["type"], interaction["target"])
            assert interaction["source"] in _node_keys(nodes[source]), where
            assert interaction["target"] in _node_keys(nodes[target]), where
            assert values["interaction"] == interaction["type"], where
            assert (values["directed"], values["hedged"]) == (interaction["directed"], interaction["hedged"]), where
            assert values["evidence"] == list(dict.fromkeys(s["text"] for s in interaction["statements"])), where
            assert values["provenance"] == interaction["provenance"] and values["source"] == "caption", where
            checked += 1
    assert checked >= 40


def test_edges_say_they_are_unreviewed_caption_drafts_and_cite_the_paper(v2023_pathways):
    from exporters.interactions import PROVENANCE

    pathway = next(p for p in v2023_pathways if p.interactions and p.figure.doi)
    fig = pathway.figure
    for exporter in (CX1, CX2):
        doc = json.loads(exporter.to_bytes(pathway))
        for _, _, values in _cx_edges(doc, exporter):
            assert values["citation"] == [f"doi:{fig.doi}", f"pmc:{fig.pmcid}"]
            assert values["source"] == "caption" and values["provenance"] == PROVENANCE and "unreviewed" in PROVENANCE
        methods = {"cx": lambda: {a["n"]: a["v"] for a in aspects(doc)["networkAttributes"]},
                   "cx2": lambda: aspects(doc)["networkAttributes"][0]}[exporter.name]()["methods"]
        assert "read from the figure caption" in methods and "unreviewed" in methods and "precision" in methods
    cx1 = aspects(json.loads(CX1.to_bytes(pathway)))
    assert all(set(e) == {"@id", "s", "t", "i"} for e in cx1["edges"])
    assert "interaction" not in {a["n"] for a in cx1["edgeAttributes"]}  # CX1 carries it in "i"
    assert {a["n"]: a.get("d", "string") for a in cx1["edgeAttributes"]} == {
        "directed": "boolean", "hedged": "boolean", "evidence": "list_of_string", "citation": "list_of_string",
        "source": "string", "provenance": "string"}
    meta = {m["name"]: m for m in cx1["metaData"]}
    assert meta["edges"]["idCounter"] == len(pathway.interactions) - 1
    assert meta["edgeAttributes"]["elementCount"] == len(cx1["edgeAttributes"])
    declared = aspects(json.loads(CX2.to_bytes(pathway)))["attributeDeclarations"][0]["edges"]
    assert declared["interaction"] == {"d": "string"} and declared["evidence"] == {"d": "list_of_string"}
    without = make_pathway(pathway.figure, interactions=False)
    assert "edges" not in aspects(json.loads(CX1.to_bytes(without)))
    assert "read from the figure caption" not in CX2.to_bytes(without).decode()


def test_an_edge_ends_at_a_genes_own_node_else_its_first_family_node(seed_pathways):
    """A gene the figure names on its own and in a family connects at its own node; one named only inside
    families connects at its node in the first of them."""
    from dataclasses import replace

    from exporters.interactions import Interaction

    pathway = next(p for p in seed_pathways if p.figure.figid.startswith("PMC7513516"))
    singles = {g.entrez for g in pathway.singles}
    both = next(m for f in pathway.families for m in f.members if m.entrez in singles)
    homes = [f for f in pathway.families if any(m.entrez not in singles for m in f.members)]
    member = next(m for m in homes[0].members if m.entrez not in singles)
    statement = pathway.interactions[0].statements[0]
    drafted = Interaction(both, member, f"ncbigene:{both.entrez}", f"ncbigene:{member.entrez}", "activation",
                          True, False, (statement,))
    doc = json.loads(CX2.to_bytes(replace(pathway, interactions=(drafted,))))
    nodes = dict(_cx_nodes(doc, CX2))
    ((source, target, _),) = _cx_edges(doc, CX2)
    assert source == [g.entrez for g in pathway.singles].index(both.entrez)
    family_node = next(i for i, v in nodes.items() if v["type"] == "proteinfamily" and v["name"] == homes[0].name)
    assert target == family_node + 1 + list(homes[0].members).index(member)
    assert nodes[target]["represents"] == f"ncbigene:{member.entrez}"


def test_edge_style_arrows_by_type_and_dashes_when_hedged(seed_pathways):
    """Every interaction type has a target arrow in both styles, as NDEx converts the CX1 names (an arrow for
    an increase, a T-bar for inhibition, none for binding); hedged edges are dashed; the CX1 mappings parse."""
    from exporters.formats.cx_rules import mapping_problems
    from exporters.relations import TYPES

    cx1 = next(e for e in aspects(json.loads(CX1.to_bytes(seed_pathways[0])))["cyVisualProperties"]
               if e["properties_of"] == "edges:default")
    assert cx1["dependencies"] == {"arrowColorMatchesEdge": "true"}
    assert all(mapping_problems(p, m) == [] for p, m in cx1["mappings"].items())
    definition = cx1["mappings"]["EDGE_TARGET_ARROW_SHAPE"]["definition"]
    assert definition.startswith("COL=interaction,T=string,")
    pairs = dict(zip(definition.split(",")[2::2], definition.split(",")[3::2]))
    arrows1 = {k.split("=", 2)[2]: v.split("=", 2)[2] for k, v in pairs.items()}
    assert set(arrows1) == set(TYPES)
    assert (arrows1["activation"], arrows1["inhibition"], arrows1["binding"]) == ("DELTA", "T", "NONE")
    assert cx1["mappings"]["EDGE_LINE_TYPE"]["definition"] == "COL=hedged,T=boolean,K=0=true,V=0=EQUAL_DASH"
    style = aspects(json.loads(CX2.to_bytes(seed_pathways[0])))["visualProperties"][0]
    arrows2 = {e["v"]: e["vp"] for e in style["edgeMapping"]["EDGE_TARGET_ARROW_SHAPE"]["definition"]["map"]}
    assert set(arrows2) == set(TYPES)
    assert (arrows2["activation"], arrows2["inhibition"], arrows2["binding"]) == ("triangle", "tee", "none")
    assert style["edgeMapping"]["EDGE_LINE_STYLE"]["definition"] == {
        "attribute": "hedged", "type": "boolean", "map": [{"v": True, "vp": "dashed"}]}


def test_suspect_flags_on_genes(seed_pathways, v2023_pathways):
    """Genes flagged by exporters.suspects carry their codes and reasons (only they do), with an orange border
    bypass in both versions; an other-organism ``flag`` is always one of them, with the same reason."""
    from exporters.suspects import gene_flags

    flagged_nodes = 0
    for pathway in [*seed_pathways, *v2023_pathways]:
        flags = gene_flags(pathway)
        cx1, cx2 = json.loads(CX1.to_bytes(pathway)), json.loads(CX2.to_bytes(pathway))
        orange1 = {e["applies_to"] for e in aspects(cx1)["cyVisualProperties"]
                   if e.get("properties", {}).get("NODE_BORDER_PAINT") == "#E65100"}
        orange2 = {b["id"] for b in aspects(cx2).get("nodeBypasses", [])
                   if b["v"].get("NODE_BORDER_COLOR") == "#E65100"}
        suspects = set()
        for exporter, doc in ((CX1, cx1), (CX2, cx2)):
            for ident, node in _cx_nodes(doc, exporter):
                entrez = node.get("represents", "").removeprefix("ncbigene:")
                expected = flags.get(entrez, ()) if node["type"] in ("protein", "gene") else ()
                assert node.get("suspect", []) == [f.code for f in expected], node
                assert node.get("suspectReason", []) == [f.reason for f in expected], node
                if "flag" in node:
                    assert node["flag"] == next(f.reason for f in expected if f.code == "other_organism")
                if expected:
                    suspects.add(ident)
        assert orange1 == orange2 == suspects, pathway.figure.figid
        flagged_nodes += len(suspects)
    assert flagged_nodes >= 100
