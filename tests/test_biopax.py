"""BioPAX Level 3 exporters: what Paxtools-style readers, SHACL and triple stores see."""

from __future__ import annotations

import collections
import csv
import dataclasses
import io
import itertools
from pathlib import Path

import pybiopax
import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as shacl_validate

from exporters.bulk import read_bulk
from exporters.formats import biopax
from exporters.formats.biopax import BiopaxExporter, NTriplesExporter, TurtleExporter
from exporters.pathway import Family, Gene, Term, make_pathway
from exporters.registry import ExportError, create
from exporters.resources import schema_path
from exporters.xrefs import default_resolver

BP = rdflib.Namespace(biopax.BP)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
BASE = biopax.DEFAULT_BASE
XSD_STRING = rdflib.XSD.string


def corpus_file(exporter, pathways) -> bytes:
    """What the CLI does: per-figure to_bytes (in workers), then corpus_start/add/end."""
    out = io.BytesIO()
    exporter.corpus_start(out)
    for pw in pathways:
        exporter.corpus_add(exporter.to_bytes(pw), out)
    exporter.corpus_end(out)
    return out.getvalue()


def graph(data: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def by_figid(pathways, figid):
    return next(p for p in pathways if p.figure.figid == figid)


@pytest.fixture(scope="module")
def seed_graph(seed_pathways) -> rdflib.Graph:
    return graph(corpus_file(NTriplesExporter(), seed_pathways), "nt")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return graph(schema_path("biopax-shapes.ttl").read_bytes(), "turtle")


def xrefs_of(g: rdflib.Graph, subject) -> set[tuple[str, str, str]]:
    return {(g.value(x, rdflib.RDF.type).split("#")[1], str(g.value(x, BP.db)), str(g.value(x, BP.id)))
            for x in g.objects(subject, BP.xref)}


def test_registered_formats():
    assert (create("biopax").suffix, create("turtle").suffix, create("ntriples").suffix) == (".owl", ".ttl", ".nt")
    assert not create("biopax").corpus_level and create("turtle").corpus_level and create("ntriples").corpus_level


def test_the_three_syntaxes_say_the_same(seed_pathways):
    for pw in seed_pathways:
        owl = graph(BiopaxExporter().to_bytes(pw), "xml")
        ttl = graph(TurtleExporter().to_bytes(pw), "turtle")
        nt = graph(NTriplesExporter().to_bytes(pw), "nt")
        assert len(owl) > 50
        assert set(owl) == set(ttl) == set(nt), pw.figure.figid


def test_pybiopax_reads_every_object_we_wrote(seed_pathways):
    for pw in seed_pathways:
        data = BiopaxExporter().to_bytes(pw)
        model = pybiopax.model_from_owl_str(data.decode("utf-8"))
        read = collections.Counter(type(o).__name__ for o in model.objects.values())
        written = collections.Counter(b.type[3:] for b in biopax.biopax_blocks(pw, BASE) if b.type)
        assert read == written, pw.figure.figid
        pathway = model.objects[BASE + pw.figure.figid]
        assert pathway.standard_name == pw.figure.title and len(pathway.display_name) <= 25
        participants = pathway.pathway_component[0].participant
        assert {p.display_name for p in participants} >= {g.symbol for g in pw.singles}


def test_rdfxml_uses_typed_nodes_and_absolute_iris(seed_pathways):
    data = BiopaxExporter().to_bytes(seed_pathways[0]).decode()
    assert "rdf:Description" not in data and "rdf:ID" not in data
    assert f'xml:base="{BASE}"' in data
    g = graph(data.encode(), "xml")
    nodes = {t for t in itertools.chain.from_iterable((s, o) for s, _, o in g) if isinstance(t, rdflib.URIRef)}
    assert all(str(n).startswith(("https://", "http://")) for n in nodes)
    assert not any(isinstance(t, rdflib.BNode) for triple in g for t in triple)


def test_gene_model(seed_graph):
    pr = rdflib.URIRef(BASE + "PR_ncbigene_3716")
    assert seed_graph.value(pr, rdflib.RDF.type) == BP.ProteinReference
    assert str(seed_graph.value(pr, BP.displayName)) == "JAK1"
    assert xrefs_of(seed_graph, pr) == {("UnificationXref", "uniprot", "P23458"),
                                        ("RelationshipXref", "ncbigene", "3716"),
                                        ("RelationshipXref", "hgnc", "6190"),
                                        ("RelationshipXref", "hgnc.symbol", "JAK1")}
    rel = next(x for x in seed_graph.objects(pr, BP.xref) if str(seed_graph.value(x, BP.db)) == "ncbigene")
    vocab = seed_graph.value(rel, BP.relationshipType)
    assert str(seed_graph.value(vocab, BP["term"])) == "identity"
    assert xrefs_of(seed_graph, vocab) == {("UnificationXref", "mi", "MI:0356")}
    human = seed_graph.value(pr, BP.organism)
    assert xrefs_of(seed_graph, human) == {("UnificationXref", "ncbitaxon", "9606")}
    # literals are typed xsd:string, as Paxtools writes them
    assert seed_graph.value(pr, BP.displayName).datatype == XSD_STRING


def test_one_protein_per_gene_across_figures(seed_graph, seed_pathways):
    genes = {g.entrez for pw in seed_pathways for g in pw.genes}
    refs = set(seed_graph.subjects(rdflib.RDF.type, BP.ProteinReference))
    assert {str(r) for r in refs if "PR_ncbigene_" in str(r)} == {f"{BASE}PR_ncbigene_{e}" for e in genes}
    # TP53 is named on several seed figures: one Protein, a participant of each figure's interaction
    tp53 = rdflib.URIRef(BASE + "Protein_ncbigene_7157")
    users = {str(s) for s in seed_graph.subjects(BP.participant, tp53)}
    named = {f"{BASE}{pw.figure.figid}_participants" for pw in seed_pathways
             if "7157" in {g.entrez for g in pw.singles}}
    assert users == named and len(named) >= 2


def test_famplex_family_is_a_generic_reference(seed_graph):
    fam = rdflib.URIRef(BASE + "PR_fplx_JAK")
    assert xrefs_of(seed_graph, fam) == {("UnificationXref", "fplx", "JAK")}
    members = {str(seed_graph.value(m, BP.displayName)) for m in seed_graph.objects(fam, BP.memberEntityReference)}
    assert members == {"JAK1", "JAK2", "JAK3", "TYK2"}
    protein = rdflib.URIRef(BASE + "Protein_fplx_JAK")
    assert seed_graph.value(protein, BP.entityReference) == fam
    assert (None, BP.participant, protein) in seed_graph


def test_chemicals_diseases_publication(seed_graph):
    pw = rdflib.URIRef(BASE + "PMC7513516__12943_2020_1258_Fig1_HTML")
    assert ("RelationshipXref", "mesh", "D009362") in xrefs_of(seed_graph, pw)
    assert ("PublicationXref", "pmc", "PMC7513516") in xrefs_of(seed_graph, pw)
    px = rdflib.URIRef(BASE + "PX_pmc_PMC7513516")
    assert seed_graph.value(px, BP.year) == rdflib.Literal(2020, datatype=rdflib.XSD.int)
    smr = rdflib.URIRef(BASE + "SMR_mesh_D000641")
    assert str(seed_graph.value(smr, BP.displayName)) == "Ammonia"
    assert xrefs_of(seed_graph, smr) == {("UnificationXref", "mesh", "D000641")}
    comments = {str(c) for c in seed_graph.objects(pw, BP.comment)}
    assert "Chemicals on the figure without a MeSH or ChEBI id: tyrosine" in comments


def test_organism_rule_first_with_a_taxon(seed_graph):
    # the seed lists Mus musculus, Hepatitis B virus, Homo sapiens: one organism, the first resolvable
    pw = rdflib.URIRef(BASE + "PMC5400654__oncotarget-08-22145-g003")
    organisms = list(seed_graph.objects(pw, BP.organism))
    assert len(organisms) == 1
    assert xrefs_of(seed_graph, organisms[0]) == {("UnificationXref", "ncbitaxon", "10090")}
    comments = {str(c) for c in seed_graph.objects(pw, BP.comment)}
    assert "Organisms named by the paper: Mus musculus; Hepatitis B virus; Homo sapiens" in comments
    for p in seed_graph.subjects(rdflib.RDF.type, BP.Pathway):
        assert len(list(seed_graph.objects(p, BP.organism))) <= 1


def test_every_class_and_property_is_in_the_ontology(seed_graph):
    owl = graph(schema_path("biopax-level3.owl").read_bytes(), "xml")
    classes = set(owl.subjects(rdflib.RDF.type, rdflib.OWL.Class))
    props = set(owl.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty)) | set(
        owl.subjects(rdflib.RDF.type, rdflib.OWL.DatatypeProperty))
    used_classes = {o for o in seed_graph.objects(None, rdflib.RDF.type) if str(o).startswith(biopax.BP)}
    used_props = {p for p in seed_graph.predicates() if str(p).startswith(biopax.BP)}
    assert used_classes and used_classes <= classes, used_classes - classes
    assert used_props and used_props <= props, used_props - props


def _own_uniprot(gene) -> bool:
    """True when HGNC gives the gene a UniProt id of its own (a unification xref)."""
    x = gene.xref
    return bool(x.uniprot) and not default_resolver().uniprot_is_shared(x.uniprot[0])


def _taxa(pw) -> set[str]:
    """The taxa a figure's pathway reaches: its own, its genes' (directly or as family members), and
    human for FamPlex families."""
    taxa = {pw.taxon} if pw.taxon else set()
    for gene in pw.genes:
        taxa.add(gene.taxon)
    if any(f.fplx_id for f in pw.families):
        taxa.add("9606")
    return taxa - {""}


def end_key(node) -> str:
    """An interaction end's IRI part: its gene, FamPlex family or chemical, as the files name it."""
    if isinstance(node, Gene):
        return f"ncbigene_{node.entrez}"
    if isinstance(node, Family):
        return f"fplx_{node.fplx_id}"
    return f"chebi_{node.ontology_id}" if node.ontology == "chebi" else f"mesh_{node.mesh_id}"


def interaction_iri(pw, i) -> str:
    return (f"{BASE}{pw.figure.figid}_{i.type}_{i.source_key.replace(':', '_')}_"
            f"{i.target_key.replace(':', '_')}")


CONTROLS = {"activation", "inhibition", "regulation", "phosphorylation", "degradation", "translocation"}


def expected_warnings(pathways) -> dict[str, set[str]]:
    """What the shapes should warn about, worked out from the pathways (not from the RDF)."""
    interactions = {f"{BASE}{pw.figure.figid}_participants" for pw in pathways if pw.genes or pw.chemicals}
    caption = [(pw, i) for pw in pathways for i in pw.interactions]
    controls = {interaction_iri(pw, i) for pw, i in caption if i.type in CONTROLS}
    states = {(end_key(i.target), i.type == "phosphorylation") for _, i in caption
              if i.type in CONTROLS - {"degradation", "translocation"} and not isinstance(i.target, Term)}
    return {
        "not.specific.element": interactions | controls,
        "no.unification.xref": {f"{BASE}PR_ncbigene_{g.entrez}" for pw in pathways for g in pw.genes
                                if not _own_uniprot(g)},
        "multi.organism.pathway": {f"{BASE}{pw.figure.figid}" for pw in pathways if len(_taxa(pw)) > 1},
        "modification.feature.no.location": {f"{BASE}MF_{key}_{'phosphorylated' if phospho else 'active'}"
                                             for key, phospho in states},
        "illegal.cv.term": {f"{BASE}SMV_active"} if any(not phospho for _, phospho in states) else set(),
        "wrong.conversion.class": {f"{interaction_iri(pw, i)}_production" for pw, i in caption
                                   if isinstance(i.target, Term) and i.type in ("activation", "inhibition",
                                                                                 "regulation")},
    }


def warnings_by_code(results) -> dict[str, set[str]]:
    """Focus nodes per validator code (the start of each shape's sh:message)."""
    found: dict[str, set[str]] = collections.defaultdict(set)
    for r in results:
        assert r.severity == "Warning", (r.focus, biopax.describe(r))
        found[r.message.split(":")[0]].add(str(r.focus))
    return {code: nodes for code, nodes in found.items() if nodes}


def pyshacl_findings(g: rdflib.Graph, shapes_graph: rdflib.Graph) -> set[tuple[str, str, str]]:
    """(focus, severity, constraint) of every result pySHACL reports."""
    _, report, _ = shacl_validate(g, shacl_graph=shapes_graph, allow_warnings=True)
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultSeverity)).split("#")[1],
             str(report.value(r, SH.sourceConstraintComponent)).split("#")[1].removesuffix("ConstraintComponent"))
            for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)}


def our_findings(data: bytes) -> set[tuple[str, str, str]]:
    return {(str(r.focus), r.severity, r.component) for r in biopax.shape_results(data, "N-Triples")}


def test_seeds_conform_to_the_shapes(seed_pathways, shapes):
    data = corpus_file(NTriplesExporter(), seed_pathways)
    results = biopax.shape_results(data, "N-Triples")
    expected = {code: nodes for code, nodes in expected_warnings(seed_pathways).items() if nodes}
    assert warnings_by_code(results) == expected
    assert "multi.organism.pathway" in expected  # the mouse seed's genes are human (2020 lexicon)
    # check's own SHACL engine reports what pySHACL reports
    assert our_findings(data) == pyshacl_findings(graph(data, "nt"), shapes)


def test_shapes_catch_what_the_validator_would(seed_graph, shapes):
    bad = rdflib.Graph()
    for t in seed_graph:
        bad.add(t)
    pw = rdflib.URIRef(BASE + "PMC4493903__nihms699976f1")
    bad.add((pw, BP.organism, rdflib.URIRef(BASE + "BioSource_ncbitaxon_10090")))  # PathwayOrganismCRRule
    ux = rdflib.URIRef(BASE + "RX_hgnc_6190_identity")
    bad.set((ux, BP.id, rdflib.Literal("HGNC:6190", datatype=XSD_STRING)))  # XrefRule invalid.id.format
    bad.add((rdflib.URIRef(BASE + "Protein_orphan"), rdflib.RDF.type, BP.Protein))  # dangling, no reference
    twin = rdflib.URIRef(BASE + "Protein_twin")  # a second Protein of TP53's reference: same.state.entity
    bad.add((twin, rdflib.RDF.type, BP.Protein))
    bad.add((twin, BP.entityReference, rdflib.URIRef(BASE + "PR_ncbigene_7157")))
    stray = rdflib.URIRef(BASE + "BioSource_ncbitaxon_7955")  # nothing points at it (issue 13, item 10)
    bad.add((stray, rdflib.RDF.type, BP.BioSource))
    bad.add((stray, BP.displayName, rdflib.Literal("Danio rerio", datatype=XSD_STRING)))
    bad.add((stray, BP.xref, rdflib.URIRef(BASE + "UX_ncbitaxon_9606")))
    data = bad.serialize(format="nt", encoding="utf-8")
    found = our_findings(data)
    assert found == pyshacl_findings(bad, shapes)
    violations = {focus for focus, severity, _ in found if severity == "Violation"}
    assert {str(pw), str(ux), BASE + "Protein_orphan", BASE + "PR_ncbigene_7157", str(stray)} <= violations
    # check runs the shapes: a file the fast checks accept, with one stray organism, is refused
    good = seed_graph.serialize(format="nt", encoding="utf-8")
    assert NTriplesExporter().check_file(good, "seeds.nt")  # warnings, counted
    stray_only = good + b"".join(t.encode() + b" .\n" for t in (
        f"<{stray}> <{rdflib.RDF.type}> <{BP.BioSource}>", f'<{stray}> <{BP.displayName}> "Danio rerio"',
        f"<{stray}> <{BP.xref}> <{BASE}UX_ncbitaxon_9606>"))
    NTriplesExporter().validate(stray_only, "stray.nt")
    with pytest.raises(ExportError, match="BioSource_ncbitaxon_7955: violation of shape BioSource: MinCount"):
        NTriplesExporter().check_file(stray_only, "stray.nt")


def test_corpus_file_writes_shared_entities_once(seed_pathways):
    for exporter, fmt in ((NTriplesExporter(), "nt"), (TurtleExporter(), "turtle")):
        data = corpus_file(exporter, seed_pathways)
        assert b"#@" not in data
        union = set()
        for pw in seed_pathways:
            union |= set(graph(exporter.to_bytes(pw), fmt))
        assert set(graph(data, fmt)) == union
        if fmt == "nt":
            lines = [line for line in data.splitlines() if line and not line.startswith(b"#")]
            assert len(lines) == len(set(lines)) == len(union)
        else:
            assert data.count(f"<{BASE}PR_ncbigene_7157> a bp:ProteinReference".encode()) == 1


def test_output_is_deterministic(seed_pathways):
    first = [BiopaxExporter().to_bytes(pw) for pw in seed_pathways]
    biopax._CACHE.clear()  # a cold worker must write the same bytes
    assert [BiopaxExporter().to_bytes(pw) for pw in reversed(seed_pathways)][::-1] == first
    assert corpus_file(TurtleExporter(), seed_pathways) == corpus_file(TurtleExporter(), seed_pathways)


def test_hostile_text_is_escaped(seed_pathways):
    text = 'a <b> & "c" \\ d\ne\tf \x0b g \u00e9 \U0001F600'
    figure = dataclasses.replace(seed_pathways[0].figure, figid="PMC1__weird", title=text, caption=text)
    pw = make_pathway(figure)
    expected = text.replace("\x0b", "")  # not representable in XML 1.0; dropped from every syntax
    for exporter, fmt in ((BiopaxExporter(), "xml"), (TurtleExporter(), "turtle"), (NTriplesExporter(), "nt")):
        data = exporter.to_bytes(pw)
        g = graph(data, fmt)
        assert str(g.value(rdflib.URIRef(BASE + "PMC1__weird"), BP.standardName)) == expected, exporter.name
        # the validator's own reading (fast N-Triples path, or Oxigraph) agrees with rdflib
        syntax = {"xml": "RDF/XML", "turtle": "Turtle", "nt": "N-Triples"}[fmt]
        assert set(biopax.triples(data, syntax)) == {(str(s), str(p), str(o)) for s, p, o in g}


def test_base_uri_option(seed_pathways):
    base = "http://example.org/pfocr/"
    g = graph(NTriplesExporter(base_uri=base).to_bytes(seed_pathways[0]), "nt")
    subjects = {str(s) for s in g.subjects()}
    assert subjects and all(s.startswith(base) for s in subjects)
    with pytest.raises(ValueError, match="base_uri"):
        BiopaxExporter(base_uri="pfocr:")


def test_validate_rejects_what_readers_cannot_use(seed_pathways):
    pw = seed_pathways[0]
    good = BiopaxExporter().to_bytes(pw)
    described = graph(good, "xml").serialize(format="xml").encode()  # rdflib's rdf:Description style
    with pytest.raises(ExportError, match="typed node"):
        BiopaxExporter().validate(described, "x")
    with pytest.raises(ExportError, match="not a BioPAX Level 3 class"):
        BiopaxExporter().validate(good.replace(b"bp:Interaction", b"bp:Interactions"), "x")
    with pytest.raises(ExportError, match="more than one bp:organism"):
        NTriplesExporter().validate(NTriplesExporter().to_bytes(pw) + (
            f"<{BASE}PMC4493903__nihms699976f1> <{biopax.BP}organism> <{BASE}BioSource_x> .\n").encode(), "x")
    bad_id = TurtleExporter().to_bytes(pw).replace(b'bp:id "6596"', b'bp:id "HGNC:6596"')
    with pytest.raises(ExportError, match="Bioregistry pattern"):
        TurtleExporter().validate(bad_id, "x")
    with pytest.raises(ExportError, match="not valid Turtle"):
        TurtleExporter().validate(b"<a> <b> ", "x")
    # files written by other tools are accepted: pybiopax's own writer, rdflib's Turtle
    model = pybiopax.model_from_owl_str(good.decode())
    BiopaxExporter().validate(pybiopax.model_to_owl_str(model).encode(), "pybiopax")
    TurtleExporter().validate(graph(good, "xml").serialize(format="turtle").encode(), "rdflib")


def test_wp_view(seed_pathways):
    pw = by_figid(seed_pathways, "PMC4493903__nihms699976f1")
    (suffix, data), = BiopaxExporter(wp_view=True).companions(pw, b"")
    assert suffix == ".wp.ttl"
    g = graph(data, "turtle")
    wp = rdflib.Namespace("http://vocabularies.wikipathways.org/wp#")
    gene = rdflib.URIRef("https://identifiers.org/ncbigene/7157")
    assert (gene, rdflib.RDF.type, wp.GeneProduct) in g
    assert (gene, wp.bdbHgncSymbol, rdflib.URIRef("https://identifiers.org/hgnc.symbol/TP53")) in g
    assert (gene, rdflib.DCTERMS.isPartOf, rdflib.URIRef(BASE + pw.figure.figid)) in g
    assert g.value(rdflib.URIRef(BASE + pw.figure.figid), wp.organismName) == rdflib.Literal("Homo sapiens")
    inline = graph(TurtleExporter(wp_view=True).to_bytes(pw), "turtle")
    assert set(g) <= set(inline)
    assert not BiopaxExporter().companions(pw, b"")


@pytest.fixture(scope="module")
def corpus_pathways(corpus_dir):
    return [make_pathway(f) for f in read_bulk(corpus_dir)]


def test_whole_corpus_exports_and_parses(corpus_pathways, shapes):
    assert len(corpus_pathways) == 3592
    data = corpus_file(NTriplesExporter(), corpus_pathways)  # every figure validated on the way
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    lines = sum(1 for line in data.splitlines() if line and not line.startswith(b"#"))
    assert len(store) == lines  # every line a distinct triple: shared entities written once
    pathways = next(iter(store.query("SELECT (COUNT(?p) AS ?n) WHERE { ?p a <%sPathway> }" % biopax.BP)))
    assert int(pathways["n"].value) == 3592
    # validator id rules: no IRI over 256 characters, none differing from another only in case
    subjects = {line.split(b" ", 1)[0] for line in data.splitlines() if line.startswith(b"<")}
    assert max(map(len, subjects)) <= 256 + 2
    assert len({s.lower() for s in subjects}) == len(subjects)
    for pw in corpus_pathways[::500]:  # pybiopax reads back every object
        model = pybiopax.model_from_owl_str(BiopaxExporter().to_bytes(pw).decode("utf-8"))
        assert len(model.objects) == sum(1 for b in biopax.biopax_blocks(pw, BASE) if b.type)
    # the shapes on the whole corpus (check's engine: seconds; pySHACL: 11 minutes), and pySHACL on a sample
    assert warnings_by_code(biopax.shape_results(data, "N-Triples")) == {
        code: nodes for code, nodes in expected_warnings(corpus_pathways).items() if nodes}
    sample = corpus_file(NTriplesExporter(), corpus_pathways[::450])
    assert our_findings(sample) == pyshacl_findings(graph(sample, "nt"), shapes)
    assert shared_descriptions_disagreeing(corpus_pathways) == {}  # FZD, MAP2K, IKK_complex, 11 papers before


def test_corpus_file_keeps_shared_entities_of_a_skipped_repeated_figid(tmp_path):
    """Workers hand each shared entity over once; when the figure that carried it first is skipped
    (its figid repeats an earlier record's), the corpus file must still define that entity for the
    later figures that use it, and nothing else of the skipped figure (issue 13, item 10: its organism
    was left in the file with nothing pointing at it, a violation of our own shapes)."""
    from exporters.cli import main
    from exporters.resources import seeds_dir

    seeds = sorted(seeds_dir().iterdir())
    # the mouse seed, skipped, shares 94 blocks with the later one that the first does not have
    first, mouse, later = (seeds[i].read_text(encoding="utf-8") for i in (0, 4, 1))

    def figid(text: str) -> str:
        return next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("figid: "))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(first, encoding="utf-8")
    (tmp_path / "in" / "b.md").write_text(mouse.replace(f"figid: {figid(mouse)}", f"figid: {figid(first)}"),
                                          encoding="utf-8")
    (tmp_path / "in" / "c.md").write_text(later, encoding="utf-8")
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert main(["convert", str(tmp_path / "in"), "-o", str(out), "-f", "ntriples,turtle", "-j", jobs,
                     "-q"]) == 1  # b.md is reported and skipped
        data = (out / "ntriples" / "pfocr.nt").read_bytes()
        g = graph(data, "nt")
        assert len(set(g.subjects(rdflib.RDF.type, BP.Pathway))) == 2
        typed = set(g.subjects(rdflib.RDF.type, None))
        referenced = {o for _, p, o in g if str(p).startswith(str(BP)) and str(o).startswith(BASE)}
        assert referenced and referenced <= typed, sorted(referenced - typed)[:5]
        pathways = set(g.subjects(rdflib.RDF.type, BP.Pathway))
        assert typed - referenced - pathways == {rdflib.URIRef(BASE)}  # only the owl:Ontology
        assert (rdflib.URIRef(BASE + "BioSource_ncbitaxon_10090"), None, None) not in g  # the mouse figure's
        NTriplesExporter().check_file(data, "pfocr.nt")
        TurtleExporter().check_file((out / "turtle" / "pfocr.ttl").read_bytes(), "pfocr.ttl")


# --- v2023 records: genes of many organisms, ChEBI and DOID (issue 12) ----------------------------

V2023 = Path(__file__).resolve().parent / "data" / "v2023"
MI = {"identity": "MI:0356", "see-also": "MI:0361"}


def v2023_input() -> dict[str, dict[str, set]]:
    """What the v2023 tables say, read independently of the exporters: per figid, (ncbigene, taxon)
    pairs and the chemicals' mesh/chebi and diseases' mesh/doid local ids."""
    found: dict[str, dict[str, set]] = collections.defaultdict(lambda: collections.defaultdict(set))

    def local(value: str, prefix: str) -> str | None:
        if value in ("", "NA"):
            return None
        head, sep, rest = value.partition(":")
        assert sep and head == prefix, value
        return rest

    for path in sorted((V2023 / "_data").glob("*.tsv")):
        figid, kind = path.stem.rsplit("-", 1)
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if kind == "genes":
                    found[figid]["genes"].add((row["ncbigene_id"], row["organism_id"]))
                    continue
                other = "chebi" if kind == "chemicals" else "doid"
                for col in ("mesh", other):
                    ident = local(row[col], col)
                    if ident:
                        found[figid][f"{kind}_{col}"].add(ident)
    return found


@pytest.fixture(scope="module")
def v2023_out(tmp_path_factory) -> Path:
    """The CLI's output for the v2023 records: two workers, so corpus files go through corpus_trim."""
    from exporters.cli import main

    out = tmp_path_factory.mktemp("v2023")
    assert main(["convert", str(V2023), "-o", str(out), "-f", "biopax,turtle,ntriples", "-j", "2", "-q"]) == 0
    return out


def _v2023_graphs(out: Path):
    """(syntax, figid, graph holding that figure): one graph per .owl, the corpus graph otherwise."""
    for fmt, path in (("turtle", out / "turtle" / "pfocr.ttl"), ("nt", out / "ntriples" / "pfocr.nt")):
        g = graph(path.read_bytes(), fmt)
        for figid in v2023_input():
            yield fmt, figid, g
    for path in sorted((out / "biopax").glob("*.owl")):
        yield "xml", path.stem, graph(path.read_bytes(), "xml")


def _xref(g, x) -> tuple[str, str, str]:
    return g.value(x, rdflib.RDF.type).split("#")[1], str(g.value(x, BP.db)), str(g.value(x, BP.id))


def _rel_type(g, x) -> str | None:
    vocab = g.value(x, BP.relationshipType)
    return str(g.value(vocab, BP["term"])) if vocab is not None else None


def figure_content(g: rdflib.Graph, figid: str) -> dict[str, set]:
    """What the BioPAX graph says about one figure, followed from its Pathway: participants' references
    (and their family members), their xrefs and organisms; the pathway's own xrefs."""
    pw = rdflib.URIRef(BASE + figid)
    assert g.value(pw, rdflib.RDF.type) == BP.Pathway, figid
    refs = set()
    for act in g.objects(pw, BP.pathwayComponent):
        for pe in g.objects(act, BP.participant):
            for ref in g.objects(pe, BP.entityReference):
                refs.add(ref)
                refs.update(g.objects(ref, BP.memberEntityReference))
    got: dict[str, set] = collections.defaultdict(set)
    for ref in refs:
        xrefs = [_xref(g, x) + (_rel_type(g, x),) for x in g.objects(ref, BP.xref)]
        if g.value(ref, rdflib.RDF.type) == BP.ProteinReference:
            taxa = {_xref(g, x) for o in g.objects(ref, BP.organism) for x in g.objects(o, BP.xref)}
            for cls, db, ident, rel in xrefs:
                if db == "ncbigene" and cls == "RelationshipXref" and rel == "identity":
                    got["genes"].update((ident, taxon) for c, d, taxon in taxa if (c, d) == ("UnificationXref",
                                                                                           "ncbitaxon"))
        elif g.value(ref, rdflib.RDF.type) == BP.SmallMoleculeReference:
            for cls, db, ident, rel in xrefs:
                if db == "chebi" and cls == "UnificationXref":
                    assert ident.startswith("CHEBI:"), ident
                    got["chemicals_chebi"].add(ident[len("CHEBI:"):])
                if db == "mesh" and (cls == "UnificationXref" or rel == "see-also"):
                    got["chemicals_mesh"].add(ident)
    for x in g.objects(pw, BP.xref):
        cls, db, ident = _xref(g, x)
        if cls == "RelationshipXref" and db == "mesh":
            got["diseases_mesh"].add(ident)
        if cls == "RelationshipXref" and db == "doid":
            assert ident.startswith("DOID:"), ident
            got["diseases_doid"].add(ident[len("DOID:"):])
    return got


def test_v2023_every_input_id_is_in_place_in_every_syntax(v2023_out):
    """Issue 12, item 5: every NCBI Gene id with its taxon, every MeSH, ChEBI and DOID id of the twelve
    v2023 records, in RDF/XML, Turtle and N-Triples, where it belongs: a gene's ncbigene identity xref
    on a ProteinReference whose organism is unified to the gene's taxon; ChEBI as the unification xref
    of a SmallMoleculeReference; a chemical's MeSH id as its SMR's xref; diseases' MeSH and DOID ids as
    the pathway's relationship xrefs. All reached from the figure's own Pathway."""
    expected = v2023_input()
    assert len(expected) == 12 and sum(len(v["genes"]) for v in expected.values()) > 200
    seen = collections.Counter()
    for fmt, figid, g in _v2023_graphs(v2023_out):
        got = figure_content(g, figid)
        for kind, ids in expected[figid].items():
            missing = ids - got[kind]
            assert not missing, (fmt, figid, kind, sorted(missing)[:5])
        seen[fmt] += 1
    assert seen == {"turtle": 12, "nt": 12, "xml": 12}


def test_v2023_gene_model(v2023_pathways):
    g = graph(corpus_file(TurtleExporter(), v2023_pathways), "turtle")
    # a mouse gene: MGI id (banana, as the Normalizer writes it), mouse organism, no HGNC xrefs
    mouse = rdflib.URIRef(BASE + "PR_ncbigene_27965")
    assert {x[:3] for x in map(lambda x: _xref(g, x), g.objects(mouse, BP.xref))} == {
        ("RelationshipXref", "ncbigene", "27965"), ("RelationshipXref", "mgi", "MGI:106403")}
    assert g.value(mouse, BP.organism) == rdflib.URIRef(BASE + "BioSource_ncbitaxon_10090")
    # zebrafish, fly, E. coli genes: their organism, only the NCBI Gene xref (symbols are not HGNC's)
    for entrez, taxon in (("567964", "7955"), ("43873", "7227")):
        pr = rdflib.URIRef(BASE + f"PR_ncbigene_{entrez}")
        assert {_xref(g, x) for x in g.objects(pr, BP.xref)} == {("RelationshipXref", "ncbigene", entrez)}
        assert g.value(pr, BP.organism) == rdflib.URIRef(BASE + f"BioSource_ncbitaxon_{taxon}")
    # HGNC ids and symbols on human references only
    hgnc_refs = {ref for db in ("hgnc", "hgnc.symbol")
                 for x in g.subjects(BP.db, rdflib.Literal(db, datatype=XSD_STRING))
                 for ref in g.subjects(BP.xref, x)}
    human = rdflib.URIRef(BASE + "BioSource_ncbitaxon_9606")
    assert hgnc_refs and all(g.value(r, BP.organism) == human for r in hgnc_refs)
    # one BioSource per taxon, shared by pathways and references
    sources = set(g.subjects(rdflib.RDF.type, BP.BioSource))
    taxa = [str(g.value(g.value(s, BP.xref), BP.id)) for s in sources]
    assert len(taxa) == len(set(taxa)) and {"9606", "10090", "7955", "7227", "3702", "8355", "1282"} <= set(taxa)
    assert all(str(s) == f"{BASE}BioSource_ncbitaxon_{t}" for s, t in zip(sources, taxa))
    figid = "PMC10030845__fimmu-14-1150879-g002"
    pw = by_figid(v2023_pathways, figid)
    # a zebrafish gene on a human figure: the shared Protein (one per reference: a second one would be
    # the validator's same.state.entity), the flag said on the figure's interaction
    flagged = next(gene for gene in pw.singles if gene.entrez == "567964")
    assert "Danio rerio gene" in flagged.flag
    act = rdflib.URIRef(f"{BASE}{figid}_participants")
    assert (f"Suspect match {flagged.symbol} (ncbigene:567964) [other_organism]: {flagged.flag}"
            in {str(c) for c in g.objects(act, BP.comment)})
    assert (act, BP.participant, rdflib.URIRef(BASE + "Protein_ncbigene_567964")) in g
    assert list(g.subjects(BP.entityReference, rdflib.URIRef(BASE + "PR_ncbigene_567964"))) == [
        rdflib.URIRef(BASE + "Protein_ncbigene_567964")]
    # flagged members of a FamPlex family (human growth factors on a zebrafish figure): the interaction says so
    act = rdflib.URIRef(BASE + "PMC11495567__pone.0312563.g001_participants")
    notes = [str(c) for c in g.objects(act, BP.comment) if "member of" in str(c) and "[other_organism]" in str(c)]
    assert len(notes) >= 50 and all("a Homo sapiens gene" in n and "Danio rerio figure" in n for n in notes)


def test_v2023_pathway_organism_chemicals_diseases(v2023_pathways):
    g = graph(corpus_file(NTriplesExporter(), v2023_pathways), "nt")
    pw = rdflib.URIRef(BASE + "PMC10030845__fimmu-14-1150879-g002")
    comments = {str(c) for c in g.objects(pw, BP.comment)}
    assert ("organismSource: organisms_ner \u2014 the organisms PFOCR's NER found in the paper (organisms_ner)"
            in comments)
    assert "organismsNamed: Homo sapiens (ncbitaxon:9606); Danio rerio (ncbitaxon:7955)" in comments
    assert list(g.objects(pw, BP.organism)) == [rdflib.URIRef(BASE + "BioSource_ncbitaxon_9606")]
    # a disease with MeSH and DOID: two see-also xrefs on the pathway, each naming the disease
    xrefs = {_xref(g, x) + (_rel_type(g, x), str(g.value(x, BP.comment))) for x in g.objects(pw, BP.xref)}
    assert ("RelationshipXref", "doid", "DOID:0060239", "see-also", "Van der Woude syndrome") in xrefs
    assert ("RelationshipXref", "mesh", "C536528", "see-also", "Van der Woude syndrome") in xrefs
    # a chemical with ChEBI and MeSH: SMR unified to ChEBI, MeSH as a see-also relationship xref
    smr = rdflib.URIRef(BASE + "SMR_chebi_35366")
    assert {_xref(g, x) for x in g.objects(smr, BP.xref)} == {("UnificationXref", "chebi", "CHEBI:35366"),
                                                              ("RelationshipXref", "mesh", "D005227")}
    assert str(g.value(smr, BP.displayName)) == "fatty acid"
    # ChEBI only (no MeSH): still a small molecule (GTP)
    gtp = rdflib.URIRef(BASE + "SM_chebi_37565")
    assert g.value(gtp, rdflib.RDF.type) == BP.SmallMolecule
    assert {_xref(g, x) for x in g.objects(g.value(gtp, BP.entityReference), BP.xref)} == {
        ("UnificationXref", "chebi", "CHEBI:37565")}
    # MeSH only: as before
    assert {_xref(g, x) for x in g.objects(rdflib.URIRef(BASE + "SMR_mesh_C530429"), BP.xref)} == {
        ("UnificationXref", "mesh", "C530429")}
    for p in g.subjects(rdflib.RDF.type, BP.Pathway):
        assert len(list(g.objects(p, BP.organism))) <= 1


def test_v2023_conforms_to_the_shapes_and_pybiopax_reads_it(v2023_pathways, shapes):
    data = corpus_file(NTriplesExporter(), v2023_pathways)
    results = biopax.shape_results(data, "N-Triples")
    expected = {code: nodes for code, nodes in expected_warnings(v2023_pathways).items() if nodes}
    assert warnings_by_code(results) == expected
    # every non-human gene lacks a UniProt id; zebrafish figures name human FamPlex families
    assert f"{BASE}PR_ncbigene_567964" in expected["no.unification.xref"]
    assert f"{BASE}PMC11495567__pone.0312563.g001" in expected["multi.organism.pathway"]
    assert our_findings(data) == pyshacl_findings(graph(data, "nt"), shapes)
    for pw in v2023_pathways:
        model = pybiopax.model_from_owl_str(BiopaxExporter().to_bytes(pw).decode("utf-8"))
        read = collections.Counter(type(o).__name__ for o in model.objects.values())
        written = collections.Counter(b.type[3:] for b in biopax.biopax_blocks(pw, BASE) if b.type)
        assert read == written, pw.figure.figid


def test_v2023_corpus_files_write_shared_entities_once(v2023_pathways, v2023_out):
    """Per-figure documents, the in-process corpus and the CLI's two-worker corpus say the same; shared
    blocks (one BioSource per taxon, references, xrefs, MeSH links of ChEBI references) appear once."""
    union = set()
    for pw in v2023_pathways:
        union |= set(graph(NTriplesExporter().to_bytes(pw), "nt"))
    data = (v2023_out / "ntriples" / "pfocr.nt").read_bytes()
    lines = [line for line in data.splitlines() if line and not line.startswith(b"#")]
    assert len(lines) == len(set(lines)) == len(union)
    assert set(graph(data, "nt")) == union == set(graph(corpus_file(NTriplesExporter(), v2023_pathways), "nt"))
    ttl = (v2023_out / "turtle" / "pfocr.ttl").read_bytes()
    assert set(graph(ttl, "turtle")) == union
    assert ttl.count(f"<{BASE}BioSource_ncbitaxon_9606> a bp:BioSource".encode()) == 1
    # the validator's own checks accept every figure and the corpus files
    NTriplesExporter().validate(data, "corpus")
    TurtleExporter().validate(ttl, "corpus")


def test_v2023_validator_checks_banana_ids(v2023_pathways):
    pw = by_figid(v2023_pathways, "PMC10034247__11064_2023_3912_Fig1_HTML")
    data = NTriplesExporter().to_bytes(pw)
    assert b'"MGI:106403"' in data and b'"CHEBI:9150"' in data
    NTriplesExporter().validate(data, "x")
    with pytest.raises(ExportError, match="Bioregistry pattern"):
        NTriplesExporter().validate(data.replace(b'"MGI:106403"', b'"MGI:x106403"'), "x")


def test_v2023_wp_view(v2023_pathways):
    wp = rdflib.Namespace("http://vocabularies.wikipathways.org/wp#")
    figid = "PMC10030845__fimmu-14-1150879-g002"
    g = graph(TurtleExporter(wp_view=True).to_bytes(by_figid(v2023_pathways, figid)), "turtle")
    zebrafish = rdflib.URIRef("https://identifiers.org/ncbigene/567964")
    assert (zebrafish, rdflib.RDF.type, wp.GeneProduct) in g
    assert (zebrafish, wp.bdbEntrezGene, zebrafish) in g
    assert g.value(zebrafish, wp.bdbHgncSymbol) is None
    pw = rdflib.URIRef(BASE + figid)
    assert (pw, wp.ontologyTag, rdflib.URIRef("http://purl.obolibrary.org/obo/DOID_0060239")) in g
    g = graph(TurtleExporter(wp_view=True).to_bytes(by_figid(v2023_pathways, "PMC100028__ii1110348001")), "turtle")
    chebi = rdflib.URIRef("https://identifiers.org/chebi/CHEBI:35366")
    assert (chebi, rdflib.RDF.type, wp.Metabolite) in g and (chebi, wp.bdbChEBI, chebi) in g
    assert (chebi, rdflib.DCTERMS.isPartOf, rdflib.URIRef(BASE + "PMC100028__ii1110348001")) in g
    mouse = graph(TurtleExporter(wp_view=True).to_bytes(
        by_figid(v2023_pathways, "PMC10034247__11064_2023_3912_Fig1_HTML")), "turtle")
    assert (rdflib.URIRef("https://identifiers.org/ncbigene/27965"), wp.bdbEnsembl,
            rdflib.URIRef("https://identifiers.org/ensembl/ENSMUSG00000032388")) in mouse


def test_shapes_catch_nomenclature_of_another_organism(v2023_pathways, shapes):
    figid = "PMC10034247__11064_2023_3912_Fig1_HTML"
    g = graph(NTriplesExporter().to_bytes(by_figid(v2023_pathways, figid)), "nt")
    mouse = rdflib.URIRef(BASE + "PR_ncbigene_27965")
    symbol = rdflib.URIRef(BASE + "RX_hgnc.symbol_Spg21_identity")  # a mouse gene given an HGNC symbol
    g.add((symbol, rdflib.RDF.type, BP.RelationshipXref))
    g.add((symbol, BP.db, rdflib.Literal("hgnc.symbol", datatype=XSD_STRING)))
    g.add((symbol, BP.id, rdflib.Literal("Spg21", datatype=XSD_STRING)))
    g.add((symbol, BP.relationshipType, rdflib.URIRef(BASE + "RTV_mi_0356")))
    g.add((mouse, BP.xref, symbol))
    mgi = rdflib.URIRef(BASE + "RX_mgi_106403_identity")
    g.set((mgi, BP.id, rdflib.Literal("MGI:MGI:106403", datatype=XSD_STRING)))  # XrefRule invalid.id.format
    found = our_findings(g.serialize(format="nt", encoding="utf-8"))
    assert found == pyshacl_findings(g, shapes)
    assert {focus for focus, severity, _ in found if severity == "Violation"} == {str(mouse), str(mgi)}


def test_v2023_output_is_deterministic(v2023_pathways):
    first = [BiopaxExporter().to_bytes(pw) for pw in v2023_pathways]
    ttl = corpus_file(TurtleExporter(wp_view=True), v2023_pathways)
    biopax._CACHE.clear()  # a cold worker, figures in another order, must write the same bytes
    assert [BiopaxExporter().to_bytes(pw) for pw in reversed(v2023_pathways)][::-1] == first
    biopax._CACHE.clear()
    assert corpus_file(TurtleExporter(wp_view=True), v2023_pathways) == ttl


def test_a_uniprot_id_shared_by_two_genes_is_not_a_unification_xref(tmp_path):
    """HBA1 and HBA2 encode one protein (P69905): a unification xref would say they are one entity
    (issue 13, item 11), so it is an identity relationship xref on both."""
    from exporters.records import read_record

    (tmp_path / "r.md").write_text(
        "---\nfigid: PMC1__hb\nfigtitle: Haemoglobin\ngenes:\n"
        "- {word: HBA1, symbol: HBA1, source: hgnc_symbol, hgnc_symbol: HBA1, entrez: '3039'}\n"
        "- {word: HBA2, symbol: HBA2, source: hgnc_symbol, hgnc_symbol: HBA2, entrez: '3040'}\n"
        "- {word: TP53, symbol: TP53, source: hgnc_symbol, hgnc_symbol: TP53, entrez: '7157'}\n---\n",
        encoding="utf-8")
    data = BiopaxExporter().to_bytes(make_pathway(read_record(tmp_path / "r.md")))
    g = rdflib.Graph().parse(data=data, format="xml")
    uniprot = {(ref, x, g.value(x, rdflib.RDF.type)) for ref, x in g.subject_objects(BP.xref)
               if str(g.value(x, BP.db)) == "uniprot"}
    kinds = {str(g.value(ref, BP.standardName)): (str(g.value(x, BP.id)), kind.split("#")[1]) for ref, x, kind in uniprot
             if g.value(ref, BP.standardName) is not None}
    assert kinds["HBA1"] == kinds["HBA2"] == ("P69905", "RelationshipXref")
    assert kinds["TP53"] == ("P04637", "UnificationXref")


def shared_descriptions_disagreeing(pathways) -> dict[str, int]:
    """Keys of shared blocks whose text differs between the figures that write them, with how many
    versions there are. A figure's file says of a shared IRI exactly what any other figure's says."""
    texts: dict[bytes, set[bytes]] = collections.defaultdict(set)
    exporter = NTriplesExporter(wp_view=True)
    for pw in pathways:
        for key, _, body in biopax._chunk_blocks(exporter.to_bytes(pw)):
            if key:
                texts[key].add(body)
    return {key.decode(): len(bodies) for key, bodies in texts.items() if len(bodies) > 1}


def test_one_iri_one_description(seed_pathways, v2023_pathways):
    """Issue 13, item 13: per-figure files gave a FamPlex family the figure's word as displayName
    (MAP2K vs MAPKK) and the corpus kept only the first figure's paper record. A shared IRI's block now
    depends on the IRI alone; what records add (a paper's title, a term's name) are statements of their
    own, so the corpus holds every one of them."""
    assert shared_descriptions_disagreeing(seed_pathways + v2023_pathways) == {}
    figure = dataclasses.replace(seed_pathways[0].figure, figid="PMC1__other", papertitle="",
                                 pmcid=seed_pathways[0].figure.pmcid)
    other = make_pathway(figure)  # the same paper, its record without a title
    assert shared_descriptions_disagreeing([seed_pathways[0], other]) == {}
    g = graph(corpus_file(NTriplesExporter(), [other, seed_pathways[0]]), "nt")
    px = rdflib.URIRef(f"{BASE}PX_pmc_{figure.pmcid}")
    assert [str(t) for t in g.objects(px, BP.title)] == [seed_pathways[0].figure.papertitle]
    family = rdflib.URIRef(BASE + "PR_fplx_JAK")
    assert [str(n) for n in graph(corpus_file(NTriplesExporter(), seed_pathways), "nt").objects(
        family, BP.displayName)] == ["JAK"]


def test_check_engine_refuses_shapes_it_cannot_evaluate():
    """A shapes edit using SHACL the engine does not implement fails loudly instead of checking nothing."""
    from exporters.formats import shapes

    g = shapes.Graph.parse(b"@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                           b"<http://x/s> sh:targetClass <http://x/C> ; sh:closed true .", ox.RdfFormat.TURTLE)
    with pytest.raises(ValueError, match="sh:closed is not supported"):
        shapes.Shapes(g)


# --- caption interactions (issue 16 item 4) and suspect flags (issue 17 item 1) ---------------------------

ECO_MI = {("UnificationXref", "mi", "MI:0087"), ("RelationshipXref", "eco", "ECO:0007669")}
MAIN = {"expression": BP.TemplateReactionRegulation, "binding": BP.ComplexAssembly,
        "conversion": BP.BiochemicalReaction, "chain": BP.Interaction}


def entity_iri(node) -> str:
    """The physical entity a node is in the files (gene Protein, FamPlex generic Protein, SmallMolecule)."""
    if isinstance(node, Gene):
        return f"{BASE}Protein_ncbigene_{node.entrez}"
    if isinstance(node, Family):
        return f"{BASE}Protein_fplx_{node.fplx_id}"
    return f"{BASE}SM_{end_key(node)}"


@pytest.fixture(scope="module")
def caption_graph(seed_pathways, v2023_pathways):
    pathways = seed_pathways + v2023_pathways
    return pathways, graph(corpus_file(NTriplesExporter(), pathways), "nt")


def test_every_caption_interaction_in_its_pathway_commons_pattern(caption_graph):
    """Each interaction as Pathway Commons writes its type: a Control of the target's change (activation,
    phosphorylation with a PSI-MOD feature, degradation, translocation as a Transport between compartments,
    production of a chemical), a TemplateReactionRegulation of the target's TemplateReaction, a
    ComplexAssembly of both ends into their Complex, a BiochemicalReaction from one chemical to the other;
    the controller is the source's own entity (a family's generic Protein)."""
    pathways, g = caption_graph
    seen = collections.Counter()
    for pw in pathways:
        figure = rdflib.URIRef(BASE + pw.figure.figid)
        components = set(g.objects(figure, BP.pathwayComponent))
        for i in pw.interactions:
            main = rdflib.URIRef(interaction_iri(pw, i))
            source, target = rdflib.URIRef(entity_iri(i.source)), rdflib.URIRef(entity_iri(i.target))
            kind = MAIN.get(i.type, BP.Control)
            assert g.value(main, rdflib.RDF.type) == kind, (main, i.type)
            assert main in components
            chemical = isinstance(i.target, Term)
            if kind == BP.ComplexAssembly:
                assert set(g.objects(main, BP.left)) == {source, target}
                complex_ = g.value(main, BP.right)
                parts = {g.value(c, BP.entityReference) for c in g.objects(complex_, BP.component)}
                assert parts == {g.value(source, BP.entityReference), g.value(target, BP.entityReference)}
            elif kind == BP.BiochemicalReaction:
                assert (g.value(main, BP.left), g.value(main, BP.right)) == (source, target)
            else:
                assert g.value(main, BP.controller) == source
                process = g.value(main, BP.controlled)
                assert process in components
                control_type = g.value(main, BP.controlType)
                assert (str(control_type) if control_type else None) == (
                    None if i.type in ("regulation", "expression") else "INHIBITION" if i.type == "inhibition"
                    else "ACTIVATION")
                left, right = set(g.objects(process, BP.left)), set(g.objects(process, BP.right))
                if i.type == "expression":
                    assert g.value(process, rdflib.RDF.type) == BP.TemplateReaction
                    assert g.value(process, BP.product) == target
                elif i.type == "degradation":
                    assert g.value(process, rdflib.RDF.type) == BP.Degradation and (left, right) == ({target}, set())
                elif i.type == "translocation":
                    assert g.value(process, rdflib.RDF.type) == BP.Transport
                    ends = [(g.value(e, BP.entityReference), g.value(g.value(e, BP.cellularLocation), BP["term"]))
                            for e in (*left, *right)]
                    assert {ref for ref, _ in ends} == {g.value(target, BP.entityReference)}
                    assert ends[0][1] != ends[1][1]  # two compartments (one may be unstated)
                elif chemical:
                    assert g.value(process, rdflib.RDF.type) == BP.BiochemicalReaction
                    assert (left, right) == (({target}, set()) if i.type == "phosphorylation" else (set(), {target}))
                else:
                    (changed,) = right
                    assert left == {target}
                    assert g.value(changed, BP.entityReference) == g.value(target, BP.entityReference)
                    term = g.value(g.value(g.value(changed, BP.feature), BP.modificationType), BP["term"])
                    assert str(term) == ("phosphorylated residue" if i.type == "phosphorylation"
                                         else "residue modification, active")
            seen[i.type] += 1
    assert set(seen) == {"activation", "inhibition", "regulation", "phosphorylation", "degradation", "translocation",
                         "expression", "binding", "conversion"}


def test_every_caption_interaction_has_its_evidence(caption_graph):
    """A bp:Evidence per interaction: PSI-MI's predictive text mining (MI:0087, the code the validator's
    EvidenceCodeCvRule accepts) with ECO:0007669 (computational evidence used in automatic assertion), the
    figure's paper, every stating sentence; the interaction itself says it is an unreviewed draft."""
    pathways, g = caption_graph
    for pw in pathways:
        papers = {x for x in g.objects(rdflib.URIRef(BASE + pw.figure.figid), BP.xref)
                  if g.value(x, rdflib.RDF.type) == BP.PublicationXref}
        for i in pw.interactions:
            main = rdflib.URIRef(interaction_iri(pw, i))
            evidence = g.value(main, BP.evidence)
            assert g.value(evidence, rdflib.RDF.type) == BP.Evidence
            code = g.value(evidence, BP.evidenceCode)
            assert str(g.value(code, BP["term"])) == "predictive text mining"
            assert xrefs_of(g, code) == ECO_MI
            assert set(g.objects(evidence, BP.xref)) == papers and papers
            notes = {str(c) for c in g.objects(evidence, BP.comment)}
            for st in i.statements:
                assert any(n.startswith(f"Caption sentence {st.sentence}") and n.endswith(st.sentence_text)
                           for n in notes)
            assert any("unreviewed" in n for n in notes)
            said = f"Draft interaction read from the figure caption, unreviewed: {i.type}" + (
                ", hedged" if i.hedged else "")
            assert said in {str(c) for c in g.objects(main, BP.comment)}


def test_suspect_matches_said_on_the_figures_own_interactions(caption_graph):
    """Issue 17 item 1: every suspect gene match (suspects.gene_flags) is named with each flag's code and
    reason on the figure's co-occurrence interaction, and on each caption interaction it is an end of;
    shared Proteins and references say nothing figure-specific."""
    from exporters.suspects import gene_flags

    pathways, g = caption_graph
    flagged = 0
    for pw in pathways:
        flags = gene_flags(pw)
        notes = {str(c) for c in g.objects(rdflib.URIRef(f"{BASE}{pw.figure.figid}_participants"), BP.comment)}
        for gene in pw.genes:
            for f in flags.get(gene.entrez, ()):
                flagged += 1
                assert any(n.startswith(f"Suspect match {gene.symbol} (ncbigene:{gene.entrez})")
                           and n.endswith(f"[{f.code}]: {f.reason}") for n in notes), (gene.symbol, f)
        for i in pw.interactions:
            said = {str(c) for c in g.objects(rdflib.URIRef(interaction_iri(pw, i)), BP.comment)}
            for node in (i.source, i.target):
                if isinstance(node, Gene):
                    expected = {f"Suspect match {node.symbol} (ncbigene:{node.entrez}) [{f.code}]: {f.reason}"
                                for f in flags.get(node.entrez, ())}
                    assert expected <= said
    assert flagged > 200
    assert not [c for s in g.subjects(rdflib.RDF.type, BP.Protein) for c in g.objects(s, BP.comment)]


def test_translocation_compartments_read_from_the_sentence(seed_pathways):
    """The Transport's compartments: 'translocation of cytosolic MDM2 molecules to the nucleus' (cytosol ->
    nucleus), 'into nuclei' (unlocated -> nucleus), 'calcium influx' (extracellular region -> cytosol); a
    translocation whose sentence names none is a Control of a plain Interaction of the moved entity."""
    from exporters.formats.biopax import compartments
    from exporters.interactions import Interaction
    from exporters.relations import Relation

    def moved(sentence: str, span: str) -> Interaction:
        start = sentence.index(span)
        st = Relation("a", "b", "translocation", True, False, 1, sentence, span, start, start + len(span), "", "")
        return Interaction(None, None, "a", "b", "translocation", True, False, (st,))

    nucleus, cytosol = ("0005634", "nucleus"), ("0005829", "cytosol")
    assert compartments(moved("Furthermore, p-AKT induces the translocation of cytosolic MDM2 molecules to the "
                              "nucleus.", "p-AKT induces the translocation of cytosolic MDM2")) == (cytosol, nucleus)
    assert compartments(moved("TMEM2 increases the translocation of IRF9 into nuclei, thus enhancing ...",
                              "TMEM2 increases the translocation of IRF9")) == (None, nucleus)
    assert compartments(moved("Kv1.3-channels promote calcium influx and trigger ...",
                              "Kv1.3-channels promote calcium")) == (("0005576", "extracellular region"), cytosol)
    assert compartments(moved("X drives the nuclear import of NF-kB.", "X drives the nuclear import of NF-kB")) == (
        None, nucleus)
    assert compartments(moved("X induces the translocation of nuclear factor Y.", "X induces the translocation of "
                                                                                  "nuclear factor Y")) == (None, None)
    pw = by_figid(seed_pathways, "PMC5308639__oncotarget-07-61107-g007")
    i = next(i for i in pw.interactions if i.type == "translocation")
    unstated = dataclasses.replace(i, statements=tuple(dataclasses.replace(s, sentence_text="AKT moves MDM2.",
                                                                           evidence_start=0, evidence_end=14)
                                                       for s in i.statements))
    g = graph(NTriplesExporter().to_bytes(dataclasses.replace(pw, interactions=(unstated,))), "nt")
    process = g.value(rdflib.URIRef(interaction_iri(pw, i)), BP.controlled)
    assert g.value(process, rdflib.RDF.type) == BP.Interaction
    assert set(g.objects(process, BP.participant)) == {rdflib.URIRef(entity_iri(i.target))}
    NTriplesExporter().check_file(corpus_file(NTriplesExporter(), [dataclasses.replace(pw, interactions=(unstated,))]),
                                  "x.nt")


def test_pybiopax_reads_the_interactions_back(caption_graph):
    pathways, _ = caption_graph
    for pw in pathways:
        if not pw.interactions:
            continue
        model = pybiopax.model_from_owl_str(BiopaxExporter().to_bytes(pw).decode("utf-8"))
        for i in pw.interactions:
            main = model.objects[interaction_iri(pw, i)]
            assert type(main).__name__ == MAIN.get(i.type, BP.Control).split("#")[1]
            assert main.evidence[0].evidence_code.term == ["predictive text mining"]
            if i.type in CONTROLS or i.type == "expression":
                assert main.controller[0].uid == entity_iri(i.source)
                assert main.controlled.uid in {c.uid for c in model.objects[BASE + pw.figure.figid].pathway_component}


def test_shapes_catch_what_the_validator_would_on_interactions(caption_graph, shapes):
    """Broken caption interactions: a TemplateReactionRegulation whose controlType the validator's
    ControlTypeRule refuses, a Degradation with a product, an entity on both sides of a conversion, an
    Evidence without a code, a BindingFeature bound to two, an evidence code that is no PSI-MI term."""
    pathways, g = caption_graph
    bad = rdflib.Graph()
    for t in g:
        bad.add(t)
    pw = by_figid(pathways, "PMC4493903__nihms699976f1")
    by_type = {i.type: rdflib.URIRef(interaction_iri(pw, i)) for i in pw.interactions}
    bad.set((by_type["expression"], BP.controlType, rdflib.Literal("INHIBITION-ALLOSTERIC", datatype=XSD_STRING)))
    degradation = bad.value(by_type["degradation"], BP.controlled)
    bad.add((degradation, BP.right, bad.value(degradation, BP.left)))
    activation = bad.value(by_type["inhibition"], BP.controlled)
    bad.add((activation, BP.right, bad.value(activation, BP.left)))
    evidence = bad.value(by_type["binding"], BP.evidence)
    bad.remove((evidence, BP.evidenceCode, None))
    bound = next(bad.subjects(rdflib.RDF.type, BP.BindingFeature))
    bad.add((bound, BP.bindsTo, bound))
    code = rdflib.URIRef(BASE + "ECV_mi_0087")
    bad.set((code, BP["term"], rdflib.Literal("text-mined", datatype=XSD_STRING)))
    found = our_findings(bad.serialize(format="nt", encoding="utf-8"))
    assert found == pyshacl_findings(bad, shapes)
    violations = {(focus, component) for focus, severity, component in found if severity == "Violation"}
    assert {(str(by_type["expression"]), "Pattern"), (str(degradation), "MaxCount"), (str(activation), "Disjoint"),
            (str(evidence), "MinCount"), (str(bound), "MaxCount"), (str(code), "In")} <= violations


def test_slash_chains_are_plain_interactions(seed_figures):
    """With chains on (convert --chains), a slash-chain link ("IL-6/JAK/STAT3 pathway") is a generic
    bp:Interaction of its two ends: toSIF's neighbor-of, no claim of how one acts on the other."""
    pathways = [make_pathway(f, chains=True) for f in seed_figures]
    chains = [(pw, i) for pw in pathways for i in pw.interactions if i.is_chain]
    assert chains
    data = corpus_file(NTriplesExporter(), pathways)
    g = graph(data, "nt")
    for pw, i in chains:
        link = rdflib.URIRef(interaction_iri(pw, i))
        assert g.value(link, rdflib.RDF.type) == BP.Interaction
        assert set(g.objects(link, BP.participant)) == {rdflib.URIRef(entity_iri(i.source)),
                                                         rdflib.URIRef(entity_iri(i.target))}
    NTriplesExporter().check_file(data, "chains.nt")
